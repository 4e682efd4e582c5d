"""ReaderApp: the application shell. Screens do the work; this wires settings and signals."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.filter import LineFilter, Monochrome, NoColor
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Input

from tui_reader.core.config import Config, is_served
from tui_reader.core.paths import default_feeds_library
from tui_reader.core.textsafe import sanitize
from tui_reader.library.finder import Finder
from tui_reader.library.index import LibraryIndex
from tui_reader.library.order import LABELS, SORTS
from tui_reader.notes.layout import LayoutMemory
from tui_reader.storage.store import Store
from tui_reader.ui import warm_styles
from tui_reader.ui.driver import PromptEscapeDriver, missing_internals
from tui_reader.ui.hangup import HANGUP_SIGNALS, HangUp
from tui_reader.ui.keys import key_names
from tui_reader.ui.screens.reader import ReaderScreen
from tui_reader.ui.widgets.inert import plain


class ReaderApp(App[None]):
    """The terminal news reader.

    | Key | Action |
    | --- | --- |
    | `?` | all keys |
    | `/` | search stories and notes |
    | `ctrl+p` | command palette |
    | `q` | quit |
    """

    CSS_PATH = "app.tcss"
    TITLE = "tui-reader"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Keys", id="app.help"),
        # Priority: "/" starts a search from whichever pane has focus.
        Binding("slash", "search", "Search", priority=True, id="app.search"),
    ]

    def __init__(
        self,
        stories_dir: Path | Sequence[Path],
        store: Store,
        index: LibraryIndex,
        config: Config,
        *,
        served: bool = False,
        save_to: Path | None = None,
    ) -> None:
        prompt_escape = os.name == "posix" and not missing_internals()
        super().__init__(driver_class=PromptEscapeDriver if prompt_escape else None)
        warm_styles.adopt(self)  # forked from the serve launcher: its CSS is parsed already
        self.served = served
        """Running for a user of ``tui-reader serve``: nothing may write files outside the store."""
        self.save_to = save_to
        """The stories folder whose ``saved/`` receives pages saved with ``S``."""
        self.told: list[str] = []
        """Every notification shown this session, oldest first (what the reader was told)."""
        self.hangup = HangUp(self.flush)
        """What SIGHUP and SIGTERM do: the process handler and the event loop share it."""
        self.stories_dirs = (stories_dir,) if isinstance(stories_dir, Path) else tuple(stories_dir)
        self.store = store
        self.index = index
        self.finder = Finder(index.cache_dir, self.stories_dirs, store.data_dir)
        """The search index of this library and data dir."""
        self.config = config
        # Animation frames cost bytes on every SSH link: scrolling jumps, it never glides.
        self.animation_level = "none"
        self._no_color = NoColor()
        if config.keymap:
            self.set_keymap(config.keymap)
        self.layout_memory = LayoutMemory(store)
        """The layout choices the reader made (sidebar, list width, theme), remembered."""
        self._start_theme = self.layout_memory.load().theme or config.theme

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, but ``NO_COLOR`` means no colour codes at all.

        Textual maps colours to greys under NO_COLOR (still colour codes); the convention
        (no-color.org) is no colour at all. Reverse, underline and bold still mark state.
        """
        filters = super().get_line_filters()
        return [self._no_color if isinstance(f, Monochrome) else f for f in filters]

    def get_default_screen(self) -> ReaderScreen:
        """The reader is the app's first screen (not pushed over a blank one: one screen
        less to style and draw before the first frame)."""
        return ReaderScreen(
            self.stories_dirs,
            self.store,
            self.index,
            self.finder,
            self.config,
            save_to=self.save_to,
            layout=self.layout_memory,
        )

    def on_mount(self) -> None:
        """Take over hang-up signals so nothing typed is lost; say what the settings lack."""
        self._use_theme(self._start_theme)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.call_after_refresh(self._started)
        for problem in self.config.problems:
            self.notify(problem, severity="warning", timeout=15, markup=False)
        self.hangup.attach(lambda code: self.exit(return_code=code))
        loop = asyncio.get_running_loop()
        for signum in HANGUP_SIGNALS:
            try:
                loop.add_signal_handler(signum, self.hangup.handle, signum)
            except (NotImplementedError, RuntimeError):
                continue  # not the main thread (e.g. some test runners): nothing to install

    @staticmethod
    def _started() -> None:
        """The first frame is drawn: collect garbage again if the command line held it off for
        the start-up (see ``cli/main.py``), never rescanning what start-up made to last."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def _use_theme(self, name: str) -> None:
        if not name or name == self.theme:
            return
        if name in self.available_themes:
            self.theme = name
        else:
            known = ", ".join(sorted(self.available_themes))
            self.notify(f"Unknown theme {name!r}; the themes are: {known}", timeout=15)

    def _theme_changed(self, theme: Theme) -> None:
        """A theme picked in the palette is remembered for the next start."""
        memory = self.layout_memory
        if theme.name == self._start_theme and not memory.current.theme:
            return  # the config's theme, applied at start: not a choice to remember
        if theme.name != memory.current.theme:
            failed = memory.remember(replace(memory.current, theme=theme.name))
            if failed is not None:
                self.notify(failed.message, severity="error", timeout=10)

    async def on_event(self, event: events.Event) -> None:
        """Route keys to a search being typed; drop mouse motion with no button held."""
        if isinstance(event, events.MouseMove) and not event.button and not event.is_forwarded:
            return  # hover effects would repaint over SSH
        # Keys are taken here, in arrival order, before they are routed to a pane: the gate
        # hands them out one at a time (see parts/keygate.py), and every key typed after "/"
        # reaches the search, however fast it comes.
        reader = next((s for s in self.screen_stack if isinstance(s, ReaderScreen)), None)
        fresh = not event.is_forwarded
        if isinstance(event, events.Key | events.Paste) and fresh and reader is not None:
            await self._typed(reader, event)
        else:
            await super().on_event(event)

    async def _typed(self, reader: ReaderScreen, event: events.Key | events.Paste) -> None:
        if reader.keys.take(event):
            return  # the gate hands it out again later, in its turn
        if isinstance(event, events.Key) and self.screen is reader and reader.search_key(event):
            reader.keys.drain(reader.search_key)  # the rest of the query, typed with it
            reader.keys.sent(event, None, bound=False)
            return
        target = self.focused or self.screen
        await super().on_event(event)
        # A key not forwarded was used here, by a priority binding ("/" opens the search):
        # it never goes down to the focused pane, so the gate waits for the app alone. The
        # rest of a burst typed with it is then taken in this same turn ("/word⏎" in one
        # write), and no frame of an empty search line is drawn before the results.
        reader.keys.sent(event, target if event.is_forwarded else None)

    def on_app_focus(self) -> None:
        """Coming back to the terminal: pick up what another session saved meanwhile."""
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.refresh_from_disk()

    def flush(self) -> None:
        """Write the draft being typed and the reading position to disk."""
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.flush()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``/`` searches only from the reader, never while typing text."""
        if action == "search":
            # Notes are typed in a TextArea on the note editor's own screen, refused below;
            # TextArea is not imported here, where it would only slow the start.
            typing = isinstance(self.focused, Input)
            screen = self.screen_stack[-1] if self.screen_stack else None
            return isinstance(screen, ReaderScreen) and not typing and not screen.searching
        return True

    def action_search(self) -> None:
        """Search stories and notes."""
        if isinstance(self.screen, ReaderScreen):
            self.screen.open_search()

    async def action_quit(self) -> None:
        """Save the reading position, then quit."""
        self.flush()
        self.exit()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a notification; its text is always literal and free of control characters.

        Messages quote stories, feeds, servers, file names and what the user typed, so they are
        never parsed as markup (``markup`` is ignored) and are passed through the terminal-safety
        filter.
        """
        message = sanitize(message)
        self.told.append(message)
        super().notify(
            message,
            title=plain(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save a screenshot under Textual's default name and folder (never a given path)."""
        self.deliver_screenshot()

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """Save a screenshot locally; refused for served users (it would write a file).

        The file name and folder are always Textual's defaults: no action may take a path,
        whoever asks for it.
        """
        if self.served:
            self.notify("Screenshots are not available over tui-reader serve.", timeout=4)
            return None
        return super().deliver_screenshot()

    def action_help(self) -> None:
        """Show every key."""
        from tui_reader.ui.screens.help import HelpScreen, help_sections  # only when asked for

        screen = self.screen
        screen_bindings = list(ReaderScreen.BINDINGS) if isinstance(screen, ReaderScreen) else []
        sections = help_sections(list(self.BINDINGS), screen_bindings)
        self.push_screen(HelpScreen(sections, self.config.keymap))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Offer every reader action in the command palette (ctrl+p)."""
        for command in super().get_system_commands(screen):
            if self.served and command.title == "Screenshot":
                continue  # it writes a file on the server
            if command.title == "Keys":
                continue  # Textual's key panel: ours (?) lists every key, by pane
            yield command
        yield SystemCommand("Keys", "Show every key, by pane (?)", self.action_help)
        if not isinstance(screen, ReaderScreen):
            return
        keymap = self.config.keymap
        for binding in ReaderScreen.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                keys = key_names(keymap.get(binding.id or "", binding.key))
                yield SystemCommand(
                    binding.description,
                    f"Key: {keys}",
                    lambda action=binding.action: self.call_later(screen.run_action, action),
                )
        for order in SORTS:
            yield SystemCommand(
                f"Sort: {LABELS[order]}",
                "Order the story list (O cycles)",
                lambda order=order: screen.listing.set_sort(order),
            )
        yield SystemCommand(
            "Notes sidebar: open by itself",
            "Show the notes sidebar only for stories with notes (s overrides it)",
            screen.panes.sidebar_auto,
        )


def create_app(
    stories_dir: Path | Sequence[Path],
    data_dir: Path,
    config: Config | None = None,
    cache_dir: Path | None = None,
    *,
    served: bool | None = None,
    save_to: Path | None = None,
) -> ReaderApp:
    """Build the reader for ``stories_dir`` with bookmarks and notes kept in ``data_dir``.

    Args:
        stories_dir: the folder of story files, or several folders shown as one library
            (the bundled stories and the default feeds folder).
        data_dir: where the store keeps bookmarks, notes and reading state.
        config: settings (defaults when None).
        cache_dir: where the library index is cached (the platform cache dir when None).
        served: running for a ``tui-reader serve`` user (default: as the environment says,
            see :func:`tui_reader.core.config.is_served`).
        save_to: the stories folder pages saved with ``S`` go into (its ``saved/``); shown in
            the library once it exists. Default: ``<data dir>/feeds``, as ``tui-reader save``.

    Returns:
        The app, ready to ``run()`` (or ``run_test()``).
    """
    store = Store.open(data_dir)
    index = LibraryIndex(cache_dir) if cache_dir is not None else LibraryIndex()
    served = is_served() if served is None else served
    save_to = save_to or default_feeds_library(data_dir)
    return ReaderApp(stories_dir, store, index, config or Config(), served=served, save_to=save_to)
