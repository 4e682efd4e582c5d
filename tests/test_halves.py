"""Jobs shared with a forked child (``core.halves``): the answers are those of one process, in
order, whatever the child does; the child is always reaped. Real forks, spied on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.waiting import eventually
from tui_reader.core import halves
from tui_reader.core.halves import in_halves


def _is_int(answer: object, _job: object) -> bool:
    return type(answer) is int


class Log:
    """Which process did which job: a file both append ``pid job`` lines to."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def did(self, job: int) -> None:
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {job}\n")

    def jobs(self, here: bool) -> list[int]:
        """The jobs done in this process (``here``) or in the child."""
        lines = self.path.read_text("utf-8").split() if self.path.exists() else []
        pairs = zip(lines[::2], lines[1::2], strict=True)
        return [int(job) for pid, job in pairs if (pid == str(os.getpid())) == here]


def test_the_answers_come_in_order_each_job_done_once(forks: list[int], tmp_path: Path) -> None:
    log = Log(tmp_path / "jobs.log")

    def square(job: int) -> int:
        log.did(job)
        return job * job

    assert list(in_halves(range(100), square, _is_int)) == [j * j for j in range(100)]
    assert len(forks) == 1
    assert sorted(log.jobs(here=True) + log.jobs(here=False)) == list(range(100))


def test_a_busy_process_leaves_the_jobs_to_the_free_one(forks: list[int], tmp_path: Path) -> None:
    """This process is held on its first job until the child has done most of them: each
    takes the next job when it is free (with fixed halves the child would stop at 50)."""
    log = Log(tmp_path / "jobs.log")
    parent = os.getpid()
    held: list[int] = []

    def square(job: int) -> int:
        if os.getpid() == parent and not held:
            held.append(job)
            eventually(lambda: len(log.jobs(here=False)) >= 90,
                       "the child to do 90 of the 100 jobs", timeout=20)  # fmt: skip
        log.did(job)
        return job * job

    assert list(in_halves(range(100), square, _is_int)) == [j * j for j in range(100)]
    assert len(log.jobs(here=False)) >= 90 and len(held) == 1  # (whichever job it took first)


def test_tokens_stand_for_runs_of_jobs_past_the_most(
    forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(halves, "MOST_TOKENS", 40)  # 1000 jobs: 25 in a row per token
    assert list(in_halves(range(1000), lambda job: job + 1, _is_int)) == [
        j + 1 for j in range(1000)
    ]
    assert len(forks) == 1


def test_from_an_answer_that_does_not_fit_this_process_does_the_rest(
    forks: list[int], tmp_path: Path
) -> None:
    log = Log(tmp_path / "jobs.log")
    parent = os.getpid()

    def square(job: int) -> int | str:
        log.did(job)
        if os.getpid() != parent and job >= 51:
            return "not a number"  # the child goes wrong from job 51 on
        return job * job

    assert list(in_halves(range(100), square, _is_int)) == [j * j for j in range(100)]
    assert len(forks) == 1
    here = log.jobs(here=True)
    # Whatever the child did not answer well was done here.
    assert set(range(100)) - set(here) <= {j for j in log.jobs(here=False) if j < 51}


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


def test_a_child_that_fails_before_its_first_job_never_runs_the_callers_code(
    forks: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    escaped = tmp_path / "escaped"

    def broken(*_args: object) -> None:
        raise RuntimeError("the child fails at once")

    monkeypatch.setattr(halves, "_child", broken)
    try:
        answers = list(in_halves(range(40), lambda job: job, _is_int))
    finally:
        if os.getpid() != parent:  # only a child that got out of in_halves comes here
            escaped.write_text("the child went on with the caller's code", "utf-8")
            os._exit(0)
    assert answers == list(range(40)) and len(forks) == 1
    assert not escaped.exists()
