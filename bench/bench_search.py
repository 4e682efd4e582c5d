"""Search benchmark (issue 13): the index and the query, in-process and in the real reader.

    python bench/bench_search.py [--stories 10000] [--notes 10000] [--typed-only]

In-process (the library and store code the reader runs): building the index from nothing,
a two-word, two-filter query (median and p95), the incremental update after saving a note
and after one story file changed, and the index's size on disk. In a pty (the real reader,
120x40, as ``run.py`` drives it): the same query typed after ``/`` and sent in one write
(as over SSH), from the write to the results on screen, with its bytes against one
screen's worth, and by turns with it the floor: the smallest Textual app drawing the same
frame for the same write (``bare_search.py --minimal``), so the ratio says what the reader
adds; the list's ``j`` latency while the index builds on a cold start; RSS growth
from the search; and warm launch against the reader before this feature (``--baseline REV``,
default the merge-base with ``main``), launched alternately in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import bare_search  # noqa: E402
import library_gen  # noqa: E402
from pty_harness import FRAME_START, PtySession, bytecode_env, shows  # noqa: E402

from tui_reader.core.paths import ensure_private_dir  # noqa: E402
from tui_reader.core.stories import StoryMeta  # noqa: E402
from tui_reader.library.build import command  # noqa: E402
from tui_reader.library.finder import Finder, metas_by_path  # noqa: E402
from tui_reader.library.index import LibraryIndex  # noqa: E402
from tui_reader.library.query import parse  # noqa: E402
from tui_reader.storage.files import AtomicJSONStorage  # noqa: E402
from tui_reader.storage.store import SHARDS, Store, _shard  # noqa: E402

Figure = tuple[str, str, str, str, str]
"""figure, measured, target, baseline/ratio, met?"""

QUERY = "harbour plan is:unread since:2024-01-01"
"""Two words and two filters (one from the store, one from the files)."""
COLS, ROWS = 120, 40


def _met(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


_NOTE_WORDS = ["ask", "check", "quote", "ferry", "mayor", "budget", "figures", "harbour"]


def prebuild(library: Path, cache: Path, data: Path) -> None:
    """Build the search index a returning reader has (``cache``: the ``XDG_CACHE_HOME``)."""
    subprocess.run(command(cache / "tui-reader", data, [library]), check=True,
                   capture_output=True, timeout=600)  # fmt: skip


def populate_notes(data_dir: Path, story_ids: list[str], n: int, seed: int = 13) -> None:
    """Write ``n`` notes on the given stories straight into the store's shard files."""
    rng = random.Random(seed)
    shards: list[dict[str, dict[str, object]]] = [{} for _ in range(SHARDS)]
    for i in range(n):
        story = story_ids[i % len(story_ids)]
        text = " ".join(rng.choice(_NOTE_WORDS) for _ in range(8))
        shards[_shard(story)][str(uuid.uuid4())] = {
            "story_id": story,
            "selectors": [
                {
                    "type": "TextQuoteSelector",
                    "exact": "the council said",
                    "prefix": "",
                    "suffix": "",
                }
            ],  # fmt: skip
            "note": f"{text} (note {i})",
            "created": "2026-11-29T10:15:00.000000Z",
            "updated": "2026-11-29T10:15:00.000000Z",
        }
    ensure_private_dir(data_dir / "annotations")
    for k, docs in enumerate(shards):
        path = data_dir / "annotations" / f"{k:02d}.json"
        AtomicJSONStorage(str(path), "annotations").write({"annotations": docs})


