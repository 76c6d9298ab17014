"""Verify the whole log against its chains and the audit seal, streaming in position
order: memory stays flat however long the log (SPEC §6 tamper evidence)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from eventsourcing.application import Application

from api.audit_log import UNDECODABLE
from domain.chain import link
from projections.seal import SealView

BATCH = 1000
MAX_REPORTED = 100


def verify(
    app: Application[Any], seal: SealView, done: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """`{"ok", "checked", "digest", "problems"}`; a problem names position, aggregate,
    version and what is wrong (modified, deleted, inserted, reordered, undecodable)."""
    digest, problems, checked = hashlib.sha256(), [], 0
    found = 0
    for position, stored, sealed in _merged(_log(app), _seal(seal)):
        checked += stored is not None
        problem = _check(app, position, stored, sealed, digest)
        if problem is not None:
            found += 1
            if len(problems) < MAX_REPORTED:
                problems.append(problem)
        if done is not None and stored is not None:
            done(1)
    return {
        "ok": found == 0,
        "checked": checked,
        "digest": digest.hexdigest(),
        "problems": problems,
    }


def _check(  # noqa: PLR0911 - one verdict per check, in order
    app: Any, position: int, stored: Any, sealed: dict | None, digest: Any
) -> dict | None:
    if stored is None:
        assert sealed is not None
        return _problem(
            position, sealed["aggregate_id"], sealed["version"], "deleted: sealed but gone"
        )
    where = (position, str(stored.originator_id), stored.originator_version)
    try:
        event = app.mapper.to_domain_event(stored)
    except UNDECODABLE as error:
        digest.update(
            f"{position}|{where[1]}|{where[2]}|{hashlib.sha256(stored.state).hexdigest()}\n".encode()
        )
        return _problem(*where, f"modified: the payload no longer decodes ({type(error).__name__})")
    chain = getattr(event, "chain", None)
    # The digest is of what the log says now: the chain recomputed from the content.
    actual = link(event.chain_prev, event) if chain is not None else None
    digest.update(f"{position}|{where[1]}|{where[2]}|{actual}\n".encode())
    if sealed is None:
        return _problem(*where, "inserted: not in the seal")
    if (sealed["aggregate_id"], int(sealed["version"])) != where[1:]:
        seal_says = f"{sealed['aggregate_id']} v{sealed['version']}"
        return _problem(*where, f"reordered: the seal has {seal_says} here")
    if chain is None:
        return _problem(*where, "unchained: recorded before tamper evidence (re-seed the demo)")
    if actual != chain:
        return _problem(*where, "modified: the content does not match its chain")
    if sealed["chain"] != chain:
        return _problem(*where, "modified: the chain differs from the seal")
    return None


def _problem(position: int, aggregate_id: str, version: Any, what: str) -> dict[str, Any]:
    return {
        "position": position,
        "aggregate_id": aggregate_id,
        "version": int(version),
        "problem": what,
    }


def _log(app: Any) -> Iterator[Any]:
    after = 0
    while batch := app.recorder.select_notifications(start=after + 1, limit=BATCH):
        yield from batch
        after = batch[-1].id


def _seal(seal: SealView) -> Iterator[dict[str, Any]]:
    after = 0
    while batch := seal.sealed(after, BATCH):
        yield from batch
        after = int(batch[-1]["position"])


def _merged(log: Iterator[Any], sealed: Iterator[dict[str, Any]]) -> Iterator[tuple[int, Any, Any]]:
    """Pairs of (position, stored event or None, seal row or None), in position order."""
    stored, row = next(log, None), next(sealed, None)
    while stored is not None or row is not None:
        stored_at = stored.id if stored is not None else None
        sealed_at = int(row["position"]) if row is not None else None
        if sealed_at is None or (stored_at is not None and stored_at < sealed_at):
            yield stored_at, stored, None
            stored = next(log, None)
        elif stored_at is None or sealed_at < stored_at:
            yield sealed_at, None, row
            row = next(sealed, None)
        else:
            yield stored_at, stored, row
            stored, row = next(log, None), next(sealed, None)
