"""The notes benchmark runs end to end at a tiny size (the figures are not asserted)."""

from __future__ import annotations

from pathlib import Path

import bench_notes


def test_bench_notes_runs_at_60_notes(tmp_path: Path) -> None:
    rows = bench_notes.run(60, 6, base=tmp_path, runs=1)
    metrics = [metric for metric, _value, _note in rows]
    assert metrics[0].startswith("baseline")
    assert "export --format w3c" in metrics
    for first, kept in [
        ("export --format markdown (no anchor kept: every story read)",
         "export --format markdown (anchors kept)"),
        ("export --format markdown -o DIR (no anchor kept)",
         "export --format markdown -o DIR (anchors kept)"),
        ("tui-reader export --format markdown -o DIR (no anchor kept) (whole command)",
         "tui-reader export --format markdown -o DIR (anchors kept) (whole command)"),
        ("tui-reader export --format markdown (no anchor kept) (whole command)",
         "tui-reader export --format markdown (anchors kept) (whole command)"),
    ]:  # fmt: skip
        assert first in metrics and kept in metrics
    for fmt in ("json", "w3c", "csv"):
        assert f"tui-reader export --format {fmt} (whole command)" in metrics
    assert "floor: python -c pass (whole command)" in metrics
    assert (
        "tui-reader export --format markdown -o DIR (first export after tui-reader import) "
        "(whole command)" in metrics
    )
    assert "floor: writing a folder export's files (whole command)" in metrics
    assert metrics[-1] == "import the w3c export (empty data dir)"
    assert "60 attached" in rows[-1][2]
    assert all(value > 0 for _metric, value, _note in rows)
    assert list(tmp_path.iterdir()) == []