def _timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def in_process(library: library_gen.Library, tmp: Path, notes: int) -> tuple[list[Figure], str]:
    """Build, query and update the index with the reader's own code; returns the figures and
    what the search line says when the query has run (what the pty run waits for)."""
    cache, data = tmp / "search-cache", tmp / "search-data"
    items = LibraryIndex(cache).refresh(library.root)
    ids = [item.story_id for item in items if isinstance(item, StoryMeta)]
    populate_notes(data, ids, notes)
    # The build as the reader runs it: its own process, parsing with a pool of two.
    started = time.perf_counter()
    subprocess.run(command(cache, data, [library.root]), check=True, capture_output=True)
    build = time.perf_counter() - started
    store = Store.open(data)
    finder = Finder(cache, [library.root], data)
    finder.prepare()
    finder.sync(items, store)
    metas = metas_by_path(items)
    query = parse(QUERY)
    found = finder.find(query, store, metas, None)
    count = len(found.matches)
    first = f"{count} {'story' if count == 1 else 'stories'}"  # what the search line says
    times = _timed(lambda: finder.find(query, store, metas, None), 30)
    story = ids[len(ids) // 2]
    quote = [{"type": "TextQuoteSelector", "exact": "x", "prefix": "", "suffix": ""}]

    def save_note() -> None:
        store.add_annotation(story, quote, "a new thought on the ferry")
        started = time.perf_counter()
        finder.notes_changed(story, store.annotations_for(story))
        note_times.append(time.perf_counter() - started)

    note_times: list[float] = []
    for _ in range(20):
        save_note()
    changed = next(item for item in items if isinstance(item, StoryMeta) and item.size < 5000)
    file_times: list[float] = []
    for round_ in range(10):
        with open(changed.path, "a", encoding="utf-8") as handle:
            handle.write(f"\nA lighthouse{round_} appears.\n")
        fresh = LibraryIndex(cache).refresh(library.root)  # the reader's rescan, not timed
        started = time.perf_counter()
        finder.sync(fresh, store, notes=False)  # as the reader's rescan does
        file_times.append(time.perf_counter() - started)
    size = finder.index.size_bytes()
    finder.close()
    store.close()
    n = len(items)
    med, p95 = statistics.median(times), _p95(times)
    note_med, file_med = statistics.median(note_times), statistics.median(file_times)
    figures: list[Figure] = [
        (f"search index build from nothing, {n} stories + {notes} notes (build process)",
         f"{build:.2f} s",
         "<= 15 s", "-", _met(build <= 15)),
        (f"query “{QUERY}” in-process ({len(found.matches)} hits)",
         f"median {_ms(med)}, p95 {_ms(p95)}", "-", "-", "-"),
        ("index update after saving a note", f"median {_ms(note_med)}", "<= 20 ms", "-",
         _met(note_med <= 0.020)),
        ("index update after one story file changed (compare every file, re-index one)",
         f"median {_ms(file_med)}", "<= 50 ms", "-", _met(file_med <= 0.050)),
        ("search index size on disk", f"{size / 2**20:.1f} MiB",
         "-", f"{sum(s.path.stat().st_size for s in library.stories) / 2**20:.1f} MiB of stories",
         "-"),
    ]  # fmt: skip
    return figures, first


# ----- the real reader in a pty --------------------------------------------------------------


def _env(home: Path, cache: Path, pythonpath: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TEXTUAL", "TUI_READER", "XDG_"))
           and k not in ("NO_COLOR", "PYTHONDONTWRITEBYTECODE")}  # fmt: skip
    env.update(bytecode_env(home), TERM="xterm-256color", COLORTERM="truecolor",
               XDG_CACHE_HOME=str(cache), XDG_DATA_HOME=str(home / "dh"),
               XDG_CONFIG_HOME=str(home / "ch"))  # fmt: skip
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def _argv(library: Path, data: Path, profile: Path | None = None) -> list[str]:
    # ``profile``: the reader runs under cProfile, which writes its stats there when it quits.
    wrap = ["-m", "cProfile", "-o", str(profile)] if profile else []
    return [sys.executable, *wrap, "-m", "tui_reader", str(library), "--data-dir", str(data)]


def baseline_tree(rev: str | None, tmp: Path) -> tuple[Path | None, str]:
    """The reader before this feature, extracted from git (None when there is no such rev)."""
    try:
        if rev is None:
            base = ["git", "-C", str(REPO), "merge-base", "HEAD", "main"]
            rev = subprocess.run(base, capture_output=True, text=True, check=True).stdout.strip()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "tui_reader"],
                                 capture_output=True, check=True).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None, "no baseline"
    target = tmp / "baseline"
    target.mkdir()
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target, rev[:10]


def _launch(argv: list[str], env: dict[str, str], ready: str, timeout: float) -> float | None:
    with PtySession(argv, cols=COLS, rows=ROWS, env=env) as session:
        stamp = session.wait_for(shows(ready), timeout)
        session.wait_quiet(0.3, 10)
        return None if stamp is None else stamp - session.started_at


def _floor(tmp: Path, queries: int, timeout: float) -> Iterator[list[float]]:
    """The smallest Textual app answering the same write with the same frame
    (:mod:`bare_search`): the first ``next`` starts it, each one after runs one query; each
    gives the times so far.

    Its session stays open, idle, while the reader's queries run: the two take turns, so a
    change of the machine's speed moves both figures alike.
    """
    argv = [sys.executable, str(BENCH / "bare_search.py"), "--minimal"]
    done = shows(f"/{QUERY}  {bare_search.RESULTS} stories")
    times: list[float] = []
    with PtySession(argv, cols=COLS, rows=ROWS, env=_env(tmp, tmp / "floor-cache")) as session:
        if session.wait_for(shows(bare_search.READY_TEXT), timeout) is None:
            raise RuntimeError("the floor app never showed")
        session.wait_idle(0.5, timeout)
        for _ in range(queries):
            yield times
            answer = session.respond(lambda: session.write(f"/{QUERY}\r"), label="floor",
                                     quiet=0.3, until=done)  # fmt: skip
            if answer.ready is not None:
                times.append(answer.ready)
            session.press("escape", quiet=0.3)
    yield times


