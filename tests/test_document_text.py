"""The plain text of a body without building its blocks (:mod:`tui_reader.core.document_text`)
is exactly ``build_document(body).text``: on generated Markdown full of syntax, on plain prose
it must take, and on every story file the repository holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.paths import REPO
from tui_reader.core.document import build_document
from tui_reader.core.document_text import document_text, plain_text
from tui_reader.core.stories import Story, load_story

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)

# Pieces of Markdown that start (or nearly start) syntax, with plain words between them.
_PIECES = [
    "word", "Word", "2025", "x", " ", " ", "  ", "\n", "\n\n", "\n\n\n", "**", "*", "***",
    "[", "]", "(", ")", "](", "](#)", "[a](#)", "[b c](http://x.org/a?b=1)", "[^1]", "[x]: /u",
    "[a](javascript:x)", "[a](Data:x)", "# ", "## ", "####### ", "#", " #", "# x #", "- ", "+ ",
    "1. ", "2) ", "12", ".", ",", ":", ";", "!", "?", "'", '"', "“", "”", "’", "&", "&amp;",
    "&#35;", "& ", "<", ">", "> ", "_", "__", "`", "~~", "\\", "|", "^", "^[", "![", "{{", "{%",
    "=", "==", "---", "\t", "\u00a0", "\u2003", "\u200b", "\u3000", "\ufeff", "é", "Ёж", "€",
    "✓", "\U0001f600", "\r", "\x00", "\x85", "\x1c", "\u2028", "\u2029", ":**", "**:", "(**",
    "**)", "**a**", "**a b.**", "www.x.org", "[a](data:image/png)", "[a](#)b", "a[b](/c?d=e)",
]  # fmt: skip

_BANNED = (
    "\\", "`", "~", "<", "_", "|", "\t", "\r", "\x00", "\x85", "\x1c",
    "&a", "&#", "![", "^[", "{",
)  # fmt: skip
_soup = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
# Without what is refused anywhere in a body, so most bodies get as far as their lines.
_near_plain = st.lists(
    st.sampled_from([p for p in _PIECES if not any(b in p for b in _BANNED)]), max_size=24
).map("".join)
_words = st.text(
    alphabet=st.characters(
        categories=["Lu", "Ll", "Nd", "Po", "Pe", "Ps", "Zs", "So", "Sc"],
        exclude_characters="\\`~<_|*[]&!^{#",
    ),
    min_size=1,
    max_size=12,
)


def _same(body: str) -> str | None:
    fast = plain_text(body)
    if fast is not None:
        assert fast == build_document(body).text, body
    return fast


@settings(max_examples=200)
@given(_soup)
@example("**Related article:** [Perth Farmers](#)\nnext line **AFP / Quito**")
@example("# Title\nparagraph right after\n# another\n\n\ntext")
@example("a **b**c")  # a closing "**" before a letter does not close
@example("[a](#)**b**")
@example("**a**\n**b**")
def test_plain_text_is_the_documents_text_whenever_it_answers(body: str) -> None:
    _same(body)


@settings(max_examples=300)
@given(_near_plain)
@example("** word**")  # opens before a space: not emphasis
@example("**word **")  # closes after a space: not emphasis
@example("x **a**b")
@example("(**a**)")
@example("**a**:b")
def test_plain_text_is_the_documents_text_on_nearly_plain_bodies(body: str) -> None:
    _same(body)


# A plain word: letters and digits (a run of them may not start a line as "1.").
_plain_word = st.text(
    alphabet=st.characters(categories=["Lu", "Ll", "Lo", "Nd"]), min_size=1, max_size=8
).filter(lambda w: not w[0].isdigit())
_plain_line = st.lists(
    st.one_of(
        _plain_word,
        _plain_word.map(lambda w: f"**{w}**"),
        _plain_word.map(lambda w: f"**{w}:**"),
        st.tuples(_plain_word, st.sampled_from(["#", "", "https://e.org/a-b", "/p?q=1"])).map(
            lambda t: f"[{t[0]} x]({t[1]})"
        ),
        st.sampled_from([",", ".", "!", "?", "(", ")", "&", "-", "'", "“", "€"]),
    ),
    min_size=1,
    max_size=10,
).map(lambda parts: " ".join(parts))
_plain_block = st.one_of(
    st.lists(_plain_line.filter(lambda s: s[0] not in "-(&')!?.,“€"), min_size=1, max_size=4).map(
        "\n".join
    ),
    st.tuples(st.integers(1, 6), _plain_line).map(lambda t: "#" * t[0] + " " + t[1]),
)


@settings(max_examples=100)
@given(st.lists(_plain_block, max_size=8), st.sampled_from(["\n\n", "\n\n\n", "\n"]))
def test_plain_prose_takes_the_fast_way_and_gives_the_same_text(
    blocks: list[str], gap: str
) -> None:
    body = gap.join(blocks)
    assert plain_text(body) is not None, body
    assert document_text(body) == build_document(body).text


@given(_words)
def test_plain_words_are_their_own_text(words: str) -> None:
    assert _same(words) in (None, words.strip())


def _story_files() -> list[Path]:
    """The stories of the repository and its fixtures, and the real article pages' extracted
    articles (``expected.html``: the body a saved page gets). Their whole ``source.html`` pages
    are left out: extracting them is tested elsewhere and was two thirds of this test's time."""
    folders = [REPO / "stories", REPO / "tests" / "fixtures", REPO.parent / "shared" / "pages"]
    return [
        p
        for folder in folders
        if folder.is_dir()
        for p in sorted(folder.rglob("*"))
        if p.name != "source.html"
    ]


def test_every_story_in_the_repository_and_a_generated_library(tmp_path: Path) -> None:
    from library_gen import generate

    generate(tmp_path, 60, big_words=3000)
    fast = 0
    stories = 0
    for path in [*_story_files(), *sorted(tmp_path.glob("*.txt"))]:
        story = load_story(path) if path.is_file() else None
        if isinstance(story, Story):
            stories += 1
            fast += _same(story.body) is not None
            assert document_text(story.body) == build_document(story.body).text, path
    assert stories > 60 and fast >= 61  # the generated library and the seed story at least
