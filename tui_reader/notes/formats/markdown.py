"""Notes as Markdown for reading and for vaults (``export --format markdown``).

One document, or one file per story (with YAML front matter: title, author, date, url,
tags). Per story: its title as a heading, a line with byline, date and a link to the original;
then each annotation in the story's order: the quote as a blockquote, the note below it, a
line with its ``#tags`` and time. Notes whose passage is no longer in the story's text (or
whose story file is gone) are gathered under "Orphaned notes". Every piece of text is escaped,
so it reads back exactly as it was typed (see :mod:`~.text`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tui_reader.core.textsafe import sanitize_line
from tui_reader.notes.citation import local_time, quote_of
from tui_reader.notes.formats.text import md_inline, md_lines, md_tag, md_url
from tui_reader.notes.placing import Placed, placed_and_done
from tui_reader.notes.selection import Selected
from tui_reader.notes.sources import StoryInfo
from tui_reader.storage.records import Annotation

if TYPE_CHECKING:
    from tui_reader.notes.anchor_cache import AnchorCache

__all__ = ["note_markdown", "write_markdown", "write_markdown_dir"]

ORPHANED = "Orphaned notes"


def byline(story: StoryInfo) -> str:
    """``By Author · September 15, 2021 · [example.org](<url>)`` (parts that exist)."""
    parts = []
    if story.author:
        parts.append("By " + md_inline(story.author))
    if story.date:
        parts.append(story.date.strftime("%B %-d, %Y"))
    if story.url:
        parts.append(f"[{md_inline(_site(story.url))}]({md_url(story.url)})")
    return " · ".join(parts)


def _site(url: str) -> str:
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.I).split("/")[0]
    return host.removeprefix("www.") or url


def note_markdown(annotation: Annotation, story: StoryInfo | None = None) -> str:
    """One annotation: quote, note, then ``#tags · time`` (and a citation when ``story``)."""
    blocks = []
    quote = md_lines(quote_of(annotation.selectors))
    if len(quote) == 1:  # most quotes: one line (never empty: md_lines trims blank lines)
        blocks.append("> " + quote[0])
    elif quote:
        blocks.append("\n".join("> " + line if line else ">" for line in quote))
    note = md_lines(annotation.note)
    if len(note) == 1:
        blocks.append(note[0])
    elif note:  # the note's own line breaks are kept (a trailing backslash is a hard break)
        blocks.append("".join(_broken(note)).rstrip("\n"))
    meta = " ".join(filter(None, map(_tag, annotation.tags)))
    when = _when(annotation.updated or annotation.created)
    blocks.append(f"{meta} · *{when}*" if meta else f"*{when}*")
    if story is not None:
        link = f"[{md_inline(story.title)}]({md_url(story.url)})" if story.url else ""
        cite = ", ".join(p for p in (link or md_inline(story.title), byline_text(story)) if p)
        blocks.append("— " + cite)
    return "\n\n".join(blocks) + "\n"


@lru_cache(maxsize=1024)
def _tag(tag: str) -> str:
    """``#tag``, or "" for a tag with nothing visible in it (kept: a few tags recur often)."""
    return md_tag(tag) if sanitize_line(tag) else ""


# What local_time writes for a readable stamp: no Markdown syntax in it, nothing to escape.
_CLOCK = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}")


def _when(stamp: str) -> str:
    """The note's local time for its meta line (an unreadable stamp as it is, escaped)."""
    when = local_time(stamp)
    return when if _CLOCK.fullmatch(when) else md_inline(when)


def _broken(lines: list[str]) -> Iterator[str]:
    for line, after in zip(lines, [*lines[1:], ""], strict=True):
        yield line + ("\\\n" if line and after else "\n")


def byline_text(story: StoryInfo) -> str:
    """Author and date for a citation line (escaped)."""
    parts = [md_inline(story.author)] if story.author else []
    if story.date:
        parts.append(story.date.strftime("%B %-d, %Y"))
    return ", ".join(parts)


def _story_section(story: StoryInfo, notes: list[Annotation], level: str) -> Iterator[str]:
    yield f"{level} {md_inline(story.title) or 'Untitled'}\n"
    line = byline(story)
    if line:
        yield line + "\n"
    for annotation in notes:
        yield note_markdown(annotation)


