"""The extraction benchmark must never rot: ``bench/bench_extract.py`` runs on the test pages."""

from __future__ import annotations

import subprocess
import sys

from tests.paths import BENCH, REPO


def test_extraction_benchmark_prints_its_table() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH / "bench_extract.py"),
            *("--pages", str(REPO / "tests" / "fixtures" / "pages"), "--repeat", "1"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    table = [line.split("|")[1:-1] for line in done.stdout.splitlines() if line.startswith("| ")]
    assert [c.strip() for c in table[0]][:3] == ["extractor", "title exact", "byline"]
    rows = {cells[0].strip(): [c.strip() for c in cells[1:]] for cells in table[2:]}
    assert list(rows) == [
        "trafilatura", "readability-lxml", "tui-reader (trafilatura + page meta)"
    ]  # fmt: skip
    ours = rows["tui-reader (trafilatura + page meta)"]
    assert ours[0] == "2/2 (100%)" and ours[1] == "2/2 (100%)", done.stdout
    assert float(ours[2]) >= 0.8, done.stdout  # text F1 median on these two pages
    assert "2 pages from" in done.stdout
