"""Independent jobs shared with a forked child, for commands that run once and end.

A first Markdown export reads and anchors hundreds of stories and renders thousands of notes,
each story on its own. On two cores, a forked child shares the jobs with this process: each
takes the next job whenever it is free, so neither waits on a fixed half while the other
still works (this process also writes what the jobs give: a folder export creates a file per
story). The child streams its answers back as JSON down a pipe; this process hands every
answer out in order, as soon as it and those before it are there: nothing is held whole.

Only where that is safe: the system forks, and the process has no other thread (the reader,
with its UI threads, never forks here). A child that fails, or answers what does not fit,
costs only time: the jobs it took and did not answer are done here. Pure module: no Textual.
"""

from __future__ import annotations

import os
import select
import struct
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import orjson

__all__ = ["MOST_ALONE", "MOST_TOKENS", "in_halves"]

MOST_ALONE = 32
"""Fewer jobs than this are done by this process alone (a fork costs ~10 ms)."""

MOST_TOKENS = 4096
"""Most tokens in the dispenser (16 KB: any system's pipe holds them all); past that, each
token stands for several jobs in a row."""

Job = TypeVar("Job")
Answer = TypeVar("Answer")

_NUMBER = struct.Struct("<I")
"""A token (the first job it stands for), and the length of each answer down the pipe."""

_FAILED = object()
"""What the child did not answer, or answered with what does not fit."""


def in_halves(
    jobs: Sequence[Job],
    work: Callable[[Job], Answer],
    fits: Callable[[object, Job], bool],
) -> Iterator[Answer]:
    """``work(job)`` for each of ``jobs``, in order, shared with a forked child.

    The jobs are handed out by a dispenser both processes take from (a pipe filled with a
    token per job, or per run of jobs, before the fork): each takes the next one when it is
    free. This process reads the child's answers as they come, so the child never waits on
    a full pipe while there is work left.

    Args:
        jobs: what to do; each is independent of the others.
        work: does one job; its answer must be JSON data (it crosses a pipe as JSON).
        fits: whether what the child sent back is a whole answer to that job.

    Yields:
        The answers, in the order of ``jobs``, each as soon as it and those before it are
        there.
    """
    if len(jobs) < MOST_ALONE or not hasattr(os, "fork") or threading.active_count() > 1:
        yield from map(work, jobs)
        return
    per_token = -(-len(jobs) // MOST_TOKENS)
    opened: list[int] = []
    try:
        tokens, filling = os.pipe()
        opened += (tokens, filling)
        _write_all(filling, b"".join(map(_NUMBER.pack, range(0, len(jobs), per_token))))
        os.close(opened.pop())  # no writer left: an empty dispenser reads as its end
        answers, answering = os.pipe()
        opened += (answers, answering)
        pid = os.fork()
    except OSError:  # out of descriptors, or no process to be had (a pids limit, memory)
        for fd in opened:
            os.close(fd)
        yield from map(work, jobs)
        return
    if pid == 0:  # the child: never past here, whatever happens
        try:
            _child(jobs, per_token, work, tokens, answers, answering)
        finally:
            os._exit(1)
    os.close(answering)
    try:
        yield from _shared(jobs, per_token, work, fits, tokens, answers)
    finally:
        os.close(answers)  # first: a child still writing then fails, and ends, not waits
        os.close(tokens)
        os.waitpid(pid, 0)


def _shared(
    jobs: Sequence[Job],
    per_token: int,
    work: Callable[[Job], Answer],
    fits: Callable[[object, Job], bool],
    tokens: int,
    answers: int,
) -> Iterator[Answer]:
    """This process's side: its own jobs from the dispenser, the child's from the pipe."""
    done: dict[int, Any] = {}  # answered, not handed out yet (a few, as a rule)
    given = 0  # the answers handed out so far: the next one out is jobs[given]
    child_ok, dispensing = True, True
    while given < len(jobs):
        if given in done:
            yield done.pop(given)
            given += 1
        elif child_ok and (not dispensing or _readable(answers)):
            answer = _next_answer(answers, jobs, fits, given)
            if answer is _FAILED:  # from here on, what it took and did not answer is ours
                child_ok = False
            else:
                index, value = answer
                done[index] = value
        elif dispensing:
            first = _take(tokens)
            if first is None:
                dispensing = False
            else:
                for index in range(first, min(first + per_token, len(jobs))):
                    done[index] = work(jobs[index])
        else:  # the child failed, and every job has been taken: its own are done here
            done[given] = work(jobs[given])


def _child(
    jobs: Sequence[Job],
    per_token: int,
    work: Callable[[Job], Any],
    tokens: int,
    answers: int,
    answering: int,
) -> None:
    """The child: the jobs it takes, each answer down the pipe, then gone without clean-up."""
    code = 1
    try:
        os.close(answers)
        while (first := _take(tokens)) is not None:
            for index in range(first, min(first + per_token, len(jobs))):
                data = orjson.dumps([index, work(jobs[index])])
                _write_all(answering, _NUMBER.pack(len(data)) + data)  # at once: it may wait
        code = 0
    finally:
        os._exit(code)


def _take(tokens: int) -> int | None:
    """The next token from the dispenser; None once it is empty."""
    data = os.read(tokens, _NUMBER.size)  # whole: every token went in before the fork
    return _NUMBER.unpack(data)[0] if len(data) == _NUMBER.size else None


def _readable(fd: int) -> bool:
    """Whether the child has written (or ended) on ``fd``: reading it will not wait long."""
    return bool(select.select([fd], [], [], 0)[0])


def _next_answer(
    answers: int, jobs: Sequence[Job], fits: Callable[[object, Job], bool], given: int
) -> Any:
    """The child's next ``(index, answer)``, if whole, for a job not handed out yet, and
    fitting it; else :data:`_FAILED`."""
    head = _read_exactly(answers, _NUMBER.size)
    if head is None:
        return _FAILED  # the child ended
    data = _read_exactly(answers, _NUMBER.unpack(head)[0])
    if data is None:
        return _FAILED
    try:
        message = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _FAILED
    if not isinstance(message, list) or len(message) != 2:
        return _FAILED
    index, answer = message
    if type(index) is not int or not given <= index < len(jobs):
        return _FAILED
    return (index, answer) if fits(answer, jobs[index]) else _FAILED


def _read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes from ``fd``; None if it ends first."""
    pieces: list[bytes] = []
    while size:
        piece = os.read(fd, min(size, 1 << 20))
        if not piece:
            return None
        pieces.append(piece)
        size -= len(piece)
    return b"".join(pieces)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
