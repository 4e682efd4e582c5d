"""Approximate string matching: where a pattern occurs in a text with the fewest edits.

Owns the search engine behind fuzzy re-anchoring (:mod:`tui_reader.anchoring.anchors`); it knows
nothing about selectors or scoring. Pure module: no Textual, no IO.

The search is Myers' bit-parallel algorithm turned on its side: one step per *pattern* character
with one bit per *text* position, so the inner loop is a dozen big-integer operations that run in
C instead of a Python loop over the text. A pigeonhole filter (one of ``k + 1`` pieces of the
pattern must survive ``k`` edits verbatim) finds small edits by verifying only short windows;
when it would verify too much, one full scan of the text is cheaper.

Public API: :class:`TextIndex` (a text plus its per-character position bitmasks),
:func:`search`, :func:`search_window` and :func:`match_start`. Errors are edit distance
(insertions, deletions, substitutions); match ends are exclusive offsets into the text.
"""

from __future__ import annotations

import functools
import re
import sys
from array import array
from collections.abc import Mapping

__all__ = ["TextIndex", "match_start", "search", "search_window"]


class TextIndex:
    """A text plus lazily built per-character position bitmasks, shared by many searches."""

    __slots__ = ("_codes", "_eqs", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._eqs: dict[str, int] = {}
        # The text as one byte per character, with each character's code; None until
        # needed, () when the text has more than 256 distinct characters.
        self._codes: tuple[bytes, dict[str, int]] | tuple[()] | None = None

    def eq(self, char: str) -> int:
        """Bitmask with bit ``i`` set where ``text[i] == char``."""
        cached = self._eqs.get(char)
        if cached is None:
            cached = self._eqs[char] = self._build_eq(char)
        return cached

    def _build_eq(self, char: str) -> int:
        text = self.text
        if not text or char not in text:
            return 0
        if self._codes is None:
            alphabet = sorted(set(text))
            code = {c: i for i, c in enumerate(alphabet)}
            table = {ord(c): chr(i) for c, i in code.items()}
            fits = len(alphabet) <= 256
            self._codes = (text.translate(table).encode("latin-1"), code) if fits else ()
        if not self._codes:  # e.g. CJK: one regex pass per character instead
            digits = bytearray(b"0" * len(text))
            for found in re.finditer(re.escape(char), text):
                digits[len(text) - 1 - found.start()] = 0x31
            return int(digits, 2)
        codes, code = self._codes
        ones = bytearray(b"0" * 256)
        ones[code[char]] = 0x31
        # bytes.translate maps every position to "0"/"1" in C; int(..., 2) packs them.
        return int(codes.translate(ones)[::-1], 2)


def search(index: TextIndex, pattern: str, limit: int) -> tuple[int, list[int]]:
    """Find the closest matches of ``pattern`` anywhere in the indexed text.

    Args:
        index: the text to search, with its bitmask cache (reuse it across patterns).
        pattern: a non-empty string.
        limit: the most edits a match may have.

    Returns:
        ``(errors, ends)``: the fewest edits (at most ``limit``) and the end offsets of every
        match having them; ``(limit + 1, [])`` when nothing is within ``limit``.
    """
    found = _filtered_search(index, pattern, limit)
    if found is None:
        text = index.text
        eqs = {c: index.eq(c) for c in set(pattern)}
        found = _row_minima(*_last_row(pattern, eqs, len(text)), len(text), len(pattern), limit)
    return found


def search_window(text: str, pattern: str, lo: int, hi: int, limit: int) -> tuple[int, list[int]]:
    """Find the closest matches of ``pattern`` lying wholly inside ``text[lo:hi]``.

    Args:
        text: the text; only ``text[lo:hi]`` is searched.
        pattern: a non-empty string.
        lo, hi: the window, as slice bounds.
        limit: the most edits a match may have.

    Returns:
        ``(errors, ends)`` as for :func:`search`, with ends as offsets into ``text``.
    """
    window = text[lo:hi]
    errors, ends = _row_minima(
        *_last_row(pattern, _window_eqs(window, pattern), len(window)),
        len(window),
        len(pattern),
        limit,
    )
    return errors, [lo + end for end in ends]


def match_start(text: str, pattern: str, end: int, errors: int) -> int:
    """Return where a match found by :func:`search` begins.

    Args:
        text: the searched text.
        pattern: the pattern that matched.
        end: the match's end offset.
        errors: its edit count, as reported by the search.

    Returns:
        The start of the longest alignment of ``pattern`` ending at ``end`` with ``errors`` edits.
    """
    lo = max(0, end - len(pattern) - errors)
    window = text[lo:end][::-1]
    reverse = pattern[::-1]
    pv, mv = _last_row(reverse, _window_eqs(window, reverse), len(window), anchored=True)
    _, lengths = _row_minima(pv, mv, len(window), len(pattern), errors)
    return end - max(lengths, default=len(pattern))


def _filtered_search(index: TextIndex, pattern: str, limit: int) -> tuple[int, list[int]] | None:
    """Fewest errors (<= ``limit``) and the match ends having them, via pigeonhole filtering.

    Returns ``(limit + 1, [])`` when nothing is within ``limit``, or ``None`` when the
    filter would verify so much text that a full scan is cheaper.
    """
    text, m = index.text, len(pattern)
    # Verifying a window costs about as much as a full scan of len(text) / 5000 characters
    # per pattern character (measured); past that budget the full scan is cheaper.
    budget = max(8, len(text) * (m + 80) // (5000 * (m + 8)))
    pieces = 2
    while True:
        k = min(pieces - 1, limit)
        size = m // (k + 1)
        if size < 6:
            return None
        seeds: list[tuple[int, int]] = []
        for offset in range(0, size * (k + 1), size):
            piece = pattern[offset : offset + size]
            at = text.find(piece)
            while at != -1:
                if len(seeds) == budget:
                    return None
                seeds.append((max(0, at - offset - k), at - offset + m + k))
                at = text.find(piece, at + 1)
        best, ends = k + 1, []
        for lo, hi in _merge(seeds):
            errors, found = search_window(text, pattern, lo, hi, k)
            if errors < best:
                best, ends = errors, found
            elif errors == best:
                ends.extend(found)
        if ends or k == limit:
            return best, ends
        pieces *= 2


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _window_eqs(window: str, pattern: str) -> dict[str, int]:
    wanted = set(pattern)
    eqs = dict.fromkeys(wanted, 0)
    for i, char in enumerate(window):
        if char in wanted:
            eqs[char] |= 1 << i
    return eqs


def _last_row(
    pattern: str, eqs: Mapping[str, int], nbits: int, *, anchored: bool = False
) -> tuple[int, int]:
    """Myers' recurrence with text positions as bits: the last DP row's +1 and -1 deltas.

    Row ``i`` holds the edit distance of ``pattern[:i]`` against text ending at each
    position. Unanchored, a match may start anywhere (row 0 is all zeros); anchored,
    it must start at position 0 (row 0 counts up).
    """
    mask = (1 << nbits) - 1
    pv, mv = (mask if anchored else 0), 0
    for char in pattern:
        eq = eqs.get(char, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        # "mask ^" complements the low nbits; bits above them collect garbage that
        # never flows down (carries and shifts only move up), so we mask once at the end.
        ph = mv | (mask ^ (xh | pv))
        mh = pv & xh
        # Column 0 counts pattern characters, so each row enters with a +1 delta.
        ph = (ph << 1) | 1
        pv = (mh << 1) | (mask ^ (xv | ph))
        mv = ph & xv
    return pv & mask, mv & mask


def _row_minima(pv: int, mv: int, nbits: int, first: int, limit: int) -> tuple[int, list[int]]:
    """Smallest row value <= ``limit`` and the positions (1-based ends) holding it.

    The row starts at ``first`` and moves by the deltas in ``pv``/``mv``. A machine
    word is skipped when even all its -1 deltas cannot reach the best value so far,
    a byte when its lowest running value (from a table) cannot.
    """
    plus, minus = array("I"), array("I")
    size = plus.itemsize
    nwords = (nbits + 8 * size - 1) // (8 * size)
    plus.frombytes(pv.to_bytes(nwords * size, "little"))
    minus.frombytes(mv.to_bytes(nwords * size, "little"))
    if sys.byteorder == "big":
        plus.byteswap()
        minus.byteswap()
    table = _byte_table()
    best, ends = limit + 1, []
    value = first
    for w in range(nwords):
        p, q = plus[w], minus[w]
        if value - q.bit_count() > best:
            value += p.bit_count() - q.bit_count()
            continue
        for b in range(size):
            pb, qb = (p >> 8 * b) & 0xFF, (q >> 8 * b) & 0xFF
            total, low = table[pb << 8 | qb]
            if value + low > best:
                value += total
                continue
            base = 8 * (size * w + b)
            for bit in range(min(8, nbits - base)):
                value += ((pb >> bit) & 1) - ((qb >> bit) & 1)
                if value < best:
                    best, ends = value, [base + bit + 1]
                elif value == best:
                    ends.append(base + bit + 1)
    return (best, ends) if best <= limit else (limit + 1, [])


@functools.cache
def _byte_table() -> list[tuple[int, int]]:
    """For each (plus byte, minus byte): net change and lowest running value."""
    table = [(0, 0)] * 65536
    for p in range(256):
        free = 0xFF & ~p
        q = free
        while True:  # every q with no bit in common with p (3**8 pairs in all)
            value, low = 0, 8
            for bit in range(8):
                value += ((p >> bit) & 1) - ((q >> bit) & 1)
                low = min(low, value)
            table[p << 8 | q] = (value, low)
            if q == 0:
                break
            q = (q - 1) & free
    return table
