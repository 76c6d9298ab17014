"""Exactly once, loud failures and honest rebuilds (SPEC §5, issue: read models)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from eventsourcing.utils import get_topic

from api.storage import library_env
from domain.application import ContractFlow
from domain.contracts.contract import Contract
from projections.projector import Projector
from projections.rebuild import rebuild
from projections.receivables import ReceivablesView
from projections.runtime import Projections
from projections.store import AggregateWriter
from tests.receivables_history import actor, attempt, executing_contract


@pytest.fixture
def history(database_url: str) -> Any:
    app = ContractFlow(library_env(database_url, 5))
    views = Projections(app)
    contract_id = executing_contract(app, "C1", "li.lei")
    for day in (5, 20, 35):
        attempt(app, ("ship", contract_id, Decimal("1000.00"), day))
    attempt(app, ("pay", contract_id, Decimal("1500.00"), 40))
    yield app, views
    views.stop()
    app.close()


class FailingOnShipments(ReceivablesView):
    """A projection with a bug: it fails on shipments while `broken` is set."""

    broken = True

    def _contract_event(self, w: AggregateWriter, event: Any, position: int) -> None:
        if self.broken and isinstance(event, Contract.Shipped):
            raise RuntimeError("bug in the shipment handler")
        super()._contract_event(w, event, position)


def test_a_view_stops_just_before_an_event_it_cannot_apply_and_says_so(history: Any) -> None:
    app, views = history
    view = FailingOnShipments(views.store, suffix="_buggy")
    view.create()
    projector = Projector(app, view, batch_size=3)
    first_shipment = app.recorder.select_notifications(
        start=1, limit=1, topics=[get_topic(Contract.Shipped)]
    )[0].id
    assert projector.catch_up() == first_shipment - 1  # what it serves is consistent
    assert projector.catch_up() == first_shipment - 1  # and it does not try again and again
    assert view.rows(f"SELECT * FROM {view.t('rcv_shipments')}") == []
    position, why = views.store.stuck()[view.key]
    assert position == first_shipment
    assert "Contract.Shipped" in why and "bug in the shipment handler" in why
    view.broken = False  # the fix is deployed; a restarted view resumes from its position
    assert Projector(app, view, batch_size=3).catch_up() == views.head()
    assert view.key not in views.store.stuck()
    views.refresh()
    assert view.dump() == views.views["receivables"].dump()
    view.drop()


def test_a_batch_is_applied_once_even_when_two_projectors_race(history: Any) -> None:
    app, views = history
    live = views.views["receivables"]
    first, second = Projector(app, live, batch_size=2), Projector(app, live, batch_size=2)
    first.catch_up()
    second.catch_up()  # finds every batch already tracked and applies none of them again
    shipments = live.rows(f"SELECT SUM(amount) AS total FROM {live.t('rcv_shipments')}")
    assert int(shipments[0]["total"]) == 300000


class Interleaving:
    """The log as one projector reads it, with another projector's whole batch slipped in
    between this one's read and its write: the race of two workers (finding 11)."""

    def __init__(self, app: Any, meanwhile: Any) -> None:
        self._app, self._meanwhile = app, meanwhile
        self.recorder, self.mapper = self, app.mapper

    def max_notification_id(self) -> int:
        return self._app.recorder.max_notification_id()

    def select_notifications(self, *args: Any, **kwargs: Any) -> Any:
        batch = self._app.recorder.select_notifications(*args, **kwargs)
        meanwhile, self._meanwhile = self._meanwhile, None
        if meanwhile is not None:
            meanwhile()
        return batch


def test_an_overlapping_batch_that_ends_later_is_not_applied_twice(history: Any) -> None:
    """Worker B applies the log up to a shipment while worker A, which read further, is
    about to write: A's tracking record ends later than B's, so it alone would not refuse."""
    app, views = history
    live = views.views["receivables"]
    first_shipment = app.recorder.select_notifications(
        start=1, limit=1, topics=[get_topic(Contract.Shipped)]
    )[0].id
    b = Projector(app, live, batch_size=1000)
    a = Projector(Interleaving(app, lambda: b.catch_up(until=first_shipment)), live, 1000)
    assert a.catch_up() == views.head()
    shipments = live.rows(f"SELECT SUM(amount) AS total FROM {live.t('rcv_shipments')}")
    assert int(shipments[0]["total"]) == 300000
    assert rebuild(app, live).identical


def test_a_rebuild_reports_differences_and_keeps_the_live_view(history: Any) -> None:
    app, views = history
    views.refresh()
    live = views.views["receivables"]
    with views.store.writing() as writer:
        writer.execute(f"UPDATE {live.t('rcv_shipments')} SET amount = amount + 1")
    result = rebuild(app, live)
    assert (result.identical, result.switched) == (False, False)
    assert any("rcv_shipments" in difference for difference in result.differences)
    assert rebuild(app, live, force=True).switched
    assert rebuild(app, live).identical


def test_views_ignore_events_they_do_not_read(history: Any) -> None:
    _, views = history
    assert Contract.Submitted not in views.views["receivables"].handlers
    views.refresh()
    assert views.status() == {
        name: {"position": views.head(), "lag": 0, "stuck": None} for name in views.views
    }


def test_a_view_reaches_the_head_though_the_last_events_are_not_for_it(history: Any) -> None:
    app, views = history
    complaints = views.views["complaints"]  # reads complaint events only: none in this log
    assert Projector(app, complaints, batch_size=2).catch_up() == views.head()
    assert views.status()["complaints"]["lag"] == 0


def test_the_latest_customer_name_wins_whatever_order_the_rounds_run(
    database_url: str,
) -> None:
    """One batch: B is drafted for Y and revised to X "old" (which registers X so); then X
    is renamed "new" in the register. The rename is the customer's second statement, B's
    naming B's fourth: sent in that order of rounds, the older name would overwrite the
    newer one without the recorded position."""
    app = ContractFlow(library_env(database_url, 5))
    views = Projections(app)
    sales = actor("li.lei")

    def terms(customer: str, name: str) -> dict[str, Any]:
        return {
            "title": "t",
            "customer": {"id": customer, "name": name, "credit_class": None},
            "amount": Decimal("100.00"),
            "payment_terms": {"advance_percent": 0, "due_days": 30},
        }

    b = app.contracts.create(sales, terms("Y", "客户 Y"))
    app.contracts.revise(sales, b.id, {"customer": terms("X", "旧名称")["customer"]})
    app.customers.update(actor("wang.fang"), "X", {"name": "新名称"})
    app.contracts.create(sales, terms("X", "typed on a later contract"))
    views.refresh("receivables")
    assert views.receivables.customer_names(["X"]) == {"X": "新名称"}
    views.stop()
    app.close()
