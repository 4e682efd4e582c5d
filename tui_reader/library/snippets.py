"""A search result's snippet, made in Python where the body is plain ASCII text.

FTS5's ``snippet()`` tokenises each story's body again to find where the words are: about a
quarter of a millisecond for a news story, so most of the time a typed query takes before its
results can be drawn (the rows in view want a snippet each, in that same frame). For plain
ASCII text the words are found with ``str.find`` on the lowered body, whole words as the
article highlights them (:class:`~tui_reader.core.textfold.FoldedText`): what the tokenizer
finds there. Anything else (accents, CJK, a phrase split by punctuation) is left to FTS5.

Pure module: no Textual, no SQLite.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

__all__ = ["quick_snippet"]

_TOKEN = re.compile(r"[^\W_]+")
"""A token as FTS5's unicode61 tokenizer sees one: letters and digits; the rest separates."""

_CHARS_PER_TOKEN = 7
"""About how many characters a token and its separator take in English prose (the window in
which the most words are looked for)."""

_MOST_SPANS = 24
"""Matches looked at per word (a word on every line of a long read need not all be)."""

_LOOK_BACK = 80
"""Characters looked back from the first word for the tokens shown before it."""

_LOOK_AHEAD = 12
"""Characters per token looked ahead for the rest (longer words: fewer tokens shown)."""


def quick_snippet(body: str, words: Sequence[tuple[str, bool]], tokens: int) -> str | None:
    """About ``tokens`` tokens of ``body`` where most of ``words`` are, with ``…`` where the
    body goes on; white space collapsed to single spaces.

    Args:
        body: the text the index holds for the story.
        words: the query's positive words and phrases as ``(text, prefix)``.
        tokens: how many tokens the snippet shows.

    Returns:
        The snippet; "" when no word is in the body (the story matched by its title or
        byline); None when this way cannot tell: the body or a word is not plain ASCII, or
        a phrase is not in it as written (FTS5, which knows, makes that snippet).
    """
    if not body.isascii() or not words or not all(word.isascii() for word, _ in words):
        return None  # "café" finds "cafe" once the tokenizer drops accents: FTS5 knows
    text = body.lower()
    needles = [(needle.lower(), prefix) for needle, prefix in words]
    present = [(text.count(n), n, prefix) for n, prefix in needles if n and n in text]
    if not present:
        # A word missing from a plain text is not in the body (the story matched by its
        # title or byline); a phrase may still be, split by punctuation: FTS5 knows.
        return "" if all(n.isalnum() for n, _ in needles) else None
    width = tokens * _CHARS_PER_TOKEN
    present.sort()  # the rarest word first: its places are the candidates
    best: tuple[int, int, int] | None = None  # (-words near, first, last)
    for rank, (_count, anchor, prefix) in enumerate(present):
        for at in _starts(text, anchor, prefix, 0, len(text)):
            first = last = at
            near = 1
            for _c, other, other_prefix in present[rank + 1 :]:
                place = _nearest(text, other, other_prefix, at, width)
                if place is not None:
                    near += 1
                    first, last = min(first, place), max(last, place)
            if best is None or -near < best[0]:
                best = (-near, first, last)
        if best is not None:
            break  # else that word is only inside other words: the next rarest one
    if best is None:  # the words are there, but only inside other words
        return "" if all(n.isalnum() for n, _ in needles) else None
    return _window(body, best[1], best[2], tokens)


def _nearest(text: str, needle: str, prefix: bool, at: int, width: int) -> int | None:
    """The start of the whole word ``needle`` nearest to ``at``, within ``width`` of it."""
    after = _starts(text, needle, prefix, at, at + width, most=1)
    before = None
    end = at
    while before is None:
        found = text.rfind(needle, max(0, at - width), end)
        if found < 0:
            break
        if _whole(text, found, found + len(needle), prefix):
            before = found
        end = found + len(needle) - 1
    if before is None:
        return after[0] if after else None
    return before if not after or at - before <= after[0] - at else after[0]


def _whole(text: str, start: int, end: int, prefix: bool) -> bool:
    """Whether ``text[start:end]`` is a word (the start of one, with ``prefix``)."""
    return (start == 0 or not text[start - 1].isalnum()) and (
        prefix or end >= len(text) or not text[end].isalnum()
    )


def _starts(text: str, needle: str, prefix: bool, lo: int, hi: int,
            most: int = _MOST_SPANS) -> list[int]:  # fmt: skip
    """Where ``needle`` starts as a whole word (a word's start, with ``prefix``) in
    ``text[lo:hi]``: the first ``most`` of them."""
    found: list[int] = []
    at = text.find(needle, lo, hi)
    while at >= 0 and len(found) < most:
        end = at + len(needle)
        if _whole(text, at, end, prefix):
            found.append(at)
        at = text.find(needle, end, hi)
    return found


def _window(body: str, first: int, last: int, tokens: int) -> str:
    """``tokens`` tokens around the matches from ``first`` to ``last`` (centred, as FTS5
    does), with ``…`` where the body goes on."""
    lead = max(0, first - _LOOK_BACK)
    around = list(_TOKEN.finditer(body, lead, last + tokens * _LOOK_AHEAD))
    if lead > 0 and around and around[0].start() == lead and body[lead - 1].isalnum():
        around = around[1:]  # a word cut in two by where the look back began
    ends = [m.end() for m in around]
    here = bisect.bisect_right(ends, first)
    there = max(here, bisect.bisect_right(ends, last))
    spare = max(0, tokens - (there - here + 1))
    chosen = around[max(0, here - spare // 2) :][:tokens]
    if not chosen:
        return ""
    begin, end = chosen[0].start(), chosen[-1].end()
    # Where the body goes on, "…"; where it does not, its first or last marks are kept
    # ("*Keys and moving around*." ends a story as it is).
    before = "…" if _TOKEN.search(body, 0, begin) else ""
    after = "…" if _TOKEN.search(body, end) else ""
    text = body[0 if not before else begin : len(body) if not after else end]
    return before + " ".join(text.split()) + after
