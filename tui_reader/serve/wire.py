"""The wire between the server and its warm reader launcher (``tui_reader.cli.zygote``).

A ``socketpair`` of ``AF_UNIX``/``SOCK_SEQPACKET`` sockets: no path in the filesystem, so only
the server and the launcher hold an end. Each packet is one JSON object; file descriptors (a
session's pty, a reader's pidfd) travel beside it with ``SCM_RIGHTS``. The messages:

| from | message | fds |
| --- | --- | --- |
| launcher | ``{"op": "ready", "pid": P, "preload_s": S}`` once, after importing the reader | - |
| server | ``{"op": "spawn", "id": N, "args": [...], "env": {...}}`` | the pty (slave side) |
| launcher | ``{"op": "spawned", "id": N, "pid": P}`` | a pidfd of the reader |
| launcher | ``{"op": "failed", "id": N, "error": "..."}`` | - |
| launcher | ``{"op": "exited", "id": N, "status": S}`` (negative: killed by signal ``-S``) | - |

The server closing its end tells the launcher to stop.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["MAX_FDS", "MAX_PACKET", "WireError", "receive", "send", "socket_pair"]

MAX_PACKET = 1 << 16
"""Largest message in bytes (a spawn request with its environment is well under 4 KiB)."""
MAX_FDS = 2


class WireError(ValueError):
    """A message that is not what the protocol allows."""


def socket_pair() -> tuple[socket.socket, socket.socket]:
    """A connected pair of ``SOCK_SEQPACKET`` sockets (message boundaries are kept)."""
    return socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)


def send(sock: socket.socket, message: Mapping[str, object], fds: Sequence[int] = ()) -> None:
    """Send one message, with ``fds`` passed to the other side (the caller keeps its copies)."""
    data = json.dumps(message, separators=(",", ":")).encode()
    if len(data) > MAX_PACKET:
        raise WireError(f"message too large ({len(data)} bytes)")
    socket.send_fds(sock, [data], list(fds))


def receive(sock: socket.socket) -> tuple[dict[str, Any], list[int]] | None:
    """Receive one message and the fds that came with it; None once the other side closed.

    Raises:
        BlockingIOError: nothing to read on a non-blocking socket.
        WireError: a truncated or malformed message (any fds that came with it are closed).
    """
    data, fds, flags, _ = socket.recv_fds(sock, MAX_PACKET, MAX_FDS)
    try:
        if not data:
            return None
        if flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
            raise WireError("truncated message")
        try:
            message = json.loads(data)
        except ValueError as exc:
            raise WireError(f"not JSON: {exc}") from None
        if not isinstance(message, dict) or not isinstance(message.get("op"), str):
            raise WireError("not a message")
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    return message, fds
