"""`CONTRACTFLOW_DATABASE_URL` → the eventsourcing library's persistence settings."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from api.settings import Settings
from domain.application import ContractFlow


class DatabaseUrlError(ValueError):
    """The URL names no store contractflow knows."""


class StoreLockedError(Exception):
    """The store's events cannot be read with the key given (or without one)."""


def library_env(
    database_url: str, timeout_seconds: int, encryption_key: str | None = None
) -> dict[str, str]:
    """The store's settings, and the library's AES cipher when a key is given."""
    env = _store_env(database_url, timeout_seconds)
    if encryption_key:
        env |= {
            "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher",
            "CIPHER_KEY": encryption_key,
        }
    return env


def _store_env(database_url: str, timeout_seconds: int) -> dict[str, str]:
    """`memory:`, `sqlite:///path.db` or `postgresql://user:pass@host:port/db[?schema=s]`."""
    if database_url == "memory:":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        if not path:
            raise DatabaseUrlError("sqlite URL needs a path: sqlite:///./contractflow.db")
        return {
            "PERSISTENCE_MODULE": "api.bounded_stores:BoundedSQLiteFactory",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": str(timeout_seconds),
        }
    parts = urlsplit(database_url)
    if parts.scheme in ("postgresql", "postgres"):
        return _postgres_env(database_url, timeout_seconds)
    raise DatabaseUrlError(
        f"unsupported database URL {database_url!r}: use memory:, sqlite:///… or postgresql://…"
    )


def _postgres_env(database_url: str, timeout_seconds: int) -> dict[str, str]:
    parts = urlsplit(database_url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    env = {
        "PERSISTENCE_MODULE": "api.bounded_stores:BoundedPostgresFactory",
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
        # `?host=/socket/dir` reaches a server over its Unix socket.
        "POSTGRES_HOST": query.get("host") or parts.hostname or "localhost",
        "POSTGRES_PORT": str(parts.port or query.get("port") or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        # Bounded waits: a starved pool or a held lock becomes 503, never a hang.
        "POSTGRES_CONNECT_TIMEOUT": str(timeout_seconds),
        "POSTGRES_LOCK_TIMEOUT": str(timeout_seconds),
        # A connection the server closed (restarted, or ended an idle transaction) is
        # replaced when taken from the pool, not handed to the next request to fail.
        "POSTGRES_PRE_PING": "y",
        "POSTGRES_POOL_SIZE": query.get("pool_size", "10"),
        "POSTGRES_MAX_OVERFLOW": query.get("max_overflow", "10"),
    }
    if "schema" in query:
        env["POSTGRES_SCHEMA"] = query["schema"]
    return env


def redacted(database_url: str) -> str:
    """The URL fit to print: its password replaced (SPEC §9: passwords are never printed)."""
    parts = urlsplit(database_url)
    if parts.password is None:
        return database_url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def open_application(settings: Settings) -> ContractFlow:
    """The one application instance a process uses, on the configured store."""
    env = library_env(settings.database_url, settings.db_timeout_seconds, settings.encryption_key)
    if settings.audit_signing_key:
        env["AUDIT_SIGNING_KEY"] = settings.audit_signing_key
    app = ContractFlow(
        env,
        routing=settings.routing,
        service_levels=settings.service_levels,
        timezone=settings.timezone,
    )
    ensure_readable(app, keyed=settings.encryption_key is not None)
    return app


def ensure_readable(app: ContractFlow, *, keyed: bool) -> None:
    """Refuse to start on a store whose events this key (or no key) cannot read."""
    first = app.recorder.select_notifications(start=None, limit=1)
    if not first:
        return
    try:
        app.mapper.to_domain_event(first[0])
    except (ValueError, TypeError) as error:
        app.close()
        hint = (
            "CONTRACTFLOW_ENCRYPTION_KEY does not decrypt this store"
            if keyed
            else "this store is encrypted: set CONTRACTFLOW_ENCRYPTION_KEY to its key"
        )
        raise StoreLockedError(f"cannot read the events: {hint} ({type(error).__name__})") from None
