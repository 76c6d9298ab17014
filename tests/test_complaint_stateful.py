"""Random complaint histories: the loop view must always agree with the oracle, at any moment."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from api.storage import library_env
from domain.application import ContractFlow
from domain.errors import DomainError
from projections.runtime import Projections
from tests import loop_oracle
from tests.conftest import STORES, actor, fresh_store

START = datetime(2026, 1, 1, tzinfo=UTC)
HOURS = st.integers(0, 24 * 40)
WORKERS = st.sampled_from(["sun.li", "zhou.kefu"])
EXAMPLES = {"memory": 60}


class ComplaintLoop(RuleBasedStateMachine):
    new_store: Callable[[], str]

    def __init__(self) -> None:
        super().__init__()
        self.app = ContractFlow(library_env(self.new_store(), 5))
        self.views = Projections(self.app)
        self.ids: list = []

    def teardown(self) -> None:
        self.views.stop()
        self.app.close()

    @rule(hours=HOURS, category=st.sampled_from(loop_oracle.CATEGORIES))
    def receive(self, hours: int, category: str) -> None:
        details = {
            "customer": {"id": "C1", "name": "n"}, "contract_id": None, "channel": "phone",
            "category": category, "severity": "normal", "description": "d",
        }  # fmt: skip
        complaint = self.app.complaints.receive(
            actor("sun.li"), details, START + timedelta(hours=hours)
        )
        self.ids.append(complaint.id)

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), hours=HOURS, worker=WORKERS)
    def handle(self, data: st.DataObject, hours: int, worker: str) -> None:
        complaint_id = data.draw(st.sampled_from(self.ids))
        self._try(
            lambda: self.app.complaints.handle(
                actor(worker), complaint_id, "r", START + timedelta(hours=hours)
            )
        )

    @precondition(lambda self: self.ids)
    @rule(
        data=st.data(),
        hours=HOURS,
        worker=WORKERS,
        satisfied=st.booleans(),
        score=st.integers(1, 5),
    )
    def revisit(
        self, data: st.DataObject, hours: int, worker: str, satisfied: bool, score: int
    ) -> None:
        complaint_id = data.draw(st.sampled_from(self.ids))
        outcome = {"satisfied": satisfied, "score": score, "note": None}
        self._try(
            lambda: self.app.complaints.revisit(
                actor(worker), complaint_id, outcome, START + timedelta(hours=hours)
            )
        )

    def _try(self, command) -> None:  # type: ignore[no-untyped-def]
        with suppress(DomainError):  # refused by a rule (times, last handler, state): part of it
            command()

    @invariant()
    def the_view_agrees_with_the_oracle(self) -> None:
        self.views.refresh("complaints")
        complaints = loop_oracle.read(self.app)
        for hours in (0, 47, 48, 49, 24 * 9, 24 * 20, 24 * 41, 24 * 60):
            as_of = START + timedelta(hours=hours)
            assert self.views.complaints.loop(as_of, None) == loop_oracle.loop(complaints, as_of)


@pytest.mark.parametrize("store", STORES)
def test_random_complaint_histories_agree_with_the_oracle(
    store: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    kind = store

    class OnThisStore(ComplaintLoop):
        pass

    counter = iter(range(10**6))
    OnThisStore.new_store = staticmethod(
        lambda: fresh_store(kind, request, tmp_path / f"example-{next(counter)}")
    )
    run_state_machine_as_test(
        OnThisStore,
        settings=settings(
            max_examples=EXAMPLES.get(kind, 15), stateful_step_count=25, deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )  # fmt: skip
