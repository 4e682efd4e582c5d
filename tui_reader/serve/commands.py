"""The commands a ``tui-reader serve`` user may run over ``ssh`` instead of the reader.

Exactly two: ``export`` (to standard output) and ``import -`` (from standard input), on the
user's own data dir. The command line is split like a shell would (no shell ever runs it) and
checked against an allow-list: nothing that names a file or folder on the server (``-o``,
``--data-dir``, ``--stories``, an import file) gets through. What passes is rebuilt from the
checked values as ``--option=value`` words, so no value can be read as another option.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

__all__ = ["Command", "parse_command"]

_EXPORT_VALUES = {"--format", "--story", "--tag", "--since"}
_EXPORT_FLAGS = {"--flat", "--help"}
_IMPORT_FLAGS = {"--dry-run", "--help"}
_FORMATS = ("json", "markdown", "w3c", "csv")
MAX_WORDS = 16
MAX_VALUE = 1000


@dataclass(frozen=True)
class Command:
    """An allowed command: ``export`` or ``import`` and its checked arguments."""

    name: str
    args: tuple[str, ...]


def parse_command(line: str) -> Command | str | None:
    """Check an exec request's command line.

    Returns:
        The :class:`Command` to run; a message saying why it is refused (it names an export
        or import the server does not allow); or None when it is neither (the reader runs,
        as for any other command).
    """
    try:
        words = shlex.split(line)
    except ValueError:
        return None
    if words[:1] == ["tui-reader"]:
        words = words[1:]
    if not words or words[0] not in ("export", "import"):
        return None
    name, rest = words[0], words[1:]
    if len(rest) > MAX_WORDS:
        return f"tui-reader: too many arguments for {name}"
    if any("\x00" in w or len(w) > MAX_VALUE for w in rest):
        return f"tui-reader: an argument of {name} is too long or holds a NUL"
    return _export(rest) if name == "export" else _import(rest)


def _export(words: list[str]) -> Command | str:
    args: list[str] = []
    i = 0
    while i < len(words):
        option, eq, value = words[i].partition("=")
        if option in _EXPORT_FLAGS and not eq:
            args.append(option)
        elif option in _EXPORT_VALUES:
            if not eq:
                i += 1
                if i == len(words):
                    return f"tui-reader: export {option} needs a value"
                value = words[i]
            if option == "--format" and value not in _FORMATS:
                return f"tui-reader: export --format must be one of {', '.join(_FORMATS)}"
            args.append(f"{option}={value}")
        else:
            return (
                f"tui-reader: over ssh, export takes only --format, --story, --tag, --since and "
                f"--flat, and writes to standard output (not {shlex.quote(words[i])})"
            )
        i += 1
    return Command("export", tuple(args))


def _import(words: list[str]) -> Command | str:
    args = [w for w in words if w in _IMPORT_FLAGS]
    others = [w for w in words if w not in _IMPORT_FLAGS]
    if others not in ([], ["-"]):
        return (
            "tui-reader: over ssh, import reads standard input: ssh ... import - < notes.json "
            f"(not {shlex.quote(others[0] if others[0] != '-' else others[-1])})"
        )
    return Command("import", (*args, "-"))
