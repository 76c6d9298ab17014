"""The users file of SPEC §7: TOML, tokens stored only as SHA-256 hex digests."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from domain.actors import ROLES, Actor

logger = logging.getLogger(__name__)


class UsersFileError(Exception):
    """The users file is missing or malformed; the message says how to fix it."""


@dataclass(frozen=True)
class User:
    id: str
    name: str
    roles: frozenset[str]
    token_sha256: str

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.roles)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "cf_" + secrets.token_urlsafe(32)


class UserDirectory:
    """Users by token digest. The file is read again when it changes, so that
    `contractflow users add` takes effect without a restart. A file that is gone or
    half-edited fails closed: nobody is let in until it reads again (`broken` says why)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self.users: dict[str, User] = {}
        self.broken: str | None = None
        self._refresh()

    @classmethod
    def load(cls, path: Path) -> UserDirectory:
        if not path.exists():
            raise UsersFileError(
                f"no users file at {path}: set CONTRACTFLOW_USERS, add one with "
                "`contractflow users add ID --name NAME --role ROLE`, or run "
                "`contractflow serve --demo`"
            )
        directory = cls(path)
        if directory.broken:
            raise UsersFileError(directory.broken)
        return directory

    def authenticate(self, token: str) -> User | None:
        """The user whose token this is; digests are compared in constant time."""
        self._refresh()
        digest = token_digest(token)
        found = None
        for user in self.users.values():
            if hmac.compare_digest(user.token_sha256, digest):
                found = user
        return found

    def signed_in(self, user_id: str, token_digest: str) -> User | None:
        """The user a page session names, while their token is still the one they signed in
        with (a re-issued token ends the sessions opened with the old one)."""
        self._refresh()
        user = self.users.get(user_id)
        if user is None or not hmac.compare_digest(user.token_sha256, token_digest):
            return None
        return user

    def _refresh(self) -> None:
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            if stamp == self._stamp:
                return
            with self._lock:
                self.users, self.broken, self._stamp = read_users(self.path), None, stamp
        except (OSError, UsersFileError) as error:
            with self._lock:
                if self.broken is None:
                    logger.error("users file unusable, refusing everyone until fixed: %s", error)
                self.users, self.broken, self._stamp = {}, str(error), None


def read_users(path: Path) -> dict[str, User]:
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("users", {})
        return {user_id: _user(user_id, entry) for user_id, entry in table.items()}
    except (tomllib.TOMLDecodeError, AttributeError, KeyError, TypeError, ValueError) as error:
        raise UsersFileError(f"users file {path} is malformed: {error}") from error


def _user(user_id: str, entry: dict[str, object]) -> User:
    roles = frozenset(entry["roles"])  # type: ignore[arg-type]
    unknown = roles - ROLES
    if unknown:
        raise ValueError(f"user {user_id} has unknown roles {sorted(unknown)}")
    digest = str(entry["token_sha256"]).lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"user {user_id}: token_sha256 must be 64 hex digits")
    return User(user_id, str(entry.get("name", user_id)), roles, digest)


def add_user(path: Path, user_id: str, name: str, roles: list[str]) -> str:
    """Add or replace a user; returns the new token, which is shown once and not stored."""
    unknown = set(roles) - ROLES
    if unknown:
        raise UsersFileError(f"unknown roles {sorted(unknown)}; roles: {sorted(ROLES)}")
    table = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    token = new_token()
    table.setdefault("users", {})[user_id] = {
        "name": name,
        "roles": sorted(roles),
        "token_sha256": token_digest(token),
    }
    path.write_text(tomli_w.dumps(table), encoding="utf-8")
    return token
