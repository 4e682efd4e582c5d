"""An idle reader sleeps: nothing wakes it but its own timers, input, or the app stopping.

A server runs hundreds of readers; ten wake-ups a second each (Textual's input thread polls)
were most of an idle reader's CPU.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.app_helpers import SEED
from tests.pty_helpers import Terminal

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)


def wake_ups(pid: int) -> int:
    """Voluntary context switches of every thread of ``pid`` so far."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith("voluntary_ctxt_switches:"):
                total += int(line.split()[1])
    return total


def test_an_idle_reader_does_not_poll(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    stories.mkdir()
    shutil.copy(SEED, stories / SEED.name)
    term = Terminal([str(stories), "--data-dir", str(tmp_path / "data")], tmp_path)
    try:
        term.wait_for("Security Blocs")
        term.pump(1.0)  # the start-up work is done
        before = wake_ups(term.child.pid)
        term.pump(3.0)
        woken = wake_ups(term.child.pid) - before
        # The draft and refresh timers (every 2 s and 5 s) wake it a few times; a polling
        # input thread alone would add 30.
        assert woken <= 8, f"{woken} wake-ups in 3 s"
        term.child.send("?")  # input still wakes it at once
        term.wait_for("esc closes", timeout=5)
    finally:
        term.close()
