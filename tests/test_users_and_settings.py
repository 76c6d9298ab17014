"""The users file (SPEC §7), the storage URLs and the configuration of SPEC §9."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from api.settings import Settings
from api.storage import DatabaseUrlError, library_env, redacted
from api.users import UserDirectory, UsersFileError, add_user, token_digest
from domain.contracts.routing import ApprovalRouting


def test_a_new_user_gets_a_token_whose_digest_alone_is_stored(tmp_path: Path) -> None:
    users_file = tmp_path / "users.toml"
    token = add_user(users_file, "li.lei", "李雷", ["sales"])
    stored = users_file.read_text(encoding="utf-8")
    assert token not in stored
    assert token_digest(token) in stored
    user = UserDirectory.load(users_file).authenticate(token)
    assert user is not None
    assert (user.id, user.name, user.roles) == ("li.lei", "李雷", frozenset({"sales"}))
    assert UserDirectory.load(users_file).authenticate(token + "x") is None


def test_the_spec_example_file_loads(tmp_path: Path) -> None:
    users_file = tmp_path / "users.toml"
    digest = token_digest("t0k")
    users_file.write_text(
        f'[users."li.lei"]\nname = "李雷"\nroles = ["sales"]\ntoken_sha256 = "{digest}"\n',
        encoding="utf-8",
    )
    assert UserDirectory.load(users_file).authenticate("t0k").id == "li.lei"


@pytest.mark.parametrize(
    "content",
    [
        'users = "nope"',
        '[users.a]\nroles = ["sales"]\n',
        '[users.a]\nroles = ["king"]\ntoken_sha256 = "' + "0" * 64 + '"\n',
        '[users.a]\nroles = ["sales"]\ntoken_sha256 = "abc"\n',
        "[users.a\n",
    ],
)
def test_a_malformed_users_file_is_a_clear_error(tmp_path: Path, content: str) -> None:
    users_file = tmp_path / "users.toml"
    users_file.write_text(content, encoding="utf-8")
    with pytest.raises(UsersFileError, match="malformed"):
        UserDirectory.load(users_file)


def test_a_missing_users_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(UsersFileError, match="contractflow users add"):
        UserDirectory.load(tmp_path / "absent.toml")


def test_unknown_roles_are_refused_when_adding(tmp_path: Path) -> None:
    with pytest.raises(UsersFileError, match="unknown roles"):
        add_user(tmp_path / "users.toml", "x", "x", ["emperor"])


def test_store_urls_map_to_the_library_settings() -> None:
    assert library_env("memory:", 5) == {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    sqlite = library_env("sqlite:///./data/cf.db", 5)
    assert (sqlite["PERSISTENCE_MODULE"], sqlite["SQLITE_DBNAME"]) == (
        "api.bounded_stores:BoundedSQLiteFactory",
        "./data/cf.db",
    )
    postgres = library_env("postgresql://cf:s%40cret@db.local:6543/contracts?schema=prod", 3)
    assert postgres["POSTGRES_HOST"] == "db.local"
    assert postgres["POSTGRES_PORT"] == "6543"
    assert postgres["POSTGRES_USER"] == "cf"
    assert postgres["POSTGRES_PASSWORD"] == "s@cret"
    assert postgres["POSTGRES_DBNAME"] == "contracts"
    assert postgres["POSTGRES_SCHEMA"] == "prod"
    assert postgres["POSTGRES_LOCK_TIMEOUT"] == postgres["POSTGRES_CONNECT_TIMEOUT"] == "3"
    assert library_env("postgresql://u@/db?host=/run/pg", 3)["POSTGRES_HOST"] == "/run/pg"


@pytest.mark.parametrize("url", ["mysql://x/y", "sqlite:///", "contracts.db"])
def test_unknown_store_urls_are_refused(url: str) -> None:
    with pytest.raises(DatabaseUrlError):
        library_env(url, 5)


def test_settings_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "CONTRACTFLOW_DATABASE_URL": "memory:",
            "CONTRACTFLOW_USERS": "/etc/cf/users.toml",
            "CONTRACTFLOW_TIMEZONE": "Europe/Berlin",
            "CONTRACTFLOW_FINANCE_REVIEW_FROM": "50000",
            "CONTRACTFLOW_DIRECTOR_APPROVAL_FROM": "500000",
        }
    )
    assert settings.database_url == "memory:"
    assert settings.users_file == Path("/etc/cf/users.toml")
    assert settings.timezone == "Europe/Berlin"
    assert settings.routing == ApprovalRouting(Decimal("50000"), Decimal("500000"))
    defaults = Settings.from_env({})
    assert defaults.database_url == "sqlite:///./contractflow.db"
    assert defaults.routing == ApprovalRouting()


def test_configured_thresholds_route_approvals() -> None:
    routing = ApprovalRouting(Decimal("50000"), Decimal("500000"))
    assert routing.required_steps(Decimal("49999.99")) == ["contract_review", "manager_approval"]
    assert routing.required_steps(Decimal("500000")) == [
        "contract_review",
        "manager_approval",
        "finance_review",
        "director_approval",
    ]


def test_users_added_while_running_are_recognised(tmp_path: Path) -> None:
    users_file = tmp_path / "users.toml"
    first = add_user(users_file, "a", "A", ["sales"])
    directory = UserDirectory.load(users_file)
    second = add_user(users_file, "b", "B", ["finance"])
    assert directory.authenticate(second).id == "b"
    assert directory.authenticate(first).id == "a"


@pytest.mark.parametrize("breakage", ["half-edited", "deleted"])
def test_a_broken_users_file_refuses_everyone_until_fixed(tmp_path: Path, breakage: str) -> None:
    """Fail closed: keeping the users read before would keep a user just removed."""
    users_file = tmp_path / "users.toml"
    token = add_user(users_file, "a", "A", ["sales"])
    directory = UserDirectory.load(users_file)
    if breakage == "deleted":
        users_file.unlink()
    else:
        users_file.write_text("[users.a\n", encoding="utf-8")
    assert directory.authenticate(token) is None
    assert directory.broken
    users_file.unlink(missing_ok=True)
    token = add_user(users_file, "a", "A", ["sales"])  # fixed
    assert directory.authenticate(token).id == "a"
    assert directory.broken is None


def test_passwords_never_reach_the_printed_url() -> None:
    assert redacted("postgresql://cf:s%40cret@db.local:6543/contracts?schema=x") == (
        "postgresql://cf:***@db.local:6543/contracts?schema=x"
    )
    assert redacted("sqlite:///./contractflow.db") == "sqlite:///./contractflow.db"
