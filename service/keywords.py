"""Moderation and disallowed keys: case-insensitive substrings, found in disguise too."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ahocorasick

from classifier.text import fold


@dataclass(frozen=True, slots=True)
class KeyMatch:
    """The key found and the field it was found in."""

    key: str
    field: str


class KeywordMatcher:
    """All keys in one automaton; every field is searched in one pass after folding.

    Like WordPress, a key matches anywhere inside a field ("press" matches "WordPress"). Fields
    and keys are folded the same way first: compatibility forms, case, accents, zero-width and
    look-alike characters, so "V\u200bIАGRA" (with a Cyrillic A) still matches "viagra".
    """

    def __init__(self, keys: Iterable[str]) -> None:
        self._automaton: ahocorasick.Automaton | None = None
        folded = {fold(key).strip(): key for key in keys if fold(key).strip()}
        if folded:
            automaton = ahocorasick.Automaton()
            for needle, original in folded.items():
                automaton.add_word(needle, original)
            automaton.make_automaton()
            self._automaton = automaton
        self.size = len(folded)

    def first_match(self, fields: Mapping[str, str]) -> KeyMatch | None:
        """The first key found, looking at the fields in the order given."""
        if self._automaton is None:
            return None
        for name, value in fields.items():
            if value:
                for _end, key in self._automaton.iter(fold(value)):
                    return KeyMatch(key=str(key), field=name)
        return None
