"""Demo users and realistic demo contracts in every state, so a newcomer sees a working system.

Dates are back-dated over the last months so that, once reports exist, statements and
aging have history to show. Seeding is deterministic (a fixed random seed).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from api.progress import progress
from api.users import add_user
from domain.actors import Actor
from domain.application import ContractFlow
from domain.contracts.states import (
    ACCEPTED,
    DRAFT,
    EXECUTING,
    PAID,
    REVIEW,
    SIGNED,
    TERMINATED,
)

DEMO_USERS: dict[str, tuple[str, list[str]]] = {
    "li.lei": ("李雷", ["sales"]),
    "han.meimei": ("韩梅梅", ["sales"]),
    "wang.fang": ("王芳", ["contract_specialist"]),
    "zhao.qiang": ("赵强", ["finance"]),
    "chen.jing": ("陈静", ["manager"]),
    "liu.yang": ("刘洋", ["director"]),
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


def seed_demo_data(app: ContractFlow) -> int:
    """Create the demo contracts and complaints; returns how many contracts. Skips a store
    that has any events."""
    if app.recorder.max_notification_id():
        return 0
    rng = random.Random(2026)  # noqa: S311 - deterministic demo data, not security
    for index, target in progress(enumerate(TARGETS), len(TARGETS), "seeding demo contracts"):
        _walk(app, rng, index, target)
    for index, story in progress(enumerate(COMPLAINTS), len(COMPLAINTS), "seeding complaints"):
        _complain(app, index, *story)
    return len(TARGETS)


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


def _complain(app: ContractFlow, index: int, days_ago: int, category: str, story: str) -> None:
    """A complaint from a demo customer, walked through the loop as far as `story` says."""
    now = datetime.now(UTC)
    customer_id, customer_name, _ = CUSTOMERS[index % len(CUSTOMERS)]
    details = {
        "customer": {"id": customer_id, "name": customer_name}, "contract_id": None,
        "channel": ("phone", "email", "visit")[index % 3], "category": category,
        "severity": ("normal", "high", "low")[index % 3],
        "description": {"quality": "设备运行异响", "delivery": "到货延迟三天",
                        "billing": "发票金额与合同不符", "service": "安装人员未按约定时间到场",
                        "other": "希望增加操作培训"}[category],
    }  # fmt: skip
    service, colleague = _actor("sun.li"), _actor("qian.kefu")
    received = now - timedelta(days=days_ago)
    complaint = app.complaints.receive(service, details, received)
    if story == "received":
        return
    app.complaints.handle(
        service, complaint.id, "已联系客户并安排处理", received + timedelta(hours=20)
    )
    if story == "handled":
        return
    satisfied = story == "revisited"
    outcome = {"satisfied": satisfied, "score": 5 if satisfied else 2, "note": "客户回访"}
    app.complaints.revisit(colleague, complaint.id, outcome, received + timedelta(days=3))
    if story == "reopened-closed":
        app.complaints.handle(colleague, complaint.id, "上门更换部件", received + timedelta(days=4))
        closing = {"satisfied": True, "score": 4, "note": "问题解决"}
        app.complaints.revisit(service, complaint.id, closing, received + timedelta(days=6))


def _walk(app: ContractFlow, rng: random.Random, index: int, target: str) -> None:
    """Advance one contract through the lifecycle, stopping at `target`."""
    owner = _actor("li.lei" if index % 2 == 0 else "han.meimei")
    specialist, finance = _actor("wang.fang"), _actor("zhao.qiang")
    customer_id, customer_name, credit = CUSTOMERS[index % len(CUSTOMERS)]
    amount = Decimal(rng.choice([48_000, 120_000, 260_000, 580_000, 1_350_000]))
    contract = app.contracts.create(
        owner,
        {
            "title": f"{PRODUCTS[index % len(PRODUCTS)]}采购合同",
            "customer": {"id": customer_id, "name": customer_name, "credit_class": credit},
            "amount": amount,
            "payment_terms": {"advance_percent": rng.choice([0, 10, 30]), "due_days": 30},
        },
    )
    cid = contract.id
    day = Calendar(app.today() - timedelta(days=240 - index * 6), app.today())
    if target == DRAFT:
        return
    app.contracts.submit(owner, cid)
    if target == TERMINATED:
        app.contracts.terminate(_actor("chen.jing"), cid, "客户取消采购计划")
        return
    if target == REVIEW:
        app.contracts.approve(specialist, cid, "contract_review", "条款已审")
        return
    for step in app.contracts.get(owner, cid).required_approvals:
        app.contracts.approve(_actor(DECIDERS[step]), cid, step, "同意")
    contract = app.contracts.sign(specialist, cid, day.after(3))
    advance = contract.payment_terms.advance_due(amount)
    if advance:
        app.contracts.pay(finance, cid, advance, day.after(4), "ADV-1")
    if target == SIGNED:
        return
    first_batch = (amount * Decimal("0.6")).quantize(Decimal("0.01"))
    app.contracts.start(specialist, cid, day.after(5))
    app.contracts.ship(specialist, cid, first_batch, day.after(15), "首批")
    progress_payment = (amount * Decimal("0.3")).quantize(Decimal("0.01"))
    app.contracts.pay(finance, cid, progress_payment, day.after(25), "PROGRESS-1")
    if target == EXECUTING:
        return
    app.contracts.ship(specialist, cid, amount - first_batch, day.after(5), "尾批")
    app.contracts.invoice(finance, cid, amount, f"INV-{index:04d}", day.after(2))
    app.contracts.accept(specialist, cid, day.after(10), "验收合格")
    if target == ACCEPTED:
        return
    app.contracts.pay(finance, cid, amount - advance - progress_payment, day.after(25), "FINAL-1")


DECIDERS = {
    "contract_review": "wang.fang",
    "manager_approval": "chen.jing",
    "finance_review": "zhao.qiang",
    "director_approval": "liu.yang",
}


class Calendar:
    """Business dates moving forward from a start, never past today."""

    def __init__(self, start: date, today: date) -> None:
        self.day = start
        self.today = today

    def after(self, days: int) -> date:
        self.day = min(self.day + timedelta(days=days), self.today)
        return self.day
