"""An auditor's own client for the provable log, written from RFC 9162 §2.1 and the C2SP
tlog-checkpoint and signed-note specifications; it imports nothing of contractflow.

Proofs are checked by rebuilding the roots they imply, recursing as the RFC defines
PATH and SUBPROOF, so a proof is accepted exactly when the RFC's definitions give it."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def largest_power_of_two_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1, from the leaves' bytes."""
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return sha256(b"\x00" + leaves[0])
    k = largest_power_of_two_below(len(leaves))
    return sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def root_from_path(index: int, size: int, leaf_hash: bytes, path: list[bytes]) -> bytes:
    """The root a PATH(index, D[size]) implies (RFC 9162 §2.1.3.1, read backwards)."""
    if size == 1:
        assert not path, "a one-leaf tree has an empty path"
        return leaf_hash
    assert path, "the path is too short"
    k = largest_power_of_two_below(size)
    if index < k:
        return sha256(b"\x01" + root_from_path(index, k, leaf_hash, path[:-1]) + path[-1])
    return sha256(b"\x01" + path[-1] + root_from_path(index - k, size - k, leaf_hash, path[:-1]))


def roots_from_consistency(
    m: int, n: int, proof: list[bytes], first_root: bytes, whole: bool = True
) -> tuple[bytes, bytes]:
    """The (old, new) roots a SUBPROOF(m, D[n], whole) implies (RFC 9162 §2.1.4.1)."""
    if m == n:
        if whole:
            assert not proof, "nothing is needed for the old tree itself"
            return first_root, first_root
        assert len(proof) == 1, "a complete subtree is given as its hash"
        return proof[0], proof[0]
    assert proof, "the proof is too short"
    k = largest_power_of_two_below(n)
    if m <= k:
        old, new = roots_from_consistency(m, k, proof[:-1], first_root, whole)
        return old, sha256(b"\x01" + new + proof[-1])
    old, new = roots_from_consistency(m - k, n - k, proof[:-1], first_root, False)
    return sha256(b"\x01" + proof[-1] + old), sha256(b"\x01" + proof[-1] + new)


def inclusion_holds(leaf: bytes, index: int, size: int, path: list[bytes], root: bytes) -> bool:
    try:
        return root_from_path(index, size, sha256(b"\x00" + leaf), path) == root
    except AssertionError:
        return False


def consistency_holds(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]
) -> bool:
    try:
        return roots_from_consistency(first, second, proof, first_root) == (
            first_root,
            second_root,
        )
    except AssertionError:
        return False


def open_note(note: str, verifier_key: str) -> dict[str, Any]:
    """A C2SP signed note checked against `name+hexid+base64(0x01‖key)`; its checkpoint."""
    name, key_id_hex, key_b64 = verifier_key.split("+", 2)
    key = base64.b64decode(key_b64)
    assert key[0] == 1 and len(key) == 33, "an Ed25519 verifier key"
    key_id = sha256(name.encode() + b"\n" + key)[:4]
    assert key_id.hex() == key_id_hex, "the key id is the hash of name and key"
    text, signatures = note.split("\n\n", 1)
    text += "\n"
    for line in signatures.rstrip("\n").split("\n"):
        dash, signer, blob_b64 = line.split(" ")
        blob = base64.b64decode(blob_b64)
        if dash == "\u2014" and signer == name and blob[:4] == key_id:
            Ed25519PublicKey.from_public_bytes(key[1:]).verify(blob[4:], text.encode())
            origin, size, root = text.split("\n")[:3]
            return {"origin": origin, "size": int(size), "root": base64.b64decode(root)}
    raise AssertionError(f"no signature by {name}")


def leaf_of(entry: dict[str, Any]) -> bytes:
    """An event's leaf bytes rebuilt from the global log's export, as the docs define them."""
    said = entry["data"] | ({"actor": entry["actor"]} if entry["actor"] is not None else {})
    return json.dumps(
        {
            "aggregate": entry["aggregate_id"],
            "data": said,
            "recorded_at": entry["recorded_at"],
            "type": f"{entry['aggregate_type']}.{entry['type']}",
            "version": entry["version"],
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
