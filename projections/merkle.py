"""The Merkle tree of RFC 9162 §2.1 over the global log, and its proofs.

Leaf hash = SHA-256(0x00 ‖ leaf bytes); node hash = SHA-256(0x01 ‖ left ‖ right); the
tree of n leaves splits at k, the largest power of two below n. Every subtree such a split
produces on its left is perfect and aligned, so any tree hash is made of O(log n) stored
perfect subtrees: `Nodes` names them by (level, index), index counted at that level.

The proof functions read nodes through `node(level, index)`; `needed` runs one of them
against a recorder first, so a store can fetch all the nodes of a proof in one query."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

NodeKey = tuple[int, int]  # (level, index): leaves [index·2^level, (index+1)·2^level)
Nodes = Callable[[int, int], bytes]
EMPTY_ROOT = hashlib.sha256(b"").digest()
T = TypeVar("T")


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two below `size` (size ≥ 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def subtree(node: Nodes, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range that one of the tree's splits produces."""
    size = end - start
    if size & (size - 1) == 0:  # a perfect, aligned subtree: stored
        level = size.bit_length() - 1
        return node(level, start >> level)
    k = _split(size)
    return node_hash(subtree(node, start, start + k), subtree(node, start + k, end))


def root(node: Nodes, size: int) -> bytes:
    return EMPTY_ROOT if size == 0 else subtree(node, 0, size)


def inclusion_path(node: Nodes, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1: the siblings from the leaf up."""
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(subtree(node, start + k, end))
            end = start + k
        else:
            path.append(subtree(node, start, start + k))
            start += k
    return path[::-1]


def consistency_proof(node: Nodes, first: int, second: int) -> list[bytes]:
    """PROOF(first, D[0:second]) of RFC 9162 §2.1.4.1 (0 < first ≤ second)."""
    proof: list[bytes] = []
    start, end, complete = 0, second, True
    while end - start != first - start or not complete:
        if end - start == first - start:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
            proof.append(subtree(node, start, end))
            break
        k = _split(end - start)
        if first - start <= k:
            proof.append(subtree(node, start + k, end))
            end = start + k
        else:
            proof.append(subtree(node, start, start + k))
            start, complete = start + k, False
    return proof[::-1]


def needed(run: Callable[[Nodes], T]) -> list[NodeKey]:
    """The nodes `run` reads, found by running it against stand-ins."""
    keys: list[NodeKey] = []

    def record(level: int, index: int) -> bytes:
        keys.append((level, index))
        return b""

    run(record)
    return keys


class Frontier:
    """The perfect subtrees that a tree of `size` leaves ends with, largest first: enough
    to append a leaf in O(log n) and to know the root. `append` returns the nodes it
    completed, for the store to keep."""

    def __init__(self, size: int, hashes: Iterable[bytes]) -> None:
        self.size = size
        self.hashes = list(hashes)

    @staticmethod
    def keys(size: int) -> list[NodeKey]:
        """The (level, index) of each subtree of the frontier of a tree of `size` leaves."""
        return [
            (level, (size >> level) - 1)
            for level in range(size.bit_length() - 1, -1, -1)
            if size >> level & 1
        ]

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add one leaf (its hash); the (level, index, hash) of every node it completes."""
        index, level, current = self.size, 0, leaf
        made = [(0, index, current)]
        while index & 1:
            current = node_hash(self.hashes.pop(), current)
            index, level = index >> 1, level + 1
            made.append((level, index, current))
        self.hashes.append(current)
        self.size += 1
        return made

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        current = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            current = node_hash(left, current)
        return current


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: list[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does `path` prove leaf hash `leaf` at `index` in the tree?"""
    if index >= size:
        return False
    fn, sn, current = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            current = node_hash(sibling, current)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            current = node_hash(current, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and current == expected_root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: does `proof` show the tree of `first` leaves is a prefix?"""
    if first == second:
        return not proof and first_root == second_root
    if first == 0 or first > second or not proof:
        return False
    if first & (first - 1) == 0:  # a power of two: the first tree's root is a node
        proof = [first_root, *proof]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root
