"""Pick which feed the story list shows (``F``): all stories, local files only, one feed, or a
saved search (newsboat's query feeds). Each line shows its unread and total stories."""

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
SEARCH = "\x00search:"
"""Prefix of the choice that runs a saved search (followed by its name)."""
FORGET = "\x00forget:"
"""Prefix of the choice that deletes a saved search (followed by its name)."""

Counts = tuple[int, int]
"""``(unread, total)`` stories."""


class FeedPicker(ModalScreen[str | None]):
    """Choose a feed to filter the story list by; dismisses with its name, ``ALL`` or ``LOCAL``.

    | Key | Action |
    | --- | --- |
    | `j` / `k`, arrows | move |
    | `enter` | show that feed's stories (or run that search) |
    | `d` | delete the saved search under the cursor |
    | `esc` | keep the current filter |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="feeds.cancel"),
        Binding("j", "down", "Down", show=False, id="feeds.down"),
        Binding("k", "up", "Up", show=False, id="feeds.up"),
        Binding("d", "forget", "Delete search", show=False, id="feeds.forget_search"),
    ]

    def __init__(
        self,
        counts: dict[str, Counts],
        local: Counts,
        current: str,
        problems: dict[str, str] | None = None,
        searches: dict[str, Counts] | None = None,
    ) -> None:
        """``counts``: stories per feed name; ``local``: stories from no feed;
        ``problems``: the last refresh's error per feed name, shown beside it;
        ``searches``: saved searches by name, with what they find."""
        super().__init__()
        self.counts = counts
        self.local = local
        self.current = current
        self.problems = problems or {}
        self.searches = searches or {}

    def compose(self) -> ComposeResult:
        """The choices, one line each, with their story counts."""
        every = [*self.counts.values(), self.local]
        total = (sum(c[0] for c in every), sum(c[1] for c in every))
        choices = [Option(self._label("All stories", total), id="all")]
        if self.local[1]:
            choices.append(Option(self._label("Local files (no feed)", self.local), id="local"))
        names = sorted(self.counts, key=str.casefold)
        choices += [
            Option(self._label(n, self.counts[n], self.problems.get(n, "")), id=f"feed:{n}")
            for n in names
        ]
        choices += [
            Option(self._label(f"/ {n}", self.searches[n]), id=f"search:{n}")
            for n in sorted(self.searches, key=str.casefold)
        ]
        with Vertical(classes="dialog") as box:
            box.border_title = "Show stories from"
            yield OptionList(*choices)
            keys = "enter = show · d = delete a saved search · esc = cancel"
            yield Static(
                Text(keys if self.searches else "enter = show · esc = cancel", style="dim")
            )

    def on_mount(self) -> None:
        """Start on the current choice."""
        options = self.query_one(OptionList)
        wanted = {ALL: "all", LOCAL: "local"}.get(self.current, f"feed:{self.current}")
        if self.current.startswith(SEARCH):
            wanted = "search:" + self.current.removeprefix(SEARCH)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index(wanted) if wanted in ids else 0
        options.focus()

    @staticmethod
    def _label(name: str, count: Counts, problem: str = "") -> Text:
        # Feed names and errors come from feeds and servers: never markup.
        label = inert(name)
        label.append(f"  {count[0]}/{count[1]} unread", style="dim")
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
        elif option_id.startswith("search:"):
            self.dismiss(SEARCH + option_id.removeprefix("search:"))
        else:
            self.dismiss(option_id.removeprefix("feed:"))

    def action_down(self) -> None:
        """Next choice."""
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        """Previous choice."""
        self.query_one(OptionList).action_cursor_up()

    def action_forget(self) -> None:
        """Delete the saved search under the cursor (feeds are removed from the command line)."""
        options = self.query_one(OptionList)
        index = options.highlighted
        option_id = options.get_option_at_index(index).id if index is not None else None
        if option_id and option_id.startswith("search:"):
            self.dismiss(FORGET + option_id.removeprefix("search:"))
        else:
            self.notify("d deletes a saved search; remove a feed with tui-reader feeds remove")

    def action_cancel(self) -> None:
        """Keep the current filter."""
        self.dismiss(None)
