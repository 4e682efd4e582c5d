"""Options several commands share, spelled and explained the same way in each."""

from __future__ import annotations

import argparse

__all__ = ["add_data_dir", "add_fetch_limits"]

_DATA_DIR_DEFAULT = "(default: $TUI_READER_DATA_DIR, else the platform's user data dir)"


def add_data_dir(parser: argparse.ArgumentParser, holds: str = "bookmarks and notes") -> None:
    """``--data-dir DIR``: where the user's data lives (``holds`` says what lives there)."""
    parser.add_argument("--data-dir", metavar="DIR", help=f"where {holds} live {_DATA_DIR_DEFAULT}")


def add_fetch_limits(parser: argparse.ArgumentParser) -> None:
    """``--timeout`` and ``--deadline``: how long a download may stall and take in all."""
    parser.add_argument(
        "--timeout",
        type=float,
        default=15.0,
        metavar="SECONDS",
        help="give up on a server silent this long (default: 15)",
    )
    parser.add_argument(
        "--deadline",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="give up on a download taking longer (default: 60)",
    )
