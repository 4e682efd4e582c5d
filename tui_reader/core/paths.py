"""Where tui-reader keeps its data, and how private directories are created.

Resolution order for the data dir: the ``--data-dir`` flag, then the ``TUI_READER_DATA_DIR``
environment variable, then ``platformdirs.user_data_dir("tui-reader")`` (which honours
``XDG_DATA_HOME``). Nothing is created at import or at resolution time; the store calls
:func:`ensure_private_dir` just before its first write.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import platformdirs

APP_NAME = "tui-reader"
ENV_DATA_DIR = "TUI_READER_DATA_DIR"
DIR_MODE = 0o700
FILE_MODE = 0o600


def folders_digest(folders: Sequence[Path]) -> str:
    """A short name for a list of folders (resolved, in order), for cache file names."""
    key = "\x1f".join(str(folder.resolve()) for folder in folders)
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def resolve_data_dir(cli_value: str | None) -> Path:
    """Return the data dir to use, without creating it.

    Args:
        cli_value: the ``--data-dir`` argument, or None (an empty string counts as not given).

    Returns:
        An absolute path: the flag, else ``$TUI_READER_DATA_DIR``, else the platform data dir.
    """
    for candidate in (cli_value, os.environ.get(ENV_DATA_DIR)):
        if candidate:
            return Path(candidate).expanduser().absolute()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)).absolute()


def default_feeds_library(data_dir: Path) -> Path:
    """The folder feeds write their stories to when no ``--stories`` folder is given.

    The reader shows it beside the bundled stories when it is started without a folder.
    """
    return data_dir / "feeds"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) if needed; a dir we create gets mode 0700.

    An existing directory keeps its mode: the user may have chosen to share it.

    Args:
        path: the directory to create.

    Returns:
        ``path``, now existing.

    Raises:
        OSError: the directory cannot be created (e.g. a parent is read-only or is a file).
    """
    if path.is_dir():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=DIR_MODE)
    except FileExistsError:
        if not path.is_dir():
            raise
        return path  # another process created it first; it is theirs to have set up
    # mkdir's mode is filtered by the umask; chmod makes 0700 exact.
    os.chmod(path, DIR_MODE)
    return path
