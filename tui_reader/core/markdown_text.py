"""Plain text from a story's Markdown: what header parsing and body clean-up need.

Owns stripping inline markup (links, emphasis) from a heading or byline, finding the first
heading outside code fences, and rejoining paragraphs that scraping broke mid-sentence.
Pure module: no Textual, no IO.
"""

from __future__ import annotations

import re

from tui_reader.core.textsafe import sanitize_line

__all__ = ["first_heading", "inline_text", "join_broken_paragraphs"]

_MAX_FIELD = 1000
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>", re.I)
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(.+?)\1")
_SPECIAL = re.compile(r" {4}|\t| {0,3}(?:[#>|<]|```|~~~|[-*+](?:\s|$)|\d+[.)](?:\s|$)|[=_-]{3})")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_SENTENCE_END = frozenset('.!?:;"”’…')


def inline_text(text: str) -> str:
    """Return one line of Markdown as plain text: link text kept, emphasis and code marks dropped.

    Only the first 1000 characters are read; the result is sanitized
    (:func:`tui_reader.core.textsafe.sanitize_line`).
    """
    text = text[:_MAX_FIELD]  # bounds the regexes below on hostile one-line files
    text = _AUTOLINK.sub(r"\1", _LINK.sub(r"\1", text))
    return sanitize_line(_EMPHASIS.sub(r"\2", text))


def first_heading(lines: list[str]) -> str:
    """Return the plain text of the first ``# `` heading outside fenced code, or ``""``."""
    fence = ""
    for line in lines:
        m = _FENCE.match(line)
        if m and (not fence or m[1].startswith(fence)):
            fence = "" if fence else m[1]
        elif not fence and line.startswith("# "):
            return inline_text(line[2:].strip().rstrip("#"))
    return ""


def _is_prose(block: list[str]) -> bool:
    return not any(_SPECIAL.match(line) or "|" in line for line in block)


def join_broken_paragraphs(lines: list[str]) -> str:
    """Join blank-line-separated blocks back where scraping split a sentence in two.

    Two blocks are joined when both are plain prose (no heading, list item, quote, table, code
    fence, indented code or HTML), the first does not end in sentence punctuation, and the second
    starts with a lower-case letter. Fenced code is kept verbatim, blank lines included.

    Returns:
        The blocks of ``lines``, separated by one blank line each.
    """
    blocks: list[list[str]] = []
    current: list[str] = []
    fence = ""
    for line in lines:
        m = _FENCE.match(line)
        if fence:
            current.append(line)
            if m and m[1].startswith(fence) and not line.strip(" `~"):
                fence = ""
        elif m:
            current.append(line)
            fence = m[1]
        elif line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    out: list[list[str]] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and block[0][:1].islower()
            and prev[-1].rstrip()[-1:] not in _SENTENCE_END
            and _is_prose(prev)
            and _is_prose(block)
        ):
            prev[-1] = prev[-1].rstrip() + " " + block[0]
            prev.extend(block[1:])
        else:
            out.append(block)
    return "\n\n".join("\n".join(block) for block in out)
