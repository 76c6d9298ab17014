"""Who is signed in to the pages (SPEC §10): a signed, HttpOnly, SameSite=Strict session
cookie holds the user id, the digest of the token they signed in with, their language and
a CSRF token that every form carries back."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from api.users import User, UserDirectory
from domain.idempotency import IdempotentRequest

COOKIE = "contractflow_session"
MAX_AGE = 12 * 3600  # a working day


class SignInRequired(Exception):  # noqa: N818 - a way a request ends, not a fault
    """The page needs a signed-in user: the visitor is sent to /login."""


class StaleForm(Exception):  # noqa: N818
    """A form came back without this session's CSRF token."""


def session_secret(users_file: Path) -> str:
    """`CONTRACTFLOW_SESSION_SECRET`, else one kept beside the users file (made once, read
    by every process of the service, so their cookies agree)."""
    configured = os.environ.get("CONTRACTFLOW_SESSION_SECRET")
    if configured:
        return configured
    path = users_file.with_name(users_file.name + ".session-secret")
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def sign_in(request: Request, user: User) -> None:
    """A new session (its CSRF token too), keeping only the language chosen."""
    language = request.session.get("lang")
    request.session.clear()
    request.session.update(
        {"user": user.id, "digest": user.token_sha256, "csrf": secrets.token_urlsafe(24)}
    )
    if language:
        request.session["lang"] = language


def sign_out(request: Request) -> None:
    language = request.session.get("lang")
    request.session.clear()
    if language:
        request.session["lang"] = language


def signed_in_user(request: Request) -> User | None:
    """Who the session names, while their token is still the one they signed in with."""
    directory: UserDirectory = request.app.state.directory
    user_id, digest = request.session.get("user"), request.session.get("digest")
    return directory.signed_in(user_id, digest) if user_id and digest else None


def _visitor(request: Request) -> User:
    user = signed_in_user(request)
    if user is None:
        raise SignInRequired
    request.state.user = user  # as the API's gatekeeper does: the access register reads it
    return user


def csrf_token(request: Request) -> str:
    return request.session.setdefault("csrf", secrets.token_urlsafe(24))


def check_csrf(request: Request, sent: str | None) -> None:
    if not sent or not hmac.compare_digest(sent, request.session.get("csrf", "")):
        raise StaleForm


Visitor = Annotated[User, Depends(_visitor)]


def local(path: str | None, fallback: str) -> str:
    """A path on this site to go back to; anything else (another host) is not followed."""
    if path and path.startswith("/") and not path.startswith(("//", "/\\")):
        return path
    return fallback


async def _posted(request: Request) -> dict[str, str]:
    """A form post's fields, once its CSRF token is this session's (every form carries it)."""
    form = await request.form()
    check_csrf(request, str(form.get("csrf", "")))
    return {key: str(value) for key, value in form.multi_items()}


Posted = Annotated[dict[str, str], Depends(_posted)]


def form_once(user: User, form: dict[str, str]) -> IdempotentRequest | None:
    """A form rendered once is done once, however many times it is sent (its `once`
    field is the key; the rest of the form is what a key may not be reused for)."""
    key = form.get("once")
    if not key:
        return None
    asked = "&".join(f"{k}={v}" for k, v in sorted(form.items()) if k not in ("csrf", "once"))
    fingerprint = hashlib.sha256(asked.encode()).hexdigest()
    return IdempotentRequest(user.id, f"page:{key}", fingerprint, lambda _: {"status": 303})
