"""The API documentation (`/docs`, `/redoc`) with Swagger UI's and ReDoc's files served by
the service itself, from the `fastapi-offline` package: they work with no internet."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"
AT = "/static/docs"


def install_docs(app: FastAPI) -> None:
    app.mount(AT, StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{app.title} · API",
            swagger_js_url=f"{AT}/swagger-ui-bundle.js",
            swagger_css_url=f"{AT}/swagger-ui.css",
            swagger_favicon_url=f"{AT}/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title=f"{app.title} · API",
            redoc_js_url=f"{AT}/redoc.standalone.js",
            redoc_favicon_url=f"{AT}/favicon.png",
            with_google_fonts=False,
        )
