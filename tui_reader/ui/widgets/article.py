"""The article pane: the story view plus the caret's motions, keyboard (and mouse) selection
and annotation.

Keys are applied in the order they came, to the story they were meant for: while only the
first screens of a long story are laid out, a key that needs the rest (``G``, a motion past
what is laid out) waits for it, and every article key after it waits its turn; ``n``/``N``
wait for the story's notes. Nothing typed is dropped.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import ClassVar

from textual import events
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.message import Message

from tui_reader.core import motions
from tui_reader.ui.article_layout import Prepared, offset_at
from tui_reader.ui.widgets.article_marks import Highlight, next_highlight, next_match
from tui_reader.ui.widgets.article_position import PositionedView
from tui_reader.ui.widgets.in_turn import InTurn, Ready

__all__ = ["Article", "Highlight"]


class Article(PositionedView):
    """Shows a story; ``v`` selects text by keyboard, ``a``/``h`` annotate the selection.

    | Key | Action |
    | --- | --- |
    | `j` / `k` | caret down / up a line (extends the selection when selecting) |
    | `space` / `pgdn` / `pgup` | page down / up (the caret keeps its place on screen) |
    | `g` / `G` | caret to the start / the last line (the end, when selecting) |
    | `v` / `V` | start a selection at the caret / select the paragraph |
    | `w` `b` `e` `(` `)` `{` `}` | move the caret by word, sentence, paragraph |
    | `a` / `h` | annotate / highlight the selection |
    | `n` / `N` | next / previous annotation (or search match, while matches are shown) |
    | `esc` | cancel the selection (or stop showing search matches) |

    A click puts the caret under the pointer; a drag selects, where the terminal reports the
    mouse.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "down", "Down", show=False, id="article.down"),
        Binding("k,up", "up", "Up", show=False, id="article.up"),
        Binding("space,pagedown", "page_down", "Page", show=False, id="article.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="article.page_up"),
        Binding("g,home", "top", "Top", show=False, id="article.top"),
        Binding("G,end", "bottom", "Bottom", show=False, id="article.bottom"),
        Binding("v", "select", "Select", id="article.select"),
        Binding("V", "select_paragraph", "Paragraph", show=False, id="article.select_paragraph"),
        Binding("w", "word_forward", "Word", show=False, id="article.word_forward"),
        Binding("e", "word_end", "Word end", show=False, id="article.word_end"),
        Binding("b", "word_back", "Word back", show=False, id="article.word_back"),
        Binding(")", "sentence_forward", "Sentence", show=False, id="article.sentence_forward"),
        Binding("(", "sentence_back", "Sentence back", show=False, id="article.sentence_back"),
        Binding("}", "paragraph_forward", "Paragraph", show=False, id="article.paragraph_forward"),
        Binding("{", "paragraph_back", "Para back", show=False, id="article.paragraph_back"),
        Binding("a", "annotate", "Annotate", id="article.annotate"),
        Binding("h", "highlight", "Highlight", show=False, id="article.highlight"),
        Binding("n", "next_note", "Next note", show=False, id="article.next_note"),
        Binding("N", "previous_note", "Prev note", show=False, id="article.previous_note"),
        Binding("escape", "cancel", "Cancel", show=False, id="article.cancel"),
    ]

    class AnnotateRequested(Message):
        """The reader asked to annotate ``[start, end)`` of the document text."""

        def __init__(self, article: Article, start: int, end: int, with_note: bool) -> None:
            super().__init__()
            self.article = article
            self.start = start
            self.end = end
            self.with_note = with_note

        @property
        def control(self) -> Article:
            """The article that posted the request."""
            return self.article

    class NoteReached(Message):
        """The cursor jumped to an annotation (``n``/``N``)."""

        def __init__(self, article: Article, annotation_id: str) -> None:
            super().__init__()
            self.article = article
            self.annotation_id = annotation_id

        @property
        def control(self) -> Article:
            """The article that posted the message."""
            return self.article

    class MatchReached(Message):
        """The cursor jumped to search match ``index`` of ``total`` (``n``/``N``); ``total`` 0:
        the matches were cleared."""

        def __init__(self, index: int, total: int) -> None:
            super().__init__()
            self.index = index
            self.total = total

    class Notice(Message):
        """Something the reader should be told (e.g. "select a passage first")."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._dragging = False
        self._waiting = InTurn()
        """Actions waiting for the rest of the story or its notes, in the order typed."""
        self.notes_in = False
        """The open story's notes are anchored (``n``/``N`` can find them)."""

    # ----- keys in order -------------------------------------------------------------------

    def _in_turn(self, action: Callable[[], None], ready: Ready | None = None) -> bool:
        """True when ``action`` waits for the rest of the story or its notes (see
        :class:`InTurn`); the border says what it waits for."""
        if not self._waiting.wait(action, ready):
            return False
        self.say("laying out the rest…" if not self.complete else "placing notes…")
        return True

    def _run_waiting(self) -> None:
        self._waiting.run()
        if not self._waiting:
            self.say("")

    def _laid_out(self) -> bool:
        """Whether a page's move from the caret stays within what is laid out."""
        height = self.scrollable_content_region.height
        return self.complete or self._row_of(self.cursor) + 2 * height < len(self._lines)

    def show_story(self, prepared: Prepared, *, offset: int = 0, caret: int | None = None) -> None:
        """Show another story: what waited for the last one is dropped."""
        self._waiting.clear()
        self._said = ""
        self.notes_in = False
        super().show_story(prepared, offset=offset, caret=caret)

    def complete_story(self, prepared: Prepared) -> None:
        """The rest of a long story is laid out: the keys that waited for it run now."""
        super().complete_story(prepared)
        if prepared.story is self.story:
            self._run_waiting()

    def set_highlights(self, highlights: list[Highlight], *, anchored: bool = True) -> None:
        """Replace the drawn annotations (``anchored``: the story's own, just placed)."""
        super().set_highlights(highlights)
        if anchored:
            self.notes_in = True
            self._run_waiting()

    # ----- lines and pages -----------------------------------------------------------------

    def action_down(self) -> None:
        """Caret down a line (or extend the selection a line)."""
        if not self._in_turn(self.action_down, self._laid_out):
            self._move_by_rows(1)

    def action_up(self) -> None:
        """Caret up a line (or extend the selection a line)."""
        if not self._in_turn(self.action_up):
            self._move_by_rows(-1)

    def _page(self, direction: int) -> None:
        """Scroll a page and take the caret along, on the same line of the screen."""
        if not self._line_index:
            return
        amount = max(self.scrollable_content_region.height - 2, 1) * direction
        row = self._row_of(self.cursor)
        self._scroll(self.scroll_y + amount)
        target = self._text_row(row + amount, forward=direction > 0)
        index = self._line_index
        self._move_by_rows(bisect_left(index, target) - bisect_left(index, row))

    def action_page_down(self) -> None:
        """Page down."""
        if not self._in_turn(self.action_page_down, self._laid_out):
            self._page(1)

    def action_page_up(self) -> None:
        """Page up."""
        if not self._in_turn(self.action_page_up):
            self._page(-1)

    def action_top(self) -> None:
        """Caret to the start of the story."""
        if not self._in_turn(self.action_top):
            if self._starts:
                self._move_cursor(0)
            self._scroll(0)

    def action_bottom(self) -> None:
        """Caret to the last line (to the very end when selecting, to select all of it)."""
        if self._in_turn(self.action_bottom, lambda: self.complete):
            return
        if self.document is not None and self._line_index:
            last = self._lines[self._line_index[-1]].start
            self._move_cursor(len(self.document.text) if self.select_from is not None else last)
        self._scroll(self.max_scroll_y)

    # ----- mouse ---------------------------------------------------------------------------

    def _offset_at_pointer(self, event: events.MouseEvent) -> int | None:
        content = event.get_content_offset(self)
        if content is None:
            return None
        x, y = content
        row = int(self.scroll_y) + y
        if not 0 <= row < len(self._lines) or not self._lines[row].selectable:
            return None
        return offset_at(self._lines[row], x - self.margin)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Press: put the caret under the pointer and start a selection there."""
        offset = self._offset_at_pointer(event)
        if offset is None or event.button != 1:
            return
        self.clear_selection()
        self._move_cursor(offset)
        self.select_from = offset
        self._dragging = True
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Drag: extend the selection to the pointer."""
        if self._dragging:
            offset = self._offset_at_pointer(event)
            if offset is not None:
                self._move_cursor(offset + 1 if offset >= (self.select_from or 0) else offset)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        """Release: keep the selection (a plain click only moves the caret)."""
        if self._dragging:
            self._dragging = False
            self.release_mouse()
            if self.select_from == self.cursor:
                self.clear_selection()

    # ----- motions -------------------------------------------------------------------------

    # Each motion searches the text from the cursor (see tui_reader.core.motions): no index of
    # every word to build, however long the story.

    def _text(self) -> str:
        return self.document.text if self.document else ""

    def action_word_forward(self) -> None:
        """Move to the start of the next word."""
        if not self._in_turn(self.action_word_forward, self._laid_out):
            self._move_cursor(motions.next_word_start(self._text(), self.cursor))

    def action_word_end(self) -> None:
        """Move just past the end of this (or the next) word."""
        if not self._in_turn(self.action_word_end, self._laid_out):
            self._move_cursor(motions.next_word_end(self._text(), self.cursor))

    def action_word_back(self) -> None:
        """Move to the start of the previous word (while selecting; else ``b`` bookmarks)."""
        if self.select_from is None and not self._waiting:
            raise SkipAction()
        if not self._in_turn(self.action_word_back):
            if self.select_from is None:
                raise SkipAction()  # (when it waited) no selection came: not a bookmark now
            self._move_cursor(motions.previous_word_start(self._text(), self.cursor))

    def action_sentence_forward(self) -> None:
        """Move to the start of the next sentence."""
        if self.document is not None and not self._in_turn(
            self.action_sentence_forward, self._laid_out
        ):
            self._move_cursor(motions.next_sentence_start(self.document, self.cursor))

    def action_sentence_back(self) -> None:
        """Move to the start of the previous sentence."""
        if self.document is not None and not self._in_turn(self.action_sentence_back):
            self._move_cursor(motions.previous_sentence_start(self.document, self.cursor))

    def action_paragraph_forward(self) -> None:
        """Move to the end of this paragraph, or of the next one."""
        if self.document is not None and not self._in_turn(
            self.action_paragraph_forward, self._laid_out
        ):
            self._move_cursor(motions.next_paragraph_end(self.document, self.cursor))

    def action_paragraph_back(self) -> None:
        """Move to the start of this paragraph, or of the previous one."""
        if self.document is not None and not self._in_turn(self.action_paragraph_back):
            self._move_cursor(motions.previous_paragraph_start(self.document, self.cursor))

    def action_select(self) -> None:
        """Start a selection at the caret (or cancel the one in progress)."""
        if self.document is None or self._in_turn(self.action_select):
            return
        if self.select_from is not None:
            self.clear_selection()
            return
        self._ensure_visible(self._row_of(self.cursor))
        self.select_from = self.cursor
        self._refresh_rows(self.cursor)

    def action_select_paragraph(self) -> None:
        """Select the whole paragraph under the caret."""
        if self.document is None or not self.document.blocks:
            return
        if self._in_turn(self.action_select_paragraph):
            return
        block = self.document.blocks[self.document.block_at(self.cursor)]
        old = self.selection or (self.cursor, self.cursor)
        self.select_from = block.start
        self.cursor = block.end
        self._refresh_range(min(old[0], block.start), max(old[1], block.end))

    def action_cancel(self) -> None:
        """Drop the selection, else the search matches (``esc`` goes to the screen when there
        is neither)."""
        if self.select_from is None and not self._waiting:
            if not self.matches:
                raise SkipAction()
            self.set_matches([])
            self.post_message(self.MatchReached(0, 0))
            return
        if self._in_turn(self.action_cancel):
            return
        if self.select_from is None:
            raise SkipAction()
        else:
            old = self.selection or (self.cursor, self.cursor)
            self.select_from = None
            self._refresh_range(*old)

    def _request(self, with_note: bool) -> None:
        selection = self.selection
        if selection is None or self.document is None:
            self.post_message(self.Notice("Select a passage first: v, then w/e/)/} or V"))
            return
        start, end = selection
        text = self.document.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            self.post_message(self.Notice("The selection is empty: extend it with w, e, ) or }"))
            return
        self.post_message(self.AnnotateRequested(self, start, end, with_note))

    def clear_selection(self) -> None:
        """Called once an annotation was saved from the selection."""
        if self.select_from is not None:
            self.action_cancel()

    def action_annotate(self) -> None:
        """Annotate the selection with a note."""
        if not self._in_turn(self.action_annotate):
            self._request(with_note=True)

    def action_highlight(self) -> None:
        """Highlight the selection without a note."""
        if not self._in_turn(self.action_highlight):
            self._request(with_note=False)

    def jump_match(self, forward: bool, *, here: bool = False) -> None:
        """Move to the next (previous) search match; ``here``: the first one at the cursor."""
        if not self.matches:
            return
        index = self.current_match = next_match(self.matches, self.cursor, forward, here=here)
        self.scroll_to_offset(self.matches[index][0])
        self.post_message(self.MatchReached(index + 1, len(self.matches)))

    def _jump_note(self, forward: bool) -> None:
        if self.matches:
            self.jump_match(forward)
            return
        if not self.highlights:
            self.post_message(self.Notice("This story has no notes yet"))
            return
        target = next_highlight(self.highlights, self.cursor, forward)
        self.scroll_to_offset(target.start, target.annotation_id)
        self.post_message(self.NoteReached(self, target.annotation_id))

    def action_next_note(self) -> None:
        """Jump to the next annotation."""
        if not self._in_turn(self.action_next_note, lambda: self.notes_in):
            self._jump_note(forward=True)

    def action_previous_note(self) -> None:
        """Jump to the previous annotation."""
        if not self._in_turn(self.action_previous_note, lambda: self.notes_in):
            self._jump_note(forward=False)
