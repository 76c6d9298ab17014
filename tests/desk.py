"""A contract desk for API tests: create contracts and walk them through the lifecycle
over HTTP, so tests read as what users do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from httpx import Response

SIGNED_ON = "2025-01-01"
DECIDERS = {
    "contract_review": "wang.fang",
    "manager_approval": "chen.jing",
    "finance_review": "zhao.qiang",
    "director_approval": "liu.yang",
}


def draft_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "离心泵机组采购合同",
        "customer": {"id": "CUST-001", "name": "华东机械有限公司", "credit_class": "A"},
        "amount": "100000.00",
        "payment_terms": {"advance_percent": 0, "due_days": 30},
    }
    body.update(overrides)
    return body


class Desk:
    def __init__(self, client: httpx.Client, as_user: Callable[[str], dict[str, str]]) -> None:
        self.client = client
        self.as_user = as_user

    def create(self, by: str = "li.lei", **overrides: Any) -> dict[str, Any]:
        response = self.client.post(
            "/api/contracts", json=draft_body(**overrides), headers=self.as_user(by)
        )
        assert response.status_code == 201, response.text
        return response.json()

    def act(
        self,
        contract: dict[str, Any],
        action: str,
        by: str,
        body: dict[str, Any] | None = None,
        **headers: str,
    ) -> Response:
        return self.client.post(
            f"/api/contracts/{contract['id']}/{action.replace('_', '-')}",  # SPEC §8 paths
            json=body or {},
            headers=self.as_user(by) | headers,
        )

    def ok(
        self, contract: dict[str, Any], action: str, by: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        response = self.act(contract, action, by, body)
        assert response.status_code == 200, response.text
        return response.json()

    def get(self, contract: dict[str, Any], by: str = "wang.fang", **params: Any) -> Response:
        return self.client.get(
            f"/api/contracts/{contract['id']}", params=params, headers=self.as_user(by)
        )

    def approve_all(self, contract: dict[str, Any]) -> dict[str, Any]:
        for step in contract["required_approvals"]:
            contract = self.ok(contract, "approve", DECIDERS[step], {"step": step})
        return contract

    # The steps below act as the contract specialist, who may advance anyone's contract.
    # They sign and start on SIGNED_ON, so that tests may date business after it.

    def submitted(self, by: str = "li.lei", **overrides: Any) -> dict[str, Any]:
        return self.ok(self.create(by, **overrides), "submit", "wang.fang")

    def signed(self, by: str = "li.lei", **overrides: Any) -> dict[str, Any]:
        contract = self.approve_all(self.submitted(by, **overrides))
        return self.ok(contract, "sign", "wang.fang", {"signed_on": SIGNED_ON})

    def executing(self, by: str = "li.lei", **overrides: Any) -> dict[str, Any]:
        return self.ok(
            self.signed(by, **overrides), "start", "wang.fang", {"started_on": SIGNED_ON}
        )

    def accepted(self, by: str = "li.lei", **overrides: Any) -> dict[str, Any]:
        contract = self.executing(by, **overrides)
        contract = self.ok(contract, "ship", "wang.fang", {"amount": contract["amount"]})
        return self.ok(contract, "accept", "wang.fang")


def assert_problem(response: Response, status: int, code: str) -> dict[str, Any]:
    """A refusal is problem+json with the status and code of SPEC §8."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert {"type", "title", "detail"} <= body.keys()
    return body
