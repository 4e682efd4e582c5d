"""The warm reader of ``tui-reader serve`` (the "zygote"): import the reader once, fork per session.

Started by the server (:mod:`tui_reader.serve.launcher`) as ``python -P -m
tui_reader.cli.zygote FD [STORIES]``, in ``/``, with ``FD`` one end of a socketpair and
``STORIES`` the folder every reader shows. It imports everything a session runs (Textual,
Rich, the app, the store, the feed code: no per-user state), reads that folder's library
index once for every reader, freezes those objects out of the garbage collector's reach so
collections in the children do not dirty the shared pages, says ``ready``, and waits. For
each request it forks: the child (:mod:`tui_reader.cli.session`) takes the pty it was sent as
its terminal and runs the reader; the zygote passes the child's pidfd back, reaps it and
reports its exit status.

What a child can never inherit: ``-P`` and the cwd ``/`` keep every folder a user can write
off ``sys.path`` (which is fixed before any session exists), and the child closes the socket
and every other session's pidfd before it runs anything. The zygote runs no threads and no
event loop, so forking it is safe.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import pkgutil
import select
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tui_reader.serve import wire
from tui_reader.serve.log import configure_logging

log = logging.getLogger("tui_reader.serve")

DRAIN_SECONDS = 10.0
"""After the server went away, how long to keep reaping readers (they got SIGHUP)."""
# Never preloaded: the server side, and this module (it runs as __main__).
_SKIP = ("tui_reader.serve", "tui_reader.cli.zygote", "tui_reader.__main__")


@dataclass(frozen=True)
class SessionRequest:
    """What a forked child runs: the reader's arguments, environment and terminal."""

    args: list[str]
    env: dict[str, str]
    tty: int


def preload(stories: Path | None = None) -> float:
    """Import every module a session may use, rehearse the reader once (see
    :mod:`tui_reader.ui.rehearsal`), read the library index of ``stories`` (every reader's
    folder; None: the bundled stories) for all readers, freeze the result; return the seconds
    it took."""
    started = time.perf_counter()
    # Textual reads ESCDELAY when imported; each session re-reads its settings anyway.
    os.environ.setdefault("ESCDELAY", "25")
    import tui_reader

    for module in pkgutil.walk_packages(tui_reader.__path__, "tui_reader."):
        if not module.name.startswith(_SKIP):
            importlib.import_module(module.name)
    from tui_reader.core.document import warm_up

    warm_up()  # the Markdown parser, built once for everyone
    from tui_reader.cli.main import default_stories_dir
    from tui_reader.ui.rehearsal import rehearse

    try:
        rehearse(default_stories_dir())
    except Exception:  # a rehearsal that fails only costs speed: serve anyway, and say why
        log.exception("reader launcher: the warm-up run failed")
    from tui_reader.library.index import LibraryIndex

    # The rows every reader shows first, brought up to date and read once here, then shared
    # (each reader re-checks the files: library/shared_reads.py). The cache dir is the
    # readers' (the same XDG_*). Up to date: a first reader would otherwise parse every story.
    index, folder = LibraryIndex(), stories or default_stories_dir()
    index.refresh(folder)
    index.share(folder)
    for thread in threading.enumerate():  # workers end with the app; give them a moment
        if thread is not threading.main_thread():
            thread.join(timeout=5)
    if threading.active_count() > 1:
        raise RuntimeError("threads left after the warm-up: forking would be unsafe")
    gc.collect()
    gc.freeze()  # what exists now is shared: collections must not write to it
    return time.perf_counter() - started


def serve(sock: socket.socket, preload_s: float) -> SessionRequest | None:
    """Answer the server until it closes the socket (then None); in a forked child, return
    the request the child is to run."""
    readers: dict[int, tuple[int, int]] = {}  # pidfd -> (request id, pid)
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    wire.send(sock, {"op": "ready", "pid": os.getpid(), "preload_s": round(preload_s, 3)})
    while True:
        for fd, _ in poller.poll():
            if fd != sock.fileno():
                try:
                    _reap(sock, poller, readers, fd)
                except OSError:  # the server is gone: nobody to tell
                    _drain(poller, readers)
                    return None
                continue
            try:
                got = wire.receive(sock)
                if got is not None:
                    child = _fork(sock, poller, readers, *got)
                    if child is not None:
                        return child
                    continue
            except wire.WireError as exc:
                log.error("reader launcher: %s", exc)
                continue
            except OSError as exc:  # the server went away mid-message
                log.error("reader launcher: %s", exc)
            _drain(poller, readers)
            return None


def _fork(
    sock: socket.socket,
    poller: select.poll,
    readers: dict[int, tuple[int, int]],
    message: dict[str, object],
    fds: list[int],
) -> SessionRequest | None:
    request = message.get("id")
    args, env = message.get("args"), message.get("env")
    valid = (
        message.get("op") == "spawn"
        and isinstance(request, int)
        and len(fds) == 1
        and isinstance(args, list)
        and all(isinstance(a, str) for a in args)
        and isinstance(env, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())
    )
    if not valid:
        for fd in fds:
            os.close(fd)
        wire.send(sock, {"op": "failed", "id": request, "error": "bad request"})
        return None
    assert isinstance(request, int) and isinstance(args, list) and isinstance(env, dict)
    tty = fds[0]
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(tty)
        wire.send(sock, {"op": "failed", "id": request, "error": f"fork: {exc.strerror}"})
        return None
    if pid == 0:
        # The child: nothing of the zygote's other sessions may stay open in it.
        for pidfd in readers:
            os.close(pidfd)
        sock.close()
        return SessionRequest(list(args), dict(env), tty)
    os.close(tty)
    pidfd = os.pidfd_open(pid)
    readers[pidfd] = (request, pid)
    poller.register(pidfd, select.POLLIN)
    wire.send(sock, {"op": "spawned", "id": request, "pid": pid}, [pidfd])
    return None


def _reap(
    sock: socket.socket | None,
    poller: select.poll,
    readers: dict[int, tuple[int, int]],
    pidfd: int,
) -> None:
    request, pid = readers.pop(pidfd)
    poller.unregister(pidfd)
    os.close(pidfd)
    _, status = os.waitpid(pid, 0)  # the pidfd is readable: the child has exited
    code = os.waitstatus_to_exitcode(status)
    if sock is not None:
        wire.send(sock, {"op": "exited", "id": request, "status": code})


def _drain(poller: select.poll, readers: dict[int, tuple[int, int]]) -> None:
    """The server is gone: reap the readers as they end (their terminals hung up)."""
    deadline = time.monotonic() + DRAIN_SECONDS
    while readers and (left := deadline - time.monotonic()) > 0:
        for fd, _ in poller.poll(left * 1000):
            if fd in readers:
                _reap(None, poller, readers, fd)


def main(argv: list[str]) -> int:
    """Run the launcher on the socket whose fd is ``argv[0]``; in a child, run its session."""
    configure_logging(verbose=False)
    sock = socket.socket(fileno=int(argv[0]))
    preload_s = preload(Path(argv[1]) if len(argv) > 1 else None)
    request = serve(sock, preload_s)
    if request is None:
        return 0
    from tui_reader.cli.session import run_session

    return run_session(request.args, request.env, request.tty)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
