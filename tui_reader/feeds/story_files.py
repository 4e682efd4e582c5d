"""Feed entries as story files: how one is written, and how a feed folder's files are found again.

An entry becomes a file in the seed's format, with YAML front matter carrying what dedupe and
the library need::

    ---
    feed: Example News
    title: Ceasefire talks resume
    guid: tag:example.org,2025:1234
    url: https://example.org/news/1234
    date: 2025-01-02
    tags: [world]
    first_seen: 2025-01-02
    entry_hash: 0f3c...   # digest of the entry: an unchanged entry is not rendered again
    ---
    # Ceasefire talks resume

    By Jane Roe

    January 2, 2025

    <body as Markdown>

    Original url:
    <https://example.org/news/1234>

The front matter is the source of truth for the title (the heading repeats it for people who
open the file): a title may hold ``*`` or ``[x]`` that Markdown would eat.

Pure module: no Textual. Writes are atomic (temp file, fsync, rename).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from tui_reader.core.atomic import atomic_write
from tui_reader.core.dates import coerce_date
from tui_reader.core.html.escape import escape_inline
from tui_reader.core.html.markdown import html_to_markdown, text_to_markdown
from tui_reader.core.markdown_text import inline_text
from tui_reader.core.stories import normalize_url
from tui_reader.core.textsafe import sanitize_line
from tui_reader.feeds.model import FeedEntry, FullText

__all__ = [
    "StoryFile",
    "entry_hash",
    "entry_keys",
    "entry_title",
    "file_name",
    "folder_name",
    "read_story_files",
    "render_story",
    "story_text",
    "write_atomically",
]

_MAX_SLUG = 60
_MAX_FRONT = 16 * 1024
_SLUG_JUNK = re.compile(r"[^\w]+")
_LINK_JUNK = re.compile(r"\.(?:s?html?|php|aspx?|jsp)$|^\d+$", re.I)
_BYLINE_LIKE = re.compile(r"[*_]*by\s", re.I)


@dataclass(frozen=True)
class StoryFile:
    """A story file already in a feed's folder, as far as dedupe needs to know it.

    Attributes:
        path: The file.
        keys: Its dedupe keys (see :func:`entry_keys`).
        first_seen: The day the entry was first imported, if recorded.
        entry_hash: The :func:`entry_hash` of the entry it was written from, if recorded.
        text: The file's whole text, to tell whether an update changes anything.
        full_text: ``page`` when the body is the article from the entry's page,
            ``summary`` when fetching it failed, "" for an ordinary feed entry.
        full_text_error: Why the summary was kept, when it was.
    """

    path: Path
    keys: tuple[str, ...]
    first_seen: dt.date | None
    entry_hash: str
    text: str
    full_text: str = ""
    full_text_error: str = ""


def slug(text: str, limit: int = _MAX_SLUG) -> str:
    """A file-name-safe, lower-case slug of ``text`` (letters of any script kept)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    out = _SLUG_JUNK.sub("-", folded).strip("-_")[:limit].strip("-_")
    return out


def folder_name(feed_name: str, taken: set[str]) -> str:
    """A subfolder name for a feed, not in ``taken`` (names already used in that library)."""
    base = slug(feed_name, 40) or "feed"
    name, n = base, 2
    while name.casefold() in {t.casefold() for t in taken}:
        name, n = f"{base}-{n}", n + 1
    return name


def _entry_date(entry: FeedEntry) -> dt.date | None:
    when = entry.published or entry.updated
    return when.astimezone(dt.UTC).date() if when else None


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def entry_keys(guid: str | None, link: str | None, title: str, date: dt.date | None) -> list[str]:
    """The dedupe keys of an entry, strongest first: ``g:`` guid, ``l:`` link, ``t:`` title+date.

    Title+date is used only for entries that have no guid and no link.
    """
    keys: list[str] = []
    if guid and guid.strip():
        keys.append("g:" + guid.strip())
    norm = normalize_url(link) if link else None
    if norm:
        keys.append("l:" + norm)
    if not keys:
        keys.append("t:" + _fold(title) + "|" + (date.isoformat() if date else ""))
    return keys


def _title_from_link(link: str | None) -> str:
    # newsboat's rule: the last meaningful path segment, dashes and underscores as spaces.
    if not link:
        return ""
    try:
        path = urlsplit(link).path
    except ValueError:
        return ""
    for segment in reversed([s for s in path.split("/") if s]):
        words = _LINK_JUNK.sub("", unquote(segment))
        words = " ".join(re.sub(r"[-_+]+", " ", words).split())
        if words and not words.isdigit() and len(words) > 2:
            return words[:1].upper() + words[1:]
    return ""


def _title_from_text(entry: FeedEntry) -> str:
    text = entry.content_text or ""
    if not text and entry.content_html:
        text = html_to_markdown(entry.content_html)
    words = inline_text(" ".join(text.split())).split()
    if not words:
        return ""
    title = " ".join(words[:12])
    return title[:77] + "…" if len(title) > 80 or len(words) > 12 else title


def entry_title(entry: FeedEntry, feed_name: str) -> str:
    """The entry's title; for an untitled entry, one derived from its link slug or its text."""
    title = sanitize_line(" ".join((entry.title or "").split()))
    if title:
        return title
    derived = _title_from_link(entry.link) or _title_from_text(entry)
    if derived:
        return sanitize_line(derived)
    when = _entry_date(entry)
    return f"Untitled entry from {feed_name}" + (f" ({when.isoformat()})" if when else "")


def file_name(title: str, date: dt.date | None, taken: set[str]) -> str:
    """A new ``.md`` file name for an entry, ``2025-01-02-some-title.md``, not in ``taken``."""
    base = "-".join(p for p in ((date.isoformat() if date else ""), slug(title) or "entry") if p)
    name, n = f"{base}.md", 2
    while name in taken:
        name, n = f"{base}-{n}.md", n + 1
    return name


