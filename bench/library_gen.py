"""A deterministic synthetic library in the seed story's format, for benchmarks and pty tests.

``generate(root, n)`` writes ``n`` stories of 250-700 words plus one long read (~55,000 words
by default) as ``NNNNN_<hash>.txt`` files, each shaped like
``stories/000_8fca52f5ebd7e4f3.txt``: ``# Title``, ``By [Name](#)``, a date line such as
``September 15, 2021``, Markdown paragraphs, then ``Original url:`` and ``<https://...>``.

Titles, bylines, sources and dates vary; the same ``seed`` always gives the same files. The
long read has the newest date, so it is the first row of the newest-first list. Every story's
first paragraph starts with a unique :attr:`StorySpec.marker` sentence, so a test can see
on screen which story the article shows.

Run ``python bench/library_gen.py DIR [--stories N] [--big-words N]`` to write one by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

NEWEST = dt.date(2026, 6, 30)
"""The long read's date; every other story is older."""


def _words(text: str) -> list[str]:
    """A word list written as one ``|``-separated string (keeps the tables compact)."""
    return [word.strip() for word in text.split("|")]


_PLACES = _words(
    "Almaty|Dushanbe|Riga|Lagos|Quito|Hanoi|Tbilisi|Accra|Lima|Oslo|Cork|Porto|Tromso|Gdansk|"
    "Mombasa|Cusco|Leeds|Perth"
)
_SUBJECTS = _words(
    "Council|Ministers|Regulators|Farmers|Nurses|Dockworkers|Scientists|Voters|Investors|"
    "Teachers|Engineers|Fishermen|Judges|Students|Mayors|Startups|Archivists|Pilots|"
    "Rail Unions|Central Bank"
)
_VERBS = _words(
    "Weigh|Reject|Back|Delay|Approve|Question|Debate|Revive|Shelve|Expand|Challenge|Rethink|"
    "Fund|Cut|Probe|Defend|Unveil|Test"
)
_OBJECTS = _words(
    "Harbour Plan|Water Tariffs|Border Talks|Grain Deal|Wind Farm|Bridge Repair|Housing Rules|"
    "Data Law|Rail Link|Fishing Quotas|Heat Pumps|Flood Defences|School Meals|Tax Reform|"
    "Night Trains|Museum Loan|Port Expansion|Satellite"
)
_FIRST = _words(
    "Anna|Ben|Chidi|Dana|Emil|Farah|Goran|Hana|Ivo|Jun|Kofi|Lena|Mateo|Nadia|Omar|Pia|Quinn|"
    "Rosa|Sami|Tuva|Uma|Viktor"
)
_LAST = _words(
    "Rickleton|Mainville|Okafor|Lindqvist|Moreau|Tanaka|Novak|Haddad|Kowalski|Silva|Ferreira|"
    "Nguyen|Brennan|Ivanova|Mensah|Larsen"
)
_SOURCES = _words(
    "themoscowtimes.com|example-news.org|dailyledger.net|harbourherald.com|northpost.org|"
    "thecivicreview.net|riverside-gazette.com|openwire.org|coastalobserver.com|"
    "metrochronicle.net|fieldnotes.press|thelongview.org"
)
_AGENCIES = _words("AFP|Reuters|AP|dpa|EFE|Kyodo")
_VOCAB = _words(
    "the|a|of|to|in|and|for|on|with|at|by|from|about|after|before|over|under|between|council|"
    "budget|plan|report|minister|officials|said|would|could|should|city|region|water|power|"
    "rail|port|trade|market|prices|workers|union|talks|agreement|proposal|vote|week|month|"
    "year|government|ministry|agency|court|judge|ruling|appeal|public|funding|project|local|"
    "national|border|security|energy|supply|demand|growth|cost|schools|hospitals|housing|"
    "rent|families|residents|analysts|experts|data|study|new|old|first|last|major|minor|"
    "early|late|higher|lower|strong|weak|long|short|announced|warned|added|noted|argued|"
    "agreed|rejected|delayed|approved|expected"
)


@dataclass(frozen=True)
class StorySpec:
    """One generated story: where it is and what the reader should show for it."""

    path: Path
    title: str
    date: dt.date
    marker: str
    """The sentence the first paragraph starts with, unique to this story."""
    words: int
    """Words in the body (approximately what a reader would count)."""


@dataclass(frozen=True)
class Library:
    """A generated library folder."""

    root: Path
    stories: list[StorySpec]
    """Every story, the long read first (scan order)."""
    big: StorySpec
    """The long read: the newest story, the first row of the list."""

    def newest_first(self) -> list[StorySpec]:
        """The stories in the reader's list order: newest first, then by title, then path."""
        return sorted(
            self.stories, key=lambda s: (-s.date.toordinal(), s.title.casefold(), str(s.path))
        )


def _sentence(rng: random.Random, low: int = 8, high: int = 24) -> str:
    words = [rng.choice(_VOCAB) for _ in range(rng.randint(low, high))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), rng.choice(_PLACES))
    return " ".join(words).capitalize() + rng.choice("....!?")


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _body(rng: random.Random, marker: str, words: int) -> tuple[str, int]:
    """Paragraphs of about ``words`` words, the first starting with ``marker``."""
    paragraphs = [f"{marker} {_paragraph(rng, 2)}"]
    if rng.random() < 0.4:
        # A photo caption with a bold credit, as in the seed story.
        paragraphs.append(f"{_sentence(rng)} **{rng.choice(_AGENCIES)} / {rng.choice(_PLACES)}**")
    count = sum(len(p.split()) for p in paragraphs)
    while count < words:
        if rng.random() < 0.04:
            text = f"**Related article:** [{_title(rng)}](#)"
        else:
            text = _paragraph(rng, rng.randint(1, 5))
        paragraphs.append(text)
        count += len(text.split())
    return "\n\n".join(paragraphs), count