def pty_figures(library: library_gen.Library, tmp: Path, first: str, launches: int,
                baseline: str | None, timeout: float = 180.0,
                typed_only: bool = False, queries: int = 15,
                profile: Path | None = None) -> list[Figure]:  # fmt: skip
    """The reader itself: typing the query, the list while indexing, RSS, launch old vs new
    (``typed_only``: the index prebuilt, only the typed query and its frame; ``profile``: the
    reader's cProfile stats are written there, its timings are then only relative)."""
    ready = "The Long Read:"
    figures: list[Figure] = []
    data = tmp / "pty-data"
    shutil.copytree(tmp / "search-data", data)
    cold = tmp / "pty-cache"
    if typed_only:
        prebuild(library.root, cold, data)
    with PtySession(_argv(library.root, data, profile), cols=COLS, rows=ROWS,
                    env=_env(tmp, cold)) as session:  # fmt: skip
        if session.wait_for(shows(ready), timeout) is None:
            raise RuntimeError("the list never showed")
        started = time.perf_counter()
        building = None
        if not typed_only:
            building = session.wait_for(shows("indexing"),
                                        20 if len(library.stories) > 1000 else 3)  # fmt: skip
        steps = []
        while building is not None and "indexing" in session.screen_text():
            steps.append(session.press("j", quiet=0.2, timeout=10))
            if len(steps) >= 40:
                break
        finished = session.wait_for(lambda screen: "indexing" not in "\n".join(screen), timeout)
        build = None if finished is None else finished - started
        session.wait_idle(0.5, timeout)
        before = session.rss_kb()
        latency = [s.last_byte for s in steps if s.last_byte is not None]
        if not typed_only:
            figures.append((
                "cold start: index built in the background (from the first row shown)",
                "n/a" if build is None else f"{build:.1f} s", "<= 15 s", "-",
                _met(None if build is None else build <= 15)))  # fmt: skip
        if latency:
            figures.append((
                f"j step while indexing ({len(latency)} keys)",
                f"median {_ms(statistics.median(latency))}, max {_ms(max(latency))}",
                "list usable", "-", _met(statistics.median(latency) <= 0.1)))  # fmt: skip
        session.resize(COLS, ROWS - 1)
        session.wait_quiet(0.3, timeout)
        full = session.respond(lambda: session.resize(COLS, ROWS), label="resize", quiet=0.3)
        results = []
        done = shows(f"{QUERY}  {first}")  # the search line once the results are drawn
        floor = _floor(tmp, queries, timeout)
        floor_times = next(floor)  # its app started and idle
        for _ in range(queries):  # the reader's query and the floor's, by turns
            results.append(session.respond(lambda: session.write(f"/{QUERY}\r"), label="query",
                                           quiet=0.3, until=done))  # fmt: skip
            session.press("escape", quiet=0.3)
            floor_times = next(floor)
        floor.close()
        # The query typed and shown, then enter alone, timed from it (as the issue words it).
        # The list searches as the query is typed, so its results are on screen before
        # enter: this row is not evidence for the target; the one-write row above is.
        entered = []
        echoed = shows(f"/{QUERY}▏")  # the query on the search line, the cursor after it
        for _ in range(queries):
            session.write(f"/{QUERY}")
            if session.wait_for(echoed, timeout) is None:
                raise RuntimeError("the typed query never showed")
            session.wait_quiet(0.3, timeout)
            entered.append(session.respond(lambda: session.write("\r"), label="enter",
                                           quiet=0.3, until=done))  # fmt: skip
            session.press("escape", quiet=0.3)
        session.wait_idle(0.5, timeout)
        after = session.rss_kb()
    ready_times = [r.ready for r in results if r.ready is not None]
    # The results frame is the largest frame of the burst (the search line takes the key bar's
    # row and moves no pane; what follows the results is small: the list's scrollbar, or
    # snippets filled in below the view). Judged by the largest, no frame can hide a repaint.
    lasts = [len(FRAME_START + r.output.split(FRAME_START)[-1]) for r in results]
    largest = [r.largest_frame for r in results]
    bursts = [r.size for r in results]
    if ready_times:
        med, p95 = statistics.median(ready_times), _p95(ready_times)
        figures.append((
            f"/ + query + enter in one write -> results drawn ({len(ready_times)} runs)",
            f"median {_ms(med)}, p95 {_ms(p95)}", "<= 30 ms median, <= 100 ms p95", "-",
            _met(med <= 0.030 and p95 <= 0.100)))  # fmt: skip
    if ready_times and floor_times:
        med, base = statistics.median(ready_times), statistics.median(floor_times)
        figures.append((
            "the floor: the least Textual does for that frame (bare_search.py --minimal, "
            "same write, by turns with the reader)",
            f"median {_ms(base)}, p95 {_ms(_p95(floor_times))}", "-",
            f"the reader: {med / base:.2f}x the floor", "-"))  # fmt: skip
    enter_times = [r.ready for r in entered if r.ready is not None]
    if enter_times:
        med, p95 = statistics.median(enter_times), _p95(enter_times)
        figures.append((
            f"/ + query typed and shown, then enter alone -> results drawn "
            f"({len(enter_times)} runs; largest frame "
            f"{statistics.median(r.largest_frame for r in entered):.0f} B)",
            f"median {_ms(med)}, p95 {_ms(p95)}", "-",
            "results already drawn as typed: judged by the one-write row", "-"))  # fmt: skip
    screen = full.largest_frame
    size = statistics.median(largest)
    figures.append(("results frame: bytes written (the largest frame of the search)",
                    f"median {size:.0f} B (last frame {statistics.median(lasts):.0f} B, "
                    f"whole burst {statistics.median(bursts):.0f} B)",
                    "<= one screen", f"full-screen frame {screen} B ({size / max(screen, 1):.2f}x)",
                    _met(size <= screen)))  # fmt: skip
    if before and after:
        figures.append(("RSS growth from building the index and searching",
                        f"{(after[0] - before[0]) / 1024:+.1f} MB after the searches "
                        f"({after[0] / 1024:.1f} MB)", "<= 25 MB", "-",
                        _met((after[0] - before[0]) / 1024 <= 25)))  # fmt: skip
    if not typed_only:
        figures += launch_figures(library, tmp, cold, launches, baseline, timeout)
    return figures


