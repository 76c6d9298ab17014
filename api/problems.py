"""Every refusal as RFC 9457 problem details with a `code`, mapped in this one place."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from eventsourcing.persistence import (
    InterfaceError,
    InternalError,
    OperationalError,
    ProgrammingError,
)
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.replies import stored_response
from domain import errors
from domain.idempotency import Replayed
from projections.runtime import ProjectionStalledError

MEDIA_TYPE = "application/problem+json"
# The store failed, not the request: locked, unreachable, its pool exhausted, or a
# connection left unusable (a prepared statement lost). Data the store refuses (DataError)
# or a broken invariant (IntegrityError) is a bug instead, answered 500 and logged.
STORE_FAILURES = (OperationalError, InterfaceError, InternalError, ProgrammingError)
STORE_ERROR_KINDS = (
    (STORE_FAILURES, "unavailable"),
    (errors.BusyError, "busy"),  # version conflicts past every retry
    (errors.IntegrityBrokenError, "integrity"),
)
logger = logging.getLogger("contractflow.store")
RETRY_AFTER_SECONDS = "1"

STATUS_BY_ERROR: dict[type[errors.DomainError], int] = {
    errors.InvalidInputError: 422,
    errors.NotFoundError: 404,
    errors.ForbiddenError: 403,
    errors.ConflictError: 409,
    errors.VersionMismatchError: 412,
    errors.BusyError: 503,
    errors.IntegrityBrokenError: 500,
}
CODE_BY_STATUS = {
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    422: "invalid_input",
    503: "busy",
}


class Problem(BaseModel):
    """RFC 9457 problem details, with the stable machine-readable `code` of SPEC §8."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    code: str


def problem(status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    body = {
        "type": f"/problems/{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    headers = {"Retry-After": RETRY_AFTER_SECONDS} if status == 503 else None
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def status_of(error: errors.DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    raise LookupError(f"no status for {type(error).__name__}")  # a programming error


@dataclass(frozen=True)
class Refusal:
    """What went wrong, before it is written for the one who asked (problem+json for the
    API, a page for a browser)."""

    status: int
    code: str
    detail: str
    extra: dict[str, Any] = field(default_factory=dict)


def _domain_error(_: Request, error: Exception) -> Refusal:
    assert isinstance(error, errors.DomainError)
    return Refusal(status_of(error), error.code, error.detail, error.extra)


def _validation_error(_: Request, error: Exception) -> Refusal:
    assert isinstance(error, RequestValidationError)
    problems = [{"loc": list(item["loc"]), "msg": item["msg"]} for item in error.errors()]
    detail = "; ".join(f"{'.'.join(map(str, p['loc']))}: {p['msg']}" for p in problems)
    return Refusal(422, "invalid_input", detail, {"errors": problems})


def _http_error(_: Request, error: Exception) -> Refusal:
    assert isinstance(error, StarletteHTTPException)
    code = CODE_BY_STATUS.get(error.status_code, "http_error")
    return Refusal(error.status_code, code, str(error.detail))


def _store_unavailable(request: Request, error: Exception) -> Refusal:
    """The client may retry shortly."""
    logger.warning("%s %s: the store failed: %r", request.method, request.url.path, error)
    return Refusal(503, "busy", f"the store is busy or unreachable: {type(error).__name__}")


def _projection_stalled(_: Request, error: Exception) -> Refusal:
    return Refusal(503, "projection_stalled", str(error))


def _replayed(request: Request, replay: Exception) -> Response:
    """A repeated Idempotency-Key: the first response, exactly as it was sent."""
    assert isinstance(replay, Replayed)
    request.state.outcome = "replayed"
    return stored_response(replay.response)


def _counted(request: Request, refusal: Refusal, error: Exception) -> None:
    """For the metrics (SPEC §9): the refusal's code is the outcome of the command it
    refused (`api.observer` counts commands); store errors by kind; 503 answers by code."""
    request.state.outcome = refusal.code
    metrics = request.app.state.metrics
    kind = next((kind for kinds, kind in STORE_ERROR_KINDS if isinstance(error, kinds)), None)
    if kind is not None:
        metrics.store_errors.labels(kind).inc()
    if refusal.status == 503:
        metrics.busy.labels(refusal.code).inc()


PageWriter = Callable[[Request, Refusal], Response]


def install_problem_handlers(app: FastAPI, pages: PageWriter | None = None) -> None:
    """Refusals of the API as problem details; of the web pages, when `pages` writes them,
    as pages."""

    def answering(handler: Callable[[Request, Exception], Refusal]) -> Any:
        def answer(request: Request, error: Exception) -> Response:
            refusal = handler(request, error)
            _counted(request, refusal, error)
            if pages is not None and not request.url.path.startswith("/api/"):
                return pages(request, refusal)
            return problem(refusal.status, refusal.code, refusal.detail, **refusal.extra)

        return answer

    app.add_exception_handler(errors.DomainError, answering(_domain_error))
    app.add_exception_handler(RequestValidationError, answering(_validation_error))
    app.add_exception_handler(StarletteHTTPException, answering(_http_error))
    for failure in STORE_FAILURES:
        app.add_exception_handler(failure, answering(_store_unavailable))
    app.add_exception_handler(ProjectionStalledError, answering(_projection_stalled))
    app.add_exception_handler(Replayed, _replayed)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the problem responses a route may give."""
    return {
        status: {
            "model": Problem,
            "content": {MEDIA_TYPE: {}},
            "description": HTTPStatus(status).phrase,
        }
        for status in statuses
    }
