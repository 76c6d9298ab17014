"""Each lifecycle is declared once; everything an action needs follows from that table, and
nothing may be missing: who takes it, its route, and what the read models do with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.app import create_app
from api.settings import Settings
from api.users import UserDirectory, add_user
from domain.complaints.complaint import Complaint
from domain.complaints.lifecycle import COMPLAINT_LIFECYCLE
from domain.contracts.contract import Contract
from domain.contracts.lifecycle import CONTRACT_LIFECYCLE
from domain.lifecycle import Lifecycle
from projections.complaints import ComplaintsView
from projections.ledger import LedgerView
from projections.view import View

LIFECYCLES = {"contracts": CONTRACT_LIFECYCLE, "complaints": COMPLAINT_LIFECYCLE}
# Events a view has nothing to do with, said here so that forgetting one is a failure.
# (`Created` is the library's default creation event: a complaint is created `Received`.)
IGNORED: dict[type[View], set[str]] = {
    LedgerView: set(),
    ComplaintsView: {"Assigned", "Created"},
}


def routes(tmp_path: Path) -> set[tuple[str, str]]:
    users = tmp_path / "users.toml"
    add_user(users, "someone", "someone", ["auditor"])
    app = create_app(Settings(database_url="memory:", users_file=users), UserDirectory(users))
    paths = app.openapi()["paths"]
    return {(method.upper(), path) for path, methods in paths.items() for method in methods}


def events_of(aggregate: type) -> set[str]:
    return {
        name
        for name, value in vars(aggregate).items()
        if isinstance(value, type)
        and issubclass(value, aggregate.Event)  # type: ignore[attr-defined]
        and name != "Event"
    }


@pytest.mark.parametrize("lifecycle", LIFECYCLES.values(), ids=LIFECYCLES.keys())
def test_every_action_says_who_takes_it(lifecycle: Lifecycle) -> None:
    assert lifecycle.creators
    for action in lifecycle.actions:
        assert lifecycle.who(action), action


@pytest.mark.parametrize("collection", LIFECYCLES)
def test_every_action_has_its_route(collection: str, tmp_path: Path) -> None:
    found = routes(tmp_path)
    singular = collection.removesuffix("s")
    assert ("POST", f"/api/{collection}") in found
    for action in LIFECYCLES[collection].actions:
        if action == "revise":  # SPEC §8: revising a draft is PATCH on the contract itself
            assert ("PATCH", f"/api/{collection}/{{{singular}_id}}") in found
        else:
            path = f"/api/{collection}/{{{singular}_id}}/{action.replace('_', '-')}"
            assert ("POST", path) in found, path


@pytest.mark.parametrize(
    ("view", "aggregate"), [(LedgerView, Contract), (ComplaintsView, Complaint)]
)
def test_every_event_is_applied_by_its_view_or_said_to_be_ignored(
    view: type[View], aggregate: type
) -> None:
    handlers = view.event_handlers(view.__new__(view))
    handled = {event.__name__ for event in handlers if issubclass(event, aggregate.Event)}
    assert events_of(aggregate) == handled | IGNORED[view]
    assert not handled & IGNORED[view]
