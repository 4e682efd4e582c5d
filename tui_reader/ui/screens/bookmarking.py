"""Bookmark keys of the main screen: ``b`` toggles a bookmark, ``t`` edits its tags."""

from __future__ import annotations

from tui_reader.ui.screens.opening import OpeningScreen
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.story_list import StoryList


class BookmarkingScreen(OpeningScreen):
    """Bookmarks the open story (from the article) or the highlighted one (from the list)."""

    def _target_row(self) -> tuple[str, str, str] | None:
        """The story a bookmark key applies to: the open one in the article, else the list's."""
        if self.query_one(Article).has_focus and self.story is not None:
            return self.story.story_id, self.story.title, str(self.story.path)
        row = self.query_one(StoryList).current
        if row is None or row.error is not None:
            return None
        return row.story_id, row.title, row.key

    def action_toggle_bookmark(self) -> None:
        """Bookmark the story, or remove its bookmark."""
        target = self._target_row()
        if target is None:
            return
        story_id, title, path = target
        on_now = not self.store.is_bookmarked(story_id)
        saved = self.write(
            "the bookmark",
            lambda: self.store.set_bookmark(story_id, on_now, title=title, path=path),
        )
        if not saved:
            return
        self.notify(
            ("Bookmarked: " if on_now else "Bookmark removed: ") + title, timeout=3, markup=False
        )
        self._show_bookmark(story_id)
        self._bookmarks_changed()

    def _show_bookmark(self, story_id: str) -> None:
        if self.story is not None and self.story.story_id == story_id:
            bookmark = self.store.bookmarks().get(story_id)
            self.query_one(Article).set_bookmarked(
                bookmark is not None, bookmark.tags if bookmark else ()
            )

    def action_tags(self) -> None:
        """Tag the story's bookmark (bookmarking it if needed)."""
        target = self._target_row()
        if target is None:
            return
        story_id, title, path = target
        bookmark = self.store.bookmarks().get(story_id)

        def done(tags: tuple[str, ...] | None) -> None:
            if tags is None:
                return
            saved = self.write(
                "the tags",
                lambda: self.store.set_bookmark(story_id, True, tags=tags, title=title, path=path),
            )
            if saved:
                shown = ", ".join(tags) or "no tags"
                self.notify(f"Bookmarked with {shown}: {title}", timeout=3, markup=False)
                self._show_bookmark(story_id)
                self._refresh_marks()

        from tui_reader.ui.screens.tags import TagsScreen  # loaded on first use

        self.app.push_screen(TagsScreen(title, bookmark.tags if bookmark else ()), done)

    def _bookmarks_changed(self) -> None:
        """Redraw what shows bookmarks (the reader screen also refilters its list)."""
        self._refresh_marks()
