"""Write a parsed feed's entries into its folder of the library, without ever duplicating one.

Dedupe, strongest key first: the entry's guid/id, then its link, then (for entries with
neither) its title and date. An entry that matches a file already in the folder updates that
file in place when its text changed (same path, so the story keeps its identity and its notes
re-anchor); a new entry gets a new file; an entry whose file the user deleted stays deleted
(its keys are remembered in ``known``).

Pure module: no Textual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import filelock

from tui_reader.feeds.model import FeedEntry, FullText, ParsedFeed
from tui_reader.feeds.story_files import (
    StoryFile,
    entry_hash,
    entry_keys,
    entry_title,
    file_name,
    read_story_files,
    render_story,
    write_atomically,
)

__all__ = ["MAX_KNOWN", "ImportResult", "import_entries", "new_entries"]

MAX_KNOWN = 20_000
"""How many dedupe keys a feed remembers (the newest are kept)."""
LOCK_NAME = ".import.lock"
"""The lock file in a feed's folder (hidden, so the library never lists it)."""
LOCK_TIMEOUT = 60.0
"""Seconds to wait for another process importing the same feed."""


@dataclass
class ImportResult:
    """What importing one feed document did.

    Attributes:
        added: Files written for new entries.
        updated: Files rewritten because their entry changed.
        unchanged: Entries whose file was already up to date.
        skipped: One line per entry left out and why (from parsing, or a duplicate).
        deleted: Entries not written again because their file was deleted.
        known: The feed's dedupe keys after this import, to store with the feed.
    """

    added: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    deleted: int = 0
    known: tuple[str, ...] = ()


def new_entries(
    parsed: ParsedFeed, feed_name: str, folder: Path, known: Iterable[str] = ()
) -> list[tuple[str, FeedEntry]]:
    """The entries :func:`import_entries` would write as new files, with their first key.

    For a full-text feed: these are the entries whose page is fetched (once: on later
    refreshes they are no longer new).
    """
    remembered = set(known) if folder.is_dir() else set()
    on_disk = {key for story in read_story_files(folder) for key in story.keys}
    seen: set[str] = set()
    found = []
    for entry in parsed.entries:
        date = entry.published or entry.updated
        title = entry_title(entry, feed_name)
        keys = entry_keys(entry.guid, entry.link, title, date.date() if date else None)
        if seen.intersection(keys):
            continue
        seen.update(keys)
        if not on_disk.intersection(keys) and not remembered.intersection(keys):
            found.append((keys[0], entry))
    return found


def import_entries(
    parsed: ParsedFeed,
    feed_name: str,
    folder: Path,
    known: Iterable[str] = (),
    *,
    today: dt.date | None = None,
    full_texts: Mapping[str, FullText] | None = None,
) -> ImportResult:
    """Write ``parsed``'s entries as story files in ``folder`` (created if missing).

    Args:
        parsed: The feed document, already parsed.
        feed_name: The feed's name, recorded in each file's front matter.
        folder: The feed's subfolder of the library.
        known: Dedupe keys of entries written before (from the feed record). When ``folder``
            does not exist they are ignored: a removed folder is filled again.
        today: The date recorded as first seen for new entries (default: today, UTC).
        full_texts: For a full-text feed: what fetching each new entry's page gave, by the
            entry's first key (see :func:`new_entries`). A file holding a page's article is
            not rewritten when its entry changes (the summary must not replace it).

    Raises:
        OSError: When the folder or a file cannot be written, or another process held the
            feed's folder for over ``LOCK_TIMEOUT``; files already written stay whole (each
            write is atomic) and are found again by the next import.
    """
    known = list(known)
    remembered = set(known) if folder.is_dir() else set()
    folder.mkdir(parents=True, exist_ok=True)
    # Two refreshes of one feed at once (a cron job and the app) take turns on its folder.
    with filelock.FileLock(folder / LOCK_NAME, timeout=LOCK_TIMEOUT):
        return _import_locked(parsed, feed_name, folder, known, remembered, today, full_texts)


def _import_locked(
    parsed: ParsedFeed,
    feed_name: str,
    folder: Path,
    known: list[str],
    remembered: set[str],
    today: dt.date | None,
    full_texts: Mapping[str, FullText] | None,
) -> ImportResult:
    today = today or dt.datetime.now(dt.UTC).date()
    result = ImportResult(skipped=list(parsed.skipped))
    files = list(read_story_files(folder))
    by_key: dict[str, StoryFile] = {}
    for story in files:
        for key in story.keys:
            by_key.setdefault(key, story)
    taken = {p.name for p in folder.iterdir()}
    seen_in_document: dict[str, int] = {}
    new_known: list[str] = []
    for number, entry in enumerate(parsed.entries, start=1):
        title = entry_title(entry, feed_name)
        date = entry.published or entry.updated
        keys = entry_keys(entry.guid, entry.link, title, date.date() if date else None)
        twin = next((seen_in_document[k] for k in keys if k in seen_in_document), None)
        if twin is not None:
            result.skipped.append(f"entry {number}: same id or link as entry {twin}")
            continue
        seen_in_document.update((k, number) for k in keys)
        new_known.extend(keys)
        match = next((by_key[k] for k in keys if k in by_key), None)
        if match is None and remembered.intersection(keys):
            result.deleted += 1
            continue
        if match is not None and match.entry_hash == entry_hash(entry, feed_name):
            result.unchanged += 1  # the file was written from this very entry
            continue
        full_text = None
        if full_texts is not None:
            if match is not None and match.full_text == "page":
                result.unchanged += 1  # the article stays; the page is fetched only once
                continue
            if match is None:
                full_text = full_texts.get(keys[0])
            elif match.full_text == "summary":
                full_text = FullText(error=match.full_text_error)
        first_seen = (match.first_seen if match else None) or today
        text, _front = render_story(entry, feed_name, title, first_seen, full_text)
        if match is None:
            path = folder / file_name(title, date.date() if date else first_seen, taken)
            taken.add(path.name)
            write_atomically(path, text)
            result.added.append(path)
            stored = StoryFile(path, tuple(keys), first_seen, "", text)
            for key in keys:
                by_key.setdefault(key, stored)
        elif match.text != text:
            write_atomically(match.path, text)
            result.updated.append(match.path)
        else:
            result.unchanged += 1
    # Newest keys last, so trimming keeps what the feed still carries.
    current = dict.fromkeys(new_known)
    older = [k for k in dict.fromkeys(known) if k not in current]
    result.known = tuple([*older, *current][-MAX_KNOWN:])
    return result
