"""Why a search could not answer: the errors of the search index, in a module of their own.

The reader's parts catch these from the first frame on, while the index and its SQLite code
are loaded only when a search or the first sync needs them.

Pure module: no Textual, no IO.
"""

from __future__ import annotations

__all__ = ["IndexBroken", "TooSlow"]


class IndexBroken(Exception):
    """The index file cannot be used (corrupt, locked too long, unwritable); rebuild it."""


class TooSlow(Exception):
    """A search given a deadline did not finish by it (it was stopped; nothing is wrong)."""
