"""Re-anchoring an annotation's quote and position selectors after a story's text changed.

Pure module: no Textual, no IO. Offsets are indices into a Python ``str``.

Selectors follow the W3C Web Annotation model (``TextQuoteSelector``,
``TextPositionSelector``). Re-anchoring follows the Hypothesis client: the old
position if it still holds the quote, else the exact quote (best context, then
nearest), else a fuzzy match scored on quote, prefix, suffix and position, else
the annotation is orphaned (``None``).

This module owns the matching and its scoring; the selectors and their JSON form are
:mod:`tui_reader.anchoring.selectors`, the approximate search itself (Myers' bit-parallel
algorithm behind a pigeonhole filter) :mod:`tui_reader.anchoring.approx`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from tui_reader.anchoring.approx import TextIndex, match_start, search, search_window
from tui_reader.anchoring.selectors import TextQuoteSelector, parse_selectors

MAX_ERRORS = 256
"""Upper bound on edits a fuzzy match may have (also capped at half the quote)."""
_WEIGHTS = (50.0, 20.0, 20.0, 2.0)  # quote, prefix, suffix, position (Hypothesis client)


@dataclass(frozen=True)
class Policy:
    """When a passage that changed, moved or vanished still counts as found.

    A short quote ("the council", "Putin") occurs all over a story by chance, and a few edits
    turn almost any short run of text into it; found without its context it lands on
    unrelated words. So a quote shorter than ``short`` must agree with its stored prefix or
    suffix (at least ``context`` of one of them) unless both are intact, and the edits a fuzzy
    match may have grow with the quote's length: ``rate_short`` per character below
    ``short``, ``rate`` above (at most :data:`MAX_ERRORS`).
    """

    short: int
    context: float
    rate_short: float
    rate: float
    distinct: int = 0
    """An exact copy at least this long that occurs once in the text is the passage, moved,
    whatever its context (0: never enough)."""
    loose: float = 1.0
    """A fuzzy match with more edits than this share of the quote must agree with its context
    too, however long the quote (1.0: never)."""

    def errors_allowed(self, length: int) -> int:
        """The most edits a fuzzy match of a ``length``-character quote may have."""
        rate = self.rate_short if length < self.short else self.rate
        return min(MAX_ERRORS, int(length * rate))

    def needs_context(self, length: int) -> bool:
        """Whether a quote this long must agree with its prefix or suffix to be found."""
        return length < self.short


LEGACY = Policy(short=0, context=0.0, rate_short=0.5, rate=0.5)
"""The Hypothesis client's rules (the reader's before issue 12): half the quote may be edits,
no context required. Kept so the accuracy benchmark can compare in one run."""

STRICT = Policy(short=48, context=0.6, rate_short=0.34, rate=0.5, distinct=16, loose=0.25)
"""The reader's rules. Measured by ``python bench/bench_anchor_accuracy.py`` (600 notes of 5-500
characters per seed, three seeds): 0 false attachments where the Hypothesis rules (``LEGACY``)
made 58-64, and as many lightly edited passages found again (113-116 of 120). What it gives
up: a short passage moved away from its words becomes an orphan rather than a guess."""
_MAX_CANDIDATES = 200  # bounds scoring work for degenerate inputs ("aaaa..." texts)
_NEAR = 4096  # characters either side of the old position searched first


@dataclass(frozen=True)
class Anchor:
    """Where an annotation sits in the current text, and how it was found."""

    start: int
    end: int
    method: Literal["position", "exact", "fuzzy"]


def anchor(
    text: str, selectors: Sequence[Mapping[str, object]], *, policy: Policy = STRICT
) -> Anchor | None:
    """Find an annotation's passage in ``text``; ``None`` means orphaned.

    Never raises: malformed selectors are ignored, and with no usable selector the
    annotation is orphaned. ``policy`` says how much may have changed (see :class:`Policy`).
    """
    return _anchor(TextIndex(text), selectors, policy)


def anchor_many(
    text: str,
    selector_lists: Iterable[Sequence[Mapping[str, object]]],
    *,
    policy: Policy = STRICT,
) -> list[Anchor | None]:
    """Anchor many annotations on one text, sharing the text's search indexes."""
    index = TextIndex(text)
    return [_anchor(index, selectors, policy) for selectors in selector_lists]


def _anchor(
    index: TextIndex, selectors: Sequence[Mapping[str, object]], policy: Policy
) -> Anchor | None:
    quote, position = parse_selectors(selectors)
    text = index.text
    if quote is None:
        if position is not None and position.start < position.end <= len(text):
            return Anchor(position.start, position.end, "position")
        return None
    exact = quote.exact
    if not exact:
        return None
    hint = position.start if position is not None else None
    if (
        position is not None
        and text.startswith(exact, position.start)
        and _agrees(text, position.start, position.start + len(exact), quote, policy)
    ):
        return Anchor(position.start, position.start + len(exact), "position")
    found = _exact(index, quote, hint, policy)
    if found is not None:
        return Anchor(found, found + len(exact), "exact")
    match = _fuzzy(index, quote, hint, policy)
    if match is None:
        return None
    return Anchor(match[0], match[1], "fuzzy")


