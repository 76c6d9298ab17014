"""Random actions by random users against an independent model of SPEC §2.

The model re-states the rules plainly. After every step the contract must agree with it,
money invariants must hold, and the contract rebuilt from its events alone must equal
the one the application loads (snapshots included).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import reduce
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from api.storage import library_env
from domain.actors import Actor
from domain.application import ContractFlow
from domain.contracts.contract import Contract
from domain.contracts.lifecycle import CONTRACT_LIFECYCLE
from domain.errors import DomainError
from domain.numbering import NumberSequence
from tests.conftest import actor

OWNER = "li.lei"
OTHER_SALES = "han.meimei"
USERS = [
    "li.lei",
    "han.meimei",
    "wang.fang",
    "zhao.qiang",
    "chen.jing",
    "liu.yang",
    "zhou.shen",
    "ma.dual",
    "zhou.min",
]
DIRECTOR, DEPUTY = "liu.yang", "zhou.min"  # the director lends the role to a manager (§2.2)
STEP_DECIDERS = {
    "contract_review": {"wang.fang", "ma.dual"},
    "manager_approval": {"chen.jing", "ma.dual", "zhou.min"},
    "finance_review": {"zhao.qiang"},
    "director_approval": {"liu.yang"},
}
MAY = {
    "submit": {OWNER, "wang.fang", "ma.dual"},
    "start": {OWNER, "wang.fang", "ma.dual"},
    "ship": {OWNER, "wang.fang", "ma.dual"},
    "accept": {OWNER, "wang.fang", "ma.dual"},
    "sign": {"wang.fang", "chen.jing", "ma.dual", "zhou.min"},
    "pay": {"zhao.qiang"},
    "invoice": {"zhao.qiang"},
    "refund": {"zhao.qiang"},
    "terminate": {"chen.jing", "liu.yang", "ma.dual", "zhou.min"},
    "amend": {OWNER, "wang.fang", "ma.dual"},
}
SPECIALISTS = {"wang.fang", "ma.dual"}
STEP_ACTIONS = ("approve", "reject", "approve_amendment", "reject_amendment")
DECISIONS = ("Approved", "Rejected", "AmendmentApproved", "Amended", "AmendmentRejected")
FROM = {
    "submit": {"draft"},
    "approve": {"review"},
    "reject": {"review"},
    "sign": {"review"},
    "start": {"signed"},
    "ship": {"executing"},
    "invoice": {"executing", "accepted", "paid"},
    "pay": {"signed", "executing", "accepted", "terminated"},
    "refund": {"executing", "accepted", "terminated"},
    "accept": {"executing"},
    "terminate": {"draft", "review", "signed", "executing"},
    "amend": {"signed", "executing"},
    "approve_amendment": {"signed", "executing"},
    "reject_amendment": {"signed", "executing"},
    "withdraw_amendment": {"signed", "executing"},
}
# 1 in 10, 1 in 30 attempts go ahead: they undo progress, so keep them rare
RARITY = {"reject": 9, "terminate": 29, "reject_amendment": 9, "withdraw_amendment": 9}
AMENDED_AMOUNTS = [Decimal(x) for x in ("50000.00", "120000.00", "250000.00", "1200000.00")]


def steps_for(amount: Decimal) -> list[str]:
    return (
        ["contract_review", "manager_approval"]
        + (["finance_review"] if amount >= 200000 else [])
        + (["director_approval"] if amount >= 1000000 else [])
    )


Grants = dict[str, tuple[str, str | None]]  # step → (who decided, on whose behalf)


def people(granted: Grants) -> set[str | None]:
    return {person for grant in granted.values() for person in grant} - {None}


@dataclass
class PendingAmendment:
    amount: Decimal
    required: list[str]
    requester: str
    granted: Grants = field(default_factory=dict)


AMOUNTS = st.sampled_from(
    [Decimal(x) for x in ("0.01", "999.99", "25000.00", "50000.00", "100000.00")]
)


def someone_who_may(users: set[str]) -> st.SearchStrategy[str]:
    """Half the time a user the action is meant for, else anyone (to probe refusals)."""
    return st.one_of(st.sampled_from(sorted(users)), st.sampled_from(USERS))


@dataclass
class Model:
    amount: Decimal
    advance_percent: int
    state: str = "draft"
    required: list[str] = field(default_factory=list)
    granted: Grants = field(default_factory=dict)
    shipped: Decimal = Decimal(0)
    invoiced: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)
    references: set[str] = field(default_factory=set)
    amendment: PendingAmendment | None = None

    @property
    def collected(self) -> Decimal:
        return self.paid - self.refunded

    def violations(self, action: str, user: str, **args: object) -> set[str]:
        """Every code the spec allows for this attempt; empty means it must succeed."""
        on_behalf = args.get("on_behalf_of")
        if on_behalf == user:
            return {"invalid_input"}  # one acts for another, never for oneself
        if on_behalf and (user != DEPUTY or args["step"] != "director_approval"):
            return {"not_delegated"}  # asked of the delegations before the contract
        if user == OTHER_SALES:
            return {"not_found"}  # another rep never learns the contract exists
        found: set[str] = set()
        if action in MAY and user not in MAY[action]:
            found.add("forbidden")
        if action in ("approve", "reject"):
            found |= self._step_violations(action, user, str(args["step"]), on_behalf)
        if action in ("approve_amendment", "reject_amendment", "withdraw_amendment"):
            found |= self._amendment_violations(action, user, args.get("step"), on_behalf)
        if self.state not in FROM[action]:
            found.add("invalid_transition")
            return found
        if self.amendment is not None and action in ("amend", "accept", "terminate"):
            found.add("amendment_pending")
        found |= self._rule_violations(action, **args)
        return found

    def _amendment_violations(
        self, action: str, user: str, step: object, on_behalf: object
    ) -> set[str]:
        pending = self.amendment
        if pending is None:
            return {"no_amendment_pending", "forbidden", "invalid_transition"}
        if action == "withdraw_amendment":
            return set() if user in SPECIALISTS | {pending.requester} else {"forbidden"}
        found = _decider_violations(
            user, str(step), on_behalf, {OWNER, pending.requester},
            people(pending.granted) if action == "approve_amendment" else set(),
        )  # fmt: skip
        if step not in pending.required:
            found.add("step_not_required")
        elif action == "approve_amendment" and step in pending.granted:
            found.add("already_approved")
        last = set(pending.required) - set(pending.granted) == {step}
        if action == "approve_amendment" and last and pending.amount < self.recorded:
            found.add("amendment_below_recorded")
        return found

    @property
    def recorded(self) -> Decimal:
        return max(self.shipped, self.invoiced, self.collected)

    def _step_violations(self, action: str, user: str, step: str, on_behalf: object) -> set[str]:
        found = _decider_violations(
            user, step, on_behalf, {OWNER}, people(self.granted) if action == "approve" else set()
        )
        if self.state == "review":
            if step not in self.required:
                found.add("step_not_required")
            if action == "approve" and (
                step in self.granted or len(self.granted) == len(self.required)
            ):
                found.add("already_approved")
        return found

    def _rule_violations(
        self, action: str, amount: Decimal = Decimal(0), reference: str = "", **_: object
    ) -> set[str]:
        limit = self.shipped if self.state == "terminated" else self.amount
        advance = (self.amount * self.advance_percent / 100).quantize(Decimal("0.01"))
        checks = {
            "sign": ("approval_missing", len(self.granted) < len(self.required)),
            "start": ("advance_not_received", self.collected < advance),
            "ship": ("over_shipment", self.shipped + amount > self.amount),
            "invoice": ("over_invoicing", self.invoiced + amount > self.amount),
            "refund": ("refund_exceeds_collected", amount > self.collected),
            "accept": ("not_fully_shipped", self.shipped != self.amount),
            "amend": ("amendment_below_recorded", amount < self.recorded),
        }
        found = {code for code, broken in [checks.get(action, ("", False))] if broken}
        if action == "pay":
            if self.collected + amount > limit:
                found.add("overpayment")
            if reference in self.references:
                found.add("duplicate_payment")
        return found

    def apply(self, action: str, user: str, **args: object) -> None:
        """The effect of a successful attempt."""
        amount = Decimal(str(args.get("amount", 0)))
        if action == "submit":
            self.state, self.granted = "review", {}
            self.required = ["contract_review", "manager_approval"] + (
                ["finance_review"] if self.amount >= 200000 else []
            )
        elif action == "approve":
            self.granted[str(args["step"])] = (user, args.get("on_behalf_of"))  # type: ignore[assignment]
        elif action == "reject":
            self.state, self.granted = "draft", {}
        elif action in ("sign", "start", "accept", "terminate"):
            self.state = {
                "sign": "signed",
                "start": "executing",
                "accept": "accepted",
                "terminate": "terminated",
            }[action]
        elif action == "ship":
            self.shipped += amount
        elif action == "invoice":
            self.invoiced += amount
        elif action == "pay":
            self.paid += amount
            self.references.add(str(args["reference"]))
        elif action == "refund":
            self.refunded += amount
        else:
            self._amendment_applied(
                action, user, amount, args.get("step"), args.get("on_behalf_of")
            )
        if self.state == "accepted" and self.collected == self.amount:
            self.state = "paid"

    def _amendment_applied(
        self, action: str, user: str, amount: Decimal, step: object, on_behalf: object
    ) -> None:
        if action == "amend":
            self.amendment = PendingAmendment(amount, steps_for(amount), user)
        elif action == "approve_amendment":
            assert self.amendment is not None
            self.amendment.granted[str(step)] = (user, on_behalf)  # type: ignore[assignment]
            if len(self.amendment.granted) == len(self.amendment.required):
                self.amount, self.amendment = self.amendment.amount, None
        elif action in ("reject_amendment", "withdraw_amendment"):
            self.amendment = None


def _decider_violations(
    user: str, step: str, on_behalf: object, makers: set[str], granted: set[str | None]
) -> set[str]:
    """The step's role (lent for the deputy), and maker–checker for both people."""
    deciding = {user, on_behalf} - {None}
    if user not in STEP_DECIDERS[step] and not on_behalf:
        return {"forbidden"}
    if deciding & makers or deciding & granted:
        return {"separation_of_duties"}
    return set()


