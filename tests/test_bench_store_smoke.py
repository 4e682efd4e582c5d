"""The store benchmark runs end to end at a tiny size (the figures are not asserted)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from tests.paths import BENCH


def test_bench_store_runs_at_n_50(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_store", BENCH / "bench_store.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_store"] = module
    spec.loader.exec_module(module)
    rows = module.run(50, base=tmp_path, saves=5, baseline_saves=3)
    metrics = [metric for metric, _value, _note in rows]
    assert metrics[0] == "save one annotation (durable), median"
    assert "open store, median" in metrics
    assert all(value > 0 for _metric, value, _note in rows)
    assert list(tmp_path.iterdir()) == []
