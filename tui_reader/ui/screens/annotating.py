"""Annotation actions of the main screen: saving, editing, deleting, drafts, copying.

Kept apart from the layout and library wiring in ``reader.py`` so each stays small.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.screen import Screen

from tui_reader.anchoring.anchors import Anchor, anchor_many, describe
from tui_reader.core.document import Document
from tui_reader.storage.store import StoreError
from tui_reader.storage.records import Draft
from tui_reader.core.stories import Story
from tui_reader.ui.widgets.article import Article, Highlight
from tui_reader.ui.widgets.notes import NoteEntry, NotesSidebar

if TYPE_CHECKING:
    from tui_reader.storage.store import Annotation, Store

DRAFT_SAVE_SECONDS = 2.0
"""How often a note being typed is written as a draft (a hang-up also writes it at once)."""


def quote_of(selectors: Sequence[Mapping[str, Any]]) -> str:
    """The exact quoted text of an annotation's selectors."""
    for selector in selectors:
        if selector.get("type") == "TextQuoteSelector":
            return str(selector.get("exact", ""))
    return ""


def local_time(stamp: str) -> str:
    """A short local time for an ISO-8601 stamp."""
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def citation(story: Story, quote: str | None = None) -> str:
    """A quote (if any) with title, byline, date and URL, ready to paste."""
    parts = [story.title]
    if story.byline:
        parts.append(f"by {story.byline}")
    if story.date:
        parts.append(story.date.strftime("%B %-d, %Y"))
    cite = ", ".join(parts) + (f". {story.url}" if story.url else "")
    if quote is None:
        return cite
    return f"“{quote}”\n— {cite}"


