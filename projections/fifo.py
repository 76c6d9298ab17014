"""First-in-first-out application of collections to shipments, earliest due first (ties by
shipped date, then recording order) (SPEC §5): the one rule behind aging, collection rate
and the next due date.

The database applies it, with a running total per contract, so that a report over a
hundred thousand contracts moves sums rather than every shipment into Python. Each
function returns a query with its parameters; WHERE clauses passed in choose the facts.
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


def unpaid_parts(view: View, shipments: Sql, collections: Sql) -> Sql:
    """Rows (contract_id, customer_id, owner, due_on, effective_on, amount, position, unpaid):
    every shipment `shipments`
    selects, with the cents left unpaid once the contract's net collections that
    `collections` selects have paid the shipments due before it. Use it as a subquery."""
    left = "COALESCE(c.net, 0) - s.before"  # what is left when this shipment's turn comes
    return Sql(
        f"""SELECT s.contract_id, s.customer_id, s.owner, s.due_on, s.effective_on, s.amount,
                s.position, s.amount - CASE WHEN {left} <= 0 THEN 0
                                WHEN {left} >= s.amount THEN s.amount ELSE {left} END AS unpaid
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
                SUM(CASE WHEN c.net > COALESCE(s.total, 0)
                         THEN c.net - COALESCE(s.total, 0) ELSE 0 END) AS credit,
                SUM(CASE WHEN c.net < 0 THEN -c.net ELSE 0 END) AS overdrawn
            FROM (SELECT contract_id, {by}, SUM(amount) AS net FROM {view.t("rcv_collections")}
                  WHERE {collections.clause} GROUP BY contract_id, {by}) AS c
            LEFT JOIN (SELECT contract_id, SUM(amount) AS total FROM {view.t("rcv_shipments")}
                       WHERE {shipments.clause} GROUP BY contract_id) AS s
              ON s.contract_id = c.contract_id
            GROUP BY c.{by}""",
        [*collections.params, *shipments.params],
    )