def _title(rng: random.Random) -> str:
    form = rng.randrange(3)
    subject, verb, obj = rng.choice(_SUBJECTS), rng.choice(_VERBS), rng.choice(_OBJECTS)
    if form == 0:
        return f"{subject} {verb} {obj} in {rng.choice(_PLACES)}"
    if form == 1:
        return f"{rng.choice(_PLACES)} {subject} {verb} {obj}"
    return f"Why {subject} {verb} the {obj}, Again"


def _story_text(title: str, byline: str, date: dt.date, body: str, url: str) -> str:
    return (
        f"\n\n# {title}\n\nBy [{byline}](#)\n\n{date:%B} {date.day}, {date.year}\n\n\n\n"
        f"{body}\n\nOriginal url:\n\n<{url}>"
    )


def _write(root: Path, index: int, url: str, text: str) -> Path:
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    path = root / f"{index:05d}_{digest}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def generate(root: Path, n: int = 10_000, big_words: int = 55_000, seed: int = 2026) -> Library:
    """Write ``n`` stories plus one long read of about ``big_words`` words into ``root``.

    Args:
        root: The folder to write into (created if missing; existing files are overwritten).
        n: How many ordinary stories.
        big_words: Length of the long read (file ``00000_*.txt``, newest date).
        seed: Same seed, same library.

    Returns:
        The :class:`Library` describing what was written.
    """
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    # One distinct day per story (while there are enough days), handed out in random order.
    ages = list(range(1, n + 1)) if n <= 20_000 else [1 + i % 20_000 for i in range(n)]
    rng.shuffle(ages)
    big_marker = "Longread opens here."
    body, words = _body(rng, big_marker, big_words)
    big_title = "The Long Read: Ten Years of the Harbour That Remade a City"
    big_url = "https://www.thelongview.org/2026/06/30/the-long-read-harbour-a0"
    path = _write(root, 0, big_url, _story_text(big_title, "Dana Lindqvist", NEWEST, body, big_url))
    big = StorySpec(path, big_title, NEWEST, big_marker, words)
    stories = [big]
    titles = {big_title}
    for index in range(1, n + 1):
        title = _title(rng)
        while title in titles:
            title = f"{title} ({rng.randint(2, 999)})"
        titles.add(title)
        date = NEWEST - dt.timedelta(days=ages[index - 1])
        byline = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if rng.random() < 0.5:
            byline += f" in {rng.choice(_PLACES)} for {rng.choice(_AGENCIES)}"
        source = rng.choice(_SOURCES)
        slug = "-".join(title.lower().replace(",", "").replace("(", "").replace(")", "").split())
        url = f"https://www.{source}/{date:%Y/%m/%d}/{slug}-a{index}"
        marker = f"Dispatch {index:05d} opens here."
        body, words = _body(rng, marker, rng.randint(250, 700))
        path = _write(root, index, url, _story_text(title, byline, date, body, url))
        stories.append(StorySpec(path, title, date, marker, words))
    return Library(root, stories, big)


# ----- hostile sizes (issue 11) -------------------------------------------------------------

SHORT_PARAGRAPHS_MARKER = "p0 p1 p2 p3"
"""How the million-paragraph story's first line reads once its paragraphs are rejoined."""
ONE_LINE_MARKER = "Oneliner opens here"


def write_short_paragraphs(path: Path, n: int) -> Path:
    """A story of ``n`` paragraphs ``p0``, ``p1``... separated by blank lines (8.9 MB for 1M).

    Each starts in lower case after one without a full stop: all look like one paragraph
    broken by scraping. It has a heading, a byline and the newest date (the first list row).
    """
    head = f"# A Million Short Paragraphs\n\nBy Hostile Probe\n\n{NEWEST:%B} {NEWEST.day}, 2026\n\n"
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        step = 100_000
        for start in range(0, n, step):
            out.write("\n\n".join(f"p{i}" for i in range(start, min(n, start + step))))
            out.write("\n\n" if start + step < n else "\n")
    return path


def write_one_liner(path: Path, size: int) -> Path:
    """A story of one line of words, ``size`` bytes, no heading (the probe's 31 MB story)."""
    words = (ONE_LINE_MARKER + " " + " ".join(_VOCAB) + " ").encode()
    with path.open("wb") as out:
        left = size - 1
        while left > 0:
            out.write(words[:left])
            left -= len(words[:left])
        out.write(b"\n")
    return path


def main(argv: Sequence[str] | None = None) -> None:
    """Write a library from the command line."""
    parser = argparse.ArgumentParser(description="Write a synthetic story library.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--big-words", type=int, default=55_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    library = generate(args.root, args.stories, args.big_words, args.seed)
    count, words = len(library.stories), library.big.words
    print(f"{count} stories in {library.root} (long read: {words} words)")


if __name__ == "__main__":
    main()
