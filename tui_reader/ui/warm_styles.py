"""The reader's stylesheet, parsed once in the warm launcher and handed to the reader it forks.

Textual parses an app's CSS (app.tcss and every widget's ``DEFAULT_CSS``, ~10 KB) per
:class:`~textual.app.App` instance, then again as widgets of new classes mount: ~45 ms of a
served session's start, the same for every user. The launcher (:mod:`tui_reader.cli.zygote`)
rehearses the reader once (:mod:`tui_reader.ui.rehearsal`) and keeps that app's stylesheet
here; the one reader a forked child builds adopts it through the public ``App.stylesheet``
attribute (the one Textual itself swaps when CSS files change). Textual then finds every source
it adds already there, unchanged, and parses nothing; the parsed rules stay shared
copy-on-write with the launcher. A reader whose CSS variables differ (another colour mode)
keeps its own; a theme chosen later re-parses as it always does.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.css.stylesheet import Stylesheet

__all__ = ["adopt", "keep"]

_kept: tuple[dict[str, str], Stylesheet] | None = None


def keep(app: App[Any]) -> None:
    """Keep ``app``'s parsed stylesheet (and the CSS variables it was parsed with) for the
    next app this process builds; the launcher calls it once its rehearsal has run."""
    global _kept
    _kept = (app.get_css_variables(), app.stylesheet)


def adopt(app: App[Any]) -> bool:
    """Give ``app`` the kept stylesheet if it was parsed with the same CSS variables; True if
    it did. The stylesheet goes to one app only (it is then that app's to change)."""
    global _kept
    if _kept is None:
        return False
    variables, stylesheet = _kept
    _kept = None
    if app.get_css_variables() != variables:
        return False
    app.stylesheet = stylesheet
    return True