def _agrees(
    text: str,
    start: int,
    end: int,
    quote: TextQuoteSelector,
    policy: Policy,
    *,
    always: bool = False,
) -> bool:
    """Whether ``[start, end)`` is in the right place by its context, as ``policy`` asks
    (``always``: whatever the quote's length)."""
    if not always and not policy.needs_context(len(quote.exact)):
        return True
    prefix, suffix = _context(text, start, end, quote)
    # The context must also touch the match: a whole prefix found a few words early is the
    # same word repeated nearby, not the passage (the words next to it decide).
    # Aligned at the match, not found anywhere near it: a quote deleted next to a look-alike
    # word leaves that word's context only shifted by a character or two.
    if quote.prefix:
        near = quote.prefix[-_TOUCH:]
        prefix = min(prefix, _aligned(text[max(0, start - len(near)) : start], near))
    else:  # no stored prefix: the passage began the text; it agrees where the match does too
        prefix = 1.0 if start == 0 else 0.0
    if quote.suffix:
        near = quote.suffix[:_TOUCH]
        suffix = min(suffix, _aligned(text[end : end + len(near)], near))
    else:
        suffix = 1.0 if end == len(text) else 0.0
    # A match that cuts a word the stored passage did not cut ("the the" in "the their") is a
    # look-alike unless the context on that side still agrees.
    cut_start, cut_end = _cuts(text, start, end, quote)
    if (cut_start and prefix < policy.context) or (cut_end and suffix < policy.context):
        return False
    return max(prefix, suffix) >= policy.context


def _cuts(text: str, start: int, end: int, quote: TextQuoteSelector) -> tuple[bool, bool]:
    """Whether ``[start, end)`` begins, and ends, inside a word where the stored passage
    began, or ended, between words."""
    exact, prefix, suffix = quote.exact, quote.prefix, quote.suffix
    cut_start = 0 < start < len(text) and (text[start - 1] + text[start]).isalnum()
    cut_end = 0 < end < len(text) and (text[end - 1] + text[end]).isalnum()
    return (
        cut_start and bool(prefix) and not (prefix[-1] + exact[:1]).isalnum(),
        cut_end and bool(suffix) and not (exact[-1:] + suffix[0]).isalnum(),
    )


def _exact(
    index: TextIndex, quote: TextQuoteSelector, hint: int | None, policy: Policy
) -> int | None:
    """Start of the best exact occurrence: best context agreement, then nearest ``hint``."""
    text, exact = index.text, quote.exact
    if hint is not None:
        # An intact occurrence within _NEAR of the hint beats anything farther away, so
        # the usual small shift costs a scan of a few kilobytes, not the whole story.
        nearby = _intact(text, quote, _occurrences(text, exact, hint - _NEAR, hint + _NEAR), hint)
        if nearby is not None:
            return nearby
    starts = _occurrences(text, exact, 0, len(text))
    found = _intact(text, quote, starts, hint or 0)
    if found is not None:
        return found
    if len(starts) == 1 and policy.distinct and len(exact) >= policy.distinct:
        return starts[0]  # a distinctive passage, moved away from its context
    starts.sort(key=lambda s: abs(s - (hint or 0)))
    candidates = [
        s for s in starts[:_MAX_CANDIDATES] if _agrees(text, s, s + len(exact), quote, policy)
    ]
    if not candidates:
        return None
    # max() keeps the first of equal scores, and starts are sorted nearest first.
    return max(candidates, key=lambda s: sum(_context(text, s, s + len(exact), quote)))


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


def _fuzzy(
    index: TextIndex, quote: TextQuoteSelector, hint: int | None, policy: Policy
) -> tuple[int, int] | None:
    """Best approximate match ``(start, end)``, scored like the Hypothesis client."""
    text, exact = index.text, quote.exact
    m = len(exact)
    limit = policy.errors_allowed(m)
    if limit == 0 or not text:
        return None
    errors, ends = search(index, exact, limit)
    if len(ends) > _MAX_CANDIDATES:
        ends = sorted(ends, key=lambda e: abs(e - m - (hint or 0)))[:_MAX_CANDIDATES]
    w_quote, w_prefix, w_suffix, w_pos = _WEIGHTS
    best: tuple[float, int, int] | None = None
    heavily_edited = errors > policy.loose * m
    for end in ends:
        start = match_start(text, exact, end, errors)
        if not _agrees(text, start, end, quote, policy, always=heavily_edited):
            continue
        prefix, suffix = _context(text, start, end, quote)
        position = 1 - abs(start - hint) / len(text) if hint is not None else 1.0
        score = w_quote * (1 - errors / m) + w_prefix * prefix + w_suffix * suffix
        score += w_pos * position
        if best is None or score > best[0]:
            best = (score, start, end)
    return None if best is None else (best[1], best[2])


_TOUCH = 8
"""Characters of context next to a match that must agree with the stored context."""


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
    errors, _ = search_window(window, pattern, 0, len(window), len(pattern))
    return 1 - errors / len(pattern)


def _aligned(window: str, pattern: str) -> float:
    """1 minus the edits (Levenshtein) between ``window`` and ``pattern`` as wholes, per
    character of ``pattern``: how well the text right next to a match is the stored context."""
    if window == pattern:
        return 1.0
    if not pattern:
        return 0.0
    row = list(range(len(pattern) + 1))
    for i, a in enumerate(window, 1):
        diagonal, row[0] = row[0], i
        for j, b in enumerate(pattern, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (a != b))
    return max(0.0, 1 - row[-1] / len(pattern))
