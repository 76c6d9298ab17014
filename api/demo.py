"""Demo users and realistic demo contracts in every state, so a newcomer sees a working system.

Dates are back-dated over the last months so that, once reports exist, statements and
aging have history to show. Seeding is deterministic (a fixed random seed).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from tqdm import tqdm

from api.users import add_user
from domain.actors import Actor
from domain.application import ContractFlow
from domain.clock import recorded_as_of
from domain.contracts.states import (
    ACCEPTED,
    DRAFT,
    EXECUTING,
    PAID,
    REVIEW,
    SIGNED,
    TERMINATED,
)
from domain.money import CENT

DEMO_USERS: dict[str, tuple[str, list[str]]] = {
    "li.lei": ("李雷", ["sales"]),
    "han.meimei": ("韩梅梅", ["sales"]),
    "wang.fang": ("王芳", ["contract_specialist"]),
    "zhao.qiang": ("赵强", ["finance"]),
    "chen.jing": ("陈静", ["manager"]),
    "liu.yang": ("刘洋", ["director"]),
    "zhou.min": ("周敏", ["manager"]),  # the director's deputy while on leave
    "sun.li": ("孙丽", ["customer_service"]),
    "qian.kefu": ("钱客服", ["customer_service"]),
    "zhou.shen": ("周审", ["auditor"]),
}
CUSTOMERS = [
    ("CUST-001", "华东机械有限公司", "A"),
    ("CUST-002", "南方电力设备厂", "B"),
    ("CUST-003", "北京智远科技", "A"),
    ("CUST-004", "成都天府建材", "C"),
    ("CUST-005", "青岛海港物流", "B"),
    ("CUST-006", "武汉光谷电子", "A"),
]
PRODUCTS = ["离心泵机组", "变频控制柜", "输送带系统", "工业传感器", "液压站", "配电箱"]
# Where each demo contract stops: every state, weighted towards the busy middle.
TARGETS = [DRAFT] * 3 + [REVIEW] * 4 + [SIGNED] * 3 + [EXECUTING] * 8 + [ACCEPTED] * 4
TARGETS += [PAID] * 6 + [TERMINATED] * 2


def create_demo_users(path: Path) -> dict[str, str]:
    """(Re)issue a token for every demo user; returns id → token, to print once."""
    return {
        user_id: add_user(path, user_id, name, roles)
        for user_id, (name, roles) in DEMO_USERS.items()
    }


def _actor(user_id: str) -> Actor:
    return Actor(user_id, frozenset(DEMO_USERS[user_id][1]))


FINANCE = _actor("zhao.qiang")


def seed_demo_data(app: ContractFlow) -> int:
    """Create the demo contracts and complaints; returns how many contracts. Skips a store
    that has any events."""
    if app.recorder.max_notification_id():
        return 0
    rng = random.Random(2026)  # noqa: S311 - deterministic demo data, not security
    executing: dict[str, UUID] = {}  # a contract in execution per customer, to complain of
    contracts = tqdm(
        enumerate(TARGETS), desc="seeding demo contracts", total=len(TARGETS), disable=None
    )
    for index, target in contracts:
        contract_id = _walk(app, rng, index, target)
        if target == EXECUTING:
            executing[CUSTOMERS[index % len(CUSTOMERS)][0]] = contract_id
    complaints = tqdm(
        enumerate(COMPLAINTS), desc="seeding complaints", total=len(COMPLAINTS), disable=None
    )
    for index, story in complaints:
        customer_id = CUSTOMERS[index % len(CUSTOMERS)][0]
        _complain(app, index, story, executing.get(customer_id) if index % 2 else None)
    _leave_and_amend(app, next(iter(executing.values())))
    return len(TARGETS)


def _leave_and_amend(app: ContractFlow, contract_id: UUID) -> None:
    """The director is on leave with 周敏 deciding for them; a customer's credit limit is
    set; and an executing contract waits on an amendment's steps (SPEC §2.1–§2.3)."""
    today = app.today()
    app.delegations.create(
        _actor("liu.yang"), "zhou.min", "director", today - timedelta(days=2),
        today + timedelta(days=12), "年假",
    )  # fmt: skip
    app.customers.update(_actor("zhao.qiang"), "CUST-002", {"credit_limit": Decimal("800000.00")})
    contract = app.contracts.get(_actor("wang.fang"), contract_id)
    changes = {"amount": max(contract.amount * 3, Decimal("1200000.00"))}
    app.contracts.amend(_actor(contract.owner), contract_id, changes, "客户追加采购，扩大供货范围")
    app.contracts.approve_amendment(_actor("wang.fang"), contract_id, "contract_review", "条款已核")