def _sections(story: StoryInfo, notes: list[Annotation], placed: Placed) -> list[int | str]:
    """How many notes a story has taken, its section of the document, and its section among
    the orphans ("": none)."""
    kept, orphans = placed
    return [
        len(notes),
        "\n".join(_story_section(story, kept, "##")) if kept else "",
        "\n".join(_story_section(story, orphans, "###")) if orphans else "",
    ]


def _fits_sections(answer: object, _group: object) -> bool:
    return (
        isinstance(answer, list)
        and len(answer) == 3
        and type(answer[0]) is int
        and type(answer[1]) is str
        and type(answer[2]) is str
    )


def write_markdown(selected: Selected, out: TextIO, cache: AnchorCache | None = None) -> int:
    """Write one Markdown document; returns the number of annotations written.

    ``cache``: where notes were found in their stories before (see :mod:`~.placing`).
    """
    out.write("# Notes from tui-reader\n")
    groups = selected.by_story()
    orphaned: list[str] = []  # each story's orphans, written last (a few, as a rule)
    count = 0
    for taken, placed, orphans in placed_and_done(
        groups, cache, _sections, _fits_sections, selected.taken
    ):
        count += taken
        if placed:
            out.write("\n" + placed)
        if orphans:
            orphaned.append(orphans)
    if orphaned:
        out.write(f"\n## {ORPHANED}\n\nTheir passage is not in the story's text any more, or ")
        out.write("the story is not in the library.\n")
        for orphans in orphaned:
            out.write("\n" + orphans)
    if not count:
        out.write("\nNo notes yet.\n")
    return count


def _file_name(story: StoryInfo) -> str:
    words = re.sub(r"[^\w]+", "-", sanitize_line(story.title).casefold()).strip("-_")[:60]
    digest = hashlib.sha256(story.story_id.encode("utf-8", "replace")).hexdigest()[:8]
    date = story.date.isoformat() + "-" if story.date else ""
    return f"{date}{words or 'story'}-{digest}.md"


def _front_matter(story: StoryInfo, notes: list[Annotation]) -> str:
    from tui_reader.core.frontmatter_out import front_matter_yaml  # only for files of their own

    tags = list(dict.fromkeys([*story.tags, *(t for a in notes for t in a.tags)]))
    meta = {
        "title": story.title,
        "author": story.author,
        "date": story.date.isoformat() if story.date else None,
        "url": story.url,
        "tags": [text for text in map(_tag_text, tags) if text],
    }
    return "---\n" + front_matter_yaml(meta) + "---\n\n"


@lru_cache(maxsize=1024)
def _tag_text(tag: str) -> str:
    """A tag as the front matter lists it (kept: a vault's files share a few tags)."""
    return sanitize_line(tag)


def write_markdown_dir(
    selected: Selected, folder: Path, cache: AnchorCache | None = None
) -> list[Path]:
    """Write one Markdown file per story into ``folder`` (created if needed); returns them.

    All or nothing until every file is written: each goes to a temp file, they are made
    durable together and only then renamed into place (see :class:`FileBatch`). A file that
    already holds what it would be given is left as it is.

    Raises:
        OSError: a file could not be written (``filename`` says which); the folder is as it
            was, unless the failure came while renaming (then only complete files moved).
    """
    from tui_reader.core.atomic_batch import FileBatch  # only for files of their own

    folder.mkdir(parents=True, exist_ok=True)
    with FileBatch(folder) as batch:  # private files, like the notes
        groups = selected.by_story()
        texts = placed_and_done(groups, cache, _file_text, _fits_text, selected.taken)
        for (story, _stored), text in zip(groups, texts, strict=True):
            if text:  # "": none of its notes is taken
                batch.add(_file_name(story), text.encode("utf-8"))
        return batch.commit()


def _file_text(story: StoryInfo, notes: list[Annotation], placed: Placed) -> str:
    """A story's file of its own: front matter, its notes in order, then its orphans (""
    when it has no notes taken)."""
    if not notes:
        return ""
    kept, orphans = placed
    text = _front_matter(story, notes) + "\n".join(_story_section(story, kept, "#"))
    if orphans:
        text += f"\n## {ORPHANED}\n\n" + "\n".join(note_markdown(a) for a in orphans)
    return text


def _fits_text(answer: object, _group: object) -> bool:
    return type(answer) is str
