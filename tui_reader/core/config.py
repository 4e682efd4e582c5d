"""User settings: a small TOML file, loaded once; bad settings are reported, never fatal."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

COLOR_SYSTEMS = ("auto", "truecolor", "256", "standard", "none")
SORTS = ("newest", "oldest", "title", "feed", "unread")
"""The list orders (the same as :data:`tui_reader.library.order.SORTS`)."""
ALIGNS = ("center", "left")
DEFAULT_MEASURE = 76
"""The widest a line of body text gets, in columns: a comfortable reading measure."""
ENV_SERVED = "TUI_READER_SERVED"
"""Set (to ``1``) by ``tui-reader serve`` in the environment of every reader it starts."""


ENV_ALLOW_PRIVATE = "TUI_READER_ALLOW_PRIVATE"
"""Set (to ``1``) by ``serve --allow-private-addresses``: served readers may fetch anything."""


def is_served() -> bool:
    """Whether this reader runs for a user of ``tui-reader serve`` (who must not touch files,
    nor make the server fetch internal addresses)."""
    return os.environ.get(ENV_SERVED, "") not in ("", "0")


def private_addresses_allowed() -> bool:
    """Whether the operator let served readers fetch private and loopback addresses."""
    return os.environ.get(ENV_ALLOW_PRIVATE, "") not in ("", "0")


@dataclass(frozen=True)
class Config:
    """Settings of the reader.

    The file (``$XDG_CONFIG_HOME/tui-reader/config.toml``) looks like::

        mouse = false
        color_system = "256"      # auto, truecolor, 256, standard, none
        refresh_minutes = 30      # refresh the feeds while the reader is open (0: only on r)
        sort = "newest"           # newest, oldest, title, feed, unread (O changes it)
        hide_read = false         # list only unread stories (H toggles it)
        mark_read_on_open = true  # opening a story marks it read (else only m does)
        measure = 76              # widest line of body text in columns (0: the whole pane)
        align = "center"          # the text column in a wider pane: center or left
        theme = "textual-light"   # any theme the palette lists (ctrl+p, "Change theme")

        [keymap]
        "article.annotate" = "A"
        "app.quit" = "q,ctrl+q"
    """

    mouse: bool = True
    color_system: str = "auto"
    refresh_minutes: float = 0
    """Refresh the feeds this often while the reader runs; 0 (the default) only on ``r``."""
    sort: str = "newest"
    """The list's order until the reader picks another (``S``; then that one is remembered)."""
    hide_read: bool = False
    """List only unread stories until the reader toggles it (``H``)."""
    mark_read_on_open: bool = True
    """Opening a story marks it read; when false, only ``m`` does."""
    measure: int = DEFAULT_MEASURE
    """The widest line of body text, in columns (0: as wide as the pane)."""
    align: str = "center"
    """Where the text column sits in a wider pane: ``center`` or ``left``."""
    theme: str = ""
    """The Textual theme to start with ("" for the one last chosen, else the default)."""
    keymap: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    """What was wrong with the file, for a message on start-up."""


def default_config_path() -> Path:
    """Where the config file lives unless ``--config`` says otherwise."""
    from platformdirs import user_config_dir

    return Path(os.environ.get("TUI_READER_CONFIG") or user_config_dir("tui-reader")) / (
        "config.toml"
    )


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file gives defaults, a bad one defaults plus problems."""
    path = path or default_config_path()
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as exc:
        return Config(problems=(f"{path}: could not read settings ({exc}); using defaults",))
    import tomllib  # only when there is a file: most launches have none

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Config(problems=(f"{path}: could not read settings ({exc}); using defaults",))
    problems: list[str] = []
    mouse = raw.get("mouse", True)
    if not isinstance(mouse, bool):
        problems.append(f"{path}: 'mouse' must be true or false")
        mouse = True
    color = str(raw.get("color_system", "auto"))
    if color not in COLOR_SYSTEMS:
        problems.append(f"{path}: 'color_system' must be one of {', '.join(COLOR_SYSTEMS)}")
        color = "auto"
    refresh = raw.get("refresh_minutes", 0)
    if isinstance(refresh, bool) or not isinstance(refresh, int | float) or refresh < 0:
        problems.append(f"{path}: 'refresh_minutes' must be a number of minutes, 0 for never")
        refresh = 0
    elif 0 < refresh < 1:
        problems.append(f"{path}: 'refresh_minutes' below 1 is not allowed; using 1")
        refresh = 1
    sort = raw.get("sort", "newest")
    if sort not in SORTS:
        problems.append(f"{path}: 'sort' must be one of {', '.join(SORTS)}")
        sort = "newest"
    flags: dict[str, bool] = {}
    for name, default in (("hide_read", False), ("mark_read_on_open", True)):
        value = raw.get(name, default)
        if not isinstance(value, bool):
            problems.append(f"{path}: '{name}' must be true or false")
            value = default
        flags[name] = value
    measure = raw.get("measure", DEFAULT_MEASURE)
    if isinstance(measure, bool) or not isinstance(measure, int) or not 0 <= measure <= 1000:
        problems.append(f"{path}: 'measure' must be a number of columns (0: the whole pane)")
        measure = DEFAULT_MEASURE
    elif 0 < measure < 20:
        problems.append(f"{path}: 'measure' below 20 columns is not allowed; using 20")
        measure = 20
    align = str(raw.get("align", "center"))
    if align not in ALIGNS:
        problems.append(f"{path}: 'align' must be one of {', '.join(ALIGNS)}")
        align = "center"
    theme = raw.get("theme", "")
    if not isinstance(theme, str):
        problems.append(f"{path}: 'theme' must be a theme's name")
        theme = ""
    keymap_raw = raw.get("keymap", {})
    keymap: dict[str, str] = {}
    if isinstance(keymap_raw, dict):
        for key, value in keymap_raw.items():
            if isinstance(value, str) and value.strip():
                keymap[str(key)] = value
            else:
                problems.append(f"{path}: keymap entry {key!r} must be a key string")
    else:
        problems.append(f"{path}: [keymap] must be a table")
    return Config(
        mouse=mouse,
        color_system=color,
        refresh_minutes=float(refresh),
        sort=str(sort),
        hide_read=flags["hide_read"],
        mark_read_on_open=flags["mark_read_on_open"],
        measure=measure,
        align=align,
        theme=theme.strip(),
        keymap=keymap,
        problems=tuple(problems),
    )
