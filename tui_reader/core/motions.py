"""Where the selection motions land: words, sentences and paragraphs of a document.

Each motion searches the text from the cursor instead of looking it up in an index of every
word: a 30 MB story holds five million words, whose offsets would cost ~80 MB and seconds to
build. A search reads only as far as the next (or previous) stop.

The stops are those of the indexes they replace: a word is a run of word characters or a run
of other visible characters (``\\w+|[^\\w\\s]+``); a sentence starts at each block start and at
the first visible character after sentence punctuation (``.!?…`` and closing quotes) that is
followed by a space; a paragraph is a block. Pure module: no Textual.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui_reader.core.document import Document


__all__ = [
    "next_paragraph_end",
    "next_sentence_start",
    "next_word_end",
    "next_word_start",
    "previous_paragraph_start",
    "previous_sentence_start",
    "previous_word_start",
]

# A word starts where a run of word characters, or of other visible characters, begins.
_WORD_START = re.compile(r"(?<!\w)\w|(?<![^\w\s])[^\w\s]")
# ... and ends just after its last character.
_WORD_LAST = re.compile(r"\w(?!\w)|[^\w\s](?![^\w\s])")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")
_VISIBLE = re.compile(r"\S")
_SPACE = re.compile(r"\s")
_FIRST_WINDOW = 256


def _last_start(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> int | None:
    """Where the last match of ``pattern`` starting in ``[lo, hi)`` starts (None: no match).

    Looks back from ``hi`` in growing windows, so the cost follows the distance to the match.
    The pattern must match single characters (a lookbehind may look before the window).
    """
    span = _FIRST_WINDOW
    while True:
        start = max(lo, hi - span)
        found = None
        for found in pattern.finditer(text, start, hi):  # noqa: B007 (the last one is wanted)
            pass
        if found is not None:
            return found.start()
        if start == lo:
            return None
        span *= 4


def next_word_start(text: str, cursor: int) -> int:
    """The first word start after ``cursor`` (``len(text)`` if none)."""
    found = _WORD_START.search(text, cursor + 1)
    return found.start() if found else len(text)


def next_word_end(text: str, cursor: int) -> int:
    """The first word end after ``cursor`` (``len(text)`` if none)."""
    found = _WORD_LAST.search(text, cursor)
    return found.end() if found else len(text)


def previous_word_start(text: str, cursor: int) -> int:
    """The last word start before ``cursor`` (0 if none)."""
    found = _last_start(_WORD_START, text, 0, min(cursor, len(text)))
    return 0 if found is None else found


def _run_start(text: str, at: int) -> int:
    """Start of the run of visible characters holding ``at``, or of the last one before it."""
    if at >= len(text) or text[at].isspace():
        before = _last_start(_VISIBLE, text, 0, min(at, len(text)))
        if before is None:
            return 0
        at = before
    space = _last_start(_SPACE, text, 0, at)
    return 0 if space is None else space + 1


def _sentence_after(text: str, end: int) -> int:
    """Where the sentence after punctuation ending at ``end`` starts (``len(text)``: none)."""
    found = _VISIBLE.search(text, end)
    return found.start() if found else len(text)


def next_sentence_start(document: Document, cursor: int) -> int:
    """The first sentence start after ``cursor`` (the end of the text if none)."""
    blocks = document.blocks
    if not blocks:
        return len(document.text)
    index = document.block_at(cursor)
    block = blocks[index]
    if block.start > cursor:
        return block.start
    text, rel = block.text, cursor - block.start
    # Punctuation that starts a sentence past the cursor ends in the run of visible characters
    # under the cursor, or in the last one before it (a sentence start cannot skip a run).
    for match in _SENTENCE_END.finditer(text, _run_start(text, rel)):
        after = _sentence_after(text, match.end())
        if after >= len(text):
            break
        if after > rel:
            return block.start + after
    return blocks[index + 1].start if index + 1 < len(blocks) else len(document.text)


def _last_sentence_in(text: str, before: int) -> int:
    """The last sentence start inside one block's ``text`` before ``before`` (0: its start)."""
    span = _FIRST_WINDOW
    while True:
        lo = _run_start(text, max(min(before, len(text)) - span, 0))
        best = 0
        # Punctuation ending at ``before`` or later cannot start a sentence before it: the
        # search stops just past it (where "$" may match, harmlessly).
        for match in _SENTENCE_END.finditer(text, lo, min(len(text), before + 1)):
            after = _sentence_after(text, match.end())
            if after < before and after < len(text):
                best = after
        if best or lo == 0:
            return best
        span *= 4


def previous_sentence_start(document: Document, cursor: int) -> int:
    """The last sentence start before ``cursor`` (0 if none)."""
    blocks = document.blocks
    if not blocks:
        return 0
    index = document.block_at(cursor)
    block = blocks[index]
    if block.start < cursor:
        return block.start + _last_sentence_in(block.text, cursor - block.start)
    if index == 0:
        return 0
    block = blocks[index - 1]
    return block.start + _last_sentence_in(block.text, len(block.text) + 1)


def next_paragraph_end(document: Document, cursor: int) -> int:
    """The first block end after ``cursor`` (the end of the text if none)."""
    blocks = document.blocks
    if not blocks:
        return len(document.text)
    index = document.block_at(cursor)
    if blocks[index].end > cursor:
        return blocks[index].end
    return blocks[index + 1].end if index + 1 < len(blocks) else len(document.text)


def previous_paragraph_start(document: Document, cursor: int) -> int:
    """The last block start before ``cursor`` (0 if none)."""
    blocks = document.blocks
    if not blocks:
        return 0
    index = document.block_at(cursor)
    if blocks[index].start < cursor:
        return blocks[index].start
    return blocks[index - 1].start if index > 0 else 0
