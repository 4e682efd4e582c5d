"""The feed benchmark must never rot: ``bench/bench_feeds.py`` runs tiny and prints every row."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.bench_tables import assert_positive_figure, ratios, table
from tests.paths import BENCH, REPO

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)

FIGURES = [
    "feedparser.parse(bytes) alone (baseline)",
    "parse_feed(bytes), ours",
    "first refresh over HTTP, empty library",
    "second refresh, 304 Not Modified",
    "second refresh, unchanged, no ETag",
    "K feeds: refresh_feeds(workers=4) vs sequential",
    "JSON Feed first import over HTTP",
]
"""Every figure the benchmark reports (their size is not asserted: it depends on the machine)."""


def test_tiny_feed_benchmark_prints_every_figure() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH / "bench_feeds.py"),
            *("--entries", "20", "--feeds", "2", "--repeat", "1"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    header, *rows = table(done.stdout)
    assert header == ["figure", "measured", "vs baseline"], done.stdout
    assert [row[0] for row in rows] == FIGURES, done.stdout
    # Every figure was measured (a positive time), the baseline row is the baseline, and every
    # other row compares itself with it by a finite ratio.
    for name, measured, versus in rows:
        assert_positive_figure(measured)
        if name == FIGURES[0]:
            assert versus == "baseline", done.stdout
        else:
            assert ratios(versus), f"{name}: no ratio in {versus!r}"
    assert "files rewritten: 0 of 20" in done.stdout, done.stdout
    assert "N=20 entries, K=2 feeds" in done.stdout, done.stdout
