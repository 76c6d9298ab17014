"""The provable log at scale (SPEC §6): a Merkle tree of 1,000,000 leaves built by the tree
view itself, its proofs' sizes and times, and what checking chains costs a command.

The leaves are synthetic events (the tree hashes any event's canonical encoding the same
way), so a million-leaf tree is built in a minute rather than by a million commands.
`python -m bench.provable [DATABASE_URL] [LEAVES]` prints the figures as JSON."""

from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from api.storage import library_env
from bench.measure import latencies, timing
from domain.application import ContractFlow
from domain.chain import ChainedAggregate
from projections import merkle
from projections.signed_note import Signer
from projections.store import ViewStore
from projections.tree import TreeView
from tests.conftest import actor
from tests.receivables_history import START, executing_contract

LEAVES = 1_000_000
BATCH = 10_000  # leaves per transaction, as a projection worker's batch
PROOFS = 500


@dataclass
class SyntheticEvent:
    """Shaped like a stored payment: what the canonical encoding reads."""

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    amount: Decimal
    received_on: date
    reference: str
    actor: str


def tree_at_scale(database_url: str, leaves: int = LEAVES) -> dict[str, Any]:
    app = ContractFlow(library_env(database_url, 30))
    store = ViewStore.beside(app)
    store.signer = Signer.generate("bench.contractflow/log")
    tree = TreeView(store)
    tree.create()
    started = time.perf_counter()
    for first in range(1, leaves + 1, BATCH):
        with store.writing() as writer:
            tree.begin(writer)
            last = min(first + BATCH - 1, leaves)
            for position in range(first, last + 1):
                tree.apply(writer, _event(position), position)
            tree.end(writer, last)
        print(f"bench: tree {last:,}/{leaves:,} leaves", file=sys.stderr, end="\r", flush=True)
    built = time.perf_counter() - started
    print(file=sys.stderr)
    size = tree.size()
    chance = random.Random(9162)  # noqa: S311 - which proofs to time, not secrets
    root = tree.root(size)

    def inclusion() -> int:
        index = chance.randrange(size)
        leaf = tree.leaves(index, 1)[0]
        path = tree.inclusion(index, size)
        assert merkle.verify_inclusion(bytes(leaf["hash"]), index, size, path, root)
        return len(path)

    def consistency() -> int:
        first = chance.randint(1, size)
        proof = tree.consistency(first, size)
        assert merkle.verify_consistency(first, size, tree.root(first), root, proof)
        return len(proof)

    paths = [inclusion() for _ in range(PROOFS)]
    proofs = [consistency() for _ in range(PROOFS)]
    note = tree.latest_checkpoint()["note"]  # type: ignore[index]
    result = {
        "leaves": size,
        "build_leaves_per_second": size / built,
        "inclusion": {
            "hashes_max": max(paths),
            "bytes_max": 32 * max(paths),
            **timing(latencies(inclusion, PROOFS)),
        },
        "consistency": {
            "hashes_max": max(proofs),
            "bytes_max": 32 * max(proofs),
            **timing(latencies(consistency, PROOFS)),
        },
        "checkpoint_bytes": len(note.encode()),
    }
    app.close()
    return result


def _event(position: int) -> SyntheticEvent:
    return SyntheticEvent(
        originator_id=uuid4(),
        originator_version=position % 20 + 1,
        timestamp=datetime.now(UTC),
        amount=Decimal(position % 100_000) / 100,
        received_on=date(2026, 1, 1),
        reference=f"BANK-{position}",
        actor="zhao.qiang",
    )


def chain_check_cost(database_url: str, times: int = 300) -> dict[str, Any]:
    """A command (ship) on a 10-event contract, and loading that contract with and
    without checking its chain: the check's share of the command's time."""
    app = ContractFlow(library_env(database_url, 30))
    loaded = executing_contract(app, "C1", "li.lei")  # 8 events
    for day in range(2):
        app.contracts.pay(actor("zhao.qiang"), loaded, Decimal("1.00"), START, f"P-{day}")
    shipped = executing_contract(app, "C2", "li.lei", amount="100000.00")
    specialist = actor("wang.fang")

    def ship() -> None:
        app.contracts.ship(specialist, shipped, Decimal("1.00"), START, None)

    def load() -> None:
        app.repository.get(loaded)

    command = timing(latencies(ship, times))
    checked = timing(latencies(load, times))
    check = ChainedAggregate.Event._check_chain
    ChainedAggregate.Event._check_chain = lambda *_: None  # type: ignore[method-assign]
    try:
        unchecked = timing(latencies(load, times))
    finally:
        ChainedAggregate.Event._check_chain = check  # type: ignore[method-assign]
    app.close()
    cost = checked["p50_ms"] - unchecked["p50_ms"]
    return {
        "command_p50_ms": command["p50_ms"],
        "load_checked_p50_ms": checked["p50_ms"],
        "load_unchecked_p50_ms": unchecked["p50_ms"],
        "check_share_of_command": cost / command["p50_ms"],
    }


def run(database_url: str, leaves: int = LEAVES) -> dict[str, Any]:
    return {
        "tree": tree_at_scale(database_url, leaves),
        "chain_check": chain_check_cost(database_url),
    }


if __name__ == "__main__":
    url = sys.argv[1] if len(sys.argv) > 1 else "sqlite:///./bench-provable.db"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else LEAVES
    print(json.dumps(run(url, count), indent=2))
