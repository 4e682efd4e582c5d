"""Text folding for search: case and accents, CJK runs, and finding words in a story.

Search is case- and accent-insensitive where the language allows (``café`` finds ``Cafe``,
``МОСКВА`` finds ``Москва``). Chinese, Japanese and Korean are written without spaces between
words, so the full-text index sees each of their characters as a word of its own
(:func:`spaced_cjk`) and a CJK word in a query becomes the phrase of its characters.

Pure module: no Textual, nothing at import beyond compiling two patterns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

__all__ = ["FoldedText", "fold", "has_cjk", "spaced_cjk", "unspaced_cjk"]

_CJK_RANGES = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3100-\u312f"  # Bopomofo
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\u31f0-\u31ff"  # Katakana extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B-G
)


@cache
def _cjk() -> re.Pattern[str]:
    # Compiled on first use: the class spans astral planes and takes a while to build.
    return re.compile(f"([{_CJK_RANGES}])")


_GAP = "\u2009"
"""What :func:`spaced_cjk` puts around CJK characters: a thin space, a separator to the index
that a story's own text (nearly) never holds, so :func:`unspaced_cjk` removes exactly it."""


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese, Japanese or Korean character."""
    return not text.isascii() and _cjk().search(text) is not None


def spaced_cjk(text: str) -> str:
    """``text`` with a thin space around every CJK character: each one is a token of its own.

    What the full-text index stores (and how a query's CJK words are written), so that
    ``天气`` is found inside ``北京天气很好``. Text without CJK is returned as it is.
    """
    if not has_cjk(text):
        return text
    return _cjk().sub(f"{_GAP}\\1{_GAP}", text)


def unspaced_cjk(text: str) -> str:
    """Undo :func:`spaced_cjk` for display (a snippet taken from the index)."""
    return text.replace(_GAP, "")


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return (kept or char).casefold()


def fold(text: str) -> str:
    """Casefold ``text`` and drop its accents: ``Ça Éclaire`` -> ``ca eclaire``."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


@dataclass(frozen=True)
class FoldedText:
    """A text folded for finding, with the way back to offsets in the original.

    Build once per story (:meth:`of`); :meth:`find` is then a plain substring search.
    """

    folded: str
    origin: list[int] | None
    """Offset in the original text of each folded character (None: the same offsets)."""
    length: int
    """Length of the original text."""

    @classmethod
    def of(cls, text: str) -> FoldedText:
        """Fold ``text`` (ASCII text folds to itself, offset for offset)."""
        if text.isascii():
            return cls(text.lower(), None, len(text))
        memo: dict[str, str] = {}
        parts: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(text):
            folded = memo.get(char)
            if folded is None:
                folded = memo[char] = _fold_char(char)
            parts.append(folded)
            origin.extend([index] * len(folded))
        return cls("".join(parts), origin, len(text))

    def _to_original(self, start: int, end: int) -> tuple[int, int]:
        if self.origin is None:
            return start, end
        last = self.origin[end - 1] + 1 if end > start else self.origin[start]
        return self.origin[start], last

    def find(
        self, needle: str, *, whole_word: bool = False, prefix: bool = False
    ) -> list[tuple[int, int]]:
        """Every ``[start, end)`` of the original text where ``needle`` occurs (folded).

        Args:
            needle: what to find; folded here.
            whole_word: only where it starts and ends at a word boundary (CJK: anywhere).
            prefix: with ``whole_word``, it need only start at a word boundary.
        """
        key = fold(needle)
        if not key:
            return []
        bounded = whole_word and not has_cjk(key)
        text = self.folded
        found: list[tuple[int, int]] = []
        at = text.find(key)
        while at >= 0:
            end = at + len(key)
            before_ok = at == 0 or not text[at - 1].isalnum()
            after_ok = prefix or end >= len(text) or not text[end].isalnum()
            if not bounded or (before_ok and after_ok):
                found.append(self._to_original(at, end))
            at = text.find(key, at + 1)
        return found

    def find_all(self, needles: Iterable[tuple[str, bool]]) -> list[tuple[int, int]]:
        """Every match of several ``(needle, prefix)`` words, merged and in text order."""
        spans = sorted(
            {
                span
                for needle, prefix in needles
                for span in self.find(needle, whole_word=True, prefix=prefix)
            }
        )
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged
