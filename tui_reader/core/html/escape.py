"""Make text safe to show literally in Markdown, and tidy converted Markdown for a story file.

:func:`escape` backslash-escapes whatever Markdown would read as markup, so feed text that only
looks like Markdown shows as written. :func:`tidy` finishes converted Markdown so the story
loader reads all of it as body: it resolves the :data:`BR` marks left for ``<br>``, defuses a
line that looks like the ``Original url:`` footer, collapses blank lines and strips control
characters.

Pure module: no Textual, no IO.
"""

from __future__ import annotations

import re

from tui_reader.core.textsafe import sanitize

__all__ = ["BR", "escape", "escape_inline", "tidy"]

BR = "\x00"
"""Stands for a ``<br>`` in converted Markdown until :func:`tidy` knows whether it ends a
paragraph (then it vanishes) or breaks a line within one (then it becomes a backslash)."""

# Backslashes, emphasis and code marks, brackets, table pipes,
# what could open an autolink or an entity, tildes that could join a strikethrough mark, and
# a "!" that a link could follow (making it an image).
_INLINE = re.compile(r"[\\*_`\[\]|]|<(?=[A-Za-z/!?])|&(?=#?\w+;)|~(?=~|$)|(?<=~)~|^~|!$")
_LINE_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[-+=]+(?=\s|$)|>)")
_LIST_NUMBER = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)")
# The story loader's footer marker (tui_reader.core.stories._ORIGINAL), which a body line must
# not be.
_ORIGINAL = re.compile(r"[*_]*original\s+url\s*:?[*_]*\s*\S*", re.I)
_ORIGINAL_COLON = re.compile(r"(url\s*):", re.I)
_ORIGINAL_GAP = re.compile(r"(original)\s+", re.I)
# What a line starts with when it is not the next line of the same paragraph (text is escaped).
_BLOCK_START = re.compile(r"[ >]*(?:$|[-+*]\s|\d{1,9}[.)]\s|#{1,6}\s|```|\|)")
# A code fence, possibly inside quotes or list items; text never has unescaped backticks.
_FENCE = re.compile(r"(?:[ \t>]|-\s|\d{1,9}\.\s)*(`{3,})([^`]*)")


def escape(text: str) -> str:
    """Escape what Markdown would read as markup, treating the start of ``text`` as a line start.

    Args:
        text: One line of plain text (or inline text with its whitespace collapsed).

    Returns:
        The text with backslashes before emphasis and code marks, brackets, pipes, a leading
        ``#``, ``>``, ``-``, ``+`` or list number, and the like.
    """
    text = escape_inline(text)
    text = _LINE_START.sub(r"\1\\\2", text)
    return _LIST_NUMBER.sub(r"\1\\\2", text)


def escape_inline(text: str) -> str:
    """Escape what Markdown would read as inline markup, wherever ``text`` ends up on a line."""
    return _INLINE.sub(r"\\\g<0>", text)


def tidy(markdown: str) -> str:
    """Resolve ``<br>`` marks, defuse footer-like lines, trim and sanitize the Markdown.

    Args:
        markdown: Converted or escaped Markdown, possibly holding :data:`BR` marks.

    Returns:
        Markdown with ``\\n`` line endings, at most one blank line in a row, no trailing
        whitespace, no control characters and no line the story loader takes for its footer.
    """
    lines = [line.rstrip() for line in markdown.split("\n")]
    out: list[str] = []
    fence = ""
    hard = False  # whether the last line kept ends in a hard line break
    for i, line in enumerate(lines):
        if (mark := _FENCE.fullmatch(line)) or fence:
            if not fence:
                fence = mark[1] if mark else ""
            elif mark and len(mark[1]) >= len(fence) and not mark[2].strip():
                fence = ""
            out.append(line)  # code is left as it is
            hard = False
            continue
        if line.endswith(BR):
            line = line.replace(BR, "").rstrip()
            j = i + 1
            while j < len(lines) and lines[j].endswith(BR) and not _text_of(lines[j]):
                j += 1
            # A hard break only shows between two lines of text of the same paragraph.
            breaks = (
                j < len(lines)
                and not _BLOCK_START.match(lines[j])
                and _quotes(lines[j]) == _quotes(line)
            )
            if not _text_of(line) and not (breaks and hard):
                continue
            line += "\\" if breaks else ""
            hard = breaks
        else:
            hard = False
        indent = len(line) - len(line.lstrip(" "))
        line = line[:indent] + re.sub(" {2,}", " ", line[indent:])  # left by dropped elements
        if _ORIGINAL.fullmatch(line.replace(BR, "").strip()):
            line = _defuse_footer(line)
        out.append(line)
    return sanitize(re.sub(r"\n{3,}", "\n\n", "\n".join(out))).strip()


def _quotes(line: str) -> int:
    """Return how many block quotes ``line`` is in."""
    return line[: len(line) - len(line.lstrip(" >"))].count(">")


def _text_of(line: str) -> str:
    return line.replace(BR, "").strip(" >")


def _defuse_footer(line: str) -> str:
    """Change a line the story loader would take for its footer so that it reads the same."""
    if ":" in line:
        return _ORIGINAL_COLON.sub(r"\1\\:", line, count=1)
    # No punctuation to escape: an entity for the space renders identically.
    return _ORIGINAL_GAP.sub(r"\1&#32;", line, count=1)
