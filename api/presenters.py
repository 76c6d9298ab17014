"""Aggregates and events → the JSON shapes of SPEC §8 (money as two-decimal strings)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

from domain.actors import Actor
from domain.chain import event_data, plain
from domain.complaints.complaint import Complaint
from domain.complaints.policy import my_actions as complaint_actions_for
from domain.contracts.contract import Contract
from domain.contracts.policy import my_actions as contract_actions_for
from domain.customers.customer import Customer
from domain.money import format_money


def contract_body(contract: Contract, open_complaints: int, actor: Actor) -> dict[str, Any]:
    return {
        "id": str(contract.id),
        "number": contract.number,
        "title": contract.title,
        "customer": contract.customer.as_dict(),
        "owner": contract.owner,
        "amount": format_money(contract.amount),
        "currency": contract.currency,
        "payment_terms": contract.payment_terms.as_dict(),
        "delivery_due": contract.delivery_due,
        "lines": [
            {
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": format_money(line.unit_price),
            }
            for line in contract.lines
        ],
        "state": contract.state,
        "version": contract.version,
        "required_approvals": contract.required_approvals,
        "approvals": contract.approvals,
        "amendment": plain(contract.amendment.as_dict()) if contract.amendment else None,
        "amendments": [plain(applied.as_dict()) for applied in contract.amendments],
        "allowed_actions": contract.allowed_actions,
        "my_actions": contract_actions_for(actor, contract),
        "totals": {
            name: format_money(getattr(contract, name))
            for name in ("shipped", "invoiced", "collected", "receivable", "remaining")
        },
        "signed_on": contract.signed_on,
        "accepted_on": contract.accepted_on,
        "open_complaints": open_complaints,
        "created_by": contract.created_by,
        "created_at": contract.created_on,
        "updated_at": contract.modified_on,
    }


def customer_body(customer: Customer) -> dict[str, Any]:
    body = customer.as_dict()
    limit = body["credit_limit"]
    return body | {"credit_limit": None if limit is None else format_money(limit)}


def history_body(aggregate_id: UUID, events: Iterable[DomainEventProtocol[UUID]]) -> dict[str, Any]:
    return {
        "id": str(aggregate_id),
        "events": [
            {
                "version": event.originator_version,
                "type": type(event).__name__,
                "recorded_at": event.timestamp,
                "actor": getattr(event, "actor", None),
                "data": event_fields(event),
            }
            for event in events
        ],
    }


def event_fields(event: Any) -> dict[str, Any]:
    """What an event says, as JSON, besides who said it (shown apart as `actor`)."""
    return {key: value for key, value in event_data(event).items() if key != "actor"}


def money_from_cents(cents: int) -> str:
    """Read models keep integer cents; responses show two-decimal strings."""
    return format_money(Decimal(cents).scaleb(-2))


def complaint_body(complaint: Complaint, actor: Actor) -> dict[str, Any]:
    return {
        "id": str(complaint.id),
        "number": complaint.number,
        "customer": complaint.customer,
        "contract_id": str(complaint.contract_id) if complaint.contract_id else None,
        "channel": complaint.channel,
        "category": complaint.category,
        "severity": complaint.severity,
        "description": complaint.description,
        "state": complaint.state,
        "version": complaint.version,
        "handler": complaint.handler,
        "received_at": complaint.received_at,
        "handled_at": complaint.handled_at,
        "revisited_at": complaint.revisited_at,
        "resolution": complaint.resolution,
        "revisit": complaint.last_revisit,
        "reopen_count": complaint.reopen_count,
        "handle_due": complaint.handle_due,
        "revisit_due": complaint.revisit_due,
        "allowed_actions": complaint.allowed_actions,
        "my_actions": complaint_actions_for(actor, complaint),
    }
