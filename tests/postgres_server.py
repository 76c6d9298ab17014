"""A PostgreSQL server for the test run: the configured one, or a throwaway `pgserver`.

Either way the run gets its own fresh database, dropped at the end.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg

ENV_URL = "CONTRACTFLOW_TEST_DATABASE_URL"


@contextmanager
def server_url() -> Iterator[str]:
    """The admin URL of a running server: from the environment, else one started here."""
    configured = os.environ.get(ENV_URL)
    if configured:
        yield configured
        return
    import pgserver  # noqa: PLC0415 - only needed when no server is configured

    with tempfile.TemporaryDirectory(prefix="contractflow-pg-") as data_dir:
        server = pgserver.get_server(data_dir, cleanup_mode="stop")
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """Create a database for this run and drop it afterwards."""
    name = f"contractflow_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(admin_url, name)
    finally:
        with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_schema(database_url: str) -> str:
    """A fresh schema for one test; returned as the URL the application should use."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_conninfo(database_url), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in database_url else "?"
    return f"{database_url}{separator}schema={schema}"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def split_schema(url: str) -> tuple[str, str | None]:
    """psycopg understands the URL itself, except our own `schema` parameter."""
    parts = urlsplit(url)
    params = [p for p in parts.query.split("&") if p]
    schema = next((p.removeprefix("schema=") for p in params if p.startswith("schema=")), None)
    query = "&".join(p for p in params if not p.startswith("schema="))
    return urlunsplit(parts._replace(query=query)), schema


def _conninfo(url: str) -> str:
    return split_schema(url)[0]


class ThrowawayServer:
    """A PostgreSQL server of this test run's own, which a fault test may stop and start:
    never the configured one, which other work may share."""

    def __init__(self, data_dir: str) -> None:
        import pgserver  # noqa: PLC0415 - only needed by fault tests

        self._server = pgserver.get_server(data_dir, cleanup_mode="stop")
        self.url = self._server.get_uri()
        self._pgdata, self._user = self._server.pgdata, self._server.system_user

    def stop(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "stop")

    def start(self) -> None:
        self._pg_ctl("-w", "restart")  # with the options it was last started with

    def _pg_ctl(self, *args: str) -> None:
        from pgserver import _commands  # noqa: PLC0415

        _commands.pg_ctl(list(args), pgdata=self._pgdata, user=self._user, timeout=60)  # type: ignore[attr-defined]

    def close(self) -> None:
        self._server.cleanup()


@contextmanager
def throwaway_server() -> Iterator[ThrowawayServer]:
    with tempfile.TemporaryDirectory(prefix="contractflow-pg-fault-") as data_dir:
        server = ThrowawayServer(data_dir)
        try:
            yield server
        finally:
            server.close()
