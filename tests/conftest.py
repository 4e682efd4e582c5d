"""Shared fixtures: no test ever touches the real home directory."""

from __future__ import annotations

import importlib
import itertools
import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from tests.feed_server import feed_server  # noqa: F401  (registers the fixture)
from tests.forks import forks  # noqa: F401  (registers the fixture)
from tests.story_reads import story_reads  # noqa: F401  (registers the fixture)


def pytest_configure(config: pytest.Config) -> None:
    """No per-example deadline for Hypothesis.

    Its default (200 ms an example) is a wall-clock assertion: on a loaded machine, or beside
    xdist workers, it fails tests that are only slow. Speed is measured in bench/.
    """
    settings.register_profile("suite", deadline=None)
    settings.load_profile("suite")
    if sys.dont_write_bytecode and not os.environ.get("PYTEST_XDIST_WORKER"):
        _private_bytecode(config)


def _private_bytecode(config: pytest.Config) -> None:
    """Compile each module once per run, not once per process.

    With ``PYTHONDONTWRITEBYTECODE`` (set on CI) every xdist worker rewrites the asserts of
    all ~90 test modules (~7 CPU-s each) and every reader a test starts compiles the package
    again. The suite lets itself write bytecode (into the ignored ``__pycache__`` folders, as a
    run without the variable does) so that its processes share it.
    """
    sys.dont_write_bytecode = False
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    """A worker first imports its own share of the test modules, so that the workers rewrite
    (and cache) different modules at the same time, then collects as usual: by the time it
    reaches the others' shares, their rewritten code is in the shared cache."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if not worker.startswith("gw") or count < 2 or sys.dont_write_bytecode:
        return
    here = Path(__file__).parent
    asked = [Path(arg.split("::")[0]).resolve() for arg in session.config.args]
    modules = sorted(
        {m for path in asked for m in (here.glob("test_*.py") if path == here else [path])}
        & set(here.glob("test_*.py"))  # the suite's own modules among those asked for
    )
    for module in modules[int(worker[2:]) :: count]:
        importlib.import_module(f"tests.{module.stem}")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: five workers for every two CPUs.

    Much of the suite waits rather than computes: for a reader in a pty to go quiet, for a
    subprocess or an SSH session to start, for a feed server's answer. One worker per CPU leaves
    the CPUs a third idle; more workers fill that time, until they only contend. Measured on a
    2-CPU machine, clean tree, same tests: 4 workers 181-185 s, 5 workers 174-177 s, 6 workers
    190 s (and 40 CPU-s more).
    """
    return max(2, (os.cpu_count() or 1) * 5 // 2)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, put the ``slow`` tests (seconds each: processes, ptys, SSH) at the head of
    every worker's share, a few to each.

    The worksteal scheduler first hands each worker an equal, contiguous slice of this list,
    then moves tests from the ends of the longest queues to idle workers. In collection order
    one worker got all the benchmark smoke tests and the run ended with one worker still busy
    on them; with them first, the last tests of the run are short ones that spread out.
    """
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    slow = [item for item in items if item.get_closest_marker("slow")]
    if workers < 2 or not slow:
        return
    rest = iter([item for item in items if not item.get_closest_marker("slow")])
    ordered: list[pytest.Item] = []
    left = len(items)
    for worker in range(workers):
        size = left // (workers - worker)  # how the scheduler cuts the slices
        first = slow[worker::workers]
        ordered += first + list(itertools.islice(rest, max(0, size - len(first))))
        left -= size
    items[:] = ordered + list(rest)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every XDG directory and the data-dir override at the test's tmp_path."""
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.lower()))
    monkeypatch.delenv("TUI_READER_DATA_DIR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TUI_READER_SERVED", raising=False)
    monkeypatch.delenv("TUI_READER_ALLOW_PRIVATE", raising=False)
