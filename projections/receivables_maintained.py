"""The receivables reports from the figures the view keeps up to date (receivables.py): a
few indexed rows instead of every shipment and collection. Exact for any month's statement
and collection rate, and for aging and open items as of any day on or after the latest
effective date recorded (business dates are never in the future, so today always is);
never for a `known_at`, which needs the facts."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.fifo import Sql, credit, overdrawn, unpaid
from projections.receivables_figures import Receivables, Scope

LEFTOVER = "(collected > shipped OR collected < 0)"  # as the view's partial index says


class MaintainedReceivables(Receivables):
    def covers(self, as_of: date) -> bool:
        """Whether aging and open items as of this day can be read from the kept figures."""
        rows = self.view.rows(f"SELECT latest FROM {self.view.t('rcv_extent')}")
        return not rows or as_of.isoformat() >= rows[0]["latest"]

    def _statement_sums(
        self, first: date, last: date, scope: Scope
    ) -> dict[str, tuple[int, int, int]]:
        """All months minus the later ones give the closing; one statement, one snapshot."""
        t, month = self.view.t, first.isoformat()[:7]
        every, later, this = (
            scope.where("1 = 1"), scope.where("month > ?", month), scope.where("month = ?", month)
        )  # fmt: skip
        rows = self.view.rows(
            f"""SELECT customer_id, SUM(sales) AS sales, SUM(collections) AS collections,
                       SUM(month_sales) AS month_sales, SUM(month_collections) AS month_collections
                FROM (SELECT customer_id, sales, collections, facts,
                             0 AS month_sales, 0 AS month_collections
                      FROM {t("rcv_totals")} WHERE {every.clause}
                      UNION ALL
                      SELECT customer_id, -sales, -collections, -facts, 0, 0
                      FROM {t("rcv_months")} WHERE {later.clause}
                      UNION ALL
                      SELECT customer_id, 0, 0, 0, sales, collections
                      FROM {t("rcv_months")} WHERE {this.clause}) AS figures
                GROUP BY customer_id HAVING SUM(facts) > 0""",
            [*every.params, *later.params, *this.params],
        )
        sums = {}
        for row in rows:
            sales, collections = int(row["month_sales"]), int(row["month_collections"])
            closing = int(row["sales"]) - int(row["collections"])
            sums[row["customer_id"]] = (closing - sales + collections, sales, collections)
        return sums

    def _unpaid_parts(
        self, as_of: date, scope: Scope, condition: str = "1 = 1", params: list[Any] | None = None
    ) -> Sql:
        shipments = scope.where(f"unpaid > 0 AND {condition}", *params or [])
        return Sql(
            "SELECT contract_id, customer_id, owner, due_on, effective_on, amount, position, "
            f"unpaid FROM {self.view.t('rcv_shipments')} WHERE {shipments.clause}",
            shipments.params,
        )

    def _leftovers(self, as_of: date, scope: Scope) -> Sql:
        chosen = scope.where(LEFTOVER)
        return Sql(
            f"""SELECT customer_id, SUM({credit("collected", "shipped")}) AS credit,
                       SUM({overdrawn("collected")}) AS overdrawn
                FROM {self.view.t("rcv_contracts")} WHERE {chosen.clause} GROUP BY customer_id""",
            chosen.params,
        )

    def _customers(self, scope: Scope) -> Sql:
        every = scope.where("facts > 0")
        return Sql(
            f"SELECT customer_id FROM {self.view.t('rcv_totals')} WHERE {every.clause}",
            every.params,
        )

    def _planned(self, first: date, last: date, scope: Scope) -> dict[str, int]:
        """What each contract owes now (its unpaid shipments and a net negative collection),
        corrected, for the few contracts with a shipment due after `last` or a collection
        from `first` on, by what it owed without them. One statement, one snapshot."""
        t = self.view.t
        open_parts, owing = scope.where("unpaid > 0"), scope.where(f"{LEFTOVER} AND collected < 0")
        later_shipments = scope.where("due_on > ?", last.isoformat())
        later_collections = scope.where("effective_on >= ?", first.isoformat())
        shipped, collected = "c.shipped - later.shipped", "c.collected - later.collected"
        then = f"{unpaid(collected, '0', shipped)} + {overdrawn(collected)}"
        now = f"{unpaid('c.collected', '0', 'c.shipped')} + {overdrawn('c.collected')}"
        rows = self.view.rows(
            f"""SELECT owner, SUM(owed) AS planned FROM (
                    SELECT owner, unpaid AS owed FROM {t("rcv_shipments")}
                    WHERE {open_parts.clause}
                    UNION ALL
                    SELECT owner, -collected FROM {t("rcv_contracts")} WHERE {owing.clause}
                    UNION ALL
                    SELECT c.owner, ({then}) - ({now})
                    FROM (SELECT contract_id, SUM(shipped) AS shipped,
                                 SUM(collected) AS collected
                          FROM (SELECT contract_id, amount AS shipped, 0 AS collected
                                FROM {t("rcv_shipments")} WHERE {later_shipments.clause}
                                UNION ALL
                                SELECT contract_id, 0, amount FROM {t("rcv_collections")}
                                WHERE {later_collections.clause}) AS facts
                          GROUP BY contract_id) AS later
                    JOIN {t("rcv_contracts")} AS c ON c.contract_id = later.contract_id
                ) AS owed GROUP BY owner""",
            [
                *open_parts.params, *owing.params, *later_shipments.params,
                *later_collections.params,
            ],
        )  # fmt: skip
        planned = dict.fromkeys(self._active_owners(first, scope), 0)
        for row in rows:
            if int(row["planned"]):  # an owner with no fact by `last` owes nothing
                planned[row["owner"]] = planned.get(row["owner"], 0) + int(row["planned"])
        return planned

    def _active_owners(self, first: date, scope: Scope) -> set[str]:
        """Owners with a fact by the end of `first`'s month: all facts less the later ones."""
        every, later = scope.where("1 = 1"), scope.where("month > ?", first.isoformat()[:7])
        rows = self.view.rows(
            f"""SELECT owner FROM (SELECT owner, facts FROM {self.view.t("rcv_totals")}
                                   WHERE {every.clause}
                                   UNION ALL
                                   SELECT owner, -facts FROM {self.view.t("rcv_months")}
                                   WHERE {later.clause}) AS figures
                GROUP BY owner HAVING SUM(facts) > 0""",
            [*every.params, *later.params],
        )
        return {row["owner"] for row in rows}
