"""The contract lifecycle, declared once (SPEC §2): the only place that knows which
action is valid in which state."""

from __future__ import annotations

from domain.contract_rules import (
    ADVANCE_RECEIVED,
    APPROVAL_PENDING,
    APPROVALS_COMPLETE,
    FULLY_COLLECTED,
    FULLY_SHIPPED,
)
from domain.contract_states import (
    ACCEPTED,
    ALL,
    DRAFT,
    EXECUTING,
    PAID,
    REVIEW,
    SIGNED,
    TERMINATED,
)
from domain.lifecycle import Lifecycle

SAME = "="  # a transition that stays in its source state

CONTRACT_LIFECYCLE = Lifecycle(
    states=ALL,
    initial=DRAFT,
    transitions=[
        {"trigger": "revise", "source": DRAFT, "dest": SAME},
        {"trigger": "submit", "source": DRAFT, "dest": REVIEW},
        {"trigger": "approve", "source": REVIEW, "dest": SAME, "conditions": [APPROVAL_PENDING]},
        {"trigger": "reject", "source": REVIEW, "dest": DRAFT},
        {"trigger": "sign", "source": REVIEW, "dest": SIGNED, "conditions": [APPROVALS_COMPLETE]},
        {"trigger": "start", "source": SIGNED, "dest": EXECUTING, "conditions": [ADVANCE_RECEIVED]},
        {"trigger": "ship", "source": EXECUTING, "dest": SAME},
        {"trigger": "invoice", "source": [EXECUTING, ACCEPTED], "dest": SAME},
        {"trigger": "pay", "source": [SIGNED, EXECUTING, ACCEPTED, TERMINATED], "dest": SAME},
        {"trigger": "refund", "source": [EXECUTING, ACCEPTED, TERMINATED], "dest": SAME},
        {"trigger": "accept", "source": EXECUTING, "dest": ACCEPTED, "conditions": [FULLY_SHIPPED]},
        {"trigger": "settle", "source": ACCEPTED, "dest": PAID, "conditions": [FULLY_COLLECTED]},
        {"trigger": "terminate", "source": [DRAFT, REVIEW, SIGNED, EXECUTING], "dest": TERMINATED},
    ],
    automatic=["settle"],
)