# (days ago received, category, how far the loop got): every state, some overdue, some reopened.
COMPLAINTS = [
    (1, "delivery", "received"),
    (6, "quality", "received"),  # handling overdue
    (3, "billing", "handled"),
    (20, "quality", "handled"),  # revisit overdue
    (30, "service", "revisited"),
    (45, "delivery", "revisited"),
    (25, "quality", "reopened"),  # unsatisfied revisit: back to received, overdue again
    (60, "other", "reopened-closed"),  # reopened once, then closed
]


def _complain(
    app: ContractFlow, index: int, story: tuple[int, str, str], contract_id: UUID | None
) -> None:
    """A complaint from a demo customer, about one of its contracts when it has one in
    execution, walked through the loop as far as `story` says, each step recorded then."""
    days_ago, category, how_far = story
    customer_id, customer_name, _ = CUSTOMERS[index % len(CUSTOMERS)]
    details = {
        "customer": {"id": customer_id, "name": customer_name}, "contract_id": contract_id,
        "channel": ("phone", "email", "visit")[index % 3], "category": category,
        "severity": ("normal", "high", "low")[index % 3],
        "description": {"quality": "设备运行异响", "delivery": "到货延迟三天",
                        "billing": "发票金额与合同不符", "service": "安装人员未按约定时间到场",
                        "other": "希望增加操作培训"}[category],
    }  # fmt: skip
    service, colleague = _actor("sun.li"), _actor("qian.kefu")
    received = datetime.now(UTC) - timedelta(days=days_ago)
    with recorded_as_of(received):
        complaint_id = app.complaints.receive(service, details, received).id
    if how_far == "received":
        return
    steps: list[tuple[timedelta, Any]] = [
        (timedelta(hours=20), lambda at: app.complaints.handle(
            service, complaint_id, "已联系客户并安排处理", at)),
        (timedelta(days=3), lambda at: app.complaints.revisit(
            colleague, complaint_id, {"satisfied": how_far == "revisited",
                                      "score": 5 if how_far == "revisited" else 2,
                                      "note": "客户回访"}, at)),
        (timedelta(days=4), lambda at: app.complaints.handle(
            colleague, complaint_id, "上门更换部件", at)),
        (timedelta(days=6), lambda at: app.complaints.revisit(
            service, complaint_id, {"satisfied": True, "score": 4, "note": "问题解决"}, at)),
    ]  # fmt: skip
    taken = {"handled": 1, "revisited": 2, "reopened": 2, "reopened-closed": 4}[how_far]
    for after, step in steps[:taken]:
        with recorded_as_of(received + after):
            step(received + after)


# Contracts waiting in review, so that each approving role has work in its inbox:
# (hours since submission, the steps already granted).
WAITING = [
    (3, ()),  # the contract specialist and the manager
    (27, ("contract_review", "manager_approval")),  # finance
    (52, ("contract_review", "manager_approval", "finance_review")),  # the director
    (6, ("contract_review",)),  # the manager, finance, the director
]


def _walk(app: ContractFlow, rng: random.Random, index: int, target: str) -> UUID:
    """Tell one contract's story up to `target`; returns its id."""
    story = ContractStory(app, rng, index, target)
    if target == TERMINATED:
        story.review()
        story.terminate()
        return story.id
    for stage in STAGES[1 : STAGES.index(target) + 1]:
        getattr(story, stage)()
    return story.id


STAGES = (DRAFT, REVIEW, SIGNED, EXECUTING, ACCEPTED, PAID)


