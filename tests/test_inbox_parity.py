"""The approval inbox (SPEC §5, §2.1, §2.2), one indexed query over the steps waiting for a
decision, against the domain's own rule (`policy.decisions`) over random histories: rounds
submitted, granted (also on another's behalf), rejected, signed and terminated; amendments
requested, granted, rejected and withdrawn; roles lent and not."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.storage import library_env
from domain.application import ContractFlow
from domain.contracts.policy import decisions
from domain.contracts.routing import STEP_ROLES
from domain.errors import DomainError
from projections.runtime import Projections
from tests.conftest import STORES, TEST_USERS, actor, fresh_store

USERS = sorted(TEST_USERS)  # whose inbox is compared
ACTING = (  # who acts: an owner, and deciders of each step, one with two roles
    "li.lei",
    "wang.fang",
    "zhang.wei",
    "zhao.qiang",
    "chen.jing",
    "liu.yang",
    "ma.dual",
)
STEPS = sorted(STEP_ROLES)
# (delegator, delegate, role): a deputy of another role, and one whose delegator holds a
# second approving role (a grant on their behalf bars them from the round's other steps).
LOANS = (("liu.yang", "wang.fang", "director"), ("ma.dual", "zhang.wei", "manager"))
AMOUNTS = st.sampled_from([Decimal("10000.00"), Decimal("500000.00"), Decimal("2000000.00")])
ACTIONS = (
    *("submit", "approve", "approve", "approve", "reject", "sign", "terminate"),
    *("amend", "approve_amendment", "approve_amendment", "reject_amendment", "withdraw_amendment"),
)
OPERATIONS = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.integers(0, 3), st.sampled_from(ACTING),
              st.sampled_from(STEPS), st.booleans()),
    max_size=40,
)  # fmt: skip
EXAMPLES = {"memory": 100}


def attempt(app: ContractFlow, operation: tuple[str, UUID, str, str, bool]) -> None:
    """One command; a refusal by the rules is part of a random history."""
    action, contract_id, user, step, for_another = operation
    lent = {to: delegator for delegator, to, role in LOANS if STEP_ROLES[step] == role}
    behalf = lent.get(user) if for_another else None
    desk, who = app.contracts, actor(user)
    try:
        if action in ("submit", "sign", "terminate", "withdraw_amendment"):
            args: tuple[Any, ...] = {"submit": (), "sign": (None,)}.get(action, ("why",))
            getattr(desk, action)(who, contract_id, *args)
        elif action == "amend":
            desk.amend(who, contract_id, {"amount": Decimal("3000000.00")}, "more")
        elif action.startswith("approve"):
            getattr(desk, action)(who, contract_id, step, None, on_behalf_of=behalf)
        else:
            getattr(desk, action)(who, contract_id, step, "no", on_behalf_of=behalf)
    except DomainError:
        pass


def expected_inbox(app: ContractFlow, ids: list[UUID], user: Any) -> list[tuple[Any, ...]]:
    """The domain's answer: each step `user` may grant now, as themselves or for the first
    delegator who lets them, oldest submission first."""
    found = []
    for order, contract_id in enumerate(ids):
        contract = app.repository.get(contract_id)
        ways = []
        if contract.state == "review":
            ways.append(("approval", "approve", contract.submitted_at))
        if contract.amendment is not None:
            ways.append(("amendment", "approve_amendment", contract.amendment.requested_at))
        for kind, action, asked in ways:
            first: dict[str, str | None] = {}  # step → the first way to decide it
            for step, delegator in decisions(user, contract, action):
                first.setdefault(step, delegator)
            found += [(asked, order, (str(contract_id), kind, step, delegator))
                      for step, delegator in first.items()]  # fmt: skip
    return [item for *_, item in sorted(found, key=lambda f: (f[0], f[1]))]


@pytest.fixture(params=STORES)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    count = itertools.count()
    return lambda: fresh_store(request.param, request, tmp_path / str(next(count)))


def test_the_inbox_offers_what_the_rules_allow(fresh_url: Callable[[], str]) -> None:
    first = fresh_url()

    @settings(
        max_examples=EXAMPLES.get(first.split(":")[0], 10),
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        contracts=st.lists(
            st.tuples(AMOUNTS, st.sampled_from(["li.lei", "han.meimei"]), st.booleans(),
                      st.booleans()),
            min_size=1, max_size=4,
        ),
        operations=OPERATIONS,
    )  # fmt: skip
    def check(contracts: list[tuple[Decimal, str, bool, bool]], operations: list[Any]) -> None:
        app = ContractFlow(library_env(fresh_url(), 5))
        views = Projections(app)
        try:
            for delegator, to, role in LOANS:
                app.delegations.create(actor(delegator), to, role, app.today(), app.today(), "r")
            ids = [created(app, *contract) for contract in contracts]
            for action, index, user, step, for_another in operations:
                attempt(app, (action, ids[index % len(ids)], user, step, for_another))
            views.refresh()
            for user in USERS:
                lent = views.views["delegations"].received(user, app.today())  # type: ignore[attr-defined]
                who = actor(user).with_loans(lent)
                rows, total = views.contracts.inbox(who)
                inbox = [(row["contract_id"], row["kind"], row["step"], row["on_behalf_of"])
                         for row in rows]  # fmt: skip
                assert inbox == expected_inbox(app, ids, who), user
                assert total == len(rows)
                pages = [views.contracts.inbox(who, 2, offset) for offset in range(0, total, 2)]
                assert [row for page, _ in pages for row in page] == rows, "pages of two"
                assert all(counted == total for _, counted in pages)
        finally:
            views.stop()
            app.close()

    check()


def created(
    app: ContractFlow, amount: Decimal, owner: str, by_specialist: bool, submitted: bool
) -> UUID:
    terms = {"title": "t", "customer": {"id": "CUST-1", "name": "甲"}, "amount": amount,
             "payment_terms": {"advance_percent": 0}}  # fmt: skip
    author = actor("wang.fang" if by_specialist else owner)
    contract = app.contracts.create(author, terms, owner=owner)
    if submitted:
        app.contracts.submit(actor(owner), contract.id)
    return contract.id
