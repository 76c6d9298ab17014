"""Figures at scale, each run in a child process (see `measure.in_child`) so that its peak
memory is its own: generating the history, rebuilding the receivables views, verifying."""

from __future__ import annotations

import os
import time
from typing import Any

from tqdm import tqdm

from api.audit_verify import verify
from api.storage import library_env
from bench.measure import children_peak_rss_mb
from bench.population import populate
from domain.application import ContractFlow
from projections.projector import Projector
from projections.rebuild import rebuild
from projections.runtime import Projections
from projections.view import View


def _app(database_url: str) -> ContractFlow:
    return ContractFlow(library_env(database_url, 30))


def generate(database_url: str, contracts: int, customers: int) -> dict[str, Any]:
    app = _app(database_url)
    started = time.perf_counter()
    with tqdm(total=contracts, desc=f"generating {contracts:,} contracts", disable=None) as bar:
        populate(app, contracts, customers, app.today(), done=bar.update)
    events = app.recorder.max_notification_id() or 0
    app.close()
    return {"events": events, "seconds": time.perf_counter() - started}


def rebuild_receivables(database_url: str, rounds: int) -> dict[str, Any]:
    """Build the live receivables views, then rebuild them `rounds` times (replay, compare
    row for row, switch); the rate is of the replay, over every position of the log."""
    app = _app(database_url)
    views = Projections(app)
    live = views.views["receivables"]
    head = views.head()
    built = _built_in(app, live, head)
    rates = []
    for round_ in range(rounds):
        label = f"rebuilding receivables ({round_ + 1}/{rounds})"
        with tqdm(total=head, desc=label, disable=None) as bar:
            result = rebuild(app, live, done=bar.update)
        if not result.identical:
            raise RuntimeError(f"the rebuild differs: {result.differences}")
        rates.append(head / result.replay_seconds)
    views.stop()
    app.close()
    return {"events": head, "first_build_per_second": head / built, "rates": rates}


def build_views(database_url: str, *names: str) -> dict[str, Any]:
    """Bring views to the head; their build rates (events of the log per second)."""
    app = _app(database_url)
    views = Projections(app)
    head, rates = views.head(), {}
    for name in names:
        rates[name] = head / _built_in(app, views.views[name], head)
    views.stop()
    app.close()
    return {"events": head, "rates": rates}


def _built_in(app: ContractFlow, view: View, head: int) -> float:
    """Seconds to bring `view` from where it is to `head`, with progress shown."""
    started = time.perf_counter()
    with tqdm(total=head, desc=f"building {view.name}", disable=None) as bar:
        Projector(app, view).catch_up(until=head, done=bar.update)
    return time.perf_counter() - started


def verify_log(database_url: str) -> dict[str, Any]:
    """Audit verify over the whole log (the seal view already built), in as many processes
    as `contractflow audit verify` uses: one per core."""
    app = _app(database_url)
    views = Projections(app)
    views.refresh("seal")
    workers = os.cpu_count() or 1
    started = time.perf_counter()
    with tqdm(total=views.head(), desc=f"verifying in {workers} processes", disable=None) as bar:
        result = verify(app, views.views["seal"], done=bar.update, workers=workers)
    seconds = time.perf_counter() - started
    views.stop()
    app.close()
    if not result["ok"]:
        raise RuntimeError(f"verify found problems: {result['problems'][:3]}")
    return {
        "events": result["checked"],
        "per_second": result["checked"] / seconds,
        "workers": workers,
        "worker_peak_rss_mb": children_peak_rss_mb(),
    }
