"""The lines of a long text, read from either end on demand.

A story of a million short paragraphs has two million lines: splitting them all into strings
costs ~100 MB, while its header and footer need only a few lines at each end. Pure module.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator

__all__ = ["TextLines", "iter_lines", "visible_end"]

_VISIBLE = re.compile(r"\S")


def visible_end(text: str, start: int, end: int) -> int:
    """Just past the last visible character of ``text[start:end]`` (``start`` if none).

    Looks back from ``end`` a few thousand characters at a time: nothing is copied whole.
    """
    while end > start:
        tail = text[max(end - 4096, start) : end]
        kept = len(tail.rstrip())
        if kept:
            return end - len(tail) + kept
        end -= len(tail)
    return start


class TextLines:
    """``text.split("\\n")`` as a sequence whose lines are cut only when asked for.

    Line starts are remembered from the front and from the back, so reading the first and the
    last few lines costs only those lines.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._count = text.count("\n") + 1
        self._head = array("q", [0])
        """``_head[i]``: where line ``i`` starts."""
        self._tail = array("q", [len(text) + 1])
        """``_tail[k]``: where line ``len(self) - k`` starts (one past the text for k == 0)."""

    def __len__(self) -> int:
        return self._count

    def start(self, index: int) -> int:
        """Where line ``index`` starts (``len(text) + 1`` for ``index == len(self)``)."""
        head, tail, text = self._head, self._tail, self.text
        back = self._count - index
        if index < len(head):
            return head[index]
        if back < len(tail):
            return tail[back]
        if index - len(head) <= back - len(tail):
            while len(head) <= index:
                head.append(text.find("\n", head[-1]) + 1)
            return head[index]
        while len(tail) <= back:
            tail.append(text.rfind("\n", 0, tail[-1] - 1) + 1)
        return tail[back]

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self.text[self.start(index) : self.start(index + 1) - 1]

    def blank(self, index: int) -> bool:
        """Whether line ``index`` holds nothing but white space (the line is not copied)."""
        return _VISIBLE.search(self.text, self.start(index), self.start(index + 1) - 1) is None

    def bounds(self, index: int) -> tuple[int, int]:
        """Where line ``index`` starts and ends in ``text`` once stripped of white space."""
        start, end = self.start(index), self.start(index + 1) - 1
        first = _VISIBLE.search(self.text, start, end)
        if first is None:
            return start, start
        return first.start(), visible_end(self.text, first.start(), end)

    def join(self, first: int, stop: int, skip: set[int]) -> str:
        """Lines ``first`` to ``stop`` (excluded) but those in ``skip``, joined by newlines.

        Each run of kept lines is one slice of the text (the whole text is not copied at all).
        """
        runs: list[str] = []
        run = first
        for index in [*sorted(i for i in skip if first <= i < stop), stop]:
            if index > run:
                runs.append(self.text[self.start(run) : self.start(index) - 1])
            run = index + 1
        return "\n".join(runs)


def iter_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` (as ``text.split("\\n")``), one at a time."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]
