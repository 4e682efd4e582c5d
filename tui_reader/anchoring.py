"""Quote and position selectors over a story's plain text, and re-anchoring after edits.

Pure module: no Textual, no IO. Offsets are indices into a Python ``str``.

Selectors follow the W3C Web Annotation model (``TextQuoteSelector``,
``TextPositionSelector``). Re-anchoring follows the Hypothesis client: the old
position if it still holds the quote, else the exact quote (best context, then
nearest), else a fuzzy match scored on quote, prefix, suffix and position, else
the annotation is orphaned (``None``).

The fuzzy search is Myers' bit-parallel algorithm turned on its side: one step
per *pattern* character with one bit per *text* position, so the inner loop is a
dozen big-integer operations that run in C instead of a Python loop over the
text. A pigeonhole filter (one of ``k + 1`` pieces of the quote must survive
``k`` edits verbatim) finds small edits by verifying only short windows.
"""

from __future__ import annotations

import functools
import re
import sys
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

CONTEXT = 32
"""Characters of prefix and suffix stored with a quote."""
MAX_ERRORS = 256
"""Upper bound on edits a fuzzy match may have (also capped at half the quote)."""
_WEIGHTS = (50.0, 20.0, 20.0, 2.0)  # quote, prefix, suffix, position (Hypothesis client)
_MAX_CANDIDATES = 200  # bounds scoring work for degenerate inputs ("aaaa..." texts)
_NEAR = 4096  # characters either side of the old position searched first


