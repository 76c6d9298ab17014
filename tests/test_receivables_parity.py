"""The receivables figures the view keeps for today against the same reports computed from
the facts, and both against the independent oracle, over random histories of shipments,
payments, refunds, terminations and amendments with back-dated effective dates (issue #14:
one customer's aging, today's aging, any month's statement and collection rate read the
kept figures; a past day or a `known_at` reads the facts)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.periods import month_bounds
from api.storage import library_env
from domain.application import ContractFlow
from projections.receivables_figures import Scope
from projections.runtime import Projections
from tests import oracle
from tests.receivables_history import START, attempt, executing_contract
from tests.test_receivables_oracle import CONTRACTS, OPERATIONS, by_customer

FIVE_THOUSAND = Decimal("5000.00")
SCOPES = (
    Scope(),
    Scope(owner="li.lei"),
    Scope(customer_id="C2"),
    Scope(currency="CNY"),
    Scope(currency="USD"),
)


def test_kept_figures_equal_the_facts_and_the_oracle(durable_url: str) -> None:
    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(contracts=CONTRACTS, operations=OPERATIONS, months=st.sets(st.integers(1, 11)))
    def check(contracts, operations, months) -> None:
        app = ContractFlow(library_env(durable_url, 5))
        views = Projections(app)
        try:
            ids = [
                executing_contract(app, customer, owner, due_days=due)
                for customer, owner, due in contracts
            ]
            for kind, index, amount, day in operations:
                attempt(app, (kind, ids[index % len(ids)], amount, day))
            views.refresh()
            reports = views.receivables
            kept, facts = reports.maintained, reports.facts
            today = app.today()
            assert kept.covers(today)
            for scope in SCOPES:
                assert kept.aging(today, scope) == facts.aging(today, scope)
                assert kept.open_items(today, scope) == facts.open_items(today, scope)
                assert kept.next_dues([str(i) for i in ids], today, scope) == facts.next_dues(
                    [str(i) for i in ids], today, scope
                )
                for month in months:
                    first, last = month_bounds(f"2026-{month:02d}")
                    assert kept.statement(first, last, scope) == facts.statement(first, last, scope)
                    assert kept.collection_rate(first, last, scope) == facts.collection_rate(
                        first, last, scope
                    )
            assert by_customer(kept.aging(today, Scope())) == oracle.aging(app, today)
            for month in months:
                first, last = month_bounds(f"2026-{month:02d}")
                assert by_customer(kept.statement(first, last, Scope())) == oracle.statement(
                    app, first, last
                )
                rate = {r.pop("owner"): r for r in kept.collection_rate(first, last, Scope())}
                assert rate == oracle.collection_rate(app, first, last)
        finally:
            views.stop()
            app.close()

    check()


def test_a_day_before_the_latest_effective_date_is_answered_from_the_facts(
    durable_url: str,
) -> None:
    """Aging as of a day before the latest fact's date would need facts the kept figures
    have already absorbed: the facts answer it, and the figures differ from today's."""
    app = ContractFlow(library_env(durable_url, 5))
    views = Projections(app)
    try:
        contract_id = executing_contract(app, "C1", "li.lei")
        attempt(app, ("ship", contract_id, FIVE_THOUSAND, 10))
        attempt(app, ("pay", contract_id, FIVE_THOUSAND, 40))
        views.refresh()
        reports = views.receivables
        paid_on = START + timedelta(days=40)
        assert reports.maintained.covers(paid_on)
        assert not reports.maintained.covers(paid_on - timedelta(days=1))
        before_payment = reports.aging(paid_on - timedelta(days=1), Scope())
        assert before_payment == reports.facts.aging(paid_on - timedelta(days=1), Scope())
        assert before_payment[0]["total"] == 500_000
        assert reports.aging(paid_on, Scope())[0]["total"] == 0
    finally:
        views.stop()
        app.close()


def test_a_statement_of_part_of_a_month_is_answered_from_the_facts(durable_url: str) -> None:
    """The kept figures are by calendar month; any other period reads the facts."""
    app = ContractFlow(library_env(durable_url, 5))
    views = Projections(app)
    try:
        contract_id = executing_contract(app, "C1", "li.lei")
        attempt(app, ("ship", contract_id, FIVE_THOUSAND, 40))
        views.refresh()
        reports = views.receivables
        first, last = date(2026, 2, 1), date(2026, 2, 9)
        assert reports._for_period(first, last, Scope()) is reports.facts
        assert reports._for_period(*month_bounds("2026-02"), Scope()) is reports.maintained
        assert reports.statement(first, last, Scope()) == []  # shipped on the 10th
        assert reports.statement(*month_bounds("2026-02"), Scope())[0]["sales"] == 500_000
    finally:
        views.stop()
        app.close()
