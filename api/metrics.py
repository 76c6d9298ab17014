"""`GET /metrics` (SPEC §9) in the Prometheus text format, with `prometheus-client`.

The metrics are made with each app, in a registry of its own, so that every app a test
builds counts alone (the library's global registry refuses a family registered twice).
When `PROMETHEUS_MULTIPROC_DIR` is set (`contractflow serve --workers N`), the library
keeps the counts of every process in that directory and each scrape merges them, as its
multiprocess mode documents. The views' position and lag are read from the store at
scrape time, so any process answers them right.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.datastructures import State

from api.problems import STORE_FAILURES

MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"
# Seconds; the bounds include the latency targets of issue #14 (20, 50, 150, 300 ms).
LATENCY_BUCKETS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
logger = logging.getLogger("contractflow.metrics")


class Metrics:
    """The families the service counts into; the views' figures are collected on scrape."""

    def __init__(self, state: State) -> None:
        self.registry = CollectorRegistry()
        self.views = ViewsCollector(state)
        self.registry.register(self.views)
        self.requests = self._counter(
            "contractflow_http_requests_total",
            "HTTP requests answered, by route template and status",
            "method", "route", "status",
        )  # fmt: skip
        self.duration = Histogram(
            "contractflow_http_request_duration_seconds",
            "Time to answer, by route template",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.commands = self._counter(
            "contractflow_commands_total",
            "Commands taken by the API, by type and outcome (ok, replayed, or the refusal's code)",
            "command", "outcome",
        )  # fmt: skip
        self.store_errors = self._counter(
            "contractflow_store_errors_total",
            "Store errors answered: unavailable (503), busy (version conflicts past every retry, "
            "503), integrity (a broken chain, 500)",
            "kind",
        )
        self.busy = self._counter(
            "contractflow_busy_answers_total", "503 answers, by problem code", "code"
        )

    def _counter(self, name: str, documentation: str, *labels: str) -> Counter:
        return Counter(name, documentation, labels, registry=self.registry)

    def scraped(self) -> CollectorRegistry:
        """What a scrape shows: this process's registry, or every process's counts merged."""
        if MULTIPROCESS not in os.environ:
            return self.registry
        merged = CollectorRegistry()
        MultiProcessCollector(merged)
        merged.register(self.views)
        return merged


class ViewsCollector:
    """Each view's position, lag and stop, from `Projections.status()` as the store has them
    now. A store that cannot answer leaves them out: the scrape still shows its errors."""

    def __init__(self, state: State) -> None:
        self.state = state  # the app's: its views exist once the lifespan has started

    def collect(self) -> Iterator[Metric]:
        views = getattr(self.state, "projections", None)
        if views is None:
            return
        try:
            status = views.status()
        except STORE_FAILURES as error:
            logger.warning("metrics: the views' positions cannot be read: %r", error)
            return
        position = _gauge("contractflow_projection_position", "Log position each view has applied")
        lag = _gauge("contractflow_projection_lag_events", "Events the view has yet to apply")
        stopped = _gauge(
            "contractflow_projection_stopped",
            "1 when the view stopped before an event it cannot apply",
        )
        for name, figures in status.items():
            position.add_metric([name], figures["position"])
            lag.add_metric([name], figures["lag"])
            stopped.add_metric([name], int(figures["stuck"] is not None))
        yield from (position, lag, stopped)


def _gauge(name: str, documentation: str) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=["view"])


def install_metrics(app: FastAPI) -> Metrics:
    """The app's metrics, on `app.state.metrics`, and `GET /metrics` (no authentication)."""
    app.state.metrics = metrics = Metrics(app.state)

    def scrape(request: Request) -> Response:
        """Prometheus metrics: requests by route template and status, latency histograms,
        commands by type and outcome, views' position and lag, store errors, busy answers."""
        encode, media_type = choose_encoder(request.headers.get("accept", ""))
        return Response(encode(metrics.scraped()), media_type=media_type)

    app.add_api_route(
        "/metrics", scrape, methods=["GET"], name="metrics", tags=["operations"],
        response_class=PlainTextResponse,  # documented as what it is, not JSON
        responses={200: {"content": {"application/openmetrics-text": {}}}},
    )  # fmt: skip
    return metrics
