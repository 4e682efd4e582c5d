"""The reader's notes on screen: highlights in the article, the sidebar, the editor, undo,
copying and links. Everything that writes goes through the annotation service; this part only
shows its outcomes and forwards keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.text import Text
from textual.screen import Screen

from tui_reader.core.stories import Story
from tui_reader.notes.citation import citation, local_time, quote_of
from tui_reader.notes.outcomes import Deleted, Failed, Gone, Saved
from tui_reader.notes.service import AnnotationService, NoteDraft, Placed, Target
from tui_reader.storage.store import Annotation
from tui_reader.ui.widgets.article import Article, Highlight
from tui_reader.ui.widgets.inert import plain
from tui_reader.ui.widgets.notes import NoteEntry, NotesSidebar

if TYPE_CHECKING:
    from tui_reader.core.document import Document

__all__ = ["DRAFT_SAVE_SECONDS", "NotesPart", "Opened"]


def _link(url: str | None) -> Style | str:
    """An OSC 8 hyperlink to ``url`` (sanitized, no control byte), or no style."""
    target = plain(url or "")
    return Style(link=target) if target.startswith(("http://", "https://")) else ""


DRAFT_SAVE_SECONDS = 2.0
"""How often a note being typed is written as a draft (a hang-up also writes it at once)."""

Opened = Callable[[], "tuple[Story, Document] | None"]
"""Gives the open story and its document, if any."""


class NotesPart:
    """Shows the open story's notes and turns the reader's keys into service calls."""

    def __init__(
        self,
        host: Screen[Any],
        notes: AnnotationService,
        opened: Opened,
        reanchor: Callable[[], None],
    ) -> None:
        self.host = host
        self.notes = notes
        self._opened = opened
        self._reanchor = reanchor
        self.placed: list[Placed] = []
        """The open story's annotations and where they sit."""
        self._select: str | None = None
        """The note the sidebar moves to once the notes are re-anchored (one just saved)."""
        self._reveal: str | None = None
        """The note to show in the article once its story's notes are in (the notes browser)."""

    # ----- showing ---------------------------------------------------------------------------

    def show(self, placed: list[Placed], *, anchored: bool = True) -> None:
        """Draw ``placed`` as highlights in the article and entries in the sidebar
        (``anchored`` False: not yet the open story's notes, just none for now)."""
        self.placed = placed
        highlights = [
            Highlight(
                p.anchor.start, p.anchor.end, p.annotation.id, bool(p.annotation.note.strip())
            )
            for p in placed
            if p.anchor is not None
        ]
        self.host.query_one(Article).set_highlights(highlights, anchored=anchored)
        entries = [
            NoteEntry(
                p.annotation.id,
                quote_of(p.annotation.selectors),
                p.annotation.note,
                local_time(p.annotation.updated),
                p.anchor.start if p.anchor is not None else None,
                p.annotation.tags,
            )
            for p in placed
        ]
        sidebar = self.host.query_one(NotesSidebar)
        keep, self._select = self._select or sidebar.current_id, None
        sidebar.show_entries(entries, keep=keep)
        revealed = next((p for p in placed if p.annotation.id == self._reveal), None)
        if revealed is not None:
            self._reveal = None
            sidebar.select_id(revealed.annotation.id)
            if revealed.anchor is None:
                self.host.notify("That note's passage is not in the story's text any more.")
            else:
                article = self.host.query_one(Article)
                article.scroll_to_offset(revealed.anchor.start, revealed.annotation.id)

    def reveal(self, annotation_id: str) -> None:
        """Show ``annotation_id`` in the article (and the sidebar) once its story's notes are
        re-anchored: the story is being opened for it."""
        self._reveal = annotation_id

    def find(self, annotation_id: str) -> Annotation | None:
        """The open story's annotation with this id."""
        return next((p.annotation for p in self.placed if p.annotation.id == annotation_id), None)

    # ----- creating --------------------------------------------------------------------------

    def annotate(self, start: int, end: int, with_note: bool) -> None:
        """Save a highlight of ``[start, end)`` at once, or open the editor for a note on it."""
        opened = self._opened()
        if opened is None:
            return
        from tui_reader.anchoring import describe  # not needed before the first note

        story, document = opened
        selectors = describe(document.text, start, end)
        if not with_note:
            self._after_save(self.notes.highlight(Target.of(story), selectors), "Highlight saved")
            return
        self.edit(self.notes.begin(Target.of(story), selectors))

    def edit(self, draft: NoteDraft) -> None:
        """Open the editor on ``draft`` (a new note, an edit, or a draft kept from before)."""
        from tui_reader.ui.screens.note_editor import NoteEditor  # loaded on first use

        def closed(outcome: Saved | None) -> None:
            if outcome is None:
                self.notes.cancel()
                self.host.notify("Note not saved", timeout=2)
                return
            self._after_save(outcome, "Note saved")

        editing = draft.annotation_id is not None
        editor = NoteEditor(
            draft.quote,
            draft.note,
            title="Edit note" if editing else "New note",
            save=self.notes.save,
            typed=self.notes.typed,
            editing=editing,
        )
        self.host.app.push_screen(editor, closed)

    def _after_save(self, outcome: Saved | Failed, saved: str) -> None:
        if isinstance(outcome, Failed):
            self.host.notify(outcome.message, severity="error", timeout=20)
            return
        if outcome.recreated:
            saved = "The note was deleted in another session; saved it as a new note"
        self.host.notify(saved, timeout=4 if outcome.recreated else 2)
        self.host.query_one(Article).clear_selection()
        if outcome.annotation is not None:
            self._select = outcome.annotation.id
        self._reanchor()

    def keep_draft(self) -> None:
        """Write the note being typed as a draft (every few seconds); say if that failed."""
        failed = self.notes.flush_draft()
        if failed is not None:
            self.host.notify(failed.message, severity="error", timeout=20)

    def offer_draft(self) -> None:
        """Offer back a note that was being typed when the last session ended."""
        kept = self.notes.pending()
        if kept is None:
            return
        excerpt = " ".join(kept.note.split())[:60]

        def answered(restore: bool | None) -> None:
            if restore:
                self.edit(self.notes.resume(kept))
                return
            failed = self.notes.drop_pending()
            if failed is not None:
                self.host.notify(failed.message, severity="error", timeout=20)

        from tui_reader.ui.screens.confirm import ConfirmScreen

        question = (
            f"An unsaved note from {local_time(kept.saved_at)} was kept:\n“{excerpt}”\n\n"
            "Open it to finish and save it?"
        )
        self.host.app.push_screen(ConfirmScreen(question), answered)

    # ----- the sidebar ---------------------------------------------------------------------

    def chosen(self, annotation_id: str, intent: str) -> None:
        """Show, edit, tag or delete a note chosen in the sidebar."""
        annotation = self.find(annotation_id)
        if annotation is None:
            return
        if intent == "show":
            anchor = next((p.anchor for p in self.placed if p.annotation is annotation), None)
            if anchor is not None:
                self.host.query_one(Article).scroll_to_offset(anchor.start, annotation.id)
        elif intent == "edit":
            opened = self._opened()
            target = Target.of(opened[0]) if opened else Target(annotation.story_id)
            draft = self.notes.begin(
                target, annotation.selectors, note=annotation.note, annotation_id=annotation.id
            )
            self.edit(draft)
        elif intent == "tags":
            self.tag(annotation, annotation.tags)
        elif intent == "delete":
            self._deleted(self.notes.delete(annotation.id))

    def tag(self, annotation: Annotation, tags: tuple[str, ...]) -> None:
        """Ask for the note's own tags (starting from ``tags``) and save them."""
        from tui_reader.ui.screens.tags import TagsScreen  # loaded on first use

        def done(typed: tuple[str, ...] | None) -> None:
            if typed is None:
                return
            outcome = self.notes.retag(annotation.id, typed)
            if isinstance(outcome, Failed):
                self.host.notify(outcome.message, severity="error", timeout=20)
                self.tag(annotation, typed)  # what was typed is not lost: try again, or esc
                return
            if isinstance(outcome, Gone):
                self.host.notify("That note was deleted in another session.", timeout=4)
            else:
                shown = " ".join(f"#{tag}" for tag in typed) or "no tags"
                self.host.notify(f"Note tagged {shown}", timeout=3)
                self._select = annotation.id
            self._reanchor()

        excerpt = " ".join(quote_of(annotation.selectors).split())[:70]
        self.host.app.push_screen(TagsScreen(f"“{excerpt}”", tags, what="Note tags"), done)

    def _deleted(self, outcome: Deleted | Failed | Gone) -> None:
        if isinstance(outcome, Failed):
            self.host.notify(outcome.message, severity="error", timeout=20)
            return
        if isinstance(outcome, Gone):
            self.host.notify("That note was already deleted in another session.", timeout=4)
        else:
            self.host.notify("Note deleted. Press u to undo.", timeout=5)
        self._reanchor()

    def reached(self, annotation_id: str) -> None:
        """``n``/``N`` reached a note: keep the sidebar on it; popup when the sidebar is hidden."""
        sidebar = self.host.query_one(NotesSidebar)
        sidebar.select_id(annotation_id)
        if sidebar.display:
            return
        annotation = self.find(annotation_id)
        if annotation is not None:
            note = annotation.note.strip() or "(highlight, no note)"
            self.host.notify(note, title="Note (s shows all)", timeout=6)

    def undo(self) -> None:
        """Bring back the last deleted note."""
        outcome = self.notes.undo()
        if outcome is None:
            self.host.notify("Nothing to undo", timeout=2)
        elif isinstance(outcome, Failed):
            self.host.notify(outcome.message, severity="error", timeout=20)
        else:
            self.host.notify("Note restored", timeout=2)
            if outcome.annotation is not None:
                self._select = outcome.annotation.id
            self._reanchor()

    # ----- copying and URLs ----------------------------------------------------------------

    def copy(self) -> None:
        """Copy via OSC 52: the selection or note with a citation, else the story URL."""
        opened = self._opened()
        if opened is None:
            self.host.notify("Open a story first (enter)", timeout=2)
            return
        story, document = opened
        article = self.host.query_one(Article)
        sidebar = self.host.query_one(NotesSidebar)
        selection = article.selection
        if selection is not None and selection[0] != selection[1]:
            text = citation(story, document.text[selection[0] : selection[1]].strip())
            what = "quote"
        elif sidebar.has_focus and sidebar.current_id:
            annotation = self.find(sidebar.current_id)
            text = citation(story, quote_of(annotation.selectors) if annotation else "")
            if annotation and annotation.note.strip():
                text += "\n\n" + annotation.note.strip()
            what = "note"
        elif story.url:
            text, what = story.url, "URL"
        else:
            text, what = citation(story), "citation"
        self.host.app.copy_to_clipboard(text)
        self.host.notify(
            f"Copied the {what} to your terminal's clipboard (OSC 52). "
            "Nothing arrived? Press o to see it.",
            timeout=4,
        )

    def show_url(self) -> None:
        """Show the story's URL and links to copy by hand (never opens a browser here)."""
        opened = self._opened()
        if opened is None:
            self.host.notify("Open a story first (enter)", timeout=2)
            return
        story, document = opened
        body = Text()
        body.append("Source\n", style="bold")
        # One unbroken line each, and an OSC 8 link where the terminal supports it.
        body.append(plain(story.url or "(none)") + "\n", style=_link(story.url))
        if document.links:
            body.append("\nLinks in the story\n", style="bold")
            for link in document.links:
                body.append(plain(link) + "\n", style=_link(link))
        note = Text(plain(citation(story)), style="dim")
        from tui_reader.ui.screens.message import MessageScreen

        self.host.app.push_screen(MessageScreen("Links", body, lines=True, note=note))
