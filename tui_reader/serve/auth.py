"""Authorized keys for ``tui-reader serve``: which public key may log in as which reader name.

The file is OpenSSH ``authorized_keys`` format. Each key line maps to one reader name:

* the value of an ``environment="TUI_READER_USER=name"`` option if the line has one,
* otherwise the key's comment (the text after the base64 blob).

A client logs in as ``ssh name@host`` with that key: the SSH user name must equal the reader
name the key maps to. Lines whose name is invalid, or that carry options this server cannot
enforce (``from=``, ``command=``, ``permitopen=``, ``cert-authority`` ...), are skipped with a
warning: failing closed is safer than silently ignoring a restriction the operator wrote.

No Textual, no asyncio: pure parsing plus one file read.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from tui_reader.core.textsafe import log_value

log = logging.getLogger("tui_reader.serve")

NAME_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")
"""A reader name: 1-64 of ``A-Z a-z 0-9 . _ -``, not starting with a dot (so no ``..``)."""

USER_OPTION = "TUI_READER_USER"

# Options that only restrict what this server never allows anyway, so accepting them is safe.
_NOOP_OPTIONS = frozenset(
    {
        "restrict",
        "no-port-forwarding",
        "no-agent-forwarding",
        "no-x11-forwarding",
        "no-user-rc",
    }
)


def valid_name(name: str) -> bool:
    """Return whether ``name`` is an acceptable reader name (and so a safe directory name)."""
    return NAME_RE.fullmatch(name) is not None


def _split_options(line: str) -> tuple[list[str], str]:
    """Split a leading OpenSSH option list off ``line``; return (options, rest)."""
    options: list[str] = []
    current: list[str] = []
    in_quotes = False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_quotes:
            if ch == "\\" and i + 1 < len(line) and line[i + 1] == '"':
                current.append('"')
                i += 2
                continue
            if ch == '"':
                in_quotes = False
            else:
                current.append(ch)
        elif ch == '"':
            in_quotes = True
        elif ch == ",":
            options.append("".join(current))
            current = []
        elif ch in " \t":
            break
        else:
            current.append(ch)
        i += 1
    if in_quotes:
        raise ValueError("unterminated quote in options")
    options.append("".join(current))
    return options, line[i:].strip()


@dataclass(frozen=True)
class KeyEntry:
    """One usable authorized key: the public key blob and the reader name it logs in as."""

    public_data: bytes
    name: str
    fingerprint: str


def parse_line(line: str) -> KeyEntry:
    """Parse one non-blank, non-comment ``authorized_keys`` line.

    Args:
        line: the line, without its newline.

    Returns:
        The entry for the line.

    Raises:
        ValueError: the key cannot be read, an option cannot be enforced, or the name is invalid.
    """
    options: list[str] = []
    try:
        key = asyncssh.import_public_key(line)
    except (asyncssh.KeyImportError, ValueError):
        options, rest = _split_options(line)
        try:
            key = asyncssh.import_public_key(rest)
        except (asyncssh.KeyImportError, ValueError) as exc:
            raise ValueError(f"unreadable key: {exc}") from None
    name = key.get_comment() or ""
    for option in options:
        opt_name, _, value = option.partition("=")
        lowered = opt_name.lower()
        if lowered in _NOOP_OPTIONS and not value:
            continue
        if lowered == "environment" and value.startswith(USER_OPTION + "="):
            name = value.split("=", 1)[1]
            continue
        raise ValueError(f"option {opt_name!r} is not supported by tui-reader serve")
    if not valid_name(name):
        raise ValueError(f"invalid reader name {name!r} (want {NAME_RE.pattern})")
    return KeyEntry(key.public_data, name, key.get_fingerprint())


@dataclass
class KeyRing:
    """The authorized keys of a server, re-read whenever the file changes on disk."""

    path: Path
    _entries: dict[bytes, frozenset[str]] = field(default_factory=dict)
    _stamp: tuple[int, int] | None = None

    def _reload_if_changed(self) -> None:
        try:
            st = os.stat(self.path)
        except OSError as exc:
            log.error("authorized keys %s unreadable: %s", self.path, exc)
            self._entries, self._stamp = {}, None
            return
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp == self._stamp:
            return
        entries: dict[bytes, set[str]] = {}
        for entry in self._read():
            entries.setdefault(entry.public_data, set()).add(entry.name)
        self._entries = {data: frozenset(names) for data, names in entries.items()}
        self._stamp = stamp
        log.info("loaded %d authorized key(s) from %s", len(self._entries), self.path)

    def _read(self) -> Iterator[KeyEntry]:
        try:
            text = self.path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            log.error("authorized keys %s unreadable: %s", self.path, exc)
            return
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            try:
                yield parse_line(line)
            except ValueError as exc:
                log.warning("%s:%d skipped: %s", self.path, number, log_value(exc))

    def allows(self, username: str, key: asyncssh.SSHKey) -> bool:
        """Return whether ``key`` may log in as reader ``username``."""
        self._reload_if_changed()
        return username in self._entries.get(key.public_data, frozenset())

    def names(self) -> frozenset[str]:
        """Return every reader name some key maps to (for diagnostics)."""
        self._reload_if_changed()
        return frozenset().union(*self._entries.values())
