"""Reads at scale: the finance reports, the ledger search and inbox, and loading
contracts with long histories."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from api.periods import month_bounds
from bench.measure import rounds_of
from bench.population import FINANCE_ACTOR, SPECIALIST, approved, drafted
from domain.application import ContractFlow
from projections.receivables_reports import Scope
from projections.runtime import Projections
from projections.view import recorded

SAMPLES = 5  # per round: a company-wide report at 100,000 contracts takes about a second
LOADS = 200


def report_queries(app: ContractFlow, views: Projections) -> dict[str, dict[str, float]]:
    """The receivables reports for the whole company, as computed by the read models."""
    reports, today = views.receivables, app.today()
    first, last = month_bounds((today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m"))
    halfway = app.recorder.select_notifications(start=views.head() // 2, limit=1)[0]
    known_at = recorded(app.mapper.to_domain_event(halfway).timestamp)
    calls = {
        "statement": lambda: reports.statement(first, last, Scope()),
        "statement, known_at": lambda: reports.statement(first, last, Scope(known_at=known_at)),
        "aging": lambda: reports.aging(today, Scope()),
        "aging, known_at": lambda: reports.aging(today, Scope(known_at=known_at)),
        "collection rate": lambda: reports.collection_rate(first, last, Scope()),
        "statement, one customer": lambda: reports.statement(
            first, last, Scope(customer_id="CUST-00042")
        ),
        "aging, one customer": lambda: reports.aging(today, Scope(customer_id="CUST-00042")),
    }
    return {name: rounds_of(call, SAMPLES) for name, call in calls.items()}


def http_reads(base_url: str, tokens: dict[str, str]) -> dict[str, dict[str, float]]:
    """What a user waits for: the same reports and the ledger over HTTP."""
    finance, manager = tokens["finance"], tokens["manager"]
    paths = {
        "statement": ("/api/receivables/statement", finance),
        "aging": ("/api/receivables/aging", finance),
        "collection rate": ("/api/receivables/collection-rate", finance),
        "ledger search, text": (f"/api/contracts?q={quote('客户00042')}", finance),
        "ledger search, customer": ("/api/contracts?customer_id=CUST-00042", finance),
        "approval inbox": ("/api/approvals/inbox", manager),
    }
    return {
        name: rounds_of(lambda p=path, t=token: _get(base_url + p, t), SAMPLES)
        for name, (path, token) in paths.items()
    }


def long_histories(app: ContractFlow) -> dict[str, Any]:
    """Loading a contract of 5,000 events against one of 10 (snapshots do the work)."""
    short, long_ = _contract_with(app, 10), _contract_with(app, 5000)
    load = {
        events: rounds_of(lambda c=contract: app.contracts.get(FINANCE_ACTOR, c), LOADS)
        for events, contract in ((10, short), (5000, long_))
    }
    return {
        "10 events": load[10],
        "5000 events": load[5000],
        "ratio_p50": load[5000]["p50_ms"] / load[10]["p50_ms"],
    }


def _contract_with(app: ContractFlow, events: int) -> Any:
    """A contract of exactly `events` events: approved, signed, started, then shipments and
    payments of one yuan, saved a hundred events at a time as a busy contract would be."""
    contract = approved(drafted(8_000_000 + events, 1000, Decimal("900000.00")))
    contract.sign(SPECIALIST, app.today())
    contract.start(SPECIALIST, app.today())
    one, step = Decimal("1.00"), 0
    while contract.version < events:
        if step % 2 == 0:
            contract.ship(SPECIALIST, one, app.today(), None)
        else:
            contract.pay(FINANCE_ACTOR, one, app.today(), f"L-{step}")
        step += 1
        if len(contract.pending_events) >= 100:
            app.save(contract)
    app.save(contract)
    assert contract.version == events
    return contract.id


def _get(url: str, token: str) -> Any:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return json.loads(response.read())
