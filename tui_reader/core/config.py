"""User settings: a small TOML file, loaded once; bad settings are reported, never fatal."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

COLOR_SYSTEMS = ("auto", "truecolor", "256", "standard", "none")
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

        [keymap]
        "article.annotate" = "A"
        "app.quit" = "q,ctrl+q"
    """

    mouse: bool = True
    color_system: str = "auto"
    refresh_minutes: float = 0
    """Refresh the feeds this often while the reader runs; 0 (the default) only on ``r``."""
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
        keymap=keymap,
        problems=tuple(problems),
    )
