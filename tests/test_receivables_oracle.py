"""The receivables views against an independent oracle over random histories (SPEC §5),
with the reconciliation invariants that tie statement and aging together."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.periods import month_bounds
from api.storage import library_env
from domain.application import ContractFlow
from projections.rebuild import rebuild
from projections.receivables_figures import BUCKETS, Scope
from projections.runtime import Projections
from projections.view import recorded
from tests import oracle
from tests.receivables_history import attempt, executing_contract

MONTH_EDGES = sorted(
    {(date(2026, m, 1) - date(2026, 1, 1)).days + d for m in range(1, 10) for d in (-1, 0)} - {-1}
)
DAYS = st.one_of(st.integers(0, 200), st.sampled_from(MONTH_EDGES))  # periods turn at edges
AMOUNTS = st.sampled_from(
    [Decimal(x) for x in ("0.01", "1000.00", "2500.00", "5000.00", "10000.00")]
)
OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["ship", "ship", "pay", "pay", "refund", "terminate", "amend"]),
        st.integers(0, 3),
        AMOUNTS,
        DAYS,
    ),
    min_size=1,
    max_size=30,
)
CONTRACTS = st.lists(
    st.tuples(st.sampled_from(["C1", "C2", "C3"]), st.sampled_from(["li.lei", "han.meimei"]),
              st.sampled_from([0, 30, 45])),
    min_size=1,
    max_size=4,
)  # fmt: skip
EXAMPLES = {"memory:": 150}


def by_customer(rows: list[dict]) -> dict[str, dict[str, int]]:
    return {row.pop("customer_id"): row for row in (dict(r) for r in rows)}


def test_views_agree_with_the_oracle(database_url: str) -> None:
    @settings(
        max_examples=EXAMPLES.get(database_url, 12),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        contracts=CONTRACTS,
        operations=OPERATIONS,
        months=st.lists(st.integers(1, 9), min_size=1, max_size=3),
        as_of_days=st.lists(st.one_of(DAYS, st.integers(0, 330)), min_size=1, max_size=3),
        cut=st.integers(0, 30),
    )
    def check(contracts, operations, months, as_of_days, cut) -> None:
        app = ContractFlow(library_env(database_url, 5))
        views = Projections(app)
        try:
            ids = [
                executing_contract(app, customer, owner, due_days=due)
                for customer, owner, due in contracts
            ]
            marks = []
            for kind, index, amount, day in operations:
                attempt(app, (kind, ids[index % len(ids)], amount, day))
                marks.append(datetime.now(UTC))
                time.sleep(0.0005)
            known_at = marks[min(cut, len(marks) - 1)]
            views.refresh()
            reports = views.receivables
            for month in months:
                first, last = month_bounds(f"2026-{month:02d}")
                for cutoff in (None, known_at):
                    scope = Scope(known_at=recorded(cutoff) if cutoff else None)
                    assert by_customer(reports.statement(first, last, scope)) == oracle.statement(
                        app, first, last, cutoff
                    )
                expected_rate = oracle.collection_rate(app, first, last)
                actual_rate = {
                    row.pop("owner"): row for row in reports.collection_rate(first, last, Scope())
                }
                assert actual_rate == expected_rate
                # Reconciliation: the statement's closing at month end is aging's net then.
                closing = {
                    c: r["closing_balance"]
                    for c, r in by_customer(reports.statement(first, last, Scope())).items()
                }
                net = {c: r["net"] for c, r in by_customer(reports.aging(last, Scope())).items()}
                assert closing == net
            for day in as_of_days:
                as_of = date(2026, 1, 1).fromordinal(date(2026, 1, 1).toordinal() + day)
                for cutoff in (None, known_at):
                    scope = Scope(known_at=recorded(cutoff) if cutoff else None)
                    rows = by_customer(reports.aging(as_of, scope))
                    assert rows == oracle.aging(app, as_of, cutoff)
                    for row in rows.values():
                        assert row["total"] == sum(row[name] for name in BUCKETS)
            for view in views.views.values():
                assert rebuild(app, view).identical
        finally:
            views.stop()
            app.close()

    check()
