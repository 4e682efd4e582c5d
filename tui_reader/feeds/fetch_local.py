"""Read a feed from a local file or ``file://`` URL, within the same size cap as a download.

No Textual; used by :func:`tui_reader.feeds.fetch.fetch` for sources that are not http(s).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import SplitResult
from urllib.request import url2pathname

from tui_reader.feeds.decompress import BadGzip, Decoder, TooLarge, human_size
from tui_reader.feeds.model import FeedError, Fetched

__all__ = ["read_local"]


def _local_path(text: str, parts: SplitResult | None) -> str:
    """Turn ``text`` into a path, or fail when it is neither a path nor a URL we know."""
    not_a_url = FeedError(f"not a URL or an existing file: {text}")
    if not text:
        raise not_a_url
    if parts is not None and parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise not_a_url
        return url2pathname(parts.path)
    path = os.path.expanduser(text)
    if os.path.lexists(path):
        return path
    # A missing "feeds/x.xml" is a path with a typo; a missing "example.com/feed" or
    # "ftp://..." is more likely a URL without (or with an unsupported) scheme.
    has_scheme = parts is not None and len(parts.scheme) > 1
    looks_like_path = text.startswith(("/", "~", ".")) or os.path.isdir(
        os.path.dirname(os.path.abspath(path))
    )
    if has_scheme or not looks_like_path:
        raise not_a_url
    return path


def read_local(text: str, parts: SplitResult | None, max_bytes: int) -> Fetched:
    """Read a local feed file, un-gzipping it if it is gzip data.

    Args:
        text: The source as given: a path (``~`` expanded) or a ``file://`` URL.
        parts: ``text`` split as a URL, or None when it cannot be.
        max_bytes: Largest file accepted, before and after decompression.

    Raises:
        FeedError: The file is missing, unreadable, too large or broken gzip.
    """
    try:
        path = os.path.realpath(_local_path(text, parts))
    except ValueError:  # a NUL byte, which no path can hold
        raise FeedError(f"not a URL or an existing file: {text}") from None
    try:
        with open(path, "rb") as handle:
            too_big = os.fstat(handle.fileno()).st_size > max_bytes
            data = b"" if too_big else handle.read(max_bytes + 1)
    except OSError as error:
        raise FeedError(f"cannot read {path}: {error.strerror or error}") from None
    if too_big or len(data) > max_bytes:
        raise FeedError(f"cannot read {path}: larger than {human_size(max_bytes)}")
    decoder = Decoder("", max_bytes)
    try:
        decoder.feed(data)
        body = decoder.finish()
    except TooLarge:
        raise FeedError(
            f"cannot read {path}: larger than {human_size(max_bytes)} once decompressed"
        ) from None
    except BadGzip as error:
        raise FeedError(
            f"cannot read {path}: gzip data that cannot be decompressed: {error}"
        ) from None
    return Fetched(body=body, url=Path(path).as_uri())
