"""First-in-first-out application of collections to shipments, earliest due first (ties by
shipped date, then recording order) (SPEC §5): the one rule behind aging, collection rate
and the next due date.

For any day and any `known_at`, the database applies it to the facts with a running total
per contract, so that a report over a hundred thousand contracts moves sums rather than
every shipment into Python; the receivables view keeps it applied for today
(receivable_positions). The SQL formulas below serve both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from projections.view import View


@dataclass(frozen=True)
class Sql:
    """SQL text with its parameters, in order: a WHERE clause or a whole query."""

    clause: str
    params: list[Any] = field(default_factory=list)


def unpaid(net: str, before: str, amount: str) -> str:
    """SQL for what is left unpaid of a shipment of `amount` once `net` collections have
    paid the shipments due before it (`before`): the one formula both paths apply."""
    left = f"({net}) - ({before})"
    return (
        f"({amount}) - CASE WHEN {left} <= 0 THEN 0 WHEN {left} >= ({amount}) THEN ({amount}) "
        f"ELSE {left} END"
    )


def credit(net: str, shipped: str) -> str:
    """SQL for what remains of `net` collections once every shipment is paid."""
    return f"CASE WHEN ({net}) > ({shipped}) THEN ({net}) - ({shipped}) ELSE 0 END"


def overdrawn(net: str) -> str:
    """SQL for a net negative collection (refunds dated before the payments they return),
    which the customer owes."""
    return f"CASE WHEN ({net}) < 0 THEN -({net}) ELSE 0 END"


def unpaid_parts(view: View, shipments: Sql, collections: Sql) -> Sql:
    """Rows (contract_id, customer_id, owner, due_on, effective_on, amount, position, unpaid):
    every shipment `shipments` selects, with the cents left unpaid once the contract's net
    collections that `collections` selects have paid the shipments due before it. Use it as
    a subquery."""
    return Sql(
        f"""SELECT s.contract_id, s.customer_id, s.owner, s.due_on, s.effective_on, s.amount,
                s.position, {unpaid("COALESCE(c.net, 0)", "s.before", "s.amount")} AS unpaid
            FROM (SELECT contract_id, customer_id, owner, due_on, effective_on, amount, position,
                         CAST(SUM(amount) OVER (PARTITION BY contract_id
                                                ORDER BY due_on, effective_on, position
                                                ROWS UNBOUNDED PRECEDING) AS BIGINT)
                         - amount AS before
                  FROM {view.t("rcv_shipments")} WHERE {shipments.clause}) AS s
            LEFT JOIN (SELECT contract_id, SUM(amount) AS net FROM {view.t("rcv_collections")}
                       WHERE {collections.clause} GROUP BY contract_id) AS c
              ON c.contract_id = s.contract_id""",
        [*shipments.params, *collections.params],
    )


def leftovers(view: View, by: str, shipments: Sql, collections: Sql) -> Sql:
    """Rows (`by`, credit, overdrawn) over contracts with collections: `credit` is what
    remains once every shipment is paid; `overdrawn` is a net negative collection (refunds
    dated before the payments they return), which the customer owes."""
    return Sql(
        f"""SELECT c.{by},
                SUM({credit("c.net", "COALESCE(s.total, 0)")}) AS credit,
                SUM({overdrawn("c.net")}) AS overdrawn
            FROM (SELECT contract_id, {by}, SUM(amount) AS net FROM {view.t("rcv_collections")}
                  WHERE {collections.clause} GROUP BY contract_id, {by}) AS c
            LEFT JOIN (SELECT contract_id, SUM(amount) AS total FROM {view.t("rcv_shipments")}
                       WHERE {shipments.clause} GROUP BY contract_id) AS s
              ON s.contract_id = c.contract_id
            GROUP BY c.{by}""",
        [*collections.params, *shipments.params],
    )
