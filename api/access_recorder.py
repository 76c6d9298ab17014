"""Records every successful read of a contract, a complaint, a report or an export — by the
API or by a page — in the access register (SPEC §6), as the response starts."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.observer import route_template
from projections.access_register import Access, now

# The routes whose reads are registered: contracts and complaints (one, history, time
# travel), reports and their exports, and the pages that show them.
REGISTERED = frozenset(
    {
        "/api/contracts",
        "/api/contracts/{contract_id}",
        "/api/contracts/{contract_id}/history",
        "/api/complaints",
        "/api/complaints/loop",
        "/api/complaints/{complaint_id}",
        "/api/complaints/{complaint_id}/history",
        "/api/receivables/statement",
        "/api/receivables/aging",
        "/api/receivables/collection-rate",
        "/api/reports/performance",
        "/contracts",
        "/contracts/{contract_id}",
        "/complaints",
        "/complaints/{complaint_id}",
        "/receivables/statement",
        "/receivables/aging",
        "/receivables/aging/{customer_id}",
        "/receivables/collection-rate",
    }
)
SUBJECTS = ("contract_id", "complaint_id", "customer_id")


class AccessRecorder:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                _record(scope)
            await send(message)

        await self.app(scope, receive, sending)


def _record(scope: Scope) -> None:
    user = scope.get("state", {}).get("user")
    template = route_template(scope)
    if template not in REGISTERED or user is None:
        return
    params: dict[str, Any] = scope.get("path_params", {})
    query = scope.get("query_string", b"").decode("latin-1")
    client = scope.get("client")
    scope["app"].state.access_register.record(
        Access(
            at=now(),
            user_id=user.id,
            route=template,
            target=scope["path"] + (f"?{query}" if query else ""),
            subject=next((str(params[key]) for key in SUBJECTS if key in params), ""),
            client=client[0] if client else "",
        )
    )
