"""A page's form post, said once: read the form with the API's body model, run the command
once (a second click replays nothing), then back to a page with a word of what was done —
or the same page again, the form as typed and the refusal shown, with the refusal's status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.problems import status_of
from domain.errors import DomainError, NotFoundError
from domain.idempotency import IdempotentRequest, Replayed
from web.forms import read, refusal_field
from web.i18n import catalogue
from web.render import done, language
from web.session import form_once


@dataclass(frozen=True)
class Failed:
    """A form that came back refused: which, what was typed, and what is wrong where."""

    action: str
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)


def posted(
    request: Request,
    user: Any,
    form: dict[str, str],
    action: str,
    model: type[BaseModel],
    run: Callable[[Any, IdempotentRequest | None], str],
    again: Callable[[Failed, int], Response],
    replayed: str,
) -> Response:
    """`run(body, once)` does the command and names the page to go back to; `again(failed,
    status)` draws the form's page with what went wrong, a refusal beside the field its
    code concerns; `replayed` is where a second click on the same form goes. An unknown
    or hidden resource is the not-found page, not a form."""
    body, errors = read(model, form, request.app.state.application.timezone)
    if body is None:
        return again(Failed(action, form, errors), 422)
    try:
        back = run(body, form_once(user, form))
    except Replayed:  # a second click on the same form: it was done the first time
        back = replayed
    except NotFoundError:
        raise
    except DomainError as error:
        failed = Failed(action, form, {refusal_field(error.code, model): error.code})
        return again(failed, status_of(error))
    t = catalogue(language(request))
    return done(request, back, t("page.done", action=t(f"action.{action}")))
