"""The contract lifecycle, declared once (SPEC §2): the only place that knows which action
is valid in which state, and who takes it."""

from __future__ import annotations

from domain.actors import CONTRACT_SPECIALIST, DIRECTOR, FINANCE, MANAGER, SALES
from domain.contracts.amendments import REQUESTER
from domain.contracts.rules import (
    ADVANCE_RECEIVED,
    AMENDMENT_PENDING,
    AMENDMENT_TO_DECIDE,
    APPROVAL_PENDING,
    APPROVALS_COMPLETE,
    FULLY_COLLECTED,
    FULLY_SHIPPED,
)
from domain.contracts.states import (
    ACCEPTED,
    ALL,
    DRAFT,
    EXECUTING,
    PAID,
    REVIEW,
    SIGNED,
    TERMINATED,
)
from domain.lifecycle import OWNER, SAME, STEP_ROLE, Lifecycle, Row, who

OWNER_OR_SPECIALIST = who(OWNER, CONTRACT_SPECIALIST)
MONEY = (SIGNED, EXECUTING, ACCEPTED, TERMINATED)
AMENDABLE = (SIGNED, EXECUTING)
LIVE = (DRAFT, REVIEW, SIGNED, EXECUTING)  # not yet accepted, paid or terminated
REQUESTER_OR_SPECIALIST = who(REQUESTER, CONTRACT_SPECIALIST)
UNAMENDED = (AMENDMENT_PENDING,)  # refused while an amendment is pending

CONTRACT_LIFECYCLE = Lifecycle(
    states=ALL,
    initial=DRAFT,
    creators=who(SALES, CONTRACT_SPECIALIST),
    rows=[
        # Row(action, from, to, who, guards): SPEC §2's table
        Row("revise", DRAFT, SAME, OWNER_OR_SPECIALIST),
        Row("submit", DRAFT, REVIEW, OWNER_OR_SPECIALIST),
        Row("approve", REVIEW, SAME, who(STEP_ROLE), (APPROVAL_PENDING,)),
        Row("reject", REVIEW, DRAFT, who(STEP_ROLE)),
        Row("sign", REVIEW, SIGNED, who(CONTRACT_SPECIALIST, MANAGER), (APPROVALS_COMPLETE,)),
        Row("start", SIGNED, EXECUTING, OWNER_OR_SPECIALIST, (ADVANCE_RECEIVED,)),
        Row("ship", EXECUTING, SAME, OWNER_OR_SPECIALIST),
        Row("invoice", (EXECUTING, ACCEPTED, PAID), SAME, who(FINANCE)),  # a fapiao after payment
        Row("pay", MONEY, SAME, who(FINANCE)),
        Row("refund", (EXECUTING, ACCEPTED, TERMINATED), SAME, who(FINANCE)),
        Row("accept", EXECUTING, ACCEPTED, OWNER_OR_SPECIALIST, (FULLY_SHIPPED,), UNAMENDED),
        Row("settle", ACCEPTED, PAID, None, (FULLY_COLLECTED,)),  # fires after pay or accept
        Row("terminate", LIVE, TERMINATED, who(MANAGER, DIRECTOR), unless=UNAMENDED),
        # SPEC §2.1: amendments; each pending one has its own lifecycle (amendments.py)
        Row("amend", AMENDABLE, SAME, OWNER_OR_SPECIALIST, unless=UNAMENDED),
        Row("approve_amendment", AMENDABLE, SAME, who(STEP_ROLE), (AMENDMENT_TO_DECIDE,)),
        Row("reject_amendment", AMENDABLE, SAME, who(STEP_ROLE), (AMENDMENT_TO_DECIDE,)),
        Row("withdraw_amendment", AMENDABLE, SAME, REQUESTER_OR_SPECIALIST, (AMENDMENT_TO_DECIDE,)),
    ],
)