class AnnotatingScreen(Screen[None]):
    """Base of the main screen: owns the open story's annotations and their keys."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.story: Story | None = None
        self.document: Document | None = None
        self.annotations: list[Annotation] = []
        self.anchors: dict[str, Anchor | None] = {}
        self._undo: Annotation | None = None
        self._draft: dict[str, Any] | None = None
        self._draft_saved = ""
        """The draft text last written to disk."""

    def write(self, what: str, operation: Callable[[], object]) -> bool:
        """Run a store write; if it fails, say so plainly and return False."""
        try:
            operation()
        except StoreError as exc:
            self.unsaved(what, exc)
            return False
        return True

    def unsaved(self, what: str, error: StoreError) -> None:
        """Tell the reader that ``what`` is not on disk, and why."""
        self.notify(f"Could not save {what}: {error}", severity="error", timeout=20, markup=False)

    def on_mount(self) -> None:
        """Write the note being typed as a draft every few seconds."""
        self.set_interval(DRAFT_SAVE_SECONDS, self.flush_draft)

    # ----- showing -----------------------------------------------------------------------

    def _set_annotations(
        self, annotations: Sequence[Annotation], anchors: Sequence[Anchor | None]
    ) -> None:
        self.annotations = list(annotations)
        self.anchors = {a.id: anchor for a, anchor in zip(annotations, anchors, strict=True)}
        highlights = [
            Highlight(anchor.start, anchor.end, a.id, bool(a.note.strip()))
            for a, anchor in zip(annotations, anchors, strict=True)
            if anchor is not None
        ]
        self.query_one(Article).set_highlights(highlights)
        entries = [
            NoteEntry(
                a.id,
                quote_of(a.selectors),
                a.note,
                local_time(a.updated),
                anchor.start if anchor is not None else None,
            )
            for a, anchor in zip(annotations, anchors, strict=True)
        ]
        sidebar = self.query_one(NotesSidebar)
        sidebar.show_entries(entries, keep=sidebar.current_id)

    def _reload_annotations(self) -> None:
        if self.story is None or self.document is None:
            return
        annotations = self.store.annotations_for(self.story.story_id)
        anchors = anchor_many(self.document.text, [a.selectors for a in annotations])
        self._set_annotations(annotations, anchors)
        self._refresh_marks()

    def _refresh_marks(self) -> None:
        """Redraw the list's markers (the reader screen, which owns the list, does it)."""

    # ----- creating ----------------------------------------------------------------------

    def on_article_annotate_requested(self, message: Article.AnnotateRequested) -> None:
        """Save a highlight at once, or open the note editor for a note."""
        if self.story is None or self.document is None:
            return
        selectors = describe(self.document.text, message.start, message.end)
        quote = self.document.text[message.start : message.end]
        if not message.with_note:
            self._add(selectors, "")
            return
        self._draft = {"story_id": self.story.story_id, "selectors": selectors, "note": ""}
        self._edit(quote, "", None, selectors, self.story.story_id)

    def _edit(
        self,
        quote: str,
        note: str,
        annotation_id: str | None,
        selectors: list[dict[str, object]],
        story_id: str,
    ) -> None:
        self._draft = {
            "story_id": story_id,
            "selectors": selectors,
            "note": note,
            "annotation_id": annotation_id,
        }
        title = "Edit note" if annotation_id else "New note"

        def done(text: str | None) -> None:
            if text is None:
                self.notify("Note not saved", timeout=2, markup=False)
                saved = True
            elif annotation_id is not None:
                saved = (
                    self.write(
                        "the note", lambda: self.store.update_annotation(annotation_id, note=text)
                    )
                    is not None
                )
                if saved:
                    self.notify("Note saved", timeout=2, markup=False)
                    self._reload_annotations()
            else:
                saved = self._add(selectors, text, story_id=story_id)
            if not saved and text is not None:
                # Nothing typed is thrown away: back to the editor, to retry or copy it out.
                self._edit(quote, text, annotation_id, selectors, story_id)
                return
            self._draft = None
            self._draft_saved = ""
            self.write("the draft", self.store.clear_draft)

        from tui_reader.ui.screens.note_editor import NoteEditor  # loaded on first use

        self.app.push_screen(NoteEditor(quote, note, title=title), done)

    def _add(
        self, selectors: list[dict[str, object]], note: str, *, story_id: str | None = None
    ) -> bool:
        story = self.story
        story_id = story_id or (story.story_id if story else None)
        if story_id is None:
            return False
        is_open = story is not None and story.story_id == story_id
        try:
            annotation = self.store.add_annotation(
                story_id,
                selectors,
                note,
                story_title=story.title if story and is_open else "",
                story_path=str(story.path) if story and is_open else "",
            )
        except StoreError as exc:
            self.unsaved("the note" if note.strip() else "the highlight", exc)
            return False
        # The store returns only once the annotation is on disk, so "saved" is true.
        self.notify("Note saved" if note.strip() else "Highlight saved", timeout=2, markup=False)
        if is_open:
            self.query_one(Article).clear_selection()
            self._reload_annotations()
            self.query_one(NotesSidebar).select_id(annotation.id)
        else:
            self._refresh_marks()
        return True

    def flush_draft(self, force: bool = False) -> None:
        """Write the note being typed to disk as a draft (also called on SIGHUP/SIGTERM)."""
        if self._draft is None:
            return
        from tui_reader.ui.screens.note_editor import NoteEditor

        editors = [s for s in self.app.screen_stack if isinstance(s, NoteEditor)]
        if editors:
            self._draft["note"] = editors[-1].text
        note = str(self._draft["note"])
        if note == self._draft_saved and not force:
            return
        draft = Draft(
            story_id=str(self._draft["story_id"]),
            selectors=list(self._draft["selectors"]),
            note=note,
            annotation_id=self._draft.get("annotation_id"),
        )
        if self.write("the draft", lambda: self.store.save_draft(draft)):
            self._draft_saved = note

    def offer_draft(self) -> None:
        """Offer back a note that was being typed when the last session ended."""
        draft = self.store.draft()
        if draft is None or not draft.note.strip():
            return
        excerpt = " ".join(draft.note.split())[:60]

        def answered(restore: bool | None) -> None:
            if not restore:
                self.write("the draft", self.store.clear_draft)
                return
            self._edit(
                quote_of(draft.selectors),
                draft.note,
                draft.annotation_id,
                list(draft.selectors),
                draft.story_id,
            )

        from tui_reader.ui.screens.confirm import ConfirmScreen

        self.app.push_screen(
            ConfirmScreen(
                f"An unsaved note from {local_time(draft.saved_at)} was kept:\n“{excerpt}”\n\n"
                "Open it to finish and save it?"
            ),
            answered,
        )

    # ----- the sidebar -------------------------------------------------------------------

    def on_notes_sidebar_note_chosen(self, message: NotesSidebar.NoteChosen) -> None:
        """Show, edit or delete the chosen note."""
        annotation = next((a for a in self.annotations if a.id == message.annotation_id), None)
        if annotation is None:
            return
        anchor = self.anchors.get(annotation.id)
        if message.intent == "show":
            if anchor is not None:
                self.query_one(Article).scroll_to_offset(anchor.start, annotation.id)
        elif message.intent == "edit":
            self._edit(
                quote_of(annotation.selectors),
                annotation.note,
                annotation.id,
                list(annotation.selectors),
                annotation.story_id,
            )
        elif message.intent == "delete":
            if (
                self.write("the deletion", lambda: self.store.delete_annotation(annotation.id))
                is None
            ):
                return
            self._undo = annotation
            self.notify("Note deleted. Press u to undo.", timeout=5, markup=False)
            self._reload_annotations()

    def on_article_note_reached(self, message: Article.NoteReached) -> None:
        """Keep the sidebar on the note; with the sidebar hidden, show the note in a popup."""
        sidebar = self.query_one(NotesSidebar)
        sidebar.select_id(message.annotation_id)
        if sidebar.display:
            return
        annotation = next((a for a in self.annotations if a.id == message.annotation_id), None)
        if annotation is not None:
            note = annotation.note.strip() or "(highlight, no note)"
            self.notify(note, title="Note (s shows all)", timeout=6, markup=False)

    def on_article_notice(self, message: Article.Notice) -> None:
        """Tell the reader what the article could not do."""
        self.notify(message.text, timeout=3, markup=False)

    def action_undo(self) -> None:
        """Bring back the last deleted note."""
        if self._undo is None:
            self.notify("Nothing to undo", timeout=2, markup=False)
            return
        restored = self._undo
        if not self.write("the note", lambda: self.store.restore_annotation(restored)):
            return
        self._undo = None
        self.notify("Note restored", timeout=2, markup=False)
        self._reload_annotations()
        self.query_one(NotesSidebar).select_id(restored.id)

    # ----- copying and URLs --------------------------------------------------------------

    def action_copy(self) -> None:
        """Copy via OSC 52: the selection or note with a citation, else the story URL."""
        if self.story is None or self.document is None:
            self.notify("Open a story first (enter)", timeout=2, markup=False)
            return
        article = self.query_one(Article)
        sidebar = self.query_one(NotesSidebar)
        selection = article.selection
        if selection is not None and selection[0] != selection[1]:
            text = citation(self.story, self.document.text[selection[0] : selection[1]].strip())
            what = "quote"
        elif sidebar.has_focus and sidebar.current_id:
            annotation = next((a for a in self.annotations if a.id == sidebar.current_id), None)
            quote = quote_of(annotation.selectors) if annotation else ""
            text = citation(self.story, quote)
            if annotation and annotation.note.strip():
                text += "\n\n" + annotation.note.strip()
            what = "note"
        elif self.story.url:
            text, what = self.story.url, "URL"
        else:
            text, what = citation(self.story), "citation"
        self.app.copy_to_clipboard(text)
        self.notify(
            f"Copied the {what} to your terminal's clipboard (OSC 52). "
            "Nothing arrived? Press o to see it.",
            timeout=4,
            markup=False,
        )

    def action_show_url(self) -> None:
        """Show the story's URL and links to copy by hand (never opens a browser here)."""
        if self.story is None:
            self.notify("Open a story first (enter)", timeout=2, markup=False)
            return
        body = Text()
        body.append("Source\n", style="bold")
        body.append((self.story.url or "(none)") + "\n")
        links = self.document.links if self.document else ()
        if links:
            body.append("\nLinks in the story\n", style="bold")
            for link in links:
                body.append(link + "\n")
        body.append("\n" + citation(self.story), style="dim")
        from tui_reader.ui.screens.message import MessageScreen

        self.app.push_screen(MessageScreen("Links", body))
