"""Helpers for the notes export/import tests: a small library with awkward text, notes on it
saved through the real store, and readers for what the formats write."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from tests.app_helpers import write_story
from tui_reader.anchoring import describe
from tui_reader.core.document import build_document
from tui_reader.core.stories import Story, load_story
from tui_reader.storage.records import Annotation
from tui_reader.storage.store import Store

SPECIAL = (
    "Prices rose *sharply* — by 5% [see the table](https://example.org/t) and `<b>more</b>`; "
    "a_b_c & AT&amp;T `code` | pipes ~~gone~~ # not a heading"
)
UNICODE = "Ёжик в тумане — 東京の夜 🎉 naïve café"
BODY_A = (
    f"{SPECIAL}.\n\n"
    "- a list item that starts a line\n\n"
    "1. an ordered item\n\n"
    f"{UNICODE}, said the fox.\n\n"
    "> a quote inside the story\n\n"
    "1\\. not a list, \\- \\*stars\\* \\_under\\_ \\`tick\\` \\[link\\](x) "
    "<https://x.org> &copy;\n\n"
    "The last paragraph of the first story ends here."
)
BODY_B = "Only paragraph about cats and dogs.\n\nA second paragraph about birds."


def library(folder: Path) -> dict[str, Story]:
    """Write three stories (two with URLs, one local file without) and load them."""
    paths = {
        "a": write_story(
            folder, "a.md", "Story A: *markup* [x]", BODY_A, url="https://example.org/a"
        ),
        "b": write_story(folder, "b.md", "Story B", BODY_B, url="https://example.org/b"),
    }
    local = folder / "local.md"
    local.write_text("# A local note file\n\nJust some text on disk, with no source URL.\n")
    paths["local"] = local
    stories = {}
    for key, path in paths.items():
        story = load_story(path)
        assert isinstance(story, Story), story
        stories[key] = story
    return stories


def loaded(path: Path) -> Story:
    """The story in ``path`` (which must be one)."""
    story = load_story(path)
    assert isinstance(story, Story), story
    return story


def text_of(story: Story) -> str:
    """The plain text notes are anchored on."""
    return build_document(story.body).text


def note_on(
    store: Store,
    story: Story,
    quote: str,
    note: str = "",
    tags: tuple[str, ...] = (),
    *,
    when: str | None = None,
    end_quote: str | None = None,
) -> Annotation:
    """Save a note on ``quote`` (or from ``quote`` to the end of ``end_quote``) as the reader
    would, with tags (through the store's import path, the one that takes tags today)."""
    text = text_of(story)
    start = text.index(quote)
    end = text.index(end_quote) + len(end_quote) if end_quote else start + len(quote)
    stamp = when or dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace(
        "+00:00", "Z"
    )
    annotation = Annotation(
        str(uuid.uuid4()), story.story_id, describe(text, start, end), note, stamp, stamp,
        story.title, str(story.path), tags,
    )  # fmt: skip
    added, _ = store.import_notes([annotation])
    assert added == [annotation]
    return annotation


def essentials(exported: dict[str, Any]) -> list[tuple[Any, ...]]:
    """What a round trip must keep, from our JSON export: id, story, quote, note, tags, times."""
    return sorted(
        (
            a["id"],
            a["story_id"],
            a["quote"],
            a["note"],
            tuple(a["tags"]),
            a["created"],
            a["updated"],
        )
        for a in exported["annotations"]
    )


def unsafe_chars(text: str) -> list[str]:
    """Characters a terminal would act on (C0 but tab/newline and CRLF pairs, C1, bidi)."""
    text = text.replace("\r\n", "\n")
    return [
        c
        for c in text
        if (ord(c) < 32 and c not in "\n\t")
        or 0x7F <= ord(c) <= 0x9F
        or 0x202A <= ord(c) <= 0x202E
        or 0x2066 <= ord(c) <= 0x2069
    ]