class ContractStory:
    """One demo contract told stage by stage (each method brings it to that state), every
    step recorded on its business day (within working hours), as if entered then."""

    def __init__(self, app: ContractFlow, rng: random.Random, index: int, target: str) -> None:
        self.app, self.index = app, index
        self.owner = _actor("li.lei" if index % 2 == 0 else "han.meimei")
        self.waiting = WAITING[index % len(WAITING)] if target == REVIEW else None
        amount = Decimal(rng.choice([48_000, 120_000, 260_000, 580_000, 1_350_000]))
        if self.waiting and self.waiting[1][2:]:  # a third step needs a large contract
            amount = Decimal(1_350_000)
        self.amount = amount
        self.day = Calendar(
            app.today() - timedelta(days=240 - index * 6), app.today(), app.timezone
        )
        if self.waiting:
            self.day.submitted(hours_ago=self.waiting[0])
        customer_id, customer_name, credit = CUSTOMERS[index % len(CUSTOMERS)]
        with self.day.recording():
            self.id = app.contracts.create(self.owner, {
                "title": f"{PRODUCTS[index % len(PRODUCTS)]}采购合同",
                "customer": {"id": customer_id, "name": customer_name, "credit_class": credit},
                "amount": amount,
                "payment_terms": {"advance_percent": rng.choice([0, 10, 30]), "due_days": 30},
            }).id  # fmt: skip
        self.advance = self.progress = Decimal(0)

    def draft(self) -> None:
        """Drafted when made."""

    def review(self) -> None:
        with self.day.recording():
            contract = self.app.contracts.submit(self.owner, self.id)
        steps = self.waiting[1] if self.waiting else contract.required_approvals
        for step in steps:
            with self.day.recording(hours=1 if self.waiting else 20):
                self.app.contracts.approve(_actor(DECIDERS[step]), self.id, step, "同意")

    def terminate(self) -> None:
        with self.day.recording(days=2):
            self.app.contracts.terminate(_actor("chen.jing"), self.id, "客户取消采购计划")

    def signed(self) -> None:
        with self.day.recording(days=3):
            contract = self.app.contracts.sign(_actor("wang.fang"), self.id, self.day.day)
        self.advance = contract.payment_terms.advance_due(self.amount)
        if self.advance:
            with self.day.recording(days=4):
                self.app.contracts.pay(FINANCE, self.id, self.advance, self.day.day, "ADV-1")

    def executing(self) -> None:
        specialist, first = _actor("wang.fang"), (self.amount * Decimal("0.6")).quantize(CENT)
        with self.day.recording(days=5):
            self.app.contracts.start(specialist, self.id, self.day.day)
        with self.day.recording(days=15):
            self.app.contracts.ship(specialist, self.id, first, self.day.day, "首批")
        self.progress = (self.amount * Decimal("0.3")).quantize(CENT)
        with self.day.recording(days=25):
            self.app.contracts.pay(FINANCE, self.id, self.progress, self.day.day, "PROGRESS-1")

    def accepted(self) -> None:
        specialist, first = _actor("wang.fang"), (self.amount * Decimal("0.6")).quantize(CENT)
        with self.day.recording(days=5):
            self.app.contracts.ship(specialist, self.id, self.amount - first, self.day.day, "尾批")
        with self.day.recording(days=2):
            invoice_no = f"INV-{self.index:04d}"
            self.app.contracts.invoice(FINANCE, self.id, self.amount, invoice_no, self.day.day)
        with self.day.recording(days=10):
            self.app.contracts.accept(specialist, self.id, self.day.day, "验收合格")

    def paid(self) -> None:
        rest = self.amount - self.advance - self.progress
        with self.day.recording(days=25):
            self.app.contracts.pay(FINANCE, self.id, rest, self.day.day, "FINAL-1")


DECIDERS = {
    "contract_review": "wang.fang",
    "manager_approval": "chen.jing",
    "finance_review": "zhao.qiang",
    "director_approval": "liu.yang",
}


class Calendar:
    """A contract's story told over time: business dates move forward from a start, never
    past today, and each step is recorded within that day's working hours (never later
    than now), so that recording times, hours waiting and `known_at` read as in life."""

    def __init__(self, start: date, today: date, zone: ZoneInfo) -> None:
        self.day, self.today, self.zone = start, today, zone
        self.moment = datetime.combine(start, time(9, 0), zone)

    def submitted(self, hours_ago: int) -> None:
        """Tell the story up to a submission so many hours ago."""
        self.moment = datetime.now(UTC) - timedelta(hours=hours_ago, minutes=30)
        self.day = self.moment.astimezone(self.zone).date()

    @contextmanager
    def recording(self, days: int = 0, hours: int = 0) -> Iterator[None]:
        """Move `days` forward (a new business day) or `hours` on, then record as of then."""
        if days:
            self.day = min(self.day + timedelta(days=days), self.today)
            self.moment = max(self.moment, datetime.combine(self.day, time(10, 0), self.zone))
        self.moment = min(self.moment + timedelta(hours=hours, minutes=7), datetime.now(UTC))
        with recorded_as_of(self.moment):
            yield
