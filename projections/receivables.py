"""Receivables: every shipment and collection as a fact (contract, customer, owner, currency,
effective date, recording time), and, kept up to date as events arrive, what today's
questions need: each contract's position (shipped, collected, and each shipment's unpaid
part after first-in-first-out) and per customer the sales and collections of each month and
in all. Today's aging, any month's statement and collection rate then read a few indexed
rows; a past `as_of` or any `known_at` is computed from the facts (receivables_reports).

Contract events are applied a batch at a time: a contract's position is read once per batch
(none for contracts the batch creates), settled in memory (receivable_positions) and written
back with one statement per table."""

from __future__ import annotations

from typing import Any

from domain.contracts.contract import Contract
from domain.customers.customer import Customer
from projections.receivable_positions import Account, Shipment
from projections.store import AggregateWriter, Writer, chunks
from projections.view import Handler, View, cents, recorded

CONTRACT_EVENTS = (
    Contract.Created,
    Contract.Revised,
    Contract.Shipped,
    Contract.PaymentReceived,
    Contract.Refunded,
)


class ReceivablesView(View):
    name = "receivables"
    version = 2  # contract positions, monthly and total figures maintained
    tables = (
        "rcv_contracts", "rcv_customers", "rcv_shipments", "rcv_collections", "rcv_months",
        "rcv_totals", "rcv_extent",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._batch: list[tuple[Any, int]] = []

    def schema(self) -> list[str]:
        t, s = self.t, self.suffix
        fact = (
            "position BIGINT PRIMARY KEY, contract_id TEXT NOT NULL, customer_id TEXT NOT NULL, "
            "owner TEXT NOT NULL, currency TEXT NOT NULL, effective_on TEXT NOT NULL, "
            "amount BIGINT NOT NULL, recorded_at TEXT NOT NULL"
        )
        figures = (
            "customer_id TEXT NOT NULL, owner TEXT NOT NULL, currency TEXT NOT NULL, "
            "sales BIGINT NOT NULL, collections BIGINT NOT NULL, facts BIGINT NOT NULL"
        )
        # A contract holds a leftover while it has collected more than shipped or less than
        # nothing: aging's credit and what the customer owes back.
        leftover = "collected > shipped OR collected < 0"
        return [
            f"""CREATE TABLE IF NOT EXISTS {t("rcv_contracts")} (
                contract_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, owner TEXT NOT NULL,
                currency TEXT NOT NULL, shipped BIGINT NOT NULL, collected BIGINT NOT NULL)""",
            f"""CREATE TABLE IF NOT EXISTS {t("rcv_customers")} (
                customer_id TEXT PRIMARY KEY, customer_name TEXT NOT NULL,
                named_at BIGINT NOT NULL)""",
            # `unpaid`: what the contract's collections leave of it, first in first out.
            f"""CREATE TABLE IF NOT EXISTS {t("rcv_shipments")} ({fact}, due_on TEXT NOT NULL,
                unpaid BIGINT NOT NULL)""",
            f"CREATE TABLE IF NOT EXISTS {t('rcv_collections')} ({fact})",
            f"""CREATE TABLE IF NOT EXISTS {t("rcv_months")} ({figures}, month TEXT NOT NULL,
                PRIMARY KEY (customer_id, owner, currency, month))""",
            f"""CREATE TABLE IF NOT EXISTS {t("rcv_totals")} ({figures},
                PRIMARY KEY (customer_id, owner, currency))""",
            f"""CREATE TABLE IF NOT EXISTS {t("rcv_extent")} (
                id INTEGER PRIMARY KEY, latest TEXT NOT NULL)""",
            f"""CREATE INDEX IF NOT EXISTS rcv_shipments{s}_by_customer
                ON {t("rcv_shipments")} (customer_id, effective_on)""",
            f"""CREATE INDEX IF NOT EXISTS rcv_shipments{s}_by_contract
                ON {t("rcv_shipments")} (contract_id)""",
            f"""CREATE INDEX IF NOT EXISTS rcv_shipments{s}_open
                ON {t("rcv_shipments")} (customer_id) WHERE unpaid > 0""",
            f"CREATE INDEX IF NOT EXISTS rcv_shipments{s}_by_due ON {t('rcv_shipments')} (due_on)",
            f"""CREATE INDEX IF NOT EXISTS rcv_collections{s}_by_customer
                ON {t("rcv_collections")} (customer_id, effective_on)""",
            f"""CREATE INDEX IF NOT EXISTS rcv_collections{s}_by_day
                ON {t("rcv_collections")} (effective_on)""",
            f"""CREATE INDEX IF NOT EXISTS rcv_contracts{s}_leftover
                ON {t("rcv_contracts")} (customer_id) WHERE {leftover}""",
            f"CREATE INDEX IF NOT EXISTS rcv_months{s}_by_month ON {t('rcv_months')} (month)",
        ]

    def event_handlers(self) -> dict[type, Handler]:
        return {
            **dict.fromkeys(CONTRACT_EVENTS, self._contract_event),
            Customer.Registered: self._registered,
            Customer.Updated: self._renamed,
        }

    def begin(self, writer: Writer) -> None:
        self._batch = []

    def _contract_event(self, w: AggregateWriter, event: Any, position: int) -> None:
        """Kept for the batch's end, where the contract's position is read once."""
        self._batch.append((event, position))
        customer = (
            event.terms["customer"]
            if isinstance(event, Contract.Created)
            else getattr(event, "changes", {}).get("customer")
        )
        if customer is not None:
            self._name_customer(w, customer, position)

    def _registered(self, w: AggregateWriter, event: Any, position: int) -> None:
        self._name_customer(w, {"id": event.customer_id, "name": event.name}, position)

    def _renamed(self, w: AggregateWriter, event: Any, position: int) -> None:
        """A rename in the register renames the customer in every report (SPEC §2.3)."""
        if "name" in event.changes:
            renamed = {"id": event.customer_id, "name": event.changes["name"]}
            self._name_customer(w, renamed, position)

    def _name_customer(self, w: AggregateWriter, customer: dict[str, Any], position: int) -> None:
        """The latest name given to a customer id is the one reports show, whichever
        contract's statement the database sees first."""
        w.execute(
            f"INSERT INTO {self.t('rcv_customers')} AS known VALUES (?, ?, ?) "
            "ON CONFLICT (customer_id) DO UPDATE SET customer_name = excluded.customer_name, "
            "named_at = excluded.named_at WHERE excluded.named_at > known.named_at",
            (customer["id"], self.hide(customer["name"]), position),
        )

    def end(self, writer: Writer, position: int) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        created = {str(e.originator_id) for e, _ in batch if isinstance(e, Contract.Created)}
        accounts = self._accounts(writer, {str(e.originator_id) for e, _ in batch} - created)
        facts = Facts()
        for event, at in batch:
            contract_id = str(event.originator_id)
            if isinstance(event, Contract.Created):
                customer = event.terms["customer"]["id"]
                accounts[contract_id] = Account(customer, event.owner, event.terms["currency"])
            elif isinstance(event, Contract.Revised):
                accounts[contract_id].revise(event.changes)
            elif isinstance(event, Contract.Shipped):
                shipment = Shipment(
                    at, event.due_on.isoformat(), event.shipped_on.isoformat(), cents(event.amount)
                )
                accounts[contract_id].ship(shipment)
                facts.shipped(contract_id, accounts[contract_id], shipment, event.timestamp)
            else:
                received = isinstance(event, Contract.PaymentReceived)
                effective = event.received_on if received else event.refunded_on
                amount = cents(event.amount) * (1 if received else -1)
                accounts[contract_id].collect(amount)
                facts.collected(
                    contract_id, accounts[contract_id], at, effective.isoformat(), amount,
                    event.timestamp,
                )  # fmt: skip
        self._write(writer, accounts, created, facts)

    def _accounts(self, writer: Writer, contract_ids: set[str]) -> dict[str, Account]:
        """The stored positions of contracts this batch touches and did not create."""
        accounts: dict[str, Account] = {}
        for chunk in chunks(sorted(contract_ids)):
            marks = ", ".join("?" * len(chunk))
            for row in writer.rows(
                f"SELECT * FROM {self.t('rcv_contracts')} WHERE contract_id IN ({marks})", chunk
            ):
                accounts[row["contract_id"]] = Account(
                    row["customer_id"], row["owner"], row["currency"], collected=row["collected"]
                )
            for row in writer.rows(
                "SELECT contract_id, position, due_on, effective_on, amount, unpaid "
                f"FROM {self.t('rcv_shipments')} WHERE contract_id IN ({marks})",
                chunk,
            ):
                accounts[row["contract_id"]].stored(
                    Shipment(row["position"], row["due_on"], row["effective_on"], row["amount"]),
                    row["unpaid"],
                )
        return accounts

    def _write(
        self, writer: Writer, accounts: dict[str, Account], created: set[str], facts: Facts
    ) -> None:
        """The batch's facts, and every touched position as settled now: one statement per
        table, many rows each."""
        t = self.t
        positions = {cid: (*a.key, a.shipped, a.collected) for cid, a in accounts.items()}
        writer.execute_many(
            f"INSERT INTO {t('rcv_contracts')} VALUES (?, ?, ?, ?, ?, ?)",
            [(cid, *position) for cid, position in positions.items() if cid in created],
        )
        writer.execute_many(
            f"UPDATE {t('rcv_contracts')} SET customer_id = ?, owner = ?, currency = ?, "
            "shipped = ?, collected = ? WHERE contract_id = ?",
            [(*position, cid) for cid, position in positions.items() if cid not in created],
        )
        unpaid = {
            at: cents for account in accounts.values() for at, cents in account.settle().items()
        }
        new = {row[0] for row in facts.shipments}
        writer.execute_many(
            f"INSERT INTO {t('rcv_shipments')} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, unpaid[row[0]]) for row in facts.shipments],
        )
        writer.execute_many(
            f"UPDATE {t('rcv_shipments')} SET unpaid = ? WHERE position = ?",
            [(left, at) for at, left in unpaid.items() if at not in new],
        )
        writer.execute_many(
            f"INSERT INTO {t('rcv_collections')} VALUES (?, ?, ?, ?, ?, ?, ?, ?)", facts.collections
        )
        figures = ("sales", "collections", "facts")
        add = ", ".join(f"{name} = f.{name} + excluded.{name}" for name in figures)
        for table, keys, rows in (
            ("rcv_months", "customer_id, owner, currency, month", facts.months),
            ("rcv_totals", "customer_id, owner, currency", facts.totals),
        ):
            marks = ", ".join("?" * (len(keys.split(",")) + len(figures)))
            writer.execute_many(
                f"INSERT INTO {t(table)} AS f ({keys}, {', '.join(figures)}) VALUES ({marks}) "
                f"ON CONFLICT ({keys}) DO UPDATE SET {add}",
                [(*key, *counts) for key, counts in rows.items()],
            )
        if facts.latest is not None:
            writer.execute(
                f"INSERT INTO {t('rcv_extent')} AS e VALUES (1, ?) ON CONFLICT (id) "
                "DO UPDATE SET latest = excluded.latest WHERE excluded.latest > e.latest",
                (facts.latest,),
            )


class Facts:
    """A batch's shipment and collection rows, and what they add to each month and in all."""

    def __init__(self) -> None:
        self.shipments: list[tuple[Any, ...]] = []
        self.collections: list[tuple[Any, ...]] = []
        self.months: dict[tuple[str, ...], list[int]] = {}
        self.totals: dict[tuple[str, ...], list[int]] = {}
        self.latest: str | None = None  # the latest effective date among them

    def shipped(self, contract_id: str, account: Account, shipment: Shipment, at: Any) -> None:
        self.shipments.append((
            shipment.position, contract_id, *account.key, shipment.effective_on,
            shipment.amount, recorded(at), shipment.due_on,
        ))  # fmt: skip
        self._count(account, shipment.effective_on, shipment.amount, 0)

    def collected(
        self, contract_id: str, account: Account, position: int, effective: str, amount: int,
        at: Any,
    ) -> None:  # fmt: skip
        self.collections.append(
            (position, contract_id, *account.key, effective, amount, recorded(at))
        )
        self._count(account, effective, amount, 1)

    def _count(self, account: Account, effective: str, amount: int, figure: int) -> None:
        for counts in (
            self.months.setdefault((*account.key, effective[:7]), [0, 0, 0]),
            self.totals.setdefault(account.key, [0, 0, 0]),
        ):
            counts[figure] += amount
            counts[2] += 1
        self.latest = max(self.latest or effective, effective)
