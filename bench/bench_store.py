"""Benchmark the store: durable save and open with N annotations, against plain TinyDB.

Run: ``python bench/bench_store.py [--n 10000] [--dir DIR]``. Targets (issue 3): saving one
annotation with 10,000 stored <= 20 ms median (durable), opening the store <= 100 ms.
The numbers depend on the disk's fsync cost: pass ``--dir`` on the disk users will have.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinydb import TinyDB

from tui_reader.core.paths import ensure_private_dir
from tui_reader.storage.files import AtomicJSONStorage
from tui_reader.storage.store import SHARDS, Store, _shard

Row = tuple[str, float, str]
QUOTE = "The committee said the decision would be revisited after the spring session ended."


def _selectors(i: int) -> list[dict[str, Any]]:
    return [
        {"type": "TextQuoteSelector", "exact": QUOTE, "prefix": "said that ", "suffix": " A"},
        {"type": "TextPositionSelector", "start": 100 + i, "end": 183 + i},
    ]


def _doc(i: int, story: str) -> dict[str, object]:
    return {
        "story_id": story,
        "selectors": _selectors(i),
        "note": f"Note {i}: worth checking against last year's figures before quoting.",
        "created": "2026-11-29T10:15:00.000000Z",
        "updated": "2026-11-29T10:15:00.000000Z",
        "story_title": f"Story {story}",
        "story_path": f"stories/{story}.md",
    }


def populate(data_dir: Path, n: int) -> None:
    """Write ``n`` annotations over ``n // 10`` stories straight into the shard files."""
    shards: list[dict[str, dict[str, object]]] = [{} for _ in range(SHARDS)]
    for i in range(n):
        story = f"url:https://news.example/{i % max(1, n // 10)}"
        shards[_shard(story)][str(uuid.uuid4())] = _doc(i, story)
    ensure_private_dir(data_dir / "annotations")
    for k, docs in enumerate(shards):
        storage = AtomicJSONStorage(str(data_dir / "annotations" / f"{k:02d}.json"), "annotations")
        storage.write({"annotations": docs})


def _timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


def run(
    n: int, *, base: Path | None = None, saves: int = 200, baseline_saves: int = 30
) -> list[Row]:
    """Run the benchmark with ``n`` stored annotations; return ``(metric, ms or ratio, note)``."""
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        data_dir = Path(tmp) / "data"
        populate(data_dir, n)
        open_ms = _timed(lambda: Store.open(data_dir), 10)
        store = Store.open(data_dir)
        assert len(store.all_annotations()) == n
        story, selectors = "url:https://news.example/0", _selectors(0)
        save_ms = _timed(lambda: store.add_annotation(story, selectors, "a new note"), saves)
        counts_ms = _timed(store.annotation_counts, 10)

        plain = TinyDB(Path(tmp) / "plain.json")
        plain.insert_multiple(_doc(i, f"s{i % 100}") for i in range(n))
        base_ms = _timed(lambda: plain.insert(_doc(0, "s0")), baseline_saves)
        plain.close()
    save, base_save = statistics.median(save_ms), statistics.median(base_ms)
    return [
        ("save one annotation (durable), median", save, "target <= 20 ms"),
        ("save one annotation (durable), p95", _p95(save_ms), ""),
        ("open store, median", statistics.median(open_ms), "target <= 100 ms"),
        ("annotation_counts() over all, median", statistics.median(counts_ms), ""),
        ("baseline: TinyDB JSONStorage insert, median", base_save, "in place, not atomic"),
        ("baseline / our save", base_save / save if save else float("inf"), "times faster"),
    ]


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10_000, help="annotations stored (default 10000)")
    parser.add_argument("--dir", type=Path, default=None, help="where to create temp data")
    args = parser.parse_args(argv)
    rows = run(args.n, base=args.dir)
    print(f"tui-reader store benchmark, N = {args.n} annotations")
    width = max(len(r[0]) for r in rows)
    for metric, value, note in rows:
        unit = "x " if metric.startswith("baseline /") else "ms"
        print(f"  {metric:<{width}}  {value:9.2f} {unit}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
