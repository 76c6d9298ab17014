"""The FastAPI app factory: nothing happens at import time; resources live in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI

from api.access_recorder import AccessRecorder
from api.boundary import ErrorBoundary
from api.dependencies import refuse_unknown_query
from api.docs import install_docs
from api.guards import Gatekeeper
from api.json_log import log_json_to_stdout
from api.metrics import install_metrics
from api.observer import RequestObserver, request_log
from api.problems import install_problem_handlers
from api.routes import (
    approvals,
    audit,
    complaints,
    contract_actions,
    contracts,
    customers,
    delegations,
    health,
    receivables,
    reports,
)
from api.settings import Settings
from api.storage import open_application
from api.users import UserDirectory
from projections.access_register import AccessRegister
from projections.runtime import Projections
from web.mount import install_pages, refusal_page


def create_app(settings: Settings | None = None, directory: UserDirectory | None = None) -> FastAPI:
    """Build the service; `settings` default to the environment, users to its users file."""
    settings = settings or Settings.from_env()
    directory = directory or UserDirectory.load(settings.users_file)
    log_json_to_stdout(request_log)  # one line per request (SPEC §9)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        application = open_application(settings)
        projections = Projections(
            application, inline=settings.projections_inline, batch_size=settings.projection_batch
        )
        if settings.projections_inline:
            projections.start()
        app.state.application = application
        app.state.projections = projections
        app.state.directory = directory
        app.state.access_register = AccessRegister(projections.store)
        try:
            yield
        finally:
            app.state.access_register.stop()
            projections.stop()
            application.close()

    app = FastAPI(
        docs_url=None,  # served by install_docs, with their files from this service
        redoc_url=None,
        title="contractflow",
        summary="Event-sourced contract lifecycle: draft → review → signed → executing → "
        "accepted → paid.",
        version="0.1.0",
        lifespan=lifespan,
    )
    api = APIRouter(prefix="/api", dependencies=[Depends(refuse_unknown_query)])
    api.include_router(health.router)
    api.include_router(contracts.router)
    api.include_router(contract_actions.router)
    api.include_router(approvals.router)
    api.include_router(delegations.router)
    api.include_router(customers.router)
    api.include_router(complaints.router)
    api.include_router(receivables.router)
    api.include_router(reports.router)
    api.include_router(audit.router)
    app.include_router(api)
    install_docs(app)
    install_pages(app, settings.users_file)
    install_problem_handlers(app, pages=refusal_page)
    app.add_middleware(Gatekeeper, directory=directory, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(AccessRecorder)
    app.add_middleware(ErrorBoundary)
    app.add_middleware(RequestObserver, metrics=install_metrics(app))  # sees every answer
    return app
