"""Any Unicode, control characters and lone surrogates included, in every text field of
every command: answers are never 500, what is accepted is stored, and every report still
answers with views at the head (hardening: one request never breaks the service)."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.desk import Desk
from tests.test_refusals import REPORTS

# Every code point, with control characters and lone surrogates drawn often.
ANY_TEXT = st.text(st.one_of(st.characters(), st.characters(categories=["Cc", "Cs"])), max_size=12)
CUSTOMER = {"id": "CUST-001", "name": "华东机械有限公司"}


def commands(contract: dict[str, Any], complaint: dict[str, Any]) -> dict[str, tuple]:  # type: ignore[type-arg]
    """Each text field of each command: (user, path, body with the field to fill as ...)."""
    c, k = f"/api/contracts/{contract['id']}", f"/api/complaints/{complaint['id']}"
    return {
        "title": ("li.lei", "/api/contracts", {"title": ..., "customer": CUSTOMER,
                  "amount": "10.00", "payment_terms": {"advance_percent": 0}}),
        "customer name": ("li.lei", "/api/contracts", {"title": "t", "customer": {
            "id": "C-2", "name": ...}, "amount": "10.00", "payment_terms": {"advance_percent": 0}}),
        "customer id": ("li.lei", "/api/contracts", {"title": "t", "customer": {
            "id": ..., "name": "n"}, "amount": "10.00", "payment_terms": {"advance_percent": 0}}),
        "line": ("li.lei", "/api/contracts", {"title": "t", "customer": CUSTOMER,
                 "amount": "10.00", "payment_terms": {"advance_percent": 0},
                 "lines": [{"description": ..., "quantity": "1", "unit_price": "10.00"}]}),
        "ship note": ("li.lei", f"{c}/ship", {"amount": "0.01", "note": ...}),
        "invoice no": ("zhao.qiang", f"{c}/invoice", {"amount": "0.01", "invoice_no": ...}),
        "reference": ("zhao.qiang", f"{c}/pay", {"amount": "0.01", "reference": ...}),
        "refund reason": ("zhao.qiang", f"{c}/refund", {"amount": "0.01", "reason": ...}),
        "termination": ("chen.jing", f"{c}/terminate", {"reason": ...}),
        "description": ("sun.li", "/api/complaints", {"customer": CUSTOMER, "channel": "phone",
                        "category": "quality", "description": ...}),
        "handler": ("sun.li", f"{k}/assign", {"handler": ...}),
        "resolution": ("sun.li", f"{k}/handle", {"resolution": ...}),
        "search": ("wang.fang", "/api/contracts?q=", None),
    }  # fmt: skip


def filled(body: Any, text: str) -> Any:
    if body is ...:
        return text
    if isinstance(body, dict):
        return {key: filled(value, text) for key, value in body.items()}
    if isinstance(body, list):
        return [filled(item, text) for item in body]
    return body


def test_any_text_in_any_field_never_breaks_the_service(desk: Desk) -> None:
    contract = desk.executing(amount="1000000.00")
    complaint = desk.client.post(
        "/api/complaints",
        json={"customer": CUSTOMER, "channel": "phone", "category": "quality", "description": "d"},
        headers=desk.as_user("sun.li"),
    ).json()
    fields = commands(contract, complaint)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(field=st.sampled_from(sorted(fields)), text=ANY_TEXT)
    def send(field: str, text: str) -> None:
        user, path, body = fields[field]
        headers = desk.as_user(user) | {"Content-Type": "application/json"}
        if body is None:  # sent as its UTF-8 bytes, a lone surrogate as invalid ones
            query = quote(text.encode("utf-8", "surrogatepass"))
            response = desk.client.get(path + query, headers=headers)
        else:
            content = json.dumps(filled(body, text))  # ASCII escapes carry any code point
            response = desk.client.post(path, content=content, headers=headers)
        assert response.status_code < 500, (field, text, response.text)

    send()
    for path in REPORTS:
        response = desk.client.get(path, headers=desk.as_user("zhou.shen"))
        assert response.status_code == 200, (path, response.text)
    verified = desk.client.get("/api/audit/verify", headers=desk.as_user("zhou.shen")).json()
    assert verified["ok"], verified["problems"]
    deadline = time.monotonic() + 10  # views that no report above reads catch up by themselves
    while True:
        health = desk.client.get("/api/health").json()
        caught_up = all(view["lag"] == 0 for view in health["projections"].values())
        if caught_up or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert health["status"] == "ok", health
    assert caught_up, health
