"""Fixtures: a store of each kind, the application on it, and an HTTP client with users."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import fastapi.dependencies.models
import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.storage import open_application
from api.users import UserDirectory, add_user
from domain.actors import Actor
from domain.application import ContractFlow
from tests.desk import Desk
from tests.live_server import live_server
from tests.postgres_server import create_schema, fresh_database, server_url

STORES = [
    "memory",
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
]

# id → roles of the users every API test can act as.
TEST_USERS: dict[str, list[str]] = {
    "li.lei": ["sales"],
    "han.meimei": ["sales"],
    "wang.fang": ["contract_specialist"],
    "zhang.wei": ["contract_specialist"],
    "zhao.qiang": ["finance"],
    "qian.li": ["finance"],
    "chen.jing": ["manager"],
    "zhou.min": ["manager"],
    "liu.yang": ["director"],
    "sun.li": ["customer_service"],
    "zhou.kefu": ["customer_service"],
    "zhou.shen": ["auditor"],
    "ma.dual": ["contract_specialist", "manager"],
}


def actor(user_id: str) -> Actor:
    return Actor(user_id, frozenset(TEST_USERS[user_id]))


@pytest.fixture(autouse=True)
def _apps_forgotten_after_each_test() -> Iterator[None]:
    """FastAPI keeps what it learns of each endpoint and dependency callable in module-level
    LRU caches (4,096 entries each); the per-application ones (the offline docs pages,
    /metrics) hold each test's whole application with them, about 4.6 MB a test: over the
    suite, gigabytes that every garbage collection walks. Cleared after each test."""
    yield
    for cached in vars(fastapi.dependencies.models).values():
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    with server_url() as admin_url, fresh_database(admin_url) as url:
        yield url


def fresh_store(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if kind == "memory":
        return "memory:"
    if kind == "sqlite":
        tmp_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{tmp_path / 'contractflow.db'}"
    return create_schema(request.getfixturevalue("postgres_database"))


@pytest.fixture(params=STORES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store of each kind."""
    return fresh_store(request.param, request, tmp_path)


@pytest.fixture(params=STORES[1:])
def durable_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store that other processes can open too: SQLite or PostgreSQL."""
    return fresh_store(request.param, request, tmp_path)


@pytest.fixture
def users_file(tmp_path: Path) -> Path:
    return tmp_path / "users.toml"


@pytest.fixture
def settings(database_url: str, users_file: Path) -> Settings:
    return Settings(database_url=database_url, users_file=users_file)


@pytest.fixture
def application(settings: Settings) -> Iterator[ContractFlow]:
    app = open_application(settings)
    yield app
    app.close()


@pytest.fixture
def tokens(users_file: Path) -> dict[str, str]:
    return {
        user_id: add_user(users_file, user_id, user_id, roles)
        for user_id, roles in TEST_USERS.items()
    }


@pytest.fixture
def client(settings: Settings, tokens: dict[str, str]) -> Iterator[TestClient]:
    app = create_app(settings, UserDirectory.load(settings.users_file))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def as_user(tokens: dict[str, str]) -> Callable[[str], dict[str, str]]:
    """Headers that authenticate as the named test user."""
    return lambda user_id: {"Authorization": f"Bearer {tokens[user_id]}"}


@pytest.fixture
def desk(client: TestClient, as_user: Callable[[str], dict[str, str]]) -> Desk:
    return Desk(client, as_user)


@pytest.fixture
def live_desk(settings: Settings, as_user: Callable[[str], dict[str, str]]) -> Iterator[Desk]:
    """A desk talking to a real uvicorn server over loopback."""
    app = create_app(settings, UserDirectory.load(settings.users_file))
    with live_server(app) as base_url, httpx.Client(base_url=base_url, timeout=120) as http:
        yield Desk(http, as_user)


Pages = Callable[[str], TestClient]


@pytest.fixture
def signed_in(client: TestClient, tokens: dict[str, str]) -> Pages:
    """The client, signed in to the pages as the given user (one session at a time)."""

    def sign_in(user: str) -> TestClient:
        client.cookies.clear()
        form = client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)[1]  # type: ignore[index]
        response = client.post(
            "/login", data={"user": user, "token": tokens[user], "csrf": csrf},
            follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 303, response.text
        return client

    return sign_in
