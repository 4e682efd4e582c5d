"""The query language: words, phrases, prefixes, exclusions, filters, and clear errors."""

from __future__ import annotations

import datetime as dt

import pytest

from tui_reader.core.textfold import FoldedText, fold, spaced_cjk, unspaced_cjk
from tui_reader.library.query import Facet, QueryError, Term, parse


def test_words_phrases_prefixes_and_exclusions() -> None:
    query = parse('harbour "night trains" harb* -budget -"tax reform"')
    assert query.terms == (
        Term("harbour"),
        Term("night trains", phrase=True),
        Term("harb", prefix=True),
        Term("budget", negated=True),
        Term("tax reform", phrase=True, negated=True),
    )
    assert query.fts() == (
        '("harbour" AND "night trains" AND "harb"*) NOT ("budget" OR "tax reform")'
    )
    assert query.find_words() == [("harbour", False), ("night trains", False), ("harb", True)]


def test_filters_are_folded_and_dates_cover_months_and_years() -> None:
    query = parse('is:Unread has:note tag:Wörk feed:"Le Monde" by:anna -tag:x '
                  "since:2021-09 until:2021-02 in:notes")  # fmt: skip
    assert query.scope == "notes"
    assert query.facets[:4] == (
        Facet("is", "unread"),
        Facet("has", "note"),
        Facet("tag", "work"),
        Facet("feed", "le monde"),
    )
    assert Facet("tag", "x", negated=True) in query.facets
    since, until = query.facets[-2:]
    assert since.day == dt.date(2021, 9, 1)
    assert until.day == dt.date(2021, 2, 28)
    assert parse("until:2020").facets[0].day == dt.date(2020, 12, 31)
    assert parse("until:2021-12").facets[0].day == dt.date(2021, 12, 31)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour:red", "Unknown filter colour:"),
        ("is:later", "is:later is not known; use is:unread, is:read, is:bookmarked"),
        ("has:", "has: needs a value"),
        ("since:last-week", "since: wants a date like 2021-09-01"),
        ("until:2021-02-30", "until:2021-02-30 is not a date"),
        ('"open quote', "A quote is not closed"),
        ("harbour - x", "A lone - must be followed by a word"),
        ("*", "A * must follow the start of a word"),
        ("in:notes in:title", "not both"),
        ("-in:notes", "in: cannot be negated"),
    ],
)
def test_malformed_queries_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("*", r"\*")):
        parse(text)


def test_plain_words_with_colons_and_punctuation_are_text() -> None:
    assert parse("10:30").terms == (Term("10:30"),)
    assert parse("[/] — ...").empty  # nothing searchable: everything
    assert parse("").empty


def test_user_text_is_never_fts_syntax() -> None:
    query = parse('NEAR(a b) OR x" "y')  # the quotes pair up: a phrase, never syntax
    expression = query.fts()
    assert expression is not None
    assert ' OR "' not in expression.replace('"OR"', "")


def test_cjk_words_become_phrases_of_characters() -> None:
    gap = "\u2009"
    assert parse("天气").fts() == f'("{gap}天{gap}{gap}气{gap}")'
    assert spaced_cjk("北京 ok").split() == ["北", "京", "ok"]
    assert unspaced_cjk(spaced_cjk("北京，天气 ok。")) == "北京，天气 ok。"


def test_folding_and_finding_in_a_story() -> None:
    assert fold("Ça Éclaire ÀÉÎ") == "ca eclaire aei"
    text = "Café society. CAFE closed; the cafés reopen. Москва, МОСКВА! 北京天气很好"
    folded = FoldedText.of(text)
    cafe = folded.find("cafe", whole_word=True)
    assert [text[a:b] for a, b in cafe] == ["Café", "CAFE"]
    assert [text[a:b] for a, b in folded.find("cafe", whole_word=True, prefix=True)] == [
        "Café", "CAFE", "caf\u00e9"
    ]  # fmt: skip
    assert [text[a:b] for a, b in folded.find("москва", whole_word=True)] == ["Москва", "МОСКВА"]
    assert [text[a:b] for a, b in folded.find("天气", whole_word=True)] == ["天气"]
    decomposed = "Cafe\u0301 noir"  # an accent as a combining mark
    spans = FoldedText.of(decomposed).find("café")
    assert [decomposed[a:b] for a, b in spans] == ["Cafe\u0301"[:4]]
