"""What counts as a story's source URL: an absolute web address, never a template or a path.

Story files carry all sorts of things where a URL should be: Hugo and Jekyll permalink
templates (``/:section/:year/:slug/``), Go or Jinja templates (``{{ .Permalink }}``), printf
holes (``%s``), relative paths, ``#``. None of them names a story (two stories built from the
same template would share it), so none is shown as the story's URL or used as its identity.
Pure module: no Textual, no IO.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["web_url"]

_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)*\.?|[0-9a-f:.]+")  # a name, or an IP address
_PLACEHOLDER = re.compile(
    r"\{|\}"  # {{ .Permalink }}, {slug}
    r"|%(?![0-9a-fA-F]{2})"  # %s, %d (a percent-escape is % and two hex digits)
    r"|(?:^|/):[A-Za-z_]"  # /:section/:slug (a path segment naming a field)
    r"|\$\{|<|>|\s"  # ${url}, <url>, white space
)


def web_url(value: str | None) -> str | None:
    """``value`` if it is an absolute ``http(s)`` URL with a host and no template in it.

    A ``www.`` address without a scheme is taken as ``http://``. Returns None for anything
    else: templates, relative paths, fragments, other schemes.
    """
    text = (value or "").strip()
    if text.lower().startswith("www."):
        text = "http://" + text
    if not text or _PLACEHOLDER.search(text):
        return None
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return text if _HOST.fullmatch(host) else None
