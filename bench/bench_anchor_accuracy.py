"""How often re-anchoring puts a note in the right place, the wrong place, or nowhere.

Run: ``python bench/bench_anchor_accuracy.py [--samples N] [--seed S]``.

On English-like text (a Zipf vocabulary: short common words repeat, as in real prose), passages
of 5-500 characters are annotated, then the text is changed in one of five ways and the note
re-anchored:

- deleted: the passage is cut; the note must become an orphan (any anchor is a false one);
- edited: a few characters (about 1 in 20) of the passage change; the note must find it;
- moved: the passage is cut and put back elsewhere; the note must follow it;
- duplicated: a copy of the passage is added elsewhere; the note must stay on the original;
- context: the words around the passage change, the passage does not; it must stay.

A note is *correct* when its anchor overlaps the passage's new place by at least half, *false*
when it anchors anywhere else (or anywhere at all for a deleted passage), an *orphan* when it
does not anchor. Both policies run on the same samples: ``legacy`` (the Hypothesis client's
rules, the reader's before issue 12) and ``strict`` (today's: short quotes need context).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui_reader.anchoring.anchors import LEGACY, STRICT, Policy, anchor  # noqa: E402
from tui_reader.anchoring.selectors import describe  # noqa: E402

_COMMON = (
    "the of and to a in is it that was he for on are as with his they at be this from have or by "
    "one had not but what all were when we there can an your which their said if do will each "
    "about how up out them then she many some so these would other into has more her two like "
    "him see time could no make than first been its who now people my made over did down only "
    "way find use may water long little very after words called just where most know get "
    "through back much before go good new write our used me man too any day same right look "
    "think also around another came come work three word must because does part even place well"
)
COMMON = _COMMON.split()
KINDS = ("deleted", "edited", "moved", "duplicated", "context")
BUCKETS = ((5, 19), (20, 49), (50, 199), (200, 500))


def make_text(words: int, rng: random.Random) -> str:
    """English-like prose: Zipf-distributed words in sentences and paragraphs."""
    letters = "etaoinshrdlcumwfgypbvk"
    rare = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(4000)]
    vocab = COMMON + rare
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    chosen = rng.choices(vocab, weights=weights, k=words)
    out: list[str] = []
    sentence: list[str] = []
    for word in chosen:
        sentence.append(word)
        if len(sentence) >= rng.randint(8, 24):
            out.append(" ".join(sentence).capitalize() + rng.choice(".!?.."))
            out.append("\n\n" if rng.random() < 0.15 else " ")
            sentence = []
    return "".join(out).rstrip()


def passage(text: str, rng: random.Random) -> tuple[int, int]:
    """A word-aligned passage whose length is log-uniform in 5-500 characters."""
    while True:
        size = int(round(5 * (100 ** rng.random())))  # 5 .. 500
        start = text.find(" ", rng.randrange(len(text) - 600)) + 1
        end = text.find(" ", start + size - 1)
        if 0 < start < end and 5 <= end - start <= 520 and "\n" not in text[start:end]:
            return start, end


def edited(piece: str, rng: random.Random) -> str:
    """``piece`` with about one character in twenty substituted, inserted or deleted."""
    chars = list(piece)
    for _ in range(max(1, len(chars) // 20)):
        at = rng.randrange(len(chars))
        roll = rng.random()
        if roll < 0.5:
            chars[at] = rng.choice("xqzj")
        elif roll < 0.75:
            chars.insert(at, rng.choice("xqzj"))
        elif len(chars) > 3:
            del chars[at]
    return "".join(chars)


Span = tuple[int, int]


def mutate(
    text: str, start: int, end: int, kind: str, rng: random.Random
) -> tuple[str, Span | None]:
    """Change ``text`` as ``kind`` says; return it and where the passage is now (None: gone)."""
    piece = text[start:end]
    if kind == "deleted":
        return text[:start] + text[end:], None
    if kind == "edited":
        new = edited(piece, rng)
        return text[:start] + new + text[end:], (start, start + len(new))
    if kind == "context":
        return _context(text, start, end, rng)
    rest = text[:start] + text[end:]
    where = _far_break(rest, start, rng)
    if kind == "moved":
        return rest[:where] + piece + " " + rest[where:], (where, where + len(piece))
    # duplicated: the original stays, a copy goes far away
    where = _far_break(text, start, rng)
    copy = text[:where] + piece + " " + text[where:]
    shift = len(piece) + 1 if where <= start else 0
    return copy, (start + shift, end + shift)


def _context(text: str, start: int, end: int, rng: random.Random) -> tuple[str, tuple[int, int]]:
    before, after = max(0, start - 40), min(len(text), end + 40)
    prefix, suffix = edited(text[before:start], rng), edited(text[end:after], rng)
    new = text[:before] + prefix + text[start:end] + suffix + text[after:]
    begin = before + len(prefix)
    return new, (begin, begin + end - start)


def _far_break(text: str, avoid: int, rng: random.Random) -> int:
    """A paragraph break at least 2,000 characters from ``avoid``."""
    breaks = [i + 2 for i in range(len(text)) if text.startswith("\n\n", i)]
    far = [b for b in breaks if abs(b - avoid) > 2000] or breaks or [0]
    return rng.choice(far)


def verdict(found: tuple[int, int] | None, expected: tuple[int, int] | None) -> str:
    """``correct``, ``false`` or ``orphan``."""
    if found is None:
        return "orphan" if expected is not None else "correct"
    if expected is None:
        return "false"
    overlap = min(found[1], expected[1]) - max(found[0], expected[0])
    return "correct" if overlap * 2 >= expected[1] - expected[0] else "false"


def bucket(size: int) -> str:
    for low, high in BUCKETS:
        if low <= size <= high + 20:
            return f"{low}-{high}"
    return "other"


def run(samples: int, seed: int) -> Results:
    """Anchor ``samples`` notes per kind with both policies; count verdicts per (kind, size)."""
    rng = random.Random(seed)
    text = make_text(6000, rng)
    results: Results = {"legacy": {}, "strict": {}}
    policies: dict[str, Policy] = {"legacy": LEGACY, "strict": STRICT}
    for kind in KINDS:
        for _ in range(samples):
            start, end = passage(text, rng)
            selectors = describe(text, start, end)
            changed, expected = mutate(text, start, end, kind, rng)
            for name, policy in policies.items():
                found = anchor(changed, selectors, policy=policy)
                span = (found.start, found.end) if found is not None else None
                key = (kind, bucket(end - start))
                results[name].setdefault(key, Counter())[verdict(span, expected)] += 1
    return results


Results = dict[str, dict[tuple[str, str], Counter[str]]]


def totals(
    rows: dict[tuple[str, str], Counter[str]], kinds: tuple[str, ...] = KINDS
) -> Counter[str]:
    """Verdicts summed over ``kinds``."""
    total: Counter[str] = Counter()
    for (kind, _), counts in rows.items():
        if kind in kinds:
            total.update(counts)
    return total


def summary(results: Results) -> dict[str, tuple[int, int, int]]:
    """Per policy: (false attachments, changed passages found again, lightly edited found)."""
    out = {}
    for name, rows in results.items():
        changed = totals(rows, ("edited", "moved", "duplicated", "context"))["correct"]
        out[name] = (totals(rows)["false"], changed, totals(rows, ("edited",))["correct"])
    return out


def main(argv: list[str] | None = None) -> None:
    """Run and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=120, help="notes per kind")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    results = run(args.samples, args.seed)
    print(f"{args.samples} notes per kind, passages of 5-500 characters, seed {args.seed}")
    print(f"{'kind':<11} {'size':>7} | {'legacy: ok / false / orphan':>27} | "
          f"{'strict: ok / false / orphan':>27}")  # fmt: skip
    for key in sorted(set(results["legacy"]) | set(results["strict"])):
        cells = []
        for name in ("legacy", "strict"):
            c = results[name].get(key, Counter())
            cells.append(f"{c['correct']:>9} / {c['false']:>5} / {c['orphan']:>6}")
        print(f"{key[0]:<11} {key[1]:>7} | {cells[0]:>27} | {cells[1]:>27}")
    print()
    for name, (false, changed, edited) in summary(results).items():
        orphans = totals(results[name])["orphan"]
        print(f"{name:<7} false attachments {false:>4}   changed passages found {changed:>4}   "
              f"lightly edited found {edited:>4}   orphans {orphans:>4}")  # fmt: skip


if __name__ == "__main__":
    main()
