"""Wrap one line of text exactly as Rich's ``divide_line(text, width, fold=True)`` does, lazily.

Rich wraps a whole line in one call. A 30 MB one-line story would then be wrapped in one
uninterruptible pass before its first row could be shown; here it is wrapped a window at a
time, each window ending where the rows before it can no longer change, so the first screen
needs only the first window and the rest can be stopped between windows.

Uses Rich only (its ``divide_line``, as the article always has); no Textual.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich._wrap import divide_line
from rich.cells import cell_len

__all__ = ["WRAP_WINDOW", "wrap_rows"]

WRAP_WINDOW = 16_384
"""Text longer than this is wrapped (and sliced for drawing) a window at a time."""

_ZWJ, _VS16 = "\u200d", "\ufe0f"
# Where a window may end: not inside a grapheme that changes width (a ZWJ sequence, VS16).
_SAFE_CUT = re.compile(f"(?<!{_ZWJ})[^{_ZWJ}{_VS16}]")
_NON_SPACE = re.compile(r"\S+")


def _restart(
    piece: str, lo: int, stop: int, breaks: list[int], width: int, lead: int
) -> int | None:
    """The last break in ``piece[lo:stop]`` where wrapping can start over as if fresh.

    That is the start of a word (not the end of the spaces a line starts with: they belong to
    its first word, whose first visible character is at ``lead``), or a cut inside a word too
    long for a row when the rest of it is still too long (so it is folded again, the same way).
    """
    for rel in reversed(breaks):
        at = lo + rel
        if piece[at].isspace():
            continue
        if piece[at - 1].isspace():
            if at > lead:
                return at
            continue
        run = _NON_SPACE.match(piece, at, stop)
        if run is not None and cell_len(run[0]) > width:
            return at
    return None


def wrap_rows(
    piece: str, width: int, window: int = WRAP_WINDOW
) -> Iterator[tuple[int, int, list[int]]]:
    """Wrap one line of text as Rich's ``divide_line(piece, width, fold=True)`` does, lazily.

    Yields:
        ``(lo, hi, breaks)`` batches covering ``piece`` in order: its rows are ``[lo, b1)``,
        ``[b1, b2)``, ... ``[bk, hi)`` (absolute offsets). A piece up to ``window`` long is one
        batch; a longer one is wrapped a window at a time (linear, however long the line).
    """
    n = len(piece)
    lo, span = 0, window
    visible = _NON_SPACE.search(piece) if n > span else None
    lead = n if visible is None else visible.start()
    while n - lo > span:
        cut = _SAFE_CUT.search(piece, lo + span)
        stop = n if cut is None else cut.start()
        if stop >= n:
            break
        breaks = divide_line(piece[lo:stop], width, fold=True)
        restart = _restart(piece, lo, stop, breaks, width, lead)
        if restart is None:
            span *= 2  # one row wider than the window (a long run of spaces): look further
            continue
        yield lo, restart, [lo + b for b in breaks if lo + b < restart]
        lo, span = restart, window
    rest = piece[lo:] if lo else piece
    yield lo, n, [lo + b for b in divide_line(rest, width, fold=True)]
