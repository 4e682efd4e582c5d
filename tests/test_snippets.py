"""The search's quick snippets (plain ASCII bodies, made in Python) against FTS5's own.

FTS5 with the index's tokenizer is the judge: where it finds the words in a body, the quick
snippet shows some of them; where it finds none, the quick snippet is empty (or declines).
"""

from __future__ import annotations

import re
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.library.snippets import quick_snippet

VOCAB = ["harbour", "plan", "plans", "planet", "mayor", "budget", "the", "of", "vote", "x1"]
SEPARATORS = [" ", "  ", ", ", ". ", "\n\n", " - ", "'", "_", "/"]


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 2')")
    return db


def _fts_matches(db: sqlite3.Connection, body: str, words: list[tuple[str, bool]]) -> bool:
    """Whether FTS5 finds any of ``words`` in ``body`` (each on its own: what a snippet marks)."""
    db.execute("DELETE FROM t")
    db.execute("INSERT INTO t(rowid, body) VALUES (1, ?)", (body,))
    expr = " OR ".join('"' + w.replace('"', '""') + '"' + ("*" if p else "") for w, p in words)
    return db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expr,)).fetchone()[0] > 0


def _shows_a_word(snippet: str, words: list[tuple[str, bool]]) -> bool:
    tokens = re.findall(r"[^\W_]+", snippet.lower())
    return any(any(t == w or (p and t.startswith(w)) for t in tokens) for w, p in words)


@settings(max_examples=300, deadline=None)
@given(
    body=st.lists(st.tuples(st.sampled_from(VOCAB), st.sampled_from(SEPARATORS)), max_size=80),
    words=st.lists(
        st.tuples(st.sampled_from([*VOCAB, "café"]), st.booleans()), min_size=1, max_size=3
    ),  # fmt: skip
    tokens=st.integers(min_value=3, max_value=16),
)
def test_the_quick_snippet_agrees_with_fts5(
    fts: sqlite3.Connection,
    body: list[tuple[str, str]],
    words: list[tuple[str, bool]],
    tokens: int,
) -> None:
    text = "".join((word.capitalize() if i % 7 == 0 else word) + sep
                   for i, (word, sep) in enumerate(body))  # fmt: skip
    snippet = quick_snippet(text, words, tokens)
    if not all(word.isascii() for word, _ in words):
        assert snippet is None  # FTS5 folds the accent away: only it can tell
        return
    assert snippet is not None  # plain ASCII single words: never left to FTS5
    if _fts_matches(fts, text, words):
        assert _shows_a_word(snippet, words), (text, words, snippet)
        shown = re.findall(r"[^\W_]+", snippet)
        assert 1 <= len(shown) <= tokens
    else:
        assert snippet == ""
    assert "\n" not in snippet and "  " not in snippet


def test_ellipses_say_where_the_body_goes_on() -> None:
    body = "Harbour plan first. " + "Filler words here. " * 20 + "The end."
    assert quick_snippet(body, [("harbour", False)], 4) == "Harbour plan first. Filler…"
    assert quick_snippet("*Harbour* plan.", [("harbour", False)], 4) == "*Harbour* plan."
    late = quick_snippet(body, [("end", False)], 4)
    assert (
        late is not None and late.startswith("…") and late.endswith("The end.")
    )  # its last marks kept, as FTS5 does


def test_the_window_with_most_words_wins() -> None:
    body = "plan alone. " * 30 + "The mayor and the plan together. " + "plan alone. " * 30
    snippet = quick_snippet(body, [("plan", False), ("mayor", False)], 8)
    assert snippet is not None and "mayor" in snippet and "plan" in snippet


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("Le café du port", [("cafe", False)]),  # accents: folded by FTS5, not here
        ("Le cafe du port", [("café", False)]),  # the same, the other way round
        ("the harbour, plan", [("harbour plan", False)]),  # a phrase split by a comma
    ],
)
def test_what_it_cannot_tell_is_left_to_fts5(body: str, words: list[tuple[str, bool]]) -> None:
    assert quick_snippet(body, words, 12) is None


def test_a_word_only_inside_other_words_gives_no_snippet() -> None:
    assert quick_snippet("planetary planets", [("plan", False)], 12) == ""
    assert quick_snippet("planetary planets", [("plan", True)], 12) == "planetary planets"
