"""The benchmark must never rot: ``bench/run.py --quick`` runs and prints every figure."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.bench_tables import assert_positive_figure, ratios, table
from tests.paths import BENCH, REPO

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)

SECTIONS = {
    "launch": [
        "bare Textual app -> first screen",
        "warm launch -> list visible",
        "cold launch -> list visible",
        "cold launch -> index saved",
    ],
    "session": [
        "RSS, ",
        "j step in the list: latency",
        "j step in the list: bytes written per key",
        "open a story",
        "-word story -> first paint",
        "page-down in the article: latency",
        "page-down in the article: bytes per key",
    ],
    "colours": ["j step bytes, 256 colours"],
    "store": ["durable annotation save", "store open"],
    "anchoring": ["re-anchor"],
    "accuracy": ["re-anchoring 100 notes", "lightly edited passages found again"],
    "feeds": ["feedparser.parse(bytes) alone (baseline)", "first refresh over HTTP"],
    "hostile": [
        "short paragraphs -> first paint",
        "short paragraphs: j in the list while it loads",
        "short paragraphs: q while it loads -> process exits",
        "short paragraphs: peak RSS growth opening it",
        "one-line story -> first paint",
        "one-line story: j in the list while it loads",
        "one-line story: q while it loads -> process exits",
        "one-line story: peak RSS growth opening it",
        "load + parse + lay out",
    ],
    "search": [
        "search index build from nothing",
        "index update after saving a note",
        "index update after one story file changed",
        "/ + query + enter in one write -> results drawn",
        "the floor: the least Textual does for that frame",
        "/ + query typed and shown, then enter alone -> results drawn",
        "results frame: bytes written",
        "RSS growth from building the index",
        "warm launch -> list visible (median",
    ],
    "read": [
        "-word story -> first paint",
        "page-down in the article: latency",
        "page-down in the article: reader CPU per key",
        "page-down in the article: bytes per key",
        "10 j in one write in the article: bytes",
    ],
}
"""Every figure issue 6 asks for, by the section of ``bench/run.py`` that prints it (a row that
failed says ``n/a (reason)`` but is still there). Run in the groups below."""

MEASURED_HERE = [*SECTIONS["launch"], *SECTIONS["session"], *SECTIONS["colours"], *SECTIONS["read"]]
"""The pty figures this suite owns: these must be real measurements, never ``n/a``."""


def test_every_section_is_smoke_tested() -> None:
    """A section added to the benchmark gets its smoke test here."""
    names = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--only", "no-such-section"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert names.returncode == 2, names.stderr
    listed = names.stderr.rsplit("choose from ", 1)[-1].strip().split(", ")
    assert listed == list(SECTIONS), names.stderr


GROUPS = [
    ("launch",),
    ("session",),
    ("colours",),
    ("store", "anchoring", "accuracy", "feeds"),
    ("hostile",),
    ("search",),
    ("read",),
]
"""The sections run together in one quick run: those in the reader's pty alone (so they run in
parallel); the in-process ones, a second or two each, share one run (one library, one start)."""


def test_every_section_is_in_one_group() -> None:
    assert sorted(s for group in GROUPS for s in group) == sorted(SECTIONS)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and pty")
@pytest.mark.parametrize("group", GROUPS, ids=["+".join(group) for group in GROUPS])
def test_quick_benchmark_prints_every_figure(group: tuple[str, ...]) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--only", ",".join(group)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert lines[0].split("|")[1].strip() == "figure", done.stdout
    figures = [figure for section in group for figure in SECTIONS[section]]
    for figure in figures:
        assert any(figure in line for line in lines), f"no row for {figure!r}:\n{done.stdout}"
    ran = [line.split(":")[0] for line in done.stderr.splitlines() if line.startswith("section ")]
    # Only the sections asked for, in the table's order.
    assert ran == [f"section {section}" for section in group], done.stderr[-3000:]
    measured = [figure for figure in figures if figure in MEASURED_HERE]
    # The hostile rows are measured too, but a key in the list may take "0.000 s".
    for figure in measured if group != ("hostile",) else SECTIONS["hostile"]:
        row = next(line for line in lines if figure in line)
        assert "n/a" not in row, f"{figure!r} was not measured:\n{row}\n{done.stderr[-3000:]}"
    for line in lines[1:]:
        assert line.rstrip().endswith(("| yes  |", "| NO   |", "| -    |", "| n/a  |")), line
    # The figures are real: positive times and sizes, finite ratios to their baselines.
    cells = {row[0]: row for row in table(done.stdout)[1:]}
    for figure in measured:
        _name, value, _target, versus, _met = next(r for n, r in cells.items() if figure in n)
        assert_positive_figure(value)
        ratios(versus)
    if group == ("launch",):
        assert cells[SECTIONS["launch"][0]][3] == "baseline", done.stdout
        warm = next(row for name, row in cells.items() if name.startswith("warm launch"))
        assert ratios(warm[3]), done.stdout  # compared with the bare app's launch