@dataclass(frozen=True)
class TextQuoteSelector:
    """The quoted text plus the text just before and after it."""

    exact: str
    prefix: str = ""
    suffix: str = ""

    def to_dict(self) -> dict[str, object]:
        """Return the W3C JSON form."""
        return {
            "type": "TextQuoteSelector",
            "exact": self.exact,
            "prefix": self.prefix,
            "suffix": self.suffix,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> TextQuoteSelector:
        """Build from the W3C JSON form; raises ``ValueError`` if it is malformed."""
        if not isinstance(data, Mapping) or data.get("type") != "TextQuoteSelector":
            raise ValueError("not a TextQuoteSelector")
        exact, prefix, suffix = (data.get(k) for k in ("exact", "prefix", "suffix"))
        prefix, suffix = prefix or "", suffix or ""  # context is optional in W3C
        if not (isinstance(exact, str) and isinstance(prefix, str) and isinstance(suffix, str)):
            raise ValueError("TextQuoteSelector needs string exact, prefix and suffix")
        return cls(exact, prefix, suffix)


@dataclass(frozen=True)
class TextPositionSelector:
    """Character offsets ``[start, end)`` into the story's plain text."""

    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        """Return the W3C JSON form."""
        return {"type": "TextPositionSelector", "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> TextPositionSelector:
        """Build from the W3C JSON form; raises ``ValueError`` if it is malformed."""
        if not isinstance(data, Mapping) or data.get("type") != "TextPositionSelector":
            raise ValueError("not a TextPositionSelector")
        start, end = data.get("start"), data.get("end")
        # bool is an int subclass; True/False offsets are corrupt data, not positions.
        if type(start) is not int or type(end) is not int or not 0 <= start <= end:
            raise ValueError("TextPositionSelector needs integers 0 <= start <= end")
        return cls(start, end)


@dataclass(frozen=True)
class Anchor:
    """Where an annotation sits in the current text, and how it was found."""

    start: int
    end: int
    method: Literal["position", "exact", "fuzzy"]


def describe(text: str, start: int, end: int, context: int = CONTEXT) -> list[dict[str, object]]:
    """Return the W3C selectors (quote, then position) for ``text[start:end]``.

    Args:
        text: the story's plain text.
        start, end: the selected range; must satisfy ``0 <= start < end <= len(text)``.
        context: how many characters of prefix and suffix to keep.

    Raises:
        ValueError: for an empty or out-of-range selection.
    """
    if not 0 <= start < end <= len(text) or context < 0:
        raise ValueError(f"bad selection {start}:{end} (context {context}) of {len(text)}")
    quote = TextQuoteSelector(
        text[start:end], text[max(0, start - context) : start], text[end : end + context]
    )
    return [quote.to_dict(), TextPositionSelector(start, end).to_dict()]


def anchor(text: str, selectors: Sequence[Mapping[str, object]]) -> Anchor | None:
    """Find an annotation's passage in ``text``; ``None`` means orphaned.

    Never raises: malformed selectors are ignored, and with no usable selector the
    annotation is orphaned.
    """
    return _anchor(_Text(text), selectors)


def anchor_many(
    text: str, selector_lists: Iterable[Sequence[Mapping[str, object]]]
) -> list[Anchor | None]:
    """Anchor many annotations on one text, sharing the text's search indexes."""
    index = _Text(text)
    return [_anchor(index, selectors) for selectors in selector_lists]


def _parse(selectors: object) -> tuple[TextQuoteSelector | None, TextPositionSelector | None]:
    """The first well-formed selector of each kind; anything malformed is skipped."""
    if isinstance(selectors, Mapping):  # a lone selector where a list belongs
        selectors = [selectors]
    if not isinstance(selectors, Sequence) or isinstance(selectors, str | bytes):
        return None, None
    quote: TextQuoteSelector | None = None
    position: TextPositionSelector | None = None
    for raw in selectors:
        kind = raw.get("type") if isinstance(raw, Mapping) else None
        try:
            if kind == "TextQuoteSelector" and quote is None:
                quote = TextQuoteSelector.from_dict(raw)
            elif kind == "TextPositionSelector" and position is None:
                position = TextPositionSelector.from_dict(raw)
        except ValueError:
            continue
    return quote, position


def _anchor(index: _Text, selectors: Sequence[Mapping[str, object]]) -> Anchor | None:
    quote, position = _parse(selectors)
    text = index.text
    if quote is None:
        if position is not None and position.start < position.end <= len(text):
            return Anchor(position.start, position.end, "position")
        return None
    exact = quote.exact
    if not exact:
        return None
    hint = position.start if position is not None else None
    if position is not None and text.startswith(exact, position.start):
        return Anchor(position.start, position.start + len(exact), "position")
    found = _exact(index, quote, hint)
    if found is not None:
        return Anchor(found, found + len(exact), "exact")
    match = _fuzzy(index, quote, hint)
    if match is None:
        return None
    return Anchor(match[0], match[1], "fuzzy")


def _exact(index: _Text, quote: TextQuoteSelector, hint: int | None) -> int | None:
    """Start of the best exact occurrence: best context agreement, then nearest ``hint``."""
    text, exact = index.text, quote.exact
    if hint is not None:
        # An intact occurrence within _NEAR of the hint beats anything farther away, so
        # the usual small shift costs a scan of a few kilobytes, not the whole story.
        nearby = _intact(text, quote, _occurrences(text, exact, hint - _NEAR, hint + _NEAR), hint)
        if nearby is not None:
            return nearby
    starts = _occurrences(text, exact, 0, len(text))
    if len(starts) <= 1:
        return starts[0] if starts else None
    found = _intact(text, quote, starts, hint or 0)
    if found is not None:
        return found
    starts.sort(key=lambda s: abs(s - (hint or 0)))
    # max() keeps the first of equal scores, and starts are sorted nearest first.
    return max(
        starts[:_MAX_CANDIDATES], key=lambda s: sum(_context(text, s, s + len(exact), quote))
    )


def _occurrences(text: str, sub: str, lo: int, hi: int) -> list[int]:
    """Starts of ``sub`` in ``text`` between ``lo`` and ``hi`` (clamped)."""
    starts: list[int] = []
    lo, hi = max(0, lo), min(len(text), hi + len(sub))
    at = text.find(sub, lo, hi)
    while at != -1:
        starts.append(at)
        at = text.find(sub, at + 1, hi)
    return starts


def _intact(text: str, quote: TextQuoteSelector, starts: list[int], hint: int) -> int | None:
    """The start nearest ``hint`` whose prefix and suffix are exactly as stored."""
    before, after, size = len(quote.prefix), len(quote.suffix), len(quote.exact)
    best: int | None = None
    for s in starts:
        if best is not None and abs(s - hint) >= abs(best - hint):
            continue
        e = s + size
        if text[max(0, s - before) : s] == quote.prefix and text[e : e + after] == quote.suffix:
            best = s
    return best


def _fuzzy(index: _Text, quote: TextQuoteSelector, hint: int | None) -> tuple[int, int] | None:
    """Best approximate match ``(start, end)``, scored like the Hypothesis client."""
    text, exact = index.text, quote.exact
    m = len(exact)
    limit = min(MAX_ERRORS, m // 2)
    if limit == 0 or not text:
        return None
    found = _filtered_search(index, exact, limit)
    if found is None:
        eqs = {c: index.eq(c) for c in set(exact)}
        found = _row_minima(*_last_row(exact, eqs, len(text)), len(text), m, limit)
    errors, ends = found
    if len(ends) > _MAX_CANDIDATES:
        ends = sorted(ends, key=lambda e: abs(e - m - (hint or 0)))[:_MAX_CANDIDATES]
    w_quote, w_prefix, w_suffix, w_pos = _WEIGHTS
    best: tuple[float, int, int] | None = None
    for end in ends:
        start = _match_start(text, exact, end, errors)
        prefix, suffix = _context(text, start, end, quote)
        position = 1 - abs(start - hint) / len(text) if hint is not None else 1.0
        score = w_quote * (1 - errors / m) + w_prefix * prefix + w_suffix * suffix
        score += w_pos * position
        if best is None or score > best[0]:
            best = (score, start, end)
    return None if best is None else (best[1], best[2])


def _context(text: str, start: int, end: int, quote: TextQuoteSelector) -> tuple[float, float]:
    """How well the text around ``[start, end)`` matches the prefix and suffix (0..1 each)."""
    prefix, suffix = quote.prefix, quote.suffix
    return (
        _similarity(text[max(0, start - len(prefix)) : start], prefix) if prefix else 1.0,
        _similarity(text[end : end + len(suffix)], suffix) if suffix else 1.0,
    )


def _similarity(window: str, pattern: str) -> float:
    """1 minus the fewest edits to find ``pattern`` somewhere in ``window``, per character."""
    if not pattern or not window:
        return 0.0
    if pattern in window:
        return 1.0
    errors, _ = _search_window(window, pattern, 0, len(window), len(pattern))
    return 1 - errors / len(pattern)


def _filtered_search(index: _Text, pattern: str, limit: int) -> tuple[int, list[int]] | None:
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
            errors, found = _search_window(text, pattern, lo, hi, k)
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


def _search_window(text: str, pattern: str, lo: int, hi: int, limit: int) -> tuple[int, list[int]]:
    """Fewest errors of ``pattern`` ending inside ``text[lo:hi]``, and those ends (absolute)."""
    window = text[lo:hi]
    errors, ends = _row_minima(
        *_last_row(pattern, _window_eqs(window, pattern), len(window)),
        len(window),
        len(pattern),
        limit,
    )
    return errors, [lo + end for end in ends]


def _match_start(text: str, pattern: str, end: int, errors: int) -> int:
    """The start of the longest alignment of ``pattern`` ending at ``end`` with ``errors``."""
    lo = max(0, end - len(pattern) - errors)
    window = text[lo:end][::-1]
    reverse = pattern[::-1]
    pv, mv = _last_row(reverse, _window_eqs(window, reverse), len(window), anchored=True)
    _, lengths = _row_minima(pv, mv, len(window), len(pattern), errors)
    return end - max(lengths, default=len(pattern))


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


class _Text:
    """A story text plus lazily built per-character position bitmasks."""

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
