"""Benchmark notes out and back in: every export format and the import, at 10,000 notes.

Run: ``python bench/bench_notes.py [--notes 10000] [--stories 500]``. Target (issue 14): an
export of 10,000 annotations in <= 1 s, with memory bounded (the output is written as it is
made, never held whole). The baseline, measured in the same run, is the smallest possible
export: ``orjson.dumps`` of every annotation's stored fields in one go (what version 1 did).
Each format's row gives its time, its ratio to that baseline, the peak memory it allocated
(tracemalloc) and the size of what it wrote. The folder export (one file per story) is timed
into a new folder (cold) and again over the folder it wrote (unchanged files are kept).
Markdown also needs every note anchored on its story (document order, orphans): where they
are is kept (:mod:`tui_reader.notes.anchor_cache`) by each export, by the reader for each story
it opens and by ``import`` for what it attaches, so an export reads only stories whose file or
notes changed since. Each Markdown figure is given both ways: no anchor kept (every story read:
the cache lost, or every story changed) and anchors kept. A row of
its own compares the plain text it anchors on, read directly where a story is plain prose, with
the whole document built (as before issue 14).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import orjson
from library_gen import generate

from tui_reader.anchoring import describe
from tui_reader.core.document import build_document
from tui_reader.core.document_text import document_text, plain_text
from tui_reader.core.stories import Story, load_story
from tui_reader.library.index import LibraryIndex
from tui_reader.notes.anchor_cache import AnchorCache
from tui_reader.notes.export import FORMATS, write_export, write_export_dir
from tui_reader.notes.importer import ImportReport, import_notes
from tui_reader.notes.library_lookup import cached_lookup, library_lookup
from tui_reader.storage.records import Annotation
from tui_reader.storage.store import Store

Row = tuple[str, float, str]


def populate(root: Path, notes: int, stories: int) -> tuple[Path, Path]:
    """A library of ``stories`` stories and a data dir with ``notes`` notes spread over them."""
    library = root / "stories"
    generate(library, stories, big_words=2000)
    loaded = [load_story(p) for p in sorted(library.glob("*.txt"))]
    texts = [(s, build_document(s.body).text) for s in loaded if isinstance(s, Story)]
    now = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    batch = []
    for i in range(notes):
        story, text = texts[i % len(texts)]
        start = (i * 97) % max(1, len(text) - 200)
        batch.append(
            Annotation(
                str(uuid.uuid4()), story.story_id, describe(text, start, start + 120),
                f"Note {i}: worth checking against last year's figures before quoting.",
                now, now, story.title, str(story.path), ("economy", f"t{i % 13}"),
            )
        )  # fmt: skip
    store = Store.open(root / "data")
    store.import_notes(batch)
    store.close()
    return library, root / "data"


def timed(
    work: Callable[[], object], runs: int = 3, *, settle: bool = False
) -> tuple[float, float]:
    """(best seconds of ``runs``, peak MiB allocated) of ``work``; the memory is taken in one
    more run of its own (tracemalloc slows every allocation down).

    ``settle``: flush the disk before each run (``os.sync``, not timed). A folder export makes
    its files durable with one ``syncfs``, which also writes whatever else is dirty on that
    filesystem: here the tens of MB the rows before it wrote, which are not its cost.
    """
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        if settle:
            os.sync()
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    gc.collect()
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return best, peak


def run(
    notes: int = 10_000, stories: int = 500, base: Path | None = None, runs: int = 3
) -> list[Row]:
    """Every figure, as (metric, value, note) rows; each time the best of ``runs`` (the smoke
    test takes one)."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        root = Path(tmp)
        library, data = populate(root, notes, stories)
        index = LibraryIndex(root / "xdg" / "tui-reader")  # where the CLI's cache dir is
        start = time.perf_counter()
        lookup = library_lookup([library], index)  # what the reader's scan leaves in the cache
        scan_s = time.perf_counter() - start
        known = cached_lookup([library], index)
        store = Store.open(data)
        caches = (root / f"anchors-{i}" for i in itertools.count())

        def fresh_cache() -> AnchorCache:
            """An empty anchor cache: nothing kept a place (every story read)."""
            return AnchorCache.beside(next(caches), data)

        def kept() -> AnchorCache:
            """The anchor cache the exports before filled."""
            return AnchorCache.beside(root / "anchors-kept", data)

        def baseline() -> None:
            docs = [a.__dict__ for a in store.all_annotations()]
            (root / "baseline.json").write_bytes(orjson.dumps(docs))

        baseline()  # warm: the first run pays for imports and caches
        base_s, base_mib = timed(baseline, runs)
        rows.append(("baseline: orjson.dumps of all notes", base_s * 1000, f"{base_mib:.1f} MiB"))
        for fmt, index_known in [*((f, True) for f in FORMATS), ("json", False)]:
            target = root / f"notes.{fmt}"

            def export(
                fmt: str = fmt, target: Path = target, with_index: bool = index_known
            ) -> None:
                with (
                    open(target, "w", encoding="utf-8", newline="") as out,
                    fresh_cache() as anchors,
                ):
                    write_export(store, fmt, out, known=known if with_index else None,
                                 anchors=anchors)  # fmt: skip

            seconds, peak = timed(export, runs)
            size = target.stat().st_size / 2**20
            note = f"{seconds / base_s:.1f}x baseline, peak {peak:.1f} MiB for {size:.1f} MiB out"
            how = "" if index_known else " (no index: every story file read)"
            how += " (no anchor kept: every story read)" if fmt == "markdown" else ""
            rows.append((f"export --format {fmt}{how}", seconds * 1000, note))

        def warm_markdown() -> None:
            target = root / "notes.md"
            with open(target, "w", encoding="utf-8", newline="") as out, kept() as anchors:
                write_export(store, "markdown", out, known=known, anchors=anchors)

        warm_markdown()  # the export before: it finds and keeps every anchor
        seconds, peak = timed(warm_markdown, runs)
        rows.append(("export --format markdown (anchors kept)", seconds * 1000,
                     f"{seconds / base_s:.1f}x baseline, peak {peak:.1f} MiB; no story read: "
                     "every story and note as the export before found them"))  # fmt: skip
        # Cold: a new folder each run (every file created), and no anchor kept. Warm: a new
        # folder, anchors kept. Again: the same export over the folder it wrote (every file
        # already holds its bytes, so none is rewritten).
        vaults = (root / f"vault-{i}" for i in itertools.count())

        def to_new_folder(cache: Callable[[], AnchorCache]) -> None:
            with cache() as anchors:
                write_export_dir(store, next(vaults), known=known, anchors=anchors)

        seconds, peak = timed(lambda: to_new_folder(fresh_cache), min(runs, 2), settle=True)
        vault = root / "vault-0"
        files = len(list(vault.iterdir()))
        rows.append(("export --format markdown -o DIR (no anchor kept)", seconds * 1000,
                     f"{seconds / base_s:.1f}x baseline, peak {peak:.1f} MiB; {files} files in a "
                     "new folder, made durable together; anchors found"))  # fmt: skip
        seconds, peak = timed(lambda: to_new_folder(kept), min(runs, 2), settle=True)
        rows.append(("export --format markdown -o DIR (anchors kept)", seconds * 1000,
                     f"{seconds / base_s:.1f}x baseline, peak {peak:.1f} MiB; the same, no "
                     "story read"))  # fmt: skip

        def again() -> None:
            with kept() as anchors:
                write_export_dir(store, vault, known=known, anchors=anchors)

        again_s, _ = timed(again, min(runs, 2), settle=True)
        rows.append(("export --format markdown -o DIR, again", again_s * 1000,
                     f"{again_s / base_s:.1f}x baseline; the same notes over the same folder: "
                     "no file rewritten, no story read"))  # fmt: skip
        store.close()
        rows += _cli_rows(root, library, data, runs)
        rows.append(_text_row(library, runs))
        w3c = (root / "notes.w3c").read_bytes()
        fresh = Store.open(root / "fresh")
        start = time.perf_counter()
        with AnchorCache.beside(root / "anchors-import", root / "fresh") as anchors:
            report = import_notes(w3c, fresh, lookup, anchors=anchors)  # as the command does
        seconds = time.perf_counter() - start
        tracemalloc.start()
        import_notes(w3c, fresh, lookup, dry_run=True)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        attached = len(report.attached) if isinstance(report, ImportReport) else -1
        rows.append(("import the w3c export (empty data dir)", seconds * 1000,
                     f"{attached} attached, peak {peak:.1f} MiB (a dry run); library scan "
                     f"{scan_s * 1000:.0f} ms more (cold); the places of the notes kept for "
                     "the export"))  # fmt: skip
        fresh.close()
    return rows