def _long_date(date: dt.date) -> str:
    return f"{date:%B} {date.day}, {date.year}"


def _guard_first_line(body: str) -> str:
    # With no author, the story parser would read a body starting "By ..." as the byline (the
    # date line always comes first, so a date-like body line is safe). An entity for the first
    # letter renders the same but no longer matches.
    first, sep, rest = body.partition("\n")
    if _BYLINE_LIKE.match(first):
        first = f"&#{ord(first[0])};{first[1:]}"
    return first + sep + rest


def story_text(
    front: dict[str, Any], title: str, author: str, date: dt.date, body: str, link: str | None
) -> str:
    """A story file in the seed's format, under YAML front matter.

    Args:
        front: The front matter (title, url, tags, ...), dumped as YAML.
        title: The ``# Title`` heading (plain text).
        author: The ``By`` line's name, or "" for none.
        date: The date line.
        body: The Markdown body.
        link: The ``Original url:`` footer's URL, if any.
    """
    lines = ["---", _dump(front).rstrip("\n"), "---", f"# {title}", ""]
    if author:
        lines += [f"By {author}", ""]
    lines += [_long_date(date), ""]
    if body.strip():
        body = body.strip("\n")
        lines += [body if author else _guard_first_line(body), ""]
    if link:
        lines += ["Original url:", f"<{sanitize_line(link)}>", ""]
    return "\n".join(lines)


def render_story(
    entry: FeedEntry,
    feed_name: str,
    title: str,
    first_seen: dt.date,
    full_text: FullText | None = None,
) -> tuple[str, dict[str, Any]]:
    """The text of ``entry``'s story file, and its front matter as a dict.

    Args:
        entry: The feed entry.
        feed_name: The feed's name, stored as ``feed:`` so the list can show and filter by it.
        title: The entry's title (see :func:`entry_title`).
        first_seen: The day the entry was first imported; the date shown when it has none.
        full_text: For a feed that fetches each entry's page: the article taken from it, or
            why the feed's summary was kept instead.
    """
    date = _entry_date(entry)
    front: dict[str, Any] = {"feed": feed_name, "title": title}
    if entry.guid:
        front["guid"] = sanitize_line(entry.guid)
    if entry.link:
        front["url"] = sanitize_line(entry.link)
    if date:
        front["date"] = date.isoformat()
    author = sanitize_line(entry.author or "")
    if entry.tags:
        front["tags"] = [sanitize_line(t) for t in entry.tags if sanitize_line(t)]
    front["first_seen"] = first_seen.isoformat()
    front["entry_hash"] = entry_hash(entry, feed_name)
    if entry.content_html:
        body = html_to_markdown(entry.content_html, entry.base_url or entry.link)
    else:
        body = text_to_markdown(entry.content_text or "")
    if full_text is not None:
        front["full_text"] = "page" if full_text.markdown else "summary"
        if full_text.markdown:
            front["extractor"] = full_text.extractor
            body = full_text.markdown
        else:
            front["full_text_error"] = sanitize_line(full_text.error)
            note = escape_inline(f"Full text not saved ({full_text.error}); the feed's summary:")
            body = f"*{note}*\n\n{body}"
    text = story_text(front, title, author, date or first_seen, body, entry.link)
    return text, front


def _dump(front: dict[str, Any]) -> str:
    # libyaml's dumper when present: 3x faster than the pure-Python one, same output.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return str(
        yaml.dump(
            front,
            Dumper=dumper,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=False,
            width=10_000,
        )
    )


def entry_hash(entry: FeedEntry, feed_name: str) -> str:
    """A digest of everything in ``entry`` that its story file is made from.

    Stored as ``entry_hash:`` so a refresh can tell an unchanged entry without rendering it.
    """
    fields = (
        feed_name,
        entry.guid,
        entry.link,
        entry.title,
        entry.author,
        entry.published.isoformat() if entry.published else None,
        entry.updated.isoformat() if entry.updated else None,
        entry.content_html,
        entry.content_text,
        entry.base_url,
        list(entry.tags),
    )
    blob = json.dumps(fields, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(blob, digest_size=12).hexdigest()


def _read_front(text: str) -> dict[str, Any] | None:
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4, _MAX_FRONT)
    if end < 0:
        return None
    try:
        data = yaml.load(text[4:end], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def story_keys(front: dict[str, Any]) -> tuple[str, ...]:
    """The dedupe keys recorded in a story file's front matter."""
    guid = front.get("guid")
    url = front.get("url")
    title = front.get("title")
    return tuple(
        entry_keys(
            str(guid) if isinstance(guid, str | int) else None,
            url if isinstance(url, str) else None,
            str(title) if isinstance(title, str | int | float) else "",
            coerce_date(front.get("date")),
        )
    )


def read_story_files(folder: Path) -> Iterator[StoryFile]:
    """The story files in a feed's folder that carry feed front matter (others are ignored)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return
    for name in names:
        if name.startswith(".") or not name.endswith(".md"):
            continue
        path = folder / name
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        front = _read_front(text)
        if front is None:
            continue
        yield StoryFile(
            path,
            story_keys(front),
            coerce_date(front.get("first_seen")),
            str(front.get("entry_hash", "")),
            text,
            str(front.get("full_text", "")),
            str(front.get("full_text_error", "")),
        )


def write_atomically(path: Path, text: str) -> None:
    """Write a story file whole or not at all (temp file, fsync, rename): see
    :func:`tui_reader.core.atomic.atomic_write`."""
    atomic_write(path, text.encode("utf-8"), mode=0o644)
