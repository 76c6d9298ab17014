"""Signing in and out, and `/`, which leads each user to where their day starts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.dependencies import Directory
from web.navigation import start_page
from web.render import page
from web.session import Posted, local, sign_in, sign_out, signed_in_user

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    user = signed_in_user(request)
    return RedirectResponse(start_page(user.actor) if user else "/login", status_code=303)


@router.get("/login")
def login_form(request: Request, back: Annotated[str, Query(alias="next")] = "") -> Response:
    return page(request, "login.html", None, back=local(back, ""))


@router.post("/login")
def login(request: Request, directory: Directory, form: Posted) -> Response:
    """The user id and its token; a wrong pair is refused without saying which was wrong."""
    user, token, back = (
        form.get("user", "").strip(),
        form.get("token", "").strip(),
        form.get("next"),
    )
    found = directory.authenticate(token) if token else None
    if found is None or found.id != user:
        return page(request, "login.html", None, status=401, failed=True, user_id=user, back=back)
    sign_in(request, found)
    return RedirectResponse(local(back, start_page(found.actor)), status_code=303)


@router.post("/logout")
def logout(request: Request, _: Posted) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)
