"""YAML (``---``) and TOML (``+++``) front matter at the top of a story file.

Owns loading the block safely (size-capped, safe YAML loader) and picking out the fields a story
uses: ``title``, ``author``/``authors``/``byline``, ``date``/``published``,
``url``/``link``/``source``/``original_url``/``canonical_url`` (the first that is a web address,
see :func:`tui_reader.core.urls.web_url`), ``tags`` and ``feed``. Finding
where the block starts and ends is the story parser's job (:mod:`tui_reader.core.stories`).
Pure module: no Textual, no IO.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui_reader.core.dates import coerce_date
from tui_reader.core.markdown_text import inline_text
from tui_reader.core.textsafe import sanitize_line
from tui_reader.core.urls import web_url

__all__ = ["MAX_FRONT_MATTER", "FrontMatter", "date_in_path", "parse_front_matter"]

MAX_FRONT_MATTER = 64 * 1024
"""Front matter longer than this (in characters) is ignored, with a warning."""


_DATE_KEYS = ("date", "published", "pubdate", "publishdate", "created")
_PATH_DATE = re.compile(r"(?:^|/)(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[/-]|$)")


def date_in_path(path: str) -> dt.date | None:
    """The date in a post's path (``/2023/10/05/slug``, ``2023-10-05-slug``), if any."""
    found = _PATH_DATE.search(path[:500])
    if found is None:
        return None
    try:
        return dt.date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


@dataclass(frozen=True)
class FrontMatter:
    """The story fields found in front matter; a default where a field is absent or unusable."""

    title: str = ""
    byline: str | None = None
    date: dt.date | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    feed: str | None = None
    """The name of the feed the story was imported from (``feed:``), if any."""


def parse_front_matter(raw: str, delim: str, warnings: list[str]) -> FrontMatter | None:
    """Read the front matter between the ``delim`` lines (``+++`` for TOML, else YAML).

    Args:
        raw: the text between the opening and closing delimiter lines.
        delim: the opening delimiter.
        warnings: a warning saying why is appended here when the block cannot be loaded.

    Returns:
        The fields found, or None when ``raw`` is not front matter at all (it does not load, or
        is not a mapping), so the caller reads it as part of the body.
    """
    kind = "TOML" if delim == "+++" else "YAML"
    load: Callable[[str], object]
    errors: tuple[type[Exception], ...]
    if kind == "TOML":
        import tomllib

        load, errors = tomllib.loads, (tomllib.TOMLDecodeError,)
    else:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        load, errors = (lambda raw: yaml.load(raw, Loader=loader)), (yaml.YAMLError,)
    try:
        if len(raw) > MAX_FRONT_MATTER:
            raise ValueError("longer than 64 KiB")
        data = load(raw)
    except (*errors, ValueError, TypeError, OverflowError, RecursionError) as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        warnings.append(f"{kind} front matter ignored: {reason}")
        return None
    if not isinstance(data, dict):
        return None
    meta: dict[str, Any] = {str(k).lower(): v for k, v in data.items()}
    # Zola keeps its own fields under [extra] and tags under [taxonomies]; Hugo under params.
    for nested in ("extra", "params", "taxonomies"):
        if isinstance(meta.get(nested), dict):
            for key, value in meta[nested].items():
                meta.setdefault(str(key).lower(), value)
    title = ""
    if isinstance(meta.get("title"), str | int | float):
        title = sanitize_line(str(meta["title"]))
    byline: str | None = None
    author = meta.get("author", meta.get("authors", meta.get("byline")))
    if isinstance(author, dict):  # author: {name: ..., url: ...}
        author = [author]
    if isinstance(author, list):
        names = (a.get("name") if isinstance(a, dict) else a for a in author)
        author = ", ".join(str(a) for a in names if isinstance(a, str | int))
    if isinstance(author, str) and sanitize_line(author):
        byline = inline_text(author)
    date = next(
        (found for key in _DATE_KEYS if (found := coerce_date(meta.get(key))) is not None), None
    )
    for key in ("path", "permalink", "slug", "url"):
        if date is None and isinstance(meta.get(key), str):
            date = date_in_path(meta[key])
    url: str | None = None
    for key in ("url", "link", "source", "original_url", "canonical_url"):
        # A permalink template or a relative path is no story's address: try the next key.
        if isinstance(meta.get(key), str) and web_url(sanitize_line(meta[key])):
            url = web_url(sanitize_line(meta[key]))
            break
    tags: tuple[str, ...] = ()
    raw_tags = meta.get("tags")
    if isinstance(raw_tags, str):
        raw_tags = raw_tags.split(",")
    if isinstance(raw_tags, list):
        clean = (sanitize_line(str(t)) for t in raw_tags if isinstance(t, str | int | float))
        tags = tuple(t for t in clean if t)
    feed = meta.get("feed")
    feed_name = sanitize_line(str(feed)) if isinstance(feed, str | int | float) else None
    return FrontMatter(
        title=title, byline=byline, date=date, url=url, tags=tags, feed=feed_name or None
    )