class SnapshottingFlow(ContractFlow):
    """Snapshots every few events, so reloads exercise them too."""

    snapshotting_intervals = {Contract: 3, NumberSequence: 3}  # noqa: RUF012


class ContractLifecycleMachine(RuleBasedStateMachine):
    app: ContractFlow

    @initialize(
        amount=st.sampled_from([Decimal("100000.00"), Decimal("250000.00")]),
        advance=st.sampled_from([0, 30]),
    )
    def draft(self, amount: Decimal, advance: int) -> None:
        terms = {
            "title": "t",
            "customer": {"id": "C1", "name": "n", "credit_class": None},
            "amount": amount,
            "payment_terms": {"advance_percent": advance, "due_days": 30},
        }
        self.contract_id = self.app.contracts.create(actor(OWNER), terms).id
        if not self.app.delegations.lent(DEPUTY, DIRECTOR, "director"):
            today = self.app.today()
            self.app.delegations.create(
                actor(DIRECTOR), DEPUTY, "director", today, today + timedelta(days=30), "休假"
            )
        self.model = Model(amount, advance)
        self.invoices = 0

    @rule(data=st.data())
    def progress(self, data: st.DataObject) -> None:
        """An action the state allows, mostly by someone meant to do it."""
        possible = sorted(a for a, states in FROM.items() if self.model.state in states)
        if possible:
            self.attempt(data.draw(st.sampled_from(possible)), data, helpful=True)

    @rule(action=st.sampled_from(sorted(FROM)), data=st.data())
    def probe(self, action: str, data: st.DataObject) -> None:
        """Any action in any state, to exercise the refusals."""
        self.attempt(action, data)

    def attempt(self, action: str, data: st.DataObject, *, helpful: bool = False) -> None:
        if data.draw(st.integers(0, RARITY.get(action, 0)), label="dice"):
            return  # both undo progress: keep them rare so that histories go deep
        step = data.draw(st.sampled_from(sorted(STEP_DECIDERS)), label="step")
        deciders = STEP_DECIDERS[step] if action in STEP_ACTIONS else MAY.get(action, SPECIALISTS)
        user = data.draw(someone_who_may(deciders), label="user")
        args = self.arguments(action, step, data)
        expected = self.model.violations(action, user, **args)
        try:
            self.command(action, actor(user), args)()
        except DomainError as error:
            assert expected, f"{action} by {user} {args} was refused ({error.code}) but is allowed"
            assert error.code in expected, f"{action}: got {error.code}, expected one of {expected}"
            return
        assert not expected, f"{action} by {user} {args} succeeded despite {expected}"
        self.model.apply(action, user, **args)

    def arguments(self, action: str, step: str, data: st.DataObject) -> dict[str, object]:
        model = self.model
        if action in STEP_ACTIONS:
            for_director = step == "director_approval" and data.draw(st.booleans(), label="for")
            return {"step": step, "on_behalf_of": DIRECTOR if for_director else None}
        if action == "amend":
            lowest = [model.recorded] if model.recorded > 0 else []
            return {"amount": data.draw(st.sampled_from(AMENDED_AMOUNTS + lowest), label="new")}
        fill = {  # the exact amount that completes the figure, to reach the boundaries
            "ship": model.amount - model.shipped,
            "invoice": model.amount - model.invoiced,
            "pay": (model.shipped if model.state == "terminated" else model.amount)
            - model.collected,
            "refund": model.collected,
        }.get(action)
        if fill is None:
            return {}
        amounts = st.one_of(AMOUNTS, st.just(fill)) if fill > 0 else AMOUNTS
        args: dict[str, object] = {"amount": data.draw(amounts, label="amount")}
        if action == "pay":
            args["reference"] = data.draw(
                st.sampled_from(["P1", "P2", "P3", "P4", "P5"]), label="ref"
            )
        return args

    def command(self, action: str, who: Actor, args: dict[str, Any]) -> Callable[[], object]:
        desk, cid = self.app.contracts, self.contract_id
        amount, step = args.get("amount"), args.get("step")
        self.invoices += 1
        return {
            "submit": lambda: desk.submit(who, cid),
            "approve": lambda: desk.approve(who, cid, step, None, args["on_behalf_of"]),
            "reject": lambda: desk.reject(who, cid, step, "no", args["on_behalf_of"]),
            "sign": lambda: desk.sign(who, cid, None),
            "start": lambda: desk.start(who, cid, None),
            "ship": lambda: desk.ship(who, cid, amount, None, None),
            "invoice": lambda: desk.invoice(who, cid, amount, f"FP-{self.invoices}", None),
            "pay": lambda: desk.pay(who, cid, amount, None, args.get("reference")),
            "refund": lambda: desk.refund(who, cid, amount, None, "r"),
            "accept": lambda: desk.accept(who, cid, None, None),
            "terminate": lambda: desk.terminate(who, cid, "r"),
            "amend": lambda: desk.amend(who, cid, {"amount": amount}, "r"),
            "approve_amendment": lambda: desk.approve_amendment(
                who, cid, step, None, args["on_behalf_of"]
            ),
            "reject_amendment": lambda: desk.reject_amendment(
                who, cid, step, "r", args["on_behalf_of"]
            ),
            "withdraw_amendment": lambda: desk.withdraw_amendment(who, cid, "r"),
        }[action]

    @invariant()
    def agrees_with_the_model_and_the_money_rules(self) -> None:
        contract = self.app.repository.get(self.contract_id)
        model = self.model
        assert contract.state == model.state and contract.state in CONTRACT_LIFECYCLE.states
        assert (contract.shipped, contract.invoiced, contract.collected) == (
            model.shipped,
            model.invoiced,
            model.collected,
        )
        assert contract.amount == model.amount
        assert (contract.amendment is None) == (model.amendment is None)  # one pending at most
        assert Decimal(0) <= contract.collected <= contract.amount
        assert contract.shipped <= contract.amount and contract.invoiced <= contract.amount
        replayed = reduce(
            lambda agg, event: event.mutate(agg), self.app.events.get(self.contract_id), None
        )
        assert _state_of(replayed) == _state_of(contract)

    @invariant()
    def every_decision_was_taken_by_someone_allowed_at_its_time(self) -> None:
        """Each grant or rejection by the step's role, never by the owner (the creator here)
        nor by the requester of the amendment it decides."""
        requester = None
        for event in self.app.events.get(self.contract_id):
            kind = type(event).__name__
            if kind == "AmendmentRequested":
                requester = event.actor
            grant = getattr(event, "grant", None) or {}
            step = getattr(event, "step", None) or grant.get("step")
            if kind in DECISIONS:
                for_whom = getattr(event, "on_behalf_of", None) or grant.get("on_behalf_of")
                lent = for_whom == DIRECTOR and event.actor == DEPUTY
                assert event.actor in STEP_DECIDERS[step] or lent, (kind, event.actor, step)
                makers = {OWNER, requester if "mend" in kind else OWNER}
                assert not {event.actor, for_whom} & makers, kind


def _state_of(contract: Contract | None) -> dict[str, object]:
    assert contract is not None
    return {k: v for k, v in vars(contract).items() if k != "_pending_events"}


EXAMPLES = {"memory:": 200}  # the durable stores replay fewer, slower histories


def test_random_histories_keep_every_rule(database_url: str) -> None:
    app = SnapshottingFlow(library_env(database_url, 5))

    class OnThisStore(ContractLifecycleMachine):
        pass

    OnThisStore.app = app
    try:
        run_state_machine_as_test(
            OnThisStore,
            settings=settings(
                max_examples=EXAMPLES.get(database_url, 30),
                stateful_step_count=100,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
    finally:
        app.close()
