"""Undo a feed body's gzip or deflate encoding incrementally, within a size cap.

Stdlib only (``zlib``), no IO. :class:`Decoder` takes the body as it arrives and never holds
more than its limit, so a small "zip bomb" cannot blow up memory; it fails with
:class:`TooLarge` or :class:`BadGzip`, which the caller turns into words for the user
(:func:`human_size` writes the cap).
"""

from __future__ import annotations

import zlib

__all__ = ["BadGzip", "Decoder", "TooLarge", "human_size"]

_GZIP_MAGIC = b"\x1f\x8b"


class TooLarge(Exception):
    """The decompressed body passed the size cap."""


class BadGzip(Exception):
    """The body is not valid gzip / deflate data; the message is zlib's reason."""


class Decoder:
    """Undo gzip or deflate incrementally without ever holding more than ``limit`` bytes.

    With no Content-Encoding the body is still un-gzipped when it starts with the gzip
    magic: some servers send static ``.xml.gz`` files as plain ``application/xml``.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        """Start decoding a body.

        Args:
            encoding: The lower-cased ``Content-Encoding``: ``""``, ``identity``, ``gzip``,
                ``x-gzip`` or ``deflate``.
            limit: The most bytes the decoded body may hold.
        """
        self._encoding = encoding
        self._limit = limit
        self._head = b""  # bytes held until there are enough to sniff for gzip magic
        self._started = False
        self._gzip = False
        self._inflater: zlib._Decompress | None = None
        self._ended = False
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, data: bytes) -> None:
        """Take the next bytes of the body as sent.

        Raises:
            TooLarge: When the decoded body passes the limit.
            BadGzip: When the data cannot be decompressed.
        """
        if not self._started:
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            self._start(data)
        self._take(data)

    def finish(self) -> bytes:
        """Return the whole decoded body; fail if compressed data ended early.

        Raises:
            TooLarge: When the decoded body passes the limit.
            BadGzip: When the data cannot be decompressed or ends too soon.
        """
        if not self._started:
            head, self._head = self._head, b""
            self._start(head)
            self._take(head)
        if self._inflater is not None and not self._ended:
            raise BadGzip("the compressed data ends too soon")
        return b"".join(self._parts)

    def _start(self, head: bytes) -> None:
        self._started = True
        if self._encoding in ("gzip", "x-gzip") or (
            self._encoding in ("", "identity") and head.startswith(_GZIP_MAGIC)
        ):
            self._gzip = True
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self._encoding == "deflate":
            # "deflate" should be zlib-wrapped, but some servers send raw deflate.
            wrapped = len(head) >= 2 and head[0] & 0x0F == 8 and int.from_bytes(head[:2]) % 31 == 0
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def _take(self, data: bytes) -> None:
        if self._inflater is None:
            self._keep(data)
        else:
            self._inflate(data)

    def _inflate(self, data: bytes) -> None:
        while data:
            if self._ended:
                # A second gzip member continues the body; anything else after the end
                # (padding, junk) is ignored, as gzip tools do. Its magic may be split
                # across two reads.
                data, self._head = self._head + data, b""
                if self._gzip and len(data) < 2 and _GZIP_MAGIC.startswith(data):
                    self._head = data
                    return
                if not (self._gzip and data.startswith(_GZIP_MAGIC)):
                    return
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                self._ended = False
            assert self._inflater is not None
            try:
                # One byte over the room left is enough to know the cap was passed.
                out = self._inflater.decompress(data, self._limit - self._size + 1)
            except zlib.error as error:
                raise BadGzip(str(error).rsplit(": ", 1)[-1]) from None
            self._keep(out)
            data = self._inflater.unconsumed_tail
            if self._inflater.eof:
                self._ended = True
                data = self._inflater.unused_data

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise TooLarge
        if data:
            self._parts.append(data)


def human_size(count: int) -> str:
    """A byte count for people: ``20 MiB``, ``1.5 KiB``, ``100 bytes``.

    Args:
        count: A number of bytes.

    Returns:
        The count in the largest binary unit it reaches, one decimal at most.
    """
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"
