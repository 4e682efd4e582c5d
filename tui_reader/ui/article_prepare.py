"""Prepare a story for the article in steps: parse a chunk of its body, lay it out, go on.

A story of a million short paragraphs, or one 30 MB line, takes seconds to parse and lay out.
Here each step is a small part of that, so the loading worker can show the first screen after
the first chunk and stop between any two steps (the reader quit, or opened another story).
Uses Rich only (no Textual), so it is cheap to test.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.console import Console

from tui_reader.core.stories import Story
from tui_reader.ui.article_layout import (
    Prepared,
    body_lines,
    header_lines,
    no_text_lines,
    take_enough,
)

FIRST_SCREEN_CHARS = 20_000
"""Stories longer than twice this show a first screenful before the complete layout."""
FIRST_SCREEN_ROWS = 200
"""Rows laid out for that first screenful."""
CHUNK_CHARS = 200_000
"""How much of the body one parsing step reads (chunks end between paragraphs)."""
ROWS_PER_STEP = 200
"""How many rows one layout step lays out."""


class Preparation:
    """Parses and lays out one story a step at a time (see :meth:`steps`).

    Args:
        story: the story (its header; the body comes as ``body``).
        body: the story's Markdown body in pieces that do not split a paragraph from the next
            (:meth:`tui_reader.core.stories.StoryReader.body`).
        width: the content width in cells.
        console: the console whose options render tables.
        bookmarked: whether to mark the title as bookmarked.
        tags: the bookmark's tags, shown with the story's own.
        offset: the reading position: the first screen shows it.
        body_length: about how long the body is: a long one shows a first screenful before
            the whole is laid out.
        cut: whether the body may be parsed in chunks (not when it defines link references).
    """

    def __init__(
        self,
        story: Story,
        body: Iterable[str],
        width: int,
        console: Console,
        *,
        bookmarked: bool = False,
        tags: tuple[str, ...] = (),
        offset: int = 0,
        body_length: int = 0,
        cut: bool = True,
    ) -> None:
        self._story, self._body = story, body
        self._width, self._console = width, console
        self._bookmarked, self._tags = bookmarked, tags
        self._offset = offset
        first = max(FIRST_SCREEN_CHARS, offset + FIRST_SCREEN_CHARS)
        self._first_screen = body_length > 2 * first
        # Imported here: the document model is first needed when a story opens, not at start.
        from tui_reader.core.document import Chunker, DocumentBuilder

        self._chunker = Chunker(first, CHUNK_CHARS, cut=cut)
        self._builder = DocumentBuilder()
        self._lines = header_lines(story, max(width, 10), bookmarked=bookmarked, tags=tags)
        self.result: Prepared | None = None
        """The complete preparation, once :meth:`steps` has run to its end."""

    def steps(self) -> Iterator[Prepared | None]:
        """Do the work, yielding None after each step.

        For a long story, a first screenful is yielded (once) as soon as it is laid out; it
        shares nothing the later steps change. At the end, :attr:`result` is set.
        """
        for piece in self._body:
            chunk = self._chunker.feed(piece)
            if chunk is not None:
                yield from self._add(chunk)
            yield None
        yield from self._add(self._chunker.finish())
        if not self._builder.blocks:
            self._lines.extend(no_text_lines())
        self.result = self._prepared(complete=True)

    def _add(self, chunk: str) -> Iterator[Prepared | None]:
        first = self._builder.add(chunk)
        yield None
        blocks = self._builder.blocks[first:]
        rows = body_lines(blocks, max(self._width, 10), self._console)
        lines = self._lines
        if self._first_screen:
            enough = take_enough(lines, rows, (FIRST_SCREEN_ROWS, self._offset))
            if enough:
                self._first_screen = False
                yield self._prepared(complete=False)
        for count, line in enumerate(rows, 1):
            lines.append(line)
            if count % ROWS_PER_STEP == 0:
                yield None

    def _prepared(self, *, complete: bool) -> Prepared:
        return Prepared(
            story=self._story,
            document=self._builder.document(),
            width=self._width,
            # The first screen gets a copy: the UI keeps it while the worker goes on appending.
            lines=self._lines if complete else list(self._lines),
            bookmarked=self._bookmarked,
            tags=self._tags,
            complete=complete,
        )
