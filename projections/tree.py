"""The log as a Merkle tree (RFC 9162), kept by a projection, and the checkpoints signed
over it (SPEC §6 provable log).

Each event is a leaf, in position order; the leaf's bytes are the event's canonical
encoding (`domain.chain.canonical`). Appending keeps every perfect subtree the new leaf
completes, so a batch costs O(log n) per event and any proof reads O(log n) stored nodes.
After each batch the root is written as a checkpoint, signed when the service holds the
signing key. Checkpoints outlive rebuilds of the tree: they are the evidence."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.chain import canonical
from projections import merkle
from projections.merkle import Frontier, NodeKey
from projections.signed_note import Checkpoint, Signer
from projections.store import Writer, chunks
from projections.view import Handler, View

DEFAULT_ORIGIN = "contractflow"


class TreeView(View):
    name = "tree"
    tables = ("merkle_leaf", "merkle_node")
    reads_every_event = True

    def __init__(self, store: Any, suffix: str = "") -> None:
        super().__init__(store, suffix)
        self.signer: Signer | None = store.signer
        self.origin = self.signer.name if self.signer else DEFAULT_ORIGIN
        self._frontier: Frontier | None = None  # during a batch: the tree as it grows
        self._rows: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]] = ([], [])

    @property
    def checkpoints(self) -> str:
        """Not among `tables`: a rebuild of the tree keeps the checkpoints signed before."""
        return self.store.table("merkle_checkpoint")

    def schema(self) -> list[str]:
        return [
            f"""CREATE TABLE IF NOT EXISTS {self.t("merkle_leaf")} (
                leaf_index BIGINT PRIMARY KEY, position BIGINT NOT NULL UNIQUE,
                hash BYTEA NOT NULL)""",
            f"""CREATE TABLE IF NOT EXISTS {self.t("merkle_node")} (
                level INTEGER NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL,
                PRIMARY KEY (level, idx))""",
            f"""CREATE TABLE IF NOT EXISTS {self.checkpoints} (
                tree_size BIGINT PRIMARY KEY, position BIGINT NOT NULL, root BYTEA NOT NULL,
                note TEXT NOT NULL, key_name TEXT, signed_at TEXT NOT NULL)""",
        ]

    def event_handlers(self) -> dict[type, Handler]:
        return {}  # `apply` takes every event, whatever its type

    def begin(self, writer: Writer) -> None:
        self._frontier, self._rows = None, ([], [])

    def apply(self, writer: Writer, event: Any, position: int) -> None:
        if self._frontier is None:  # the batch's first event: read where the tree ends
            size = self._size(writer.rows)
            keys = Frontier.keys(size)
            found = self._fetch(keys, writer.rows)
            self._frontier = Frontier(size, (found[key] for key in keys))
        leaves, nodes = self._rows
        for level, index, digest in self._frontier.append(merkle.leaf_hash(canonical(event))):
            if level == 0:
                leaves.append((index, position, digest))
            else:
                nodes.append((level, index, digest))

    def end(self, writer: Writer, position: int) -> None:
        frontier, (leaves, nodes) = self._frontier, self._rows
        self._frontier, self._rows = None, ([], [])
        if frontier is None or not leaves:
            return
        writer.execute_many(f"INSERT INTO {self.t('merkle_leaf')} VALUES (?, ?, ?)", leaves)
        writer.execute_many(f"INSERT INTO {self.t('merkle_node')} VALUES (?, ?, ?)", nodes)
        note = Checkpoint(self.origin, frontier.size, frontier.root()).text()
        if self.signer is not None:
            note = self.signer.sign(note)
        writer.execute(
            f"INSERT INTO {self.checkpoints} VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (tree_size) DO NOTHING",
            (
                frontier.size,
                position,
                frontier.root(),
                note,
                self.signer.name if self.signer else None,
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )

    # -- reading ---------------------------------------------------------------------

    def size(self) -> int:
        return self._size(self.rows)

    def _size(self, rows: Any) -> int:
        found = rows(f"SELECT MAX(leaf_index) AS last FROM {self.t('merkle_leaf')}")[0]["last"]
        return 0 if found is None else int(found) + 1

    def leaf_at(self, position: int) -> dict[str, Any] | None:
        rows = self.rows(f"SELECT * FROM {self.t('merkle_leaf')} WHERE position = ?", [position])
        return rows[0] if rows else None

    def leaves(self, first: int, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` leaves from index `first`, in order."""
        return self.rows(
            f"SELECT * FROM {self.t('merkle_leaf')} WHERE leaf_index >= ? "
            "ORDER BY leaf_index LIMIT ?",
            [first, limit],
        )

    def latest_checkpoint(self) -> dict[str, Any] | None:
        rows = self.rows(f"SELECT * FROM {self.checkpoints} ORDER BY tree_size DESC LIMIT 1")
        return rows[0] if rows else None

    def checkpoints_from(self, tree_size: int, limit: int) -> list[dict[str, Any]]:
        return self.rows(
            f"SELECT * FROM {self.checkpoints} WHERE tree_size >= ? ORDER BY tree_size LIMIT ?",
            [tree_size, limit],
        )

    def root(self, size: int) -> bytes:
        return self._proved(lambda node: merkle.root(node, size))

    def inclusion(self, index: int, size: int) -> list[bytes]:
        return self._proved(lambda node: merkle.inclusion_path(node, index, size))

    def consistency(self, first: int, second: int) -> list[bytes]:
        return self._proved(lambda node: merkle.consistency_proof(node, first, second))

    def _proved(self, run: Any) -> Any:
        """Run a proof function on the nodes it needs, fetched in one go."""
        found = self._fetch(merkle.needed(run), self.rows)
        return run(lambda level, index: found[(level, index)])

    def _fetch(self, keys: list[NodeKey], rows: Any) -> dict[NodeKey, bytes]:
        found: dict[NodeKey, bytes] = {}
        leaves = [index for level, index in keys if level == 0]
        inner = [(level, index) for level, index in keys if level > 0]
        if leaves:
            marks = ", ".join("?" * len(leaves))
            for row in rows(
                f"SELECT leaf_index, hash FROM {self.t('merkle_leaf')} "
                f"WHERE leaf_index IN ({marks})",
                leaves,
            ):
                found[(0, int(row["leaf_index"]))] = bytes(row["hash"])
        for chunk in chunks(inner, 200):
            where = " OR ".join("(level = ? AND idx = ?)" for _ in chunk)
            params = [value for key in chunk for value in key]
            for row in rows(
                f"SELECT level, idx, hash FROM {self.t('merkle_node')} WHERE {where}", params
            ):
                found[(int(row["level"]), int(row["idx"]))] = bytes(row["hash"])
        missing = set(keys) - found.keys()
        if missing:
            raise LookupError(f"the tree has no node {min(missing)}: is it up to date?")
        return found
