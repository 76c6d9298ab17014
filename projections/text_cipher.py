"""Confidential text in read models (SPEC §7 商业机密): when the store is encrypted, view
columns holding names and titles are encrypted too, deterministically (AES-SIV), so that
equal texts stay equal and a rebuilt view compares row for row with the live one. Texts
are searched through keyed hashes of their pieces (see text_index), keyed from the same
store key."""

from __future__ import annotations

import hashlib
from base64 import b64decode, b64encode

from cryptography.hazmat.primitives.ciphers.aead import AESSIV

VIEWS_CONTEXT = b"contractflow read models"
INDEX_CONTEXT = b"contractflow text index"


class TextCipher:
    def __init__(self, store_key: str | None) -> None:
        """`store_key`: the event store's AES key (base64), or None for plain views."""
        secret = b64decode(store_key) if store_key else b""
        self._siv = AESSIV(hashlib.sha512(secret + VIEWS_CONTEXT).digest()) if secret else None
        # Plain views hash with a fixed, public key: nothing is hidden, and search takes one path.
        self.index_key = hashlib.sha256(secret + INDEX_CONTEXT).digest()

    @property
    def hides(self) -> bool:
        return self._siv is not None

    def hide(self, text: str) -> str:
        if self._siv is None:
            return text
        return b64encode(self._siv.encrypt(text.encode(), None)).decode()

    def reveal(self, text: str) -> str:
        if self._siv is None:
            return text
        return self._siv.decrypt(b64decode(text), None).decode()
