"""The header and footer of a story's text: title, byline, date, source URL, and the body.

Two header styles are understood: the seed format (a ``# Title`` heading, a ``By ...`` line, a
date line, and a footer ``Original url:`` followed, possibly after blank lines, by ``<url>``)
and YAML (``---``) or TOML (``+++``) front matter (:mod:`tui_reader.core.frontmatter`). Works on
text already sanitized; reads only the lines at the ends of a long text
(:class:`tui_reader.core.text_lines.TextLines`). Pure module: no Textual, no IO.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from tui_reader.core.dates import parse_date
from tui_reader.core.frontmatter import parse_front_matter
from tui_reader.core.markdown_text import first_heading, inline_text
from tui_reader.core.text_lines import TextLines
from tui_reader.core.textsafe import sanitize_line
from tui_reader.core.urls import web_url

__all__ = ["HTML_SUFFIXES", "STORY_SUFFIXES", "Parsed", "fold", "parse_text", "title_from_name"]

STORY_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".html", ".htm"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
"""Story files read as web pages: the article is extracted, the rest of the page dropped."""


def fold(text: str | None) -> str:
    """``text`` casefolded with its white space collapsed (for comparing titles)."""
    return " ".join((text or "").casefold().split())


_BYLINE = re.compile(r"[*_]*by\s+(?P<by>.+?)[*_]*", re.I)
_ORIGINAL = re.compile(r"[*_]*original\s+url\s*:?[*_]*\s*(?P<url>\S*)", re.I)
_URL_LINE = re.compile(r"<?(?P<url>(?:[a-z][a-z0-9+.-]*://|www\.)[^\s>]+)>?", re.I)
_NUMERIC_PREFIX = re.compile(r"^(?:\d+(?:[-_. ]+|$))+")
_HASHLIKE = re.compile(r"[0-9a-f]{8,}", re.I)
_VISIBLE = re.compile(r"\S")


def title_from_name(name: str, hint: str = "") -> str:
    """Derive a title from a file name: ``my-great_story.md`` -> ``My great story``.

    A leading numeric prefix (``000_``, ``2021-09-15-``) is dropped; when nothing meaningful is
    left (``000_8fca52f5ebd7e4f3.txt``) ``hint`` (the first line of the body) is used instead.
    """
    stem = Path(name).stem if Path(name).suffix.lower() in STORY_SUFFIXES else name
    words = " ".join(re.sub(r"[-_]+", " ", _NUMERIC_PREFIX.sub("", stem)).split())
    if not words or _HASHLIKE.fullmatch(words):
        words = (hint[:77] + "…" if len(hint) > 80 else hint) or stem
    words = sanitize_line(words) or "Untitled"
    return words[:1].upper() + words[1:]


@dataclass
class Parsed:
    """What the header and footer say (and the body, once cleaned up)."""

    title: str = ""
    title_from_file: bool = False
    byline: str | None = None
    date: dt.date | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    feed: str | None = None
    body: str = ""
    warnings: list[str] = field(default_factory=list)


def _delimiter(lines: TextLines, index: int) -> str:
    """Line ``index`` without trailing spaces if it may be a front matter delimiter, else ""."""
    if lines.text.startswith(("---", "+++", "..."), lines.start(index)):
        return lines[index].rstrip()
    return ""


def parse_text(text: str, name: str) -> tuple[Parsed, str]:
    """Read the header and footer of sanitized ``text``; returns them and the body's text.

    The body is returned as it stands in the file: :func:`tui_reader.core.markdown_text.rejoined`
    cleans it up. Only lines at the ends are cut from ``text`` (a story may hold millions),
    and long ones are matched in place rather than copied.
    """
    out = Parsed()
    lines = TextLines(text)
    n = len(lines)
    start = next((i for i in range(n) if not lines.blank(i)), n)
    if start < n and _delimiter(lines, start) in ("---", "+++"):
        delim = _delimiter(lines, start)
        ends = (delim, "...") if delim == "---" else (delim,)
        close = next((j for j in range(start + 1, n) if _delimiter(lines, j) in ends), None)
        if close is None:
            out.warnings.append(
                f"front matter opened with {delim!r} on line {start + 1} is never closed; "
                "read as plain text"
            )
        else:
            meta = parse_front_matter(lines.join(start + 1, close, set()), delim, out.warnings)
            if meta is not None:
                out.title, out.byline, out.date = meta.title, meta.byline, meta.date
                out.url, out.tags, out.feed = meta.url, meta.tags, meta.feed
                start = close + 1
    removed: set[int] = set()
    j = next((i for i in range(start, n) if not lines.blank(i)), n)
    heading = None
    if j < n and text.startswith("# ", lines.start(j)):
        heading = inline_text(lines[j][2:].strip().rstrip("#"))
    elif j < n and not out.title and _is_text_title(lines, j, name):
        heading = inline_text(lines[j].strip())
    # The heading repeats a front-matter title; compare them as the same plain text.
    same = heading is not None and fold(heading) in (fold(out.title), fold(inline_text(out.title)))
    if heading is not None and (not out.title or same):
        out.title = out.title or heading
        removed.add(j)
        for k in range(j + 1, min(n, j + 12)):
            line = lines[k].strip()
            if not line:
                continue
            by = _BYLINE.fullmatch(line) if len(line) < 200 else None
            # A header line repeating the front matter's byline or date is header too.
            if by and line[-1] not in ".!?" and out.byline in (None, inline_text(by["by"])):
                out.byline = inline_text(by["by"])
            elif (date := parse_date(inline_text(line))) and out.date in (None, date):
                out.date = date
            else:
                break
            removed.add(k)
    end = n
    while end > start and lines.blank(end - 1):
        end -= 1
    if end > start:
        last = lines.bounds(end - 1)
        url_m = _URL_LINE.fullmatch(text, *last)
        orig = _ORIGINAL.fullmatch(text, *last)
        # The footer lines are cut from the body whatever they hold; only a web address is
        # kept as the story's URL.
        if orig and orig["url"] and (url_m := _URL_LINE.fullmatch(orig["url"])):
            out.url, end = out.url or web_url(url_m["url"]), end - 1
        elif url_m:
            k = end - 2
            while k >= start and lines.blank(k):
                k -= 1
            orig = _ORIGINAL.fullmatch(text, *lines.bounds(k)) if k >= start else None
            if orig and not orig["url"]:
                out.url, end = out.url or web_url(url_m["url"]), k
    body = lines.join(start, end, removed)
    if out.date is None:
        out.date = date_in_name(name)
    if not out.title:
        out.title = first_heading(body)
    if not out.title:
        out.title, out.title_from_file = title_from_name(name, _first_line_hint(body)), True
    return out, body


_NAME_DATE = re.compile(r"(\d{4})[-_.](\d{2})[-_.](\d{2})(?:[-_. T]|$)")


def date_in_name(name: str) -> dt.date | None:
    """The date a file name starts with (``2023-10-05-my-post.md``, Jekyll's layout), if any."""
    found = _NAME_DATE.match(Path(name).stem)
    if found is None:
        return None
    try:
        return dt.date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def _is_text_title(lines: TextLines, j: int, name: str) -> bool:
    """Whether line ``j`` of a plain ``.txt`` story is its title: a short line of its own
    (a blank line, or nothing, after it) with more text below."""
    if Path(name).suffix.lower() != ".txt" or lines.start(j + 1) - lines.start(j) > 151:
        return False
    if j + 1 < len(lines) and not lines.blank(j + 1):
        return False
    return any(not lines.blank(k) for k in range(j + 1, min(len(lines), j + 50)))


def _first_line_hint(body: str) -> str:
    """The plain text of the first line with visible text (for a title from a file name)."""
    found = _VISIBLE.search(body)
    if found is None:
        return ""
    start = body.rfind("\n", 0, found.start()) + 1
    end = body.find("\n", start)
    # inline_text reads 1000 characters: that much of a 30 MB line is enough.
    return inline_text(body[start : min(len(body) if end < 0 else end, start + 1000)])
