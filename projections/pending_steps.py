"""The steps waiting for a decision (SPEC §5 approval inbox): a row per step of a review
round or of an amendment not granted yet, with its makers (owner, creator, requester), in
the inbox's order (oldest submission first, then the contract, then the step's place in the
round), so that a caller's inbox is one indexed query instead of a walk over every
contract in review."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from domain.actors import Actor
from domain.contracts.policy import deciders
from domain.contracts.routing import STEP_ROLES
from projections.fifo import Sql
from projections.store import AggregateWriter

GRANTS = {"approval": "ledger_approvals", "amendment": "ledger_amendment_grants"}


class PendingSteps:
    def __init__(self, t: Callable[[str], str], suffix: str) -> None:
        """`t`: the ledger view's table names."""
        self.t = t
        self.suffix = suffix
        self.table = t("ledger_pending")

    def schema(self) -> list[str]:
        return [
            f"""CREATE TABLE IF NOT EXISTS {self.table} (
                contract_id TEXT NOT NULL, kind TEXT NOT NULL, step TEXT NOT NULL,
                ordinal INTEGER NOT NULL, submitted_at TEXT NOT NULL, position BIGINT NOT NULL,
                owner TEXT NOT NULL, created_by TEXT NOT NULL, requested_by TEXT,
                PRIMARY KEY (contract_id, kind, step))""",
            f"""CREATE INDEX IF NOT EXISTS ledger_pending{self.suffix}_in_order
                ON {self.table} (step, submitted_at, position, ordinal)""",
        ]

    def opened(
        self,
        w: AggregateWriter,
        contract_id: str,
        kind: str,
        steps: list[str],
        asked: tuple[str, str | None],
    ) -> None:
        """The steps of a round or of an amendment, in one statement; `asked`: when, and by
        whom for an amendment (its requester is a maker)."""
        if steps:
            places = ", ".join(f"(?, {ordinal})" for ordinal in range(len(steps)))
            w.execute(
                f"INSERT INTO {self.table} SELECT l.contract_id, ?, s.column1, s.column2, ?, "
                f"l.position, l.owner, l.created_by, ? FROM {self.t('ledger')} l, "
                f"(VALUES {places}) AS s WHERE l.contract_id = ?",
                (kind, *asked, *steps, contract_id),
            )

    def decided(
        self, w: AggregateWriter, contract_id: str, kind: str, step: str | None = None
    ) -> None:
        """A step granted, or with no step, every step of a round or amendment closed."""
        where, params = "contract_id = ? AND kind = ?", [contract_id, kind]
        if step is not None:
            where, params = f"{where} AND step = ?", [*params, step]
        w.execute(f"DELETE FROM {self.table} WHERE {where}", params)

    def waiting_for(self, actor: Actor) -> Sql | None:
        """Ledger rows, one per step `actor` may grant now (None: no step is theirs), oldest
        first: as themselves, or for the first delegator whose lent role allows it."""
        ways = self._ways(actor)
        if not ways:
            return None
        *firsts, (_, last) = ways  # the last way is the one left when the others are not
        whens = " ".join(f"WHEN {may.clause} THEN CAST(? AS TEXT)" for may, _ in firsts)
        on_behalf_of = f"CASE {whens} ELSE CAST(? AS TEXT) END" if firsts else "CAST(? AS TEXT)"
        allowed = _any(ways)
        return Sql(
            f"""SELECT l.contract_id, l.number, l.title, l.customer_id, l.customer_name,
                    l.amount, l.currency, p.kind, p.step, p.submitted_at,
                    a.number AS amendment, a.new_amount, {on_behalf_of} AS on_behalf_of
                FROM {self.table} p JOIN {self.t("ledger")} l ON l.contract_id = p.contract_id
                LEFT JOIN {self.t("ledger_amendments")} a
                    ON p.kind = 'amendment' AND a.contract_id = p.contract_id
                WHERE {allowed.clause}
                ORDER BY p.submitted_at, p.position, p.ordinal""",
            [
                *(param for may, delegator in firsts for param in (*may.params, delegator)),
                last,
                *allowed.params,
            ],
        )

    def count_for(self, actor: Actor) -> Sql | None:
        """How many steps `actor` may grant now: the steps alone, without the ledger rows
        that `waiting_for` joins to them (a page reads 50 of those; a count, all)."""
        ways = self._ways(actor)
        if not ways:
            return None
        allowed = _any(ways)
        count = f"SELECT COUNT(*) AS n FROM {self.table} p WHERE {allowed.clause}"
        return Sql(count, allowed.params)

    def _ways(self, actor: Actor) -> list[tuple[Sql, str | None]]:
        """Each way `actor` may decide (as themselves, or for a delegator): the steps it
        allows, and on whose behalf."""
        return [
            (self._may_grant(steps, {decider.id, delegator} - {None}), delegator)
            for decider, delegator in deciders(actor)
            if (steps := [step for step, role in STEP_ROLES.items() if decider.has(role)])
        ]

    def _may_grant(self, steps: list[str], people: set[str]) -> Sql:
        """The rule of `policy.step_refusal`, granting, as SQL on a pending step `p`: the
        step's role; none of `people` a maker of it, nor a grantor of its round."""
        who, them = _marks(people), sorted(people)
        conditions = [
            (f"p.step IN ({_marks(steps)})", steps),
            (f"p.owner NOT IN ({who}) AND p.created_by NOT IN ({who})", them * 2),
            (f"(p.requested_by IS NULL OR p.requested_by NOT IN ({who}))", them),
            *(
                (f"NOT EXISTS (SELECT 1 FROM {self.t(table)} g WHERE p.kind = '{kind}' "
                 f"AND g.contract_id = p.contract_id "
                 f"AND (g.granted_by IN ({who}) OR g.on_behalf_of IN ({who})))", them * 2)
                for kind, table in GRANTS.items()
            ),
        ]  # fmt: skip
        return Sql(
            " AND ".join(clause for clause, _ in conditions),
            [param for _, params in conditions for param in params],
        )


def _marks(values: Iterable[Any]) -> str:
    return ", ".join("?" for _ in values)


def _any(ways: list[tuple[Sql, str | None]]) -> Sql:
    """A pending step `p` that one of the ways allows."""
    return Sql(
        " OR ".join(f"({may.clause})" for may, _ in ways),
        [param for may, _ in ways for param in may.params],
    )
