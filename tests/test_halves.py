"""Jobs shared with a forked child (``core.halves``): the answers are those of one process, in
order, whatever the child does; the child is always reaped. Real forks, spied on."""

from __future__ import annotations

import os

import pytest

from tui_reader.core import halves
from tui_reader.core.halves import in_halves


def _is_int(answer: object, _job: object) -> bool:
    return type(answer) is int


def test_the_answers_come_in_order(forks: list[int]) -> None:
    here: list[int] = []  # the jobs done in this process (the child's list is its own)

    def square(job: int) -> int:
        here.append(job)
        return job * job

    assert list(in_halves(range(100), square, _is_int)) == [j * j for j in range(100)]
    assert len(forks) == 1 and here == list(range(0, 100, 2))


def test_from_an_answer_that_does_not_fit_this_process_does_the_rest(forks: list[int]) -> None:
    parent = os.getpid()
    here: list[int] = []

    def square(job: int) -> int | str:
        if os.getpid() != parent and job == 51:
            return "not a number"  # the child goes wrong at job 51
        here.append(job)
        return job * job

    assert list(in_halves(range(100), square, _is_int)) == [j * j for j in range(100)]
    assert here == [*range(0, 51, 2), *range(51, 100)]


def test_a_child_that_dies_costs_only_time(forks: list[int]) -> None:
    parent = os.getpid()

    def square(job: int) -> int:
        if os.getpid() != parent:
            os._exit(5)
        return job * job

    assert list(in_halves(range(40), square, _is_int)) == [j * j for j in range(40)]
    assert len(forks) == 1


def test_a_consumer_that_stops_early_leaves_no_child_behind(forks: list[int]) -> None:
    answers = in_halves(range(1000), lambda job: job, _is_int)
    assert [next(answers) for _ in range(10)] == list(range(10))
    answers.close()
    with pytest.raises(ChildProcessError):  # reaped already: no zombie left
        os.waitpid(forks[0], os.WNOHANG)


def test_few_jobs_are_done_here_alone(forks: list[int]) -> None:
    jobs = range(halves.MOST_ALONE - 1)
    assert list(in_halves(jobs, lambda job: job + 1, _is_int)) == [j + 1 for j in jobs]
    assert forks == []


def test_no_fork_to_be_had_means_this_process_does_it_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A limit on processes (a container's pids limit) makes fork fail: nothing else does."""

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    open_fds = lambda: len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0  # noqa: E731
    before = open_fds()
    assert list(in_halves(range(100), lambda job: -job, _is_int)) == [-j for j in range(100)]
    assert open_fds() == before  # the pipe was closed (where /proc tells)
