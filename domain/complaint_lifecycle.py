"""The complaint loop, declared once (SPEC §3, seed 002: 有投诉即时受理，迅速有结果，处理后有回访):
received → handled → revisited, and back to received when the customer is not satisfied."""

from __future__ import annotations

from typing import Any

from domain.errors import ConflictError
from domain.lifecycle import Guard, Lifecycle

RECEIVED = "received"
HANDLED = "handled"
REVISITED = "revisited"
STATES = (RECEIVED, HANDLED, REVISITED)


def customer_satisfied(complaint: Any, satisfied: bool) -> bool:
    return satisfied


SATISFIED = Guard(
    customer_satisfied, ConflictError, "the revisit's outcome decides", needs=("satisfied",)
)

COMPLAINT_LIFECYCLE = Lifecycle(
    states=STATES,
    initial=RECEIVED,
    transitions=[
        {"trigger": "assign", "source": RECEIVED, "dest": "="},
        {"trigger": "handle", "source": RECEIVED, "dest": HANDLED},
        {"trigger": "revisit", "source": HANDLED, "dest": REVISITED, "conditions": [SATISFIED]},
        {"trigger": "revisit", "source": HANDLED, "dest": RECEIVED, "unless": [SATISFIED]},
    ],
)
