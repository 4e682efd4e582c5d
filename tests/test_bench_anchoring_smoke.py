"""The anchoring benchmark runs, and its common case stays far inside the budget."""

from __future__ import annotations

import importlib.util
import math
import sys
from types import ModuleType

import pytest

from tests.paths import BENCH
from tui_reader.anchoring.anchors import anchor_many


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_anchoring", BENCH / "bench_anchoring.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_anchoring", module)
    spec.loader.exec_module(module)
    return module


def test_bench_runs_tiny() -> None:
    rows = load_bench().run(words=1500, annotations=10, repeat=1)
    assert [case for case, _ in rows] == ["unchanged", "shifted", "edited 20%", "deleted 20%"]
    # Each case anchored something and took time: a case that skips its work reads as 0.
    assert all(math.isfinite(ms) and ms > 0 for _, ms in rows), rows


def test_bench_main_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    load_bench().main(["--words", "800", "--annotations", "5", "--repeat", "1"])
    out = capsys.readouterr().out
    assert "unchanged" in out and "edited 20%" in out


def test_bench_cases_anchor_every_annotation_to_its_passage() -> None:
    bench = load_bench()
    text = bench.make_story(3000)
    notes = bench.make_annotations(text, 40)
    shifted = "Correction.\n\n" + text
    for (start, end, _), found in zip(
        notes, anchor_many(shifted, [s for *_, s in notes]), strict=True
    ):
        assert found is not None and (found.start, found.end) == (start + 13, end + 13)


def test_unchanged_story_of_50k_words_reanchors_200_notes_well_under_100_ms() -> None:
    bench = load_bench()
    text = bench.make_story(50_000)
    selectors = [sel for *_, sel in bench.make_annotations(text, 200)]
    # The "unchanged" row alone (the edited cases are the benchmark's, not a bound's).
    # Measured ~1 ms; the generous bound only catches an accidental slow path.
    assert bench._median_ms(text, selectors, 3) < 50
