"""Command line: ``tui-reader [STORIES_DIR]`` and its subcommands (feeds, refresh, save, export,
import, serve).

Textual is imported only when the reader is launched, so ``export`` and ``--help`` stay fast.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from tui_reader import __version__
from tui_reader.cli.library import default_stories_dir, reader_library
from tui_reader.cli.options import add_data_dir
from tui_reader.cli.output import err

__all__ = ["default_stories_dir", "main", "reader_library", "run"]


def _reader_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-reader",
        description=(
            "A keyboard-first terminal news reader. Read the stories in a folder, bookmark "
            "them, select passages with the keyboard and attach notes that are never lost. "
            "Press ? inside for every key. Other commands: 'tui-reader feeds --help', "
            "'tui-reader refresh --help', 'tui-reader save --help', 'tui-reader search --help', "
            "'tui-reader export --help', 'tui-reader import --help', 'tui-reader serve --help'."
        ),
    )
    parser.add_argument(
        "stories_dir",
        nargs="?",
        metavar="STORIES_DIR",
        help="folder of .md/.markdown/.txt stories (default: the bundled stories)",
    )
    parser.add_argument("--stories", metavar="DIR", help="same as STORIES_DIR")
    add_data_dir(parser)
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="settings file (default: config.toml in the user config dir, or $TUI_READER_CONFIG)",
    )
    parser.add_argument(
        "--no-mouse",
        action="store_true",
        help="ignore the mouse (saves output over slow SSH links)",
    )
    parser.add_argument(
        "--color",
        choices=("auto", "truecolor", "256", "standard", "none"),
        help="colour depth (default: config, then $TEXTUAL_COLOR_SYSTEM, then detected)",
    )
    parser.add_argument("--version", action="version", version=f"tui-reader {__version__}")
    return parser


def _run_reader(argv: Sequence[str]) -> int:
    args = _reader_parser().parse_args(argv)
    if args.stories_dir and args.stories and args.stories_dir != args.stories:
        print(
            "tui-reader: give the stories folder once (STORIES_DIR or --stories)", file=sys.stderr
        )
        return 2
    given = args.stories or args.stories_dir
    stories = Path(given or default_stories_dir()).expanduser()
    if not stories.is_dir():
        err(f"{stories} is not a folder of stories")
        return 2
    from tui_reader.core.config import load_config
    from tui_reader.core.paths import resolve_data_dir

    data_dir = resolve_data_dir(args.data_dir)
    library = reader_library(Path(given).expanduser() if given else None, data_dir)

    config = load_config(Path(args.config) if args.config else None)
    color = args.color or (config.color_system if config.color_system != "auto" else None)
    if color:
        os.environ["TEXTUAL_COLOR_SYSTEM"] = "standard" if color == "none" else color
        if color == "none":
            os.environ["NO_COLOR"] = "1"
    # Textual reads ESCDELAY (ms) at import. 25 ms is ample for a sequence, which terminals
    # send in one write even over SSH; a user's own ESCDELAY wins.
    os.environ.setdefault("ESCDELAY", "25")
    if "textual.constants" in sys.modules:
        # Forked from the warm reader of ``serve`` (cli/zygote.py): Textual was imported
        # before this session's environment existed, so it reads its settings again.
        importlib.reload(sys.modules["textual.constants"])
    # Start-up makes some 70,000 objects that live as long as the reader (modules, classes,
    # styles, widgets) and next to no garbage: collecting while they are made costs a tenth of
    # a launch. The app collects again once its first frame is drawn (ReaderApp.on_mount).
    gc.disable()
    try:
        from tui_reader.core.config import is_served
        from tui_reader.ui.app import create_app  # imports Textual: only now

        # Saved pages go into the folder being read, like 'tui-reader save --stories'; a
        # served reader (the operator's folder) and the bundled tour save under the user's
        # data dir.
        save_to = Path(given).expanduser() if given and not is_served() else None
        app = create_app(library, data_dir, config, save_to=save_to)
        # The moments before the event loop runs; once mounted, the loop hands signals to it.
        app.hangup.install()
        app.run(mouse=config.mouse and not args.no_mouse)
    finally:
        gc.enable()  # whether or not a frame was drawn
    app.store.close()
    return app.return_code or 0


def run() -> NoReturn:
    """The ``tui-reader`` program (its console script and ``python -m tui_reader``)."""
    raise SystemExit(main(program=True))


def main(argv: Sequence[str] | None = None, *, program: bool = False) -> int:
    """Run the command line; returns the exit status.

    ``program``: this call is the whole process (see :func:`run`), so a command that has
    closed everything it opened may end the process itself (``export`` does).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "export":
        from tui_reader.cli.export import export_main

        return export_main(argv[1:], program=program)
    if argv and argv[0] == "import":
        from tui_reader.cli.import_ import import_main

        return import_main(argv[1:])
    if argv and argv[0] in ("feeds", "refresh"):
        from tui_reader.cli.feeds import feeds_main, refresh_main

        return (feeds_main if argv[0] == "feeds" else refresh_main)(argv[1:])
    if argv and argv[0] == "search":
        from tui_reader.cli.search import search_main

        return search_main(argv[1:], reader_library)
    if argv and argv[0] == "save":
        from tui_reader.cli.save import save_main

        return save_main(argv[1:])
    if argv and argv[0] == "serve":
        from tui_reader.serve.server import main as serve_main

        return serve_main(argv[1:])
    return _run_reader(argv)