def launch_figures(library: library_gen.Library, tmp: Path, cache: Path, launches: int,
                   baseline: str | None, timeout: float) -> list[Figure]:  # fmt: skip
    """Warm launch of this reader against the one before it, alternately, same caches."""
    name = f"warm launch -> list visible (median of {launches}), this reader vs before"
    old, rev = baseline_tree(baseline, tmp)
    if old is None:
        return [(name, "n/a (no baseline revision)", "-", "-", "-")]
    new_times: list[float | None] = []
    old_times: list[float | None] = []
    old_cache = tmp / "old-cache"
    _launch(_argv(library.root, tmp / "old-data"), _env(tmp, old_cache, str(old)), "The Long",
            timeout)  # its own index cache, written once  # fmt: skip
    for _ in range(launches):
        old_times.append(
            _launch(
                _argv(library.root, tmp / "old-data"),
                _env(tmp, old_cache, str(old)),
                "The Long Read:",
                timeout,
            )
        )
        new_times.append(_launch(_argv(library.root, tmp / "pty-data"), _env(tmp, cache),
                                 "The Long Read:", timeout))  # fmt: skip
    new = [t for t in new_times if t is not None]
    before = [t for t in old_times if t is not None]
    if not new or not before:
        return [(name, "n/a (a launch timed out)", "-", "-", "-")]
    ratio = statistics.median(new) / statistics.median(before)
    return [(name,
             f"{statistics.median(new):.3f} s", "not slower than before",
             f"before ({rev}): {statistics.median(before):.3f} s ({ratio:.2f}x)",
             _met(ratio <= 1.10))]  # fmt: skip


def run(library: library_gen.Library, tmp: Path, *, notes: int = 10_000, launches: int = 3,
        baseline: str | None = None, typed_only: bool = False,
        queries: int = 15, profile: Path | None = None) -> list[Figure]:  # fmt: skip
    """Every search figure (in-process first: it also writes the notes the pty run uses);
    ``queries``: how many times the query is typed for each latency figure."""
    figures, first = in_process(library, tmp, notes)
    return figures + pty_figures(library, tmp, first, launches, baseline, typed_only=typed_only,
                                 queries=queries, profile=profile)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the search benchmark alone and print its rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--big-words", type=int, default=55_000)
    parser.add_argument("--launches", type=int, default=3)
    parser.add_argument("--baseline", metavar="REV", help="the reader to compare launch with")
    parser.add_argument("--typed-only", action="store_true",
                        help="in the pty, only the typed query (index prebuilt; no cold start, "
                             "no launches)")  # fmt: skip
    parser.add_argument("--queries", type=int, default=15, help="runs of each typed query")
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="run the reader under cProfile, its stats written to FILE "
                             "(timings then only relative)")  # fmt: skip
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tui-reader-search-") as name:
        tmp = Path(name)
        library = library_gen.generate(tmp / "library", args.stories, args.big_words)
        rows = run(library, tmp, notes=args.notes, launches=args.launches, baseline=args.baseline,
                   typed_only=args.typed_only, queries=args.queries,
                   profile=args.profile and args.profile.resolve())  # fmt: skip
    for row in rows:
        print(" | ".join(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
