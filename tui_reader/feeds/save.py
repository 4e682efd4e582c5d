"""Save a web page's article as a story file: ``<library>/saved/<date>-<title>.md``.

The page is fetched (:func:`~tui_reader.feeds.fetch.fetch_page`), checked to be HTML,
and its article extracted (:mod:`~tui_reader.core.html.extract`); only then is anything written,
atomically, so a failure leaves the library as it was. The story's front matter records the
URL as given (its identity: notes re-anchor across saves), when it was saved and by which
extractor. Saving a URL again rewrites the file that already holds it.

Pure module: no Textual.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import filelock

from tui_reader.core.html.extract import (
    Article,
    NotArticle,
    check_html,
    decode_html,
    extract_article,
)
from tui_reader.core.stories import Story, load_story, normalize_url
from tui_reader.core.textsafe import sanitize_line
from tui_reader.feeds.fetch import fetch_page
from tui_reader.feeds.importer import LOCK_NAME, LOCK_TIMEOUT
from tui_reader.feeds.model import FeedError
from tui_reader.feeds.netguard import NetPolicy
from tui_reader.feeds.story_files import file_name, read_story_files, story_text, write_atomically

__all__ = ["SAVED_FOLDER", "Saved", "render_saved", "save_url"]

SAVED_FOLDER = "saved"
"""The subfolder of the library that saved pages go into."""


@dataclass(frozen=True)
class Saved:
    """What saving one URL did.

    Attributes:
        path: The story file.
        title: The article's title.
        updated: True when a file already held this URL and was rewritten.
    """

    path: Path
    title: str
    updated: bool


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def render_saved(
    article: Article, url: str, final_url: str, saved: dt.datetime, tags: Sequence[str]
) -> str:
    """The story file for a saved article.

    Args:
        article: What was extracted from the page.
        url: The URL as the user gave it: the story's identity.
        final_url: Where the page was fetched from after redirects.
        saved: When it was saved (UTC).
        tags: Tags for the story.
    """
    front: dict[str, Any] = {"title": article.title, "url": sanitize_line(url)}
    if final_url != url:
        front["fetched_url"] = sanitize_line(final_url)
    if article.byline:
        front["author"] = article.byline
    if article.date:
        front["date"] = article.date.isoformat()
    if article.site_name:
        front["site"] = article.site_name
    clean_tags = list(dict.fromkeys(t for t in (sanitize_line(t).strip() for t in tags) if t))
    if clean_tags:
        front["tags"] = clean_tags
    front["saved"] = saved.isoformat().replace("+00:00", "Z")
    front["extractor"] = article.extractor
    date = article.date or saved.date()
    return story_text(front, article.title, article.byline or "", date, article.markdown, url)


def save_url(
    url: str,
    library: Path,
    *,
    tags: Sequence[str] = (),
    timeout: float = 15.0,
    deadline: float = 60.0,
    cancel: threading.Event | None = None,
    policy: NetPolicy | None = None,
) -> Saved:
    """Fetch ``url``, extract its article and write it into ``<library>/saved/``.

    Args:
        url: An http(s) URL.
        library: The stories folder.
        tags: Tags recorded in the story's front matter.
        timeout: Seconds of silence before giving up (see :func:`fetch_page`).
        deadline: Seconds the whole download may take.
        cancel: When set, the fetch stops.
        policy: Which addresses may be fetched (default: from the environment).

    Raises:
        FeedError: The page cannot be fetched, is not HTML, or holds no article (a
            :class:`~tui_reader.core.html.extract.NotArticle`); nothing was written.
        OSError: The story file cannot be written.
    """
    url = url.strip()
    key = normalize_url(url)
    if key is None or urlsplit(url).scheme.lower() not in ("http", "https"):
        raise FeedError(f"not an http or https URL: {url}")
    fetched = fetch_page(url, timeout=timeout, deadline=deadline, cancel=cancel, policy=policy)
    body = fetched.body or b""
    try:
        check_html(body, fetched.content_type)
        article = extract_article(decode_html(body, fetched.content_type), fetched.url)
    except NotArticle as exc:
        raise FeedError(str(exc)) from None
    folder = library / SAVED_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    with filelock.FileLock(folder / LOCK_NAME, timeout=LOCK_TIMEOUT):
        existing = next((f.path for f in read_story_files(folder) if f"l:{key}" in f.keys), None)
        if existing is not None:
            # Tags given before stay: saving again refreshes the text, not the filing.
            before = load_story(existing)
            kept = before.tags if isinstance(before, Story) else ()
            text = render_saved(article, url, fetched.url, _now(), [*kept, *tags])
            write_atomically(existing, text)
            return Saved(existing, article.title, updated=True)
        text = render_saved(article, url, fetched.url, _now(), tags)
        taken = {p.name for p in folder.iterdir()}
        path = folder / file_name(article.title, article.date or _now().date(), taken)
        write_atomically(path, text)
        return Saved(path, article.title, updated=False)
