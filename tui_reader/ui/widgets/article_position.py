"""Where the view is in the story, said in the article's bottom border.

The article pane draws no scrollbar: redrawing one on every page-down cost as much as the
rest of the frame (page-down 20.7 ms with it, 15.6 ms without, in ``bench/run.py --only
read``), and over SSH every byte counts. Like vim and less, the border says ``Top``, ``Bot``,
``All`` or how far down the view is; when a key waits for the rest of a long story, it says
that instead.
"""

from __future__ import annotations

from textual.geometry import Size

from tui_reader.ui.widgets.article_view import ArticleView

__all__ = ["PositionedView", "position_label"]


def position_label(top: int, height: int, total: int, complete: bool) -> str:
    """``All``, ``Top``, ``Bot`` or ``NN%`` (the share of the story above the view's top line,
    as vim says it); empty while the story is only partly laid out and the view is not at
    its top (the share is not known yet)."""
    if total <= 0:
        return ""
    if total <= height:
        return "All" if complete else ""
    if top <= 0:
        return "Top"
    if not complete:
        return ""
    if top + height >= total:
        return "Bot"
    return f"{top * 100 // (total - height)}%"


class PositionedView(ArticleView):
    """The article view with its place in the story (or what a key waits for) in the border."""

    _said = ""

    def say(self, status: str) -> None:
        """Show ``status`` in the bottom border (empty: show the position again)."""
        self._said = status
        self._show_position()

    def _show_position(self) -> None:
        height = self.scrollable_content_region.height
        label = self._said or position_label(
            int(self.scroll_y), height, self.virtual_size.height, self.complete
        )
        if label != str(self.border_subtitle or ""):
            self.border_subtitle = label

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scrolled: the position moved."""
        super().watch_scroll_y(old_value, new_value)
        self._show_position()

    def watch_virtual_size(self, size: Size) -> None:
        """Another story, or the rest of one laid out: the position means something else."""
        self._show_position()

    def on_resize(self) -> None:
        """A taller or shorter view: after the view has laid its lines out again."""
        self.call_after_refresh(self._show_position)
