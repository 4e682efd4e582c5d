"""The hostile-size benchmark must not rot: it runs on small inputs and measures every row."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ROWS = [
    "short paragraphs -> first paint",
    "short paragraphs: j in the list while it loads",
    "short paragraphs: q while it loads -> process exits",
    "short paragraphs: peak RSS growth opening it",
    "one-line story -> first paint",
    "one-line story: j in the list while it loads",
    "one-line story: q while it loads -> process exits",
    "one-line story: peak RSS growth opening it",
    "load + parse + lay out",
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and pty")
def test_hostile_benchmark_measures_every_row() -> None:
    done = subprocess.run(
        [sys.executable, "bench/bench_hostile.py", "--paragraphs", "40000", "--one-line-mb", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    for row in ROWS:
        found = [line for line in lines if row in line]
        assert found, f"no row {row!r}:\n{done.stdout}"
        measured = found[0].split(" | ")[1]
        assert "n/a" not in measured, found[0]
