"""The vault's front matter writer: read back by ``yaml.safe_load`` to exactly what was given,
over arbitrary text, and byte for byte what ``yaml.safe_dump`` wrote where the text is
printable (files exported before the writer stay the same)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
import yaml.resolver
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from tui_reader.core.frontmatter_out import _reads_as_text, front_matter_yaml

# What makes YAML misread a value: indicators first or inside, quotes, comments, words and
# numbers it resolves as other types, document markers, spaces at the ends, odd characters.
TRICKY = [
    "", " ", "  ", "-", "- a", "-a", "--- x", "---", "...", "...x", "?", "? x", "?x", ":", ": x",
    ":x", "a:", "a: b", "a:b", "a #b", "a#b", "#x", "*x", "&x", "!x", "%x", "@x", "`x", "|", ">",
    "'", "''", "it's", '"', 'say "hi"', "\\", "a\\nb", "[x]", "{x}", "x, y", "yes", "No", "on",
    "OFF", "null", "Null", "~", "true", "12", "-3", "0x1F", "0o17", "1_000", "1.5", "1e3", ".inf",
    "-.INF", ".nan", "2021-09-15", "2021-09-15 10:00:00", "12:30", "1:30:00", "=", "<<",
    "\t", "a\tb", "\n", "a\nb", "a\n", "\r", "\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\x9b",
    "\xa0", "\xa0x\xa0", "\u2028", "\u2029", "\ufeff", "\ufeffx", "\ufffe", "\uffff", "\ud800",
    "\udfff", "\U0010ffff", "\U0001f600", "\u202eevil", "ру", "✓ done", "é", "日本語",
]  # fmt: skip

any_char = st.one_of(
    st.characters(),  # all of unicode but surrogates
    st.sampled_from([c for t in TRICKY for c in t] + ["\ud800", "\udc00", " ", " ", "'"]),
)
texts = st.one_of(
    st.sampled_from(TRICKY),
    st.text(any_char, max_size=40),
    st.builds("".join, st.lists(st.sampled_from(TRICKY), max_size=6)),
    # Long lines of words: where PyYAML folds
    st.builds(" ".join, st.lists(st.text(any_char, min_size=1, max_size=12), max_size=30)),
)
fields = st.fixed_dictionaries(
    {
        "title": texts,
        "author": st.none() | texts,
        "date": st.none() | texts,
        "url": st.none() | texts,
        "tags": st.lists(texts, max_size=5),
    }
)


def yaml_printable(char: str) -> bool:
    """What YAML 1.1 lets a scalar hold as it is (not a line break, not the BOM)."""
    code = ord(char)
    return (
        0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code < 0x10FFFF
    ) and char not in "\u2028\u2029\ufeff"


# Printable text only (what a sanitized title or tag is): PyYAML writes it plain or single-quoted.
printable_char = st.one_of(
    st.sampled_from(list(" -?:#'\"&*!|>%@`,[]{}.~0123456789 aZ")),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(min_codepoint=0xA0).filter(yaml_printable),
)
printable = st.one_of(
    st.sampled_from([t for t in TRICKY if t.isprintable() or t.strip(" \xa0") == ""]),
    st.text(printable_char, max_size=120),
    st.builds(" ".join, st.lists(st.text(printable_char, min_size=1, max_size=9), max_size=25)),
)


def dumped(meta: dict[str, Any]) -> str:
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)


@settings(max_examples=150)
@given(fields)
@example({"title": "x " * 60, "author": None, "date": "2021-09-15", "url": None, "tags": []})
def test_reads_back_as_exactly_what_was_written(meta: dict[str, Any]) -> None:
    text = front_matter_yaml(meta)
    assert yaml.safe_load(text) == meta
    assert text.endswith("\n") and list(yaml.safe_load(text)) == list(meta)  # order kept


@settings(max_examples=150)
@given(printable, st.sampled_from(["title", "url", "a"]))
@example("The Long Read: Ten Years of the Harbour That Remade a City", "title")
@example("word " * 30, "title")
@example("x" * 100 + " y" * 20, "title")
@example(" a" + " b" * 50 + " ", "url")
@example("x" * 90 + " ", "title")  # a space at the end is never folded
@example("x" * 90 + "  y", "title")  # nor two spaces
def test_printable_text_is_what_pyyaml_writes(value: str, key: str) -> None:
    meta = {key: value, "tags": [value, value + "'s"]}
    assert front_matter_yaml(meta) == dumped(meta)


@pytest.mark.parametrize("value", TRICKY)
def test_each_tricky_value_alone(value: str) -> None:
    meta = {"title": value, "author": None, "date": None, "url": value, "tags": [value]}
    text = front_matter_yaml(meta)
    assert yaml.safe_load(text) == meta
    if all(yaml_printable(c) for c in value):
        assert text == dumped(meta)
    else:  # escaped, on one line
        assert text.count("\n") == 6 and '"' in text


def test_a_key_that_is_not_plain_is_refused() -> None:
    with pytest.raises(ValueError, match="not a plain front matter key"):
        front_matter_yaml({"a: b": "x"})


def pyyaml_resolves(text: str) -> bool:
    """PyYAML's own test: whether one of its implicit resolvers for the first character reads
    ``text`` (written plain) as something other than a string."""
    table = yaml.resolver.Resolver.yaml_implicit_resolvers
    candidates = [*table.get(text[:1], []), *table.get(None, [])]
    return any(pattern.match(text) for _, pattern in candidates)


# Text each of PyYAML's own patterns accepts (numbers, dates, booleans...), and text near it.
resolved_like = st.one_of(
    *(
        st.from_regex(pattern, fullmatch=True)
        for patterns in yaml.resolver.Resolver.yaml_implicit_resolvers.values()
        for _, pattern in patterns
    )
)
near_resolved = st.text(st.sampled_from("0123456789_.:-+eE bxXoO\tTtZzyesnoNrufalFLSinINfaN~=<!&*"))


@settings(max_examples=400)
@given(st.one_of(resolved_like, near_resolved, st.sampled_from(TRICKY)))
@example("2021-9-5T1:00:00.5 +01:00")
@example("2021-09-15 10:00:00")
@example("2021 -09 -15")  # PyYAML's pattern is verbose: its spaces are not in the text
@example("")
def test_text_read_as_another_type_is_what_pyyaml_resolves(text: str) -> None:
    assume("\n" not in text)  # never asked: text with a line break is double-quoted
    assert (not _reads_as_text(text)) == pyyaml_resolves(text)


def test_every_character_is_escaped_exactly_when_yaml_cannot_hold_it() -> None:
    """Every character of the first plane and the edges of the others, one at a time: written
    as it is where YAML 1.1 allows it."""
    astral = [0x10000, 0x1F600, 0xE0001, 0x10FFFD, 0x10FFFE, 0x10FFFF]
    wrong = [
        hex(code)
        for code in [*range(0x10000), *astral]
        if (front_matter_yaml({"a": chr(code)}).startswith('a: "')) == yaml_printable(chr(code))
        and chr(code) not in "\"\\'"  # quotes: escaped or quoted for their own reasons
    ]
    assert not wrong, wrong[:20]
