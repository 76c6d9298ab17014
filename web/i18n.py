"""Every label and message of the pages, from one catalogue per language (`catalogue/`):
Simplified Chinese by default, English when asked (`?lang=en`, remembered)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("zh-CN", "en")
DEFAULT = "zh-CN"
_HERE = Path(__file__).parent / "catalogue"


class Catalogue:
    def __init__(self, language: str, entries: dict[str, str]) -> None:
        self.language = language
        self.entries = entries

    def __call__(self, key: str, **values: Any) -> str:
        """The text for `key` (`section.name`), with `{values}` filled in; a key the
        catalogue lacks shows itself, so that it is seen and added."""
        text = self.entries.get(key, key)
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self.entries


@cache
def catalogue(language: str) -> Catalogue:
    table = tomllib.loads((_HERE / f"{language}.toml").read_text(encoding="utf-8"))
    entries = {
        f"{section}.{name}": text
        for section, names in table.items()
        for name, text in names.items()
    }
    return Catalogue(language, entries)


def language_of(asked: str | None, remembered: str | None) -> str:
    for language in (asked, remembered):
        if language in LANGUAGES:
            return language  # type: ignore[return-value]
    return DEFAULT
