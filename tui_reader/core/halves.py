"""Independent jobs shared with a forked child, for commands that run once and end.

A first Markdown export reads and anchors hundreds of stories and renders thousands of notes,
each story on its own. On two cores, a forked child takes every other job and streams its
answers back as JSON down a pipe, while this process does the rest and hands the answers out
in order, as they come: nothing is held whole. Only where that is safe: the system forks, and
the process has no other thread (the reader, with its UI threads, never forks here). A child
that fails, or answers what does not fit, costs only time: its jobs are done here. Pure
module: no Textual.
"""

from __future__ import annotations

import os
import struct
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, TypeVar

import orjson

__all__ = ["MOST_ALONE", "in_halves"]

MOST_ALONE = 32
"""Fewer jobs than this are done by this process alone (a fork costs ~10 ms)."""

Job = TypeVar("Job")
Answer = TypeVar("Answer")

_SIZE = struct.Struct("<I")
"""Each answer down the pipe: its length, then its JSON."""

_FAILED = object()
"""What the child did not answer, or answered with what does not fit."""


def in_halves(
    jobs: Sequence[Job],
    work: Callable[[Job], Answer],
    fits: Callable[[object, Job], bool],
) -> Iterator[Answer]:
    """``work(job)`` for each of ``jobs``, in order, every other job done by a forked child.

    Args:
        jobs: what to do; each is independent of the others.
        work: does one job; its answer must be JSON data (it crosses a pipe as JSON).
        fits: whether what the child sent back is a whole answer to that job.

    Yields:
        The answers, in the order of ``jobs``, each as soon as it is there.
    """
    if len(jobs) < MOST_ALONE or not hasattr(os, "fork") or threading.active_count() > 1:
        yield from map(work, jobs)
        return
    try:
        read_end, write_end = os.pipe()
    except OSError:  # out of file descriptors: this process does it all
        yield from map(work, jobs)
        return
    try:
        pid = os.fork()
    except OSError:  # no process to be had (a limit on processes, or memory)
        os.close(read_end)
        os.close(write_end)
        yield from map(work, jobs)
        return
    if pid == 0:
        _child(jobs[1::2], work, read_end, write_end)
    os.close(write_end)
    pipe = os.fdopen(read_end, "rb")
    child_ok = True
    try:
        for index, job in enumerate(jobs):
            if index % 2 == 0 or not child_ok:
                yield work(job)
                continue
            answer = _next_answer(pipe, job, fits)
            if answer is _FAILED:  # the child failed: its jobs from here on are done here
                child_ok = False
                yield work(job)
            else:
                yield answer
    finally:
        pipe.close()  # first: a child still writing then fails, and ends, instead of waiting
        os.waitpid(pid, 0)


def _child(jobs: Sequence[Job], work: Callable[[Job], Any], read_end: int, write_end: int) -> None:
    """The child: its jobs' answers down the pipe, one by one, then gone without clean-up."""
    code = 1
    try:
        os.close(read_end)
        with os.fdopen(write_end, "wb") as pipe:
            for job in jobs:
                data = orjson.dumps(work(job))
                pipe.write(_SIZE.pack(len(data)) + data)
                pipe.flush()  # at once: this process may be waiting for it
        code = 0
    finally:
        os._exit(code)


def _next_answer(pipe: IO[bytes], job: Job, fits: Callable[[object, Job], bool]) -> Any:
    """The child's next answer, if it is whole and fits ``job``; else :data:`_FAILED`."""
    head = pipe.read(_SIZE.size)
    if len(head) != _SIZE.size:
        return _FAILED  # the child ended early
    (size,) = _SIZE.unpack(head)
    data = pipe.read(size)
    if len(data) != size:
        return _FAILED
    try:
        answer = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _FAILED
    return answer if fits(answer, job) else _FAILED
