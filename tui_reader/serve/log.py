"""Log lines of ``tui-reader serve``: one event, one line, whatever a client sends.

Values from the network (a ``TERM``, a user name, an exec command, a disconnect reason) are
quoted by the code that logs them (:func:`tui_reader.core.textsafe.log_value`); as a second line of
defence, :class:`OneLineFormatter` escapes any control character left in a formatted record,
including those of asyncssh's own messages, so nothing can forge a line or reach the
operator's terminal.
"""

from __future__ import annotations

import logging
import re

__all__ = ["OneLineFormatter", "configure_logging"]

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
FORMAT = "%(asctime)s %(levelname)s %(message)s"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return repr(char)[1:-1] if ord(char) > 0x7F else f"\\x{ord(char):02x}"


class OneLineFormatter(logging.Formatter):
    """A formatter whose records never span lines or carry escape sequences."""

    def format(self, record: logging.LogRecord) -> str:
        """Format ``record``, then escape every control character in it (tracebacks kept)."""
        message = record.getMessage()
        safe = _CONTROL.sub(_escape, message)
        if safe != message:
            record.msg, record.args = safe, None
        return super().format(record)


def configure_logging(verbose: bool) -> None:
    """Log to stderr, one escaped line per event; asyncssh only says warnings unless verbose."""
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter(FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if not verbose:
        logging.getLogger("asyncssh").setLevel(logging.WARNING)
