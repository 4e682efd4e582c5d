"""Benchmark article extraction on real pages with known answers (Mozilla Readability's tests).

Run: ``python bench/bench_extract.py [--pages DIR] [--repeat 3]``.

Each folder of ``--pages`` (default: ``$TUI_READER_PAGES``, else ``shared/pages`` beside
the checkout, or above it) holds ``source.html``, the article Readability extracted
(``expected.html``) and its metadata (``expected-metadata.json``). For every extractor the
table gives:

- title: exact matches with the expected title (runs of whitespace collapsed on both sides);
- byline: matches (case and whitespace folded) among the pages whose byline is known;
- text F1: the token F1 (lower-cased ``\\w+`` words, as multisets) of the extracted text
  against ``expected.html``'s text; median and worst, with the worst page named;
- time: median and slowest of the per-page medians of ``--repeat`` runs (after one warm-up).

Rows: trafilatura and readability-lxml as they come, and ``tui-reader`` (what ``save`` uses:
trafilatura plus the page's JSON-LD / meta tags and the fix-ups of
:mod:`tui_reader.core.html.extract`; its text is the Markdown written to the story, with link
targets dropped).

readability-lxml is not a dependency (its ``lxml[html-clean]`` extra trips pip 23's resolver
next to jusText's ``lxml[html_clean]``): ``pip install readability-lxml`` to get its row.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui_reader.core.html.extract import NotArticle, extract_article  # noqa: E402

BASE_URL = "http://fakehost/test/page.html"  # what Readability's tests parse the pages as
_WORD = re.compile(r"\w+")
_MD_TARGET = re.compile(r"\]\([^)]*\)|<https?://[^>]*>")


@dataclass(frozen=True)
class Result:
    title: str | None
    byline: str | None
    text: str


def _html_text(html: str) -> str:
    from lxml.html import fromstring

    return fromstring(html).text_content() if html.strip() else ""


def run_trafilatura(source: str) -> Result:
    import trafilatura
    from lxml.html import fromstring

    out = trafilatura.extract(
        source,
        url=BASE_URL,
        output_format="html",
        with_metadata=True,
        include_links=True,
        include_images=True,
        include_formatting=True,
        include_comments=False,
    )
    if not out:
        return Result(None, None, "")
    page = fromstring(out)
    found = {m.get("name"): m.get("content") for m in page.iterfind(".//head/meta")}
    body = page.find("body")
    return Result(
        found.get("title"), found.get("author"), body.text_content() if body is not None else ""
    )


def run_readability(source: str) -> Result:
    from readability import Document

    doc = Document(source, url=BASE_URL)
    return Result(doc.short_title(), None, _html_text(doc.summary(html_partial=True)))


def run_ours(source: str) -> Result:
    try:
        article = extract_article(source, BASE_URL)
    except NotArticle:
        return Result(None, None, "")
    return Result(article.title, article.byline, _MD_TARGET.sub("]", article.markdown))


EXTRACTORS: dict[str, Callable[[str], Result]] = {
    "trafilatura": run_trafilatura,
    "readability-lxml": run_readability,
    "tui-reader (trafilatura + page meta)": run_ours,
}


def _tokens(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.casefold()))


def token_f1(got: str, want: str) -> float:
    """Token F1 of two texts (lower-cased words as multisets)."""
    a, b = _tokens(got), _tokens(want)
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def _fold(text: str | None) -> str:
    return " ".join((text or "").split())


def default_pages() -> Path:
    """``$TUI_READER_PAGES``, else the first ``shared/pages`` beside the checkout or above it."""
    env = os.environ.get("TUI_READER_PAGES")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parent.parent
    for folder in checkout.parents:
        if (folder / "shared" / "pages").is_dir():
            return folder / "shared" / "pages"
    return checkout.parent / "shared" / "pages"


def measure(pages: Path, repeat: int) -> list[list[str]]:
    """One table row per extractor."""
    folders = sorted(p for p in pages.iterdir() if (p / "source.html").is_file())
    if not folders:
        raise SystemExit(f"no pages in {pages}")
    cases = [
        (
            p.name,
            (p / "source.html").read_text("utf-8"),
            _html_text((p / "expected.html").read_text("utf-8")),
            json.loads((p / "expected-metadata.json").read_text("utf-8")),
        )
        for p in folders
    ]
    rows = []
    for name, run in EXTRACTORS.items():
        if name == "readability-lxml" and importlib.util.find_spec("readability") is None:
            rows.append([name, "not installed: pip install readability-lxml", *[""] * 5])
            continue
        titles = bylines = with_byline = 0
        scores: list[tuple[float, str]] = []
        times: list[float] = []
        for page, source, expected, meta in cases:
            run(source)  # warm-up: caches, lazy imports
            spent = []
            for _ in range(repeat):
                started = time.perf_counter()
                result = run(source)
                spent.append(time.perf_counter() - started)
            times.append(statistics.median(spent))
            titles += _fold(result.title) == _fold(meta.get("title"))
            if meta.get("byline"):
                with_byline += 1
                bylines += _fold(result.byline).casefold() == _fold(meta["byline"]).casefold()
            scores.append((token_f1(result.text, expected), page))
        median = statistics.median(s for s, _ in scores)
        worst = min(scores)
        rows.append(
            [
                name,
                f"{titles}/{len(cases)} ({100 * titles / len(cases):.0f}%)",
                f"{bylines}/{with_byline} ({100 * bylines / max(with_byline, 1):.0f}%)",
                f"{median:.3f}",
                f"{worst[0]:.3f} ({worst[1]})",
                f"{1000 * statistics.median(times):.0f} ms",
                f"{1000 * max(times):.0f} ms",
            ]
        )
    return rows


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=None, help="folder of page folders")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per page (median)")
    args = parser.parse_args()
    pages = args.pages or default_pages()
    logging.disable(logging.WARNING)  # trafilatura and readability log every odd page
    rows = measure(pages, max(1, args.repeat))
    head = ["extractor", "title exact", "byline", "text F1 median", "text F1 worst"]
    head += ["time/page median", "time/page max"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, ["-" * w for w in widths], *rows]:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    count = len([p for p in pages.iterdir() if (p / "source.html").is_file()])
    print(f"\n{count} pages from {pages}; Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
