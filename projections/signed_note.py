"""Checkpoints as C2SP `tlog-checkpoint` bodies signed as C2SP `signed-note`s with Ed25519,
the formats of Go's checksum database and Sigstore's Rekor, so their verifiers' logic
reads ours.

    <origin>\\n<tree size>\\n<base64 root hash>\\n          the checkpoint (the note's text)
    \\n
    — <key name> <base64(key id ‖ Ed25519 signature of the text)>\\n

key id = the first 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key); a verifier key
reads `<name>+<hex key id>+<base64(0x01 ‖ public key)>`, a signing key
`PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ 32-byte seed)>`."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"
DASH = "\u2014"  # the em dash that opens a signature line


class NoteError(ValueError):
    """A key or a note that is not in its format, or a signature that does not verify."""


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public).digest()[:4]


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _name_ok(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


@dataclass(frozen=True)
class Verifier:
    name: str
    public: Ed25519PublicKey

    @property
    def id(self) -> bytes:
        return key_id(self.name, _raw_public(self.public))

    def text(self) -> str:
        encoded = base64.b64encode(ED25519 + _raw_public(self.public)).decode()
        return f"{self.name}+{self.id.hex()}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> Verifier:
        name, hex_id, key = _fields(text.strip(), 3, "verifier key")
        raw = _decode(key, "verifier key")
        if raw[:1] != ED25519 or len(raw) != 33:
            raise NoteError("the verifier key is not an Ed25519 key")
        verifier = cls(name, Ed25519PublicKey.from_public_bytes(raw[1:]))
        if verifier.id.hex() != hex_id.lower():
            raise NoteError("the verifier key's id does not match its name and key")
        return verifier

    def verify(self, note: str) -> str:
        """The note's text, when one of its signatures is this key's and verifies."""
        text, signatures = split(note)
        for name, blob in signatures:
            if name == self.name and blob[:4] == self.id:
                try:
                    self.public.verify(blob[4:], text.encode())
                except InvalidSignature:
                    raise NoteError(f"the signature of {name} does not verify") from None
                return text
        raise NoteError(f"the note carries no signature by {self.name}")


@dataclass(frozen=True)
class Signer:
    name: str
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> Signer:
        if not _name_ok(name):
            raise NoteError("a key name has no spaces and no '+'")
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def parse(cls, text: str) -> Signer:
        fields = _fields(text.strip(), 5, "signing key")
        if fields[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signing key begins with PRIVATE+KEY+")
        name, hex_id, key = fields[2:]
        raw = _decode(key, "signing key")
        if raw[:1] != ED25519 or len(raw) != 33:
            raise NoteError("the signing key is not an Ed25519 key")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if signer.verifier.id.hex() != hex_id.lower():
            raise NoteError("the signing key's id does not match its name and key")
        return signer

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.private.public_key())

    def text(self) -> str:
        seed = self.private.private_bytes_raw()
        encoded = base64.b64encode(ED25519 + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.id.hex()}+{encoded}"

    def sign(self, text: str) -> str:
        """The signed note of `text` (which ends in a newline)."""
        blob = self.verifier.id + self.private.sign(text.encode())
        return f"{text}\n{DASH} {self.name} {base64.b64encode(blob).decode()}\n"


def split(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """The note's text and its signatures (key name, key id ‖ signature)."""
    text, separator, lines = note.rpartition("\n\n")
    if not separator or not lines.endswith("\n"):
        raise NoteError("a signed note is its text, a blank line and signature lines")
    signatures = []
    for line in lines[:-1].split("\n"):
        dash, _, rest = line.partition(" ")
        name, _, encoded = rest.partition(" ")
        if dash != DASH or not name or not encoded:
            raise NoteError("a signature line reads '— <key name> <base64 signature>'")
        signatures.append((name, _decode(encoded, "signature")))
    return text + "\n", signatures


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or not lines[1].isdigit():
            raise NoteError("a checkpoint reads: origin, tree size, base64 root hash")
        root = _decode(lines[2], "root hash")
        if len(root) != 32:
            raise NoteError("a checkpoint's root hash is 32 bytes")
        return cls(lines[0], int(lines[1]), root)


def _fields(text: str, count: int, what: str) -> list[str]:
    fields = text.split("+", count - 1)  # base64 may hold '+' too
    if len(fields) != count:
        raise NoteError(f"a {what} has {count} fields separated by '+'")
    return fields


def _decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise NoteError(f"the {what} is not base64") from None
