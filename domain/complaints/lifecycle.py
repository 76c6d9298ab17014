"""The complaint loop, declared once (SPEC §3, seed 002: 有投诉即时受理，迅速有结果，处理后有回访):
received → handled → revisited, and back to received when the customer is not satisfied."""

from __future__ import annotations

from typing import Any

from domain.actors import CUSTOMER_SERVICE, SALES
from domain.errors import ConflictError
from domain.lifecycle import SAME, Guard, Lifecycle, Row, who

RECEIVED = "received"
HANDLED = "handled"
REVISITED = "revisited"
STATES = (RECEIVED, HANDLED, REVISITED)


def customer_satisfied(complaint: Any, satisfied: bool) -> bool:
    return satisfied


SATISFIED = Guard(
    customer_satisfied, ConflictError, "the revisit's outcome decides", needs=("satisfied",)
)
SERVICE = who(CUSTOMER_SERVICE)

COMPLAINT_LIFECYCLE = Lifecycle(
    states=STATES,
    initial=RECEIVED,
    creators=who(CUSTOMER_SERVICE, SALES),
    rows=[
        # Row(action, from, to, who, guards, unless): SPEC §3's table
        Row("assign", RECEIVED, SAME, SERVICE),
        Row("handle", RECEIVED, HANDLED, SERVICE),
        Row("revisit", HANDLED, REVISITED, SERVICE, guards=(SATISFIED,)),
        Row("revisit", HANDLED, RECEIVED, SERVICE, unless=(SATISFIED,)),
    ],
)
