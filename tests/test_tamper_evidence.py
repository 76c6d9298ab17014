"""Tampering done directly in the SQLite and PostgreSQL tables is detected by verify
(SPEC §6): an edited byte, a changed amount, a deleted middle or last event, two swapped."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from api.audit_verify import verify
from api.storage import library_env
from domain.application import ContractFlow
from projections.runtime import Projections
from tests.attacker import EventTable
from tests.desk import Desk, assert_problem
from tests.receivables_history import attempt, executing_contract


@pytest.fixture
def history(durable_url: str) -> Iterator[tuple[ContractFlow, Projections, UUID]]:
    app = ContractFlow(library_env(durable_url, 5))
    views = Projections(app)
    contract_id = executing_contract(app, "C1", "li.lei")  # versions 1-6
    attempt(app, ("ship", contract_id, Decimal("1000.00"), 10))  # 7
    attempt(app, ("pay", contract_id, Decimal("1000.00"), 20))  # 8
    views.refresh()
    yield app, views, contract_id
    views.stop()
    app.close()


def checked(app: ContractFlow, views: Projections) -> dict[str, Any]:
    views.refresh("seal")
    return verify(app, views.views["seal"])  # type: ignore[arg-type]


def edit_a_byte(table: EventTable, contract: UUID) -> int:
    state = table.state(contract, 5)
    table.set_state(contract, 5, state[:-1] + b"]")
    return 5


def change_an_amount(table: EventTable, contract: UUID) -> int:
    state = table.state(contract, 8)
    assert b'"1000.00"' in state
    table.set_state(contract, 8, state.replace(b'"1000.00"', b'"9000.00"'))
    return 8


def delete_a_middle_event(table: EventTable, contract: UUID) -> int:
    table.delete(contract, 4)
    return 4


def delete_the_last_event(table: EventTable, contract: UUID) -> int:
    table.delete(contract, 8)
    return 8


def swap_two_events(table: EventTable, contract: UUID) -> int:
    third, fourth = table.state(contract, 3), table.state(contract, 4)
    table.set_state(contract, 3, fourth)
    table.set_state(contract, 4, third)
    return 3


TAMPERINGS: list[Callable[[EventTable, UUID], int]] = [
    edit_a_byte, change_an_amount, delete_a_middle_event, delete_the_last_event, swap_two_events,
]  # fmt: skip


def test_an_untouched_log_verifies(history: Any) -> None:
    app, views, _ = history
    result = checked(app, views)
    assert (result["ok"], result["problems"], result["checked"]) == (True, [], views.head())
    assert result == checked(app, views)  # the same log, the same digest


@pytest.mark.parametrize("tamper", TAMPERINGS, ids=lambda f: f.__name__)
def test_tampering_is_detected_and_named(
    history: Any, durable_url: str, tamper: Callable[[EventTable, UUID], int]
) -> None:
    app, views, contract_id = history
    before = checked(app, views)
    version = tamper(EventTable(durable_url), contract_id)
    after = checked(app, views)
    assert after["ok"] is False
    assert after["digest"] != before["digest"]
    named = {(p["aggregate_id"], p["version"]) for p in after["problems"]}
    assert (str(contract_id), version) in named, after["problems"]


@pytest.mark.parametrize(
    "tamper", [change_an_amount, delete_the_last_event], ids=lambda f: f.__name__
)
def test_verifying_in_several_processes_finds_what_one_process_finds(
    history: Any, durable_url: str, tamper: Callable[[EventTable, UUID], int]
) -> None:
    app, views, contract_id = history
    tamper(EventTable(durable_url), contract_id)
    views.refresh("seal")
    alone = verify(app, views.views["seal"], stretch=3)  # type: ignore[arg-type]
    shared = verify(app, views.views["seal"], workers=2, stretch=3)  # type: ignore[arg-type]
    assert shared == alone
    assert alone["ok"] is False
    assert alone["checked"] == len(app.recorder.select_notifications(start=1, limit=100))


def test_verify_over_http_for_auditors_only(desk: Desk) -> None:
    desk.signed()
    response = desk.client.get("/api/audit/verify", headers=desk.as_user("zhou.shen"))
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["checked"] > 0 and len(body["digest"]) == 64
    assert_problem(
        desk.client.get("/api/audit/verify", headers=desk.as_user("zhao.qiang")), 403, "forbidden"
    )
