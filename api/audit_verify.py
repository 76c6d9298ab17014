"""Verify the whole log against its chains and the audit seal, streaming in position
order: memory stays flat however long the log (SPEC §6 tamper evidence).

Recomputing chains is CPU work in Python, so a durable store's log can be verified by
several processes, each taking one stretch of positions at a time; the main process
takes their results in position order, so the digest and the problems are the same as
one process would find."""

from __future__ import annotations

import hashlib
import heapq
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import Application

from api.audit_log import UNDECODABLE
from api.audit_tree import Signed, StoreCheckpoints, TreeCheck
from domain.chain import canonical, chained
from projections.merkle import leaf_hash
from projections.seal import SealView
from projections.signed_note import Verifier
from projections.store import ViewStore
from projections.tree import TreeView

BATCH = 1000
STRETCH = 5 * BATCH  # positions one process verifies at a time: what memory holds
MAX_REPORTED = 100


@dataclass
class Stretch:
    """What verifying positions [first, last] found."""

    lines: list[bytes] = field(default_factory=list)  # the digest's input, in order
    leaves: list[tuple[int, bytes]] = field(default_factory=list)  # (position, leaf hash)
    checked: int = 0
    found: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_REPORTED


def verify_log(
    views: Any,
    *,
    verifier: Verifier | None = None,
    kept: Iterable[Signed] = (),
    done: Callable[[int], None] | None = None,
    workers: int = 1,
) -> dict[str, Any]:
    """Verify the log of `views`' application, holding it also to the checkpoints that
    `verifier` (the signing key's own, by default) signed, and to checkpoints an auditor
    `kept`. `signed_by` names the key; null means the checkpoints are unsigned and a rewrite
    by someone who can write to the database would not show."""
    views.refresh("seal", "tree")
    tree: TreeView = views.views["tree"]
    verifier = verifier or (tree.signer.verifier if tree.signer else None)
    stored = StoreCheckpoints(tree, verifier) if verifier else None
    signed = heapq.merge(sorted(kept, key=_size), stored or (), key=_size)
    result = verify(views.app, views.views["seal"], done, workers, signed=signed)
    if stored is not None and stored.forged:
        result["ok"] = False
        result["problems"] = [*stored.forged, *result["problems"]][:MAX_REPORTED]
    result["signed_by"] = verifier.name if verifier else None
    return result


def _size(signed: Signed) -> int:
    return signed.checkpoint.size


def verify(
    app: Application[Any],
    seal: SealView,
    done: Callable[[int], None] | None = None,
    workers: int = 1,
    stretch: int = STRETCH,
    signed: Iterable[Signed] = (),
) -> dict[str, Any]:
    """`{"ok", "checked", "digest", "problems", "tree_size", "checkpoints"}`; a problem
    names position, aggregate, version and what is wrong (modified, deleted, inserted,
    reordered, undecodable, rewritten, truncated). `signed` are the checkpoints to hold
    the log to, smallest first. `workers` > 1 verifies a durable store in that many
    processes, `stretch` positions at a time."""
    head = max(app.recorder.max_notification_id() or 0, seal.last_position())
    stretches = [(first, min(first + stretch - 1, head)) for first in range(1, head + 1, stretch)]
    digest, checked, found, problems = hashlib.sha256(), 0, 0, []
    tree = TreeCheck(iter(signed))
    for result in _verified(app, seal, stretches, workers):
        digest.update(b"".join(result.lines))
        for position, leaf in result.leaves:
            tree.add(position, leaf)
        checked += result.checked
        found += result.found
        problems += result.problems[: MAX_REPORTED - len(problems)]
        if done is not None:
            done(result.checked)
    rewritten = tree.finish()
    if rewritten is not None:
        found += 1
        problems = [rewritten, *problems][:MAX_REPORTED]
    return {
        "ok": found == 0,
        "checked": checked,
        "digest": digest.hexdigest(),
        "problems": problems,
        "tree_size": tree.frontier.size,
        "checkpoint": None if tree.matched is None else tree.matched.note,
    }


def _verified(
    app: Application[Any], seal: SealView, stretches: list[tuple[int, int]], workers: int
) -> Iterator[Stretch]:
    if workers <= 1 or len(stretches) <= 1:
        yield from (verify_stretch(app, seal, first, last) for first, last in stretches)
        return
    # Spawned, not forked: the parent holds connections and threads a fork would copy.
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_open_worker, initargs=(dict(app.env),)) as pool:
        yield from pool.imap(_worker_stretch, stretches)


_worker: tuple[Application[Any], SealView] | None = None


def _open_worker(env: dict[str, str]) -> None:
    from domain.application import ContractFlow  # noqa: PLC0415 - imported in the worker only

    global _worker  # noqa: PLW0603 - one application per worker process
    app = ContractFlow(env)
    _worker = (app, SealView(ViewStore.beside(app)))


def _worker_stretch(bounds: tuple[int, int]) -> Stretch:
    assert _worker is not None
    return verify_stretch(*_worker, *bounds)


def verify_stretch(app: Any, seal: SealView, first: int, last: int) -> Stretch:
    stretch = Stretch()
    for position, stored, sealed in _merged(_log(app, first, last), _seal(seal, first, last)):
        stretch.checked += stored is not None
        problem = _check(app, position, stored, sealed, stretch.lines, stretch.leaves)
        if problem is not None:
            stretch.found += 1
            if len(stretch.problems) < MAX_REPORTED:
                stretch.problems.append(problem)
    return stretch


def _check(  # noqa: PLR0911 - one verdict per check, in order
    app: Any,
    position: int,
    stored: Any,
    sealed: dict | None,
    lines: list[bytes],
    leaves: list[tuple[int, bytes]],
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
        lines.append(_digest_line(where, hashlib.sha256(stored.state).hexdigest()))
        leaves.append((position, leaf_hash(stored.state)))
        return _problem(*where, f"modified: the payload no longer decodes ({type(error).__name__})")
    encoded = canonical(event)
    leaves.append((position, leaf_hash(encoded)))
    chain = getattr(event, "chain", None)
    # The digest is of what the log says now: the chain recomputed from the content.
    actual = chained(event.chain_prev, encoded) if chain is not None else None
    lines.append(_digest_line(where, actual))
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


def _digest_line(where: tuple[int, str, int], chain: str | None) -> bytes:
    position, aggregate_id, version = where
    return f"{position}|{aggregate_id}|{version}|{chain}\n".encode()


def _problem(position: int, aggregate_id: str, version: Any, what: str) -> dict[str, Any]:
    return {
        "position": position,
        "aggregate_id": aggregate_id,
        "version": int(version),
        "problem": what,
    }


def _log(app: Any, first: int, last: int) -> Iterator[Any]:
    after = first - 1
    while after < last and (
        batch := app.recorder.select_notifications(start=after + 1, limit=BATCH, stop=last)
    ):
        yield from batch
        after = batch[-1].id


def _seal(seal: SealView, first: int, last: int) -> Iterator[dict[str, Any]]:
    after = first - 1
    while batch := seal.sealed(after, BATCH, last):
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
