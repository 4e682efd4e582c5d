"""Pick which feed the story list shows (``F``): all stories, local files only, or one feed."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_reader.ui.widgets.inert import inert

ALL = ""
"""The choice that shows every story."""
LOCAL = "\x00local"
"""The choice that shows only stories that did not come from a feed."""


class FeedPicker(ModalScreen[str | None]):
    """Choose a feed to filter the story list by; dismisses with its name, ``ALL`` or ``LOCAL``.

    | Key | Action |
    | --- | --- |
    | `j` / `k`, arrows | move |
    | `enter` | show that feed's stories |
    | `esc` | keep the current filter |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="feeds.cancel"),
        Binding("j", "down", "Down", show=False, id="feeds.down"),
        Binding("k", "up", "Up", show=False, id="feeds.up"),
    ]

    def __init__(
        self,
        counts: dict[str, int],
        local: int,
        current: str,
        problems: dict[str, str] | None = None,
    ) -> None:
        """``counts``: stories per feed name; ``local``: stories from no feed;
        ``problems``: the last refresh's error per feed name, shown beside it."""
        super().__init__()
        self.counts = counts
        self.local = local
        self.current = current
        self.problems = problems or {}

    def compose(self) -> ComposeResult:
        """The choices, one line each, with their story counts."""
        total = sum(self.counts.values()) + self.local
        choices = [Option(self._label("All stories", total), id="all")]
        if self.local:
            choices.append(Option(self._label("Local files (no feed)", self.local), id="local"))
        names = sorted(self.counts, key=str.casefold)
        choices += [
            Option(self._label(n, self.counts[n], self.problems.get(n, "")), id=f"feed:{n}")
            for n in names
        ]
        with Vertical(classes="dialog") as box:
            box.border_title = "Show stories from"
            yield OptionList(*choices)
            yield Static(Text("enter = show · esc = cancel", style="dim"))

    def on_mount(self) -> None:
        """Start on the current choice."""
        options = self.query_one(OptionList)
        wanted = {ALL: "all", LOCAL: "local"}.get(self.current, f"feed:{self.current}")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index(wanted) if wanted in ids else 0
        options.focus()

    @staticmethod
    def _label(name: str, count: int, problem: str = "") -> Text:
        # Feed names and errors come from feeds and servers: never markup.
        label = inert(name)
        label.append(f"  {count}", style="dim")
        if problem:
            label.append("  ")
            label.append_text(inert(f"✗ {problem}", style="bold red"))
        return label

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Filter by the chosen feed."""
        option_id = event.option.id or "all"
        if option_id == "all":
            self.dismiss(ALL)
        elif option_id == "local":
            self.dismiss(LOCAL)
        else:
            self.dismiss(option_id.removeprefix("feed:"))

    def action_down(self) -> None:
        """Next choice."""
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        """Previous choice."""
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        """Keep the current filter."""
        self.dismiss(None)
