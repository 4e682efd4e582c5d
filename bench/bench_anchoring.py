"""Benchmark re-anchoring: 200 annotations on a ~50,000-word story.

Run: ``python bench/bench_anchoring.py [--words N] [--annotations N] [--repeat N]``.
Prints the median milliseconds of one ``anchor_many`` call per case:

- unchanged: the text is as annotated (every annotation anchors by position);
- shifted: a paragraph inserted at the start moves every passage (exact search);
- edited 20%: a typo fixed inside 20% of the quotes (fuzzy search for those);
- deleted 20%: 20% of the passages cut (the worst case: a fuzzy search of the whole
  story for each, which mostly ends orphaned).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui_reader.anchoring.anchors import anchor_many  # noqa: E402
from tui_reader.anchoring.selectors import describe  # noqa: E402

Selectors = Sequence[Mapping[str, object]]


def make_story(words: int, seed: int = 2026) -> str:
    """Return a deterministic story of about ``words`` words in sentences and paragraphs."""
    rng = random.Random(seed)
    letters = "etaoinshrdlcumwfgypbvk"
    vocab = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(3000)]
    out: list[str] = []
    sentence: list[str] = []
    for i in range(words):
        sentence.append(rng.choice(vocab))
        if len(sentence) >= rng.randint(8, 24) or i == words - 1:
            out.append(" ".join(sentence).capitalize() + rng.choice(".!?.."))
            out.append("\n\n" if rng.random() < 0.15 else " ")
            sentence = []
    return "".join(out).rstrip() + "\n"


def make_annotations(
    text: str, count: int, seed: int = 7
) -> list[tuple[int, int, list[dict[str, object]]]]:
    """Return ``count`` (start, end, selectors) for word-aligned passages of 20-200 chars."""
    rng = random.Random(seed)
    result: list[tuple[int, int, list[dict[str, object]]]] = []
    while len(result) < count:
        start = text.find(" ", rng.randrange(len(text) - 250)) + 1
        end = text.find(" ", start + rng.randint(20, 200))
        if 0 < start < end:
            result.append((start, end, describe(text, start, end)))
    return result


def _typo_fixed(text: str, spans: list[tuple[int, int]], seed: int = 11) -> str:
    """Change 1-3 characters inside each span (substitutions and insertions)."""
    rng = random.Random(seed)
    for start, end in sorted(spans, reverse=True):  # back to front keeps offsets valid
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(start + 2, end - 2)
            keep = 0 if rng.random() < 0.5 else 1
            text = text[:at] + rng.choice("xqzj") + text[at + keep :]
    return text


def _median_ms(text: str, selectors: list[Selectors], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        anchor_many(text, selectors)
        times.append((time.perf_counter() - begin) * 1000)
    return statistics.median(times)


def run(words: int = 50_000, annotations: int = 200, repeat: int = 5) -> list[tuple[str, float]]:
    """Measure each case; return ``(case, median ms of one anchor_many call)`` rows."""
    text = make_story(words)
    notes = make_annotations(text, annotations)
    selectors: list[Selectors] = [sel for _, _, sel in notes]
    shifted = "Correction: an earlier version of this story misnamed the council.\n\n" + text
    rng = random.Random(3)
    edited_spans = [(s, e) for s, e, _ in rng.sample(notes, max(1, annotations // 5))]
    edited = _typo_fixed(text, edited_spans)
    cut = text
    for start, end in sorted(edited_spans, reverse=True):
        cut = cut[:start] + cut[end:]
    return [
        ("unchanged", _median_ms(text, selectors, repeat)),
        ("shifted", _median_ms(shifted, selectors, repeat)),
        ("edited 20%", _median_ms(edited, selectors, repeat)),
        ("deleted 20%", _median_ms(cut, selectors, repeat)),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Parse arguments, run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--annotations", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    rows = run(args.words, args.annotations, args.repeat)
    print(f"{args.annotations} annotations, {args.words} words, median of {args.repeat}")
    print(f"{'case':<12} {'ms':>9}")
    for case, ms in rows:
        print(f"{case:<12} {ms:>9.2f}")


if __name__ == "__main__":
    main()
