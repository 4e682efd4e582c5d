"""The hostile-size benchmark's own command line must not rot.

Its measurements run in ``tests/test_bench_smoke.py`` (the ``hostile`` section of
``bench/run.py --quick``, where every row must be measured); here only its entry point.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_hostile_benchmark_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "bench/bench_hostile.py", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "--paragraphs" in done.stdout and "--one-line-mb" in done.stdout, done.stdout
