"""The feed benchmark must never rot: ``bench/bench_feeds.py`` runs tiny and prints every row."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

FIGURES = [
    "feedparser.parse(bytes) alone (baseline)",
    "parse_feed(bytes), ours",
    "first refresh over HTTP, empty library",
    "second refresh, 304 Not Modified",
    "second refresh, unchanged, no ETag",
    "K feeds: refresh_feeds(workers=4) vs sequential",
    "JSON Feed first import over HTTP",
]
"""Every figure the benchmark reports (timings are not asserted: they depend on the machine)."""


def test_tiny_feed_benchmark_prints_every_figure() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "bench_feeds.py"),
            *("--entries", "20", "--feeds", "2", "--repeat", "1"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    table = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert table[0].split("|")[1].strip() == "figure", done.stdout
    names = [line.split("|")[1].strip() for line in table[1:]]
    assert names == FIGURES, done.stdout
    assert "files rewritten: 0 of 20" in done.stdout, done.stdout
    assert "N=20 entries, K=2 feeds" in done.stdout, done.stdout