WHOLE_COMMANDS: list[tuple[str, list[str], bool]] = [
    ("--format json", ["--format", "json"], False),
    ("--format w3c", ["--format", "w3c"], False),
    ("--format csv", ["--format", "csv"], False),
    ("--format markdown (no anchor kept)", ["--format", "markdown"], True),
    ("--format markdown (anchors kept)", ["--format", "markdown"], False),
    ("--format markdown -o DIR (no anchor kept)", ["--format", "markdown", "-o"], True),
    ("--format markdown -o DIR (anchors kept)", ["--format", "markdown", "-o"], False),
]
"""Each whole command timed: its label, its arguments (``-o`` last: a new folder follows),
and whether the anchors kept before are deleted first (every story then read: the cache
lost, or every story changed since its notes were placed)."""

_WRITE_FILES = """
import os, sys
source, target = sys.argv[1:3]
os.mkdir(target)
for name in sorted(os.listdir(source)):
    with open(os.path.join(source, name), "rb") as old:
        data = old.read()
    with open(os.path.join(target, name), "wb") as new:
        new.write(data)
"""
"""The floor of a folder export: a process that only writes the same files (same names, same
bytes, read from a folder the export wrote) into a new folder, with nothing made durable."""


def _cli_rows(root: Path, library: Path, data: Path, runs: int = 3) -> list[Row]:
    """The whole command a user runs (``tui-reader export ...`` in a process of its own:
    interpreter, imports, the store, the library index, the export, the exit), for every
    format; median of ``runs``, the commands taking turns so that each sees the machine alike.
    Two floors run by turns with them: the interpreter started with nothing to do, and a
    process that only writes the files of a folder export (see :data:`_WRITE_FILES`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "TUI_READER"))}
    env.update(XDG_CACHE_HOME=str(root / "xdg"), XDG_DATA_HOME=str(root / "xdg-data"))
    argv = [sys.executable, "-m", "tui_reader", "export", "--data-dir", str(data),
            "--stories", str(library)]  # fmt: skip
    folders = (root / f"cli-vault-{i}" for i in itertools.count())
    times: dict[str, list[float]] = {label: [] for label, _, _ in WHOLE_COMMANDS}
    floors: dict[str, list[float]] = {"start": [], "files": []}
    written: Path | None = None

    def timed_run(command: list[str]) -> float:
        os.sync()  # what the run before wrote is not flushed during this one
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)
        return time.perf_counter() - start

    for _ in range(runs):
        floors["start"].append(timed_run([sys.executable, "-c", "pass"]))
        for label, args, first in WHOLE_COMMANDS:
            if first:
                for old in (root / "xdg" / "tui-reader").glob("anchors-*"):
                    old.unlink()
            folder = next(folders) if args[-1] == "-o" else None
            extra = [f"{folder}/"] if folder is not None else []
            times[label].append(timed_run([*argv, *args, *extra]))
            written = folder or written
        if written is not None:
            floors["files"].append(
                timed_run([sys.executable, "-c", _WRITE_FILES, str(written), str(next(folders))])
            )
    # The first export after an import (which leaves the anchors of what it attached): a
    # new data dir each round, filled by the import command, then exported once.
    after_import: list[float] = []
    for round_ in range(runs):
        imported = root / f"imported-{round_}"
        subprocess.run([*argv[:3], "import", str(root / "notes.w3c"), "--data-dir",
                        str(imported), "--stories", str(library)], env=env, check=True,
                       capture_output=True, timeout=300)  # fmt: skip
        export = [*argv[:3], "export", "--data-dir", str(imported), "--stories", str(library)]
        after_import.append(timed_run([*export, "--format", "markdown", "-o", f"{next(folders)}/"]))
    files = len(list(written.iterdir())) if written is not None else 0
    start_s = statistics.median(floors["start"])
    rows: list[Row] = [
        ("floor: python -c pass (whole command)", start_s * 1000,
         f"median of {runs}: the interpreter starting and ending, nothing else"),
    ]  # fmt: skip
    if floors["files"]:
        files_s = statistics.median(floors["files"])
        rows.append(("floor: writing a folder export's files (whole command)", files_s * 1000,
                     f"median of {runs}: a python process that only writes the same {files} "
                     "files into a new folder (nothing made durable)"))  # fmt: skip
    for label, _, _ in WHOLE_COMMANDS:
        spread = times[label]
        median = statistics.median(spread)
        verdict = "within" if median <= 1.0 else "over"
        rows.append((f"tui-reader export {label} (whole command)", median * 1000,
                     f"median of {runs} ({min(spread) * 1000:.0f}-{max(spread) * 1000:.0f} "
                     f"ms), {verdict} 1 s; {median / start_s:.0f}x python -c pass"))  # fmt: skip
    median = statistics.median(after_import)
    rows.append(("tui-reader export --format markdown -o DIR (first export after tui-reader "
                 "import) (whole command)", median * 1000,
                 f"median of {runs} ({min(after_import) * 1000:.0f}-"
                 f"{max(after_import) * 1000:.0f} ms), {'within' if median <= 1.0 else 'over'} "
                 "1 s; each into a new data dir the import command filled just before "
                 "(it keeps the places of what it attached)"))  # fmt: skip
    return rows


def _text_row(library: Path, runs: int = 3) -> Row:
    """What the Markdown export anchors on, for every story: the plain text read directly
    (:func:`document_text`) against the whole document built (what it did before)."""
    loaded = [load_story(p) for p in sorted(library.glob("*.txt"))]
    bodies = [s.body for s in loaded if isinstance(s, Story)]
    fast = sum(plain_text(body) is not None for body in bodies)
    fast_s, _ = timed(lambda: [document_text(body) for body in bodies], runs)
    built_s, _ = timed(lambda: [build_document(body).text for body in bodies], runs)
    note = (f"{built_s / fast_s:.1f}x faster than build_document ({built_s * 1000:.0f} ms); "
            f"{fast} of {len(bodies)} stories read without building")  # fmt: skip
    return ("markdown's story texts: document_text", fast_s * 1000, note)


def main(argv: list[str] | None = None) -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--stories", type=int, default=500)
    args = parser.parse_args(argv)
    rows = run(args.notes, args.stories)
    print(f"notes: {args.notes} on {args.stories} stories; python {sys.version.split()[0]}; "
          f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
    width = max(len(metric) for metric, _, _ in rows)
    for metric, ms, note in rows:
        print(f"{metric:<{width}}  {ms:8.1f} ms  {note}")


if __name__ == "__main__":
    main()
