"""The plain text of a story body, without building its blocks when the body is plain prose.

``build_document(body).text`` is what annotations anchor to; building it runs the whole
Markdown parser (blocks, inline styles, links), which is most of the cost of a Markdown export
that re-anchors every story's notes. Most bodies are paragraphs and ``#`` headings with a few
``**strong**`` runs and ``[links](url)``: their plain text is the blocks' text joined by a blank
line, which a few regular expressions find. :func:`plain_text` does that for exactly such bodies
and declines (``None``) anything else, where :func:`document_text` builds the document.

What is accepted is deliberately narrow: every line starts and ends with a visible character;
no line opens a list, a quote, a table, code, HTML, a rule, a setext heading or a definition;
no character that starts inline syntax occurs except ``**`` around plain words and ``[words](url)``
with a plain target. Property tests compare it with :func:`build_document` on generated Markdown.
Pure module: no Textual, no IO.
"""

from __future__ import annotations

import re

from tui_reader.core.markdown_text import BLOCK_SEPARATOR

__all__ = ["document_text", "plain_text"]

# Characters that start code, strikethrough, HTML and autolinks, emphasis by "_", escapes,
# tables; and pairs that start images, inline footnotes, shortcodes. Searched one by one: a
# substring search runs at C speed, a regular expression with alternatives does not.
_UNPLAIN_CHARS = "\\`~<_|"
_UNPLAIN_PAIRS = ("![", "^[", "{{", "{%")
# Control characters, tabs among them (they indent, and markdown-it reads them as spaces).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_ENTITY = re.compile(r"&[#\w]")
# The first character of a line that may open a block other than a paragraph: a quote, a
# list, a rule, a setext underline, a table's delimiter row; "#" is taken as a heading below.
_BLOCK_START = frozenset(">-+=:*")
_ORDERED = re.compile(r"\d+[.)]")
_HEADING = re.compile(r"#{1,6} (\S.*)")
# "**words**" and "[words](target)": the only inline syntax taken. A target's characters
# cannot end it early or be escapes, entities or spaces.
_INLINE = re.compile(r"\*\*([^*\[\]\n]+)\*\*|\[([^*\[\]\n]+)\]\(([\w#/:.?=%+-]*)\)")
_BAD_SCHEME = re.compile(r"(?:vbscript|javascript|file|data):", re.I)
# Next to "**": what may stand before one that opens, and before or after one that closes,
# so that it can do that and nothing else (CommonMark's flanking rules).
_BEFORE_OPEN = frozenset(" \n(\"'“‘")
_AROUND_CLOSE = frozenset(".,:;!?)\"'”’")


def plain_text(markdown: str) -> str | None:
    """``build_document(markdown).text`` for a body of plain paragraphs and headings.

    Returns:
        The text, or ``None`` when the body holds anything else (the caller builds the
        document then).
    """
    if (
        any(c in markdown for c in _UNPLAIN_CHARS)
        or any(pair in markdown for pair in _UNPLAIN_PAIRS)
        or ("&" in markdown and _ENTITY.search(markdown))
        or _CONTROL.search(markdown)
    ):
        return None
    blocks: list[str] = []
    lines: list[str] = []
    for line in markdown.split("\n"):
        if not line:
            if lines and not _add(blocks, lines):
                return None
            lines = []
            continue
        first = line[0]
        # Spaces first indent (code, a continuation), spaces last break the line (or go).
        if first.isspace() or line[-1].isspace():
            return None
        if first == "#":
            heading = _HEADING.fullmatch(line)
            if heading is None or heading[1].endswith("#"):
                return None  # "#tag", "####### x", "# closed #": left to the parser
            if lines and not _add(blocks, lines):
                return None
            lines = []
            if not _add(blocks, [heading[1]]):
                return None
        elif _opens_block(line, first):
            return None
        else:
            lines.append(line)
    if lines and not _add(blocks, lines):
        return None
    return BLOCK_SEPARATOR.join(blocks)


def _opens_block(line: str, first: str) -> bool:
    """Whether ``line`` (starting with ``first``) may open a block other than a paragraph."""
    if first in _BLOCK_START:
        return not (line.startswith("**") and line[2:3].isalnum())  # "**Bold" opens nothing
    return first.isdigit() and _ORDERED.match(line) is not None


def _add(blocks: list[str], lines: list[str]) -> bool:
    """Append the plain text of one paragraph (or heading); False if it is not plain."""
    source = "\n".join(lines)
    if "*" not in source and "[" not in source and "]" not in source:
        blocks.append(" ".join(lines))  # a soft line break reads as a space
        return True
    text = _inline(source)
    if text is None:
        return False
    blocks.append(text.replace("\n", " "))
    return True


def _inline(source: str) -> str | None:
    """The text of ``source`` with its ``**strong**`` and ``[links](url)`` taken as such."""
    parts: list[str] = []
    done = 0
    for found in _INLINE.finditer(source):
        between = source[done : found.start()]
        if "*" in between or "[" in between or "]" in between:
            return None
        parts.append(between)
        if found[1] is not None:
            if not _strong(source, found.start(), found.end(), found[1]):
                return None
            parts.append(found[1])
        else:
            words = found[2]
            if words[0] in "^ " or words[-1] == " " or _BAD_SCHEME.match(found[3]):
                return None
            parts.append(words)
        done = found.end()
    rest = source[done:]
    if "*" in rest or "[" in rest or "]" in rest:
        return None
    parts.append(rest)
    return "".join(parts)


def _strong(source: str, start: int, end: int, words: str) -> bool:
    """Whether ``**words**`` at ``[start, end)`` opens and closes (and can do nothing else)."""
    before = source[start - 1] if start else " "
    after = source[end] if end < len(source) else " "
    first, last = words[0], words[-1]
    if before not in _BEFORE_OPEN or not first.isalnum():
        return False
    if after in " \n":
        return last.isalnum() or last in _AROUND_CLOSE
    return after in _AROUND_CLOSE and last.isalnum()


def document_text(markdown: str) -> str:
    """The plain text annotations anchor to: ``build_document(markdown).text``, without
    building the blocks when :func:`plain_text` can read the body."""
    text = plain_text(markdown)
    if text is not None:
        return text
    # Imported here: the Markdown parser (and the HTML one it uses) cost ~20 ms to import, and
    # an export whose stories are all plain prose needs neither.
    from tui_reader.core.document import build_document

    return build_document(markdown).text
