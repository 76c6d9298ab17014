"""A view replayed with the log read one batch ahead (projections.read_ahead) ends exactly
as one applied batch by batch: when another process moves the view meanwhile, when the
replay is interrupted, and when an event cannot be decoded (SPEC §5 exactly once)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError

from api.storage import library_env
from domain.application import ContractFlow
from projections.projector import Projector
from projections.read_ahead import ReadAhead
from projections.runtime import Projections
from projections.seal import SealView
from tests.receivables_history import attempt, executing_contract


@pytest.fixture
def history(database_url: str) -> Any:
    app = ContractFlow(library_env(database_url, 5))
    views = Projections(app)
    for n in range(4):
        contract_id = executing_contract(app, f"C{n}", "li.lei")
        for day in (5, 20):
            attempt(app, ("ship", contract_id, Decimal("1000.00"), day))
        attempt(app, ("pay", contract_id, Decimal("1500.00"), 40))
    views.refresh()  # the live seal: applied in one batch
    yield app, views
    views.stop()
    app.close()


class Failing:
    """The application as a projector sees it, with a store that fails its `n`-th read and
    a mapper that cannot decode the event at `undecodable`."""

    def __init__(self, app: Any, n: int | None = None, undecodable: int | None = None) -> None:
        self._app, self._reads, self._n, self._undecodable = app, 0, n, undecodable
        self.recorder, self.mapper = self, self

    def max_notification_id(self) -> int:
        return self._app.recorder.max_notification_id()

    def select_notifications(self, *args: Any, **kwargs: Any) -> Any:
        self._reads += 1
        if self._reads == self._n:
            raise OperationalError("the store went away")
        return self._app.recorder.select_notifications(*args, **kwargs)

    def to_domain_event(self, notification: Any) -> Any:
        if notification.id == self._undecodable:
            raise ValueError("not JSON")
        return self._app.mapper.to_domain_event(notification)


def fresh_seal(views: Projections) -> SealView:
    view = SealView(views.store, suffix="_replayed")
    view.drop()
    view.create()
    return view


def test_a_replay_read_ahead_equals_the_view_applied_in_one_batch(history: Any) -> None:
    app, views = history
    view = fresh_seal(views)
    assert Projector(app, view, batch_size=3).catch_up() == views.head()
    assert view.dump()["audit_seal"] == views.views["seal"].dump()["audit_seal"]


def test_a_batch_read_ahead_is_not_applied_when_another_process_moved_the_view(
    history: Any,
) -> None:
    app, views = history
    view = fresh_seal(views)
    other = Projector(app, view, batch_size=3)
    reads: list[int] = []
    original = ReadAhead._read

    def read(self: ReadAhead, position: int, limit: int) -> Any:
        reads.append(position)
        return original(self, position, limit)

    def meanwhile(covered: int) -> None:
        if len(reads) == 2:  # the first batch is applied, the second is read ahead
            other.catch_up(until=reads[1] + 5)

    ReadAhead._read = read  # type: ignore[method-assign]
    try:
        Projector(app, view, batch_size=3).catch_up(done=meanwhile)
    finally:
        ReadAhead._read = original  # type: ignore[method-assign]
    assert reads[:2] == [0, reads[1]] and reads[1] + 5 in reads  # read again from there
    assert view.dump()["audit_seal"] == views.views["seal"].dump()["audit_seal"]


def test_an_interrupted_replay_resumes_and_applies_each_event_once(history: Any) -> None:
    app, views = history
    view = fresh_seal(views)
    with pytest.raises(OperationalError):
        Projector(Failing(app, n=4), view, batch_size=3).catch_up()  # type: ignore[arg-type]
    stopped_at = view.store.position(view.key)
    assert 0 < stopped_at < views.head()
    assert Projector(app, view, batch_size=3).catch_up() == views.head()
    assert view.dump()["audit_seal"] == views.views["seal"].dump()["audit_seal"]


def test_an_event_that_cannot_be_decoded_stops_the_view_just_before_it(history: Any) -> None:
    app, views = history
    view = fresh_seal(views)
    eighth = app.recorder.select_notifications(start=1, limit=8)[-1].id
    projector = Projector(Failing(app, undecodable=eighth), view, batch_size=3)  # type: ignore[arg-type]
    assert projector.catch_up() == eighth - 1
    position, why = views.store.stuck()[view.key]
    assert position == eighth and "ValueError: not JSON" in why
    assert len(view.dump()["audit_seal"]) == 7
    assert Projector(app, view, batch_size=3).catch_up() == views.head()  # once it decodes
    assert view.dump()["audit_seal"] == views.views["seal"].dump()["audit_seal"]
