"""Reads at scale: the finance reports, the ledger search and inbox, and loading
contracts with long histories."""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx

from api.periods import month_bounds
from bench.measure import rounds_of
from bench.population import FINANCE_ACTOR, SPECIALIST, approved, drafted
from bench.server import USERS
from domain.application import ContractFlow
from projections.receivables_figures import Scope
from projections.runtime import Projections
from projections.view import recorded

SAMPLES = {"fast": 20, "slow": 5}  # calls a round: a report of the facts takes about a second
LOADS = 200
CUSTOMER = "CUST-00042"


def report_queries(app: ContractFlow, views: Projections) -> dict[str, dict[str, float]]:
    """The receivables reports for the whole company, as the read models answer them: today's
    questions from the maintained figures, a past day or `known_at` from the facts."""
    reports, today = views.receivables, app.today()
    first, last = month_bounds((today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m"))
    halfway = app.recorder.select_notifications(start=views.head() // 2, limit=1)[0]
    known_at = Scope(known_at=recorded(app.mapper.to_domain_event(halfway).timestamp))
    one = Scope(customer_id=CUSTOMER)
    calls = {
        "aging as of today": ("fast", lambda: reports.aging(today, Scope())),
        "statement of a month": ("fast", lambda: reports.statement(first, last, Scope())),
        "collection rate of a month": (
            "fast", lambda: reports.collection_rate(first, last, Scope()),
        ),
        "aging, one customer": ("fast", lambda: reports.aging(today, one)),
        "open items, one customer": ("fast", lambda: reports.open_items(today, one)),
        "aging, a past as_of": ("slow", lambda: reports.aging(first, Scope())),
        "aging, known_at": ("slow", lambda: reports.aging(today, known_at)),
        "statement, known_at": ("slow", lambda: reports.statement(first, last, known_at)),
    }  # fmt: skip
    return {name: rounds_of(call, SAMPLES[speed]) for name, (speed, call) in calls.items()}


def http_reads(base_url: str, tokens: dict[str, str]) -> dict[str, dict[str, float]]:
    """What a user waits for: the same reports, the ledger, the inbox and the web pages over
    HTTP (server and client on this machine: the time includes the client's share)."""
    finance, manager = tokens["finance"], tokens["manager"]
    paths = {
        "statement": ("/api/receivables/statement", finance),
        "aging": ("/api/receivables/aging", finance),
        "collection rate": ("/api/receivables/collection-rate", finance),
        "aging, one customer": (f"/api/receivables/aging?customer_id={CUSTOMER}", finance),
        "ledger search, text": (f"/api/contracts?q={quote('客户00042')}", finance),
        "ledger search, customer": (f"/api/contracts?customer_id={CUSTOMER}", finance),
        "approval inbox, a page of 50": ("/api/approvals/inbox?limit=50", manager),
        "approval inbox, every step at once": ("/api/approvals/inbox", manager),
    }
    figures = {
        name: rounds_of(lambda p=path, t=token: _get(base_url + p, t), SAMPLES["fast"])
        for name, (path, token) in paths.items()
    }
    with httpx.Client(base_url=base_url, timeout=60) as browser:
        _sign_in(browser, USERS["finance"][0], finance)
        for name, path in (
            ("aging page", "/receivables/aging"),
            ("customer drill-down page", f"/receivables/aging/{CUSTOMER}"),
        ):
            figures[name] = rounds_of(lambda p=path: _page(browser, p), SAMPLES["fast"])
    return figures


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


def _sign_in(browser: httpx.Client, user_id: str, token: str) -> None:
    """As a person does: the login form, then its post with the form's CSRF token."""
    form = browser.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    if csrf is None:
        raise RuntimeError("the login page has no CSRF token")
    answer = browser.post("/login", data={"user": user_id, "token": token, "csrf": csrf[1]})
    if answer.status_code != 303:
        raise RuntimeError(f"signing in answered {answer.status_code}")


def _page(browser: httpx.Client, path: str) -> None:
    answer = browser.get(path)
    if answer.status_code != 200:
        raise RuntimeError(f"GET {path} answered {answer.status_code}")


def _get(url: str, token: str) -> Any:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return json.loads(response.read())
