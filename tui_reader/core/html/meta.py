"""What a web page says about itself: schema.org JSON-LD and ``<meta>`` tags.

The article extractor (trafilatura) guesses titles and bylines from the whole page and often
keeps a site suffix ("... | Aktuálně.cz") or a stray word ("Aleš Vávra před"). Publishers
state these fields for search engines and link previews; read them first, as Mozilla
Readability does (JSON-LD, then Open Graph / Dublin Core / Twitter meta), and fall back to
the extractor's guess. Measured on the pages in ``bench/bench_extract.py``.

Pure module: no IO, no Textual.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

__all__ = ["PageMeta", "page_meta"]

_ARTICLE_TYPES = ("Article", "BlogPosting", "Report", "Posting")
_TITLE_META = ("og:title", "dc.title", "dcterm:title", "twitter:title")
_AUTHOR_META = ("author", "dc.creator", "article:author")
_DATE_META = ("article:published_time", "datepublished", "dc.date", "date")
_SITE_META = ("og:site_name", "application-name")
_CDATA = re.compile(r"^\s*<!\[CDATA\[|\]\]>\s*$")
_MAX_JSON = 512 * 1024  # a JSON-LD block larger than this is not metadata


@dataclass(frozen=True)
class PageMeta:
    """The fields a page declares; ``None`` where it declares nothing usable."""

    title: str | None = None
    byline: str | None = None
    """The JSON-LD Article's author(s)."""
    meta_author: str | None = None
    """The ``author`` meta tag: often a site or desk name, so weaker than the extractor's."""
    date: str | None = None
    """As written (ISO 8601 mostly); callers parse it."""
    site_name: str | None = None
    canonical: str | None = None
    """``<link rel=canonical>`` or ``og:url``, as written (may be relative)."""


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        text = " ".join(value.split())
        return text or None
    return None


def _person_names(value: Any) -> list[str]:
    """Names from a schema.org ``author``: a string, a Person, or a list of either."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = _text(item.get("name")) if isinstance(item, dict) else _text(item)
        if name and name not in names:
            names.append(name)
    return names


def _json_objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document, looking into lists and ``@graph``."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            yield node
            graph = node.get("@graph")
            if isinstance(graph, list):
                stack.extend(reversed(graph))


def _is_article(obj: dict[str, Any]) -> bool:
    kinds = obj.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.endswith(_ARTICLE_TYPES) for k in kinds)


def _json_ld_article(tree: HtmlElement) -> dict[str, Any] | None:
    """The first schema.org Article-like object in the page's JSON-LD blocks."""
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        # Some pages wrap the JSON in CDATA markers, which an HTML parser keeps as text.
        raw = _CDATA.sub("", script.text or "")
        if len(raw) > _MAX_JSON:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue  # many sites ship broken JSON-LD; the meta tags still count
        for obj in _json_objects(data):
            if _is_article(obj):
                return obj
    return None


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """``<meta>`` contents by lower-cased ``property`` / ``name`` / ``itemprop``; first wins."""
    found: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        content = _text(meta.get("content"))
        if content is None:
            continue
        for attr in ("property", "name", "itemprop"):
            key = (meta.get(attr) or "").strip().lower()
            if key:
                found.setdefault(key, content)
    return found


def _first(found: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((found[k] for k in keys if k in found), None)


def page_meta(tree: HtmlElement) -> PageMeta:
    """Read the page's declared title, byline, date, site name and canonical URL.

    Args:
        tree: The parsed page (not modified).

    Returns:
        JSON-LD Article fields where present, else ``<meta>`` tags, else None per field.
    """
    article = _json_ld_article(tree) or {}
    meta = _meta_tags(tree)
    publisher = article.get("publisher")
    authors = _person_names(article.get("author"))
    canonical = None
    for link in tree.iterfind(".//link[@rel='canonical']"):
        canonical = _text(link.get("href"))
        break
    return PageMeta(
        title=_text(article.get("headline"))
        or _text(article.get("name"))
        or _first(meta, _TITLE_META),
        byline=", ".join(authors) if authors else None,
        meta_author=_first(meta, _AUTHOR_META),
        date=_text(article.get("datePublished")) or _first(meta, _DATE_META),
        site_name=_first(meta, _SITE_META)
        or (_text(publisher.get("name")) if isinstance(publisher, dict) else None),
        canonical=canonical or meta.get("og:url"),
    )
