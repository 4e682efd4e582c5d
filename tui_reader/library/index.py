"""A folder of stories: scanning, the metadata index cache, and sorting.

Scanning is recursive over :data:`~tui_reader.core.stories.STORY_SUFFIXES` files, skipping hidden
files and folders. A warm start does not parse every file: :class:`LibraryIndex` keeps each
file's :class:`~tui_reader.core.stories.StoryMeta` (or
:class:`~tui_reader.core.stories.StoryError`) in a JSON file under the cache dir, keyed by the
file's ``(mtime_ns, size)``.

Pure module: no Textual. Nothing runs at import; the cache dir is created on first save.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from tui_reader.core.atomic import atomic_write
from tui_reader.core.stories import STORY_SUFFIXES, StoryError, StoryMeta, read_meta
from tui_reader.library import shared_reads
from tui_reader.library.identity import assign_ids

Item = StoryMeta | StoryError
"""One row of the library: a story's metadata or the reason its file cannot be read."""

INDEX_VERSION = 4
"""Bumped whenever parsing changes what a file's metadata would be, so old indexes are rebuilt.

3: dates from file names and front-matter paths, .txt titles. 4: only web addresses are a
story's URL; story ids unique in a folder (:mod:`.identity`)."""

_Entry = tuple[int, int, Item]  # (mtime_ns, size, item)


def _root_error(root: Path) -> StoryError | None:
    try:
        info = os.stat(root)
    except OSError as exc:
        return StoryError(root, f"cannot open stories folder: {exc.strerror or exc}")
    if not stat.S_ISDIR(info.st_mode):
        return StoryError(root, "cannot open stories folder: not a folder")
    return None


def _walk(root: Path) -> Iterator[tuple[Path, str, os.stat_result] | StoryError]:
    """Yield ``(path, relative posix path, stat)`` per story file, or errors for what failed."""
    error = _root_error(root)
    if error is not None:
        yield error
        return
    root_info = os.stat(root)
    seen = {(root_info.st_dev, root_info.st_ino)}  # symlinked folders must not loop
    stack: list[tuple[str, str]] = [(os.fspath(root), "")]
    while stack:
        folder, rel = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield StoryError(Path(folder), f"cannot read folder: {exc.strerror or exc}")
            continue
        subdirs: list[tuple[str, str]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    info = entry.stat()
                    if (info.st_dev, info.st_ino) not in seen:
                        seen.add((info.st_dev, info.st_ino))
                        subdirs.append((entry.path, f"{rel}{entry.name}/"))
                elif os.path.splitext(entry.name)[1].lower() in STORY_SUFFIXES:
                    yield Path(entry.path), rel + entry.name, entry.stat()
            except OSError as exc:  # e.g. a dangling symlink
                yield StoryError(Path(entry.path), f"cannot read file: {exc.strerror or exc}")
        stack.extend(reversed(subdirs))


def scan(stories_dir: Path) -> Iterator[Item]:
    """Parse every story file under ``stories_dir``, recursively, in name order.

    Only ``.md``, ``.markdown`` and ``.txt`` files are read; hidden files and folders are
    skipped. Never raises: a missing or unreadable folder yields one :class:`StoryError`.

    Args:
        stories_dir: The library folder.

    Yields:
        A :class:`StoryMeta` per readable story, a :class:`StoryError` per bad file or folder.
    """
    for item in _walk(stories_dir):
        yield item if isinstance(item, StoryError) else read_meta(item[0])


def sort_newest_first(items: Iterable[Item]) -> list[Item]:
    """Return ``items`` newest first; undated stories after dated ones, then by title.

    Stories with the same date are ordered by title; errors come last, ordered by path.
    """

    def key(item: Item) -> tuple[int, int, str, str]:
        if isinstance(item, StoryError):
            return (2, 0, "", str(item.path))
        if item.date is None:
            return (1, 0, item.title.casefold(), str(item.path))
        return (0, -item.date.toordinal(), item.title.casefold(), str(item.path))

    return sorted(items, key=key)


def _to_json(item: Item) -> dict[str, Any]:
    if isinstance(item, StoryError):
        return {"e": item.reason}
    return {
        "i": item.story_id,
        "t": item.title,
        "d": item.date.isoformat() if item.date else None,
        "b": item.byline,
        "u": item.url,
        "s": item.source,
        "w": list(item.warnings),
        "f": item.feed,
        "o": item.base_id,
    }


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _from_json(path: Path, mtime_ns: int, size: int, data: dict[str, Any]) -> Item:
    if "e" in data:
        return StoryError(path, str(data["e"]))
    return StoryMeta(
        path=path,
        story_id=str(data["i"]),
        title=str(data["t"]),
        date=dt.date.fromisoformat(data["d"]) if data["d"] else None,
        byline=_opt(data["b"]),
        url=_opt(data["u"]),
        source=_opt(data["s"]),
        size=size,
        mtime_ns=mtime_ns,
        warnings=tuple(str(w) for w in data["w"]),
        feed=_opt(data.get("f")),
        base_id=_opt(data.get("o")),
    )


HEAD_ROWS = 300
"""How many of the newest rows the index also keeps in a small file for the first paint."""


class LibraryIndex:
    """A metadata cache per stories folder, so a warm start does not parse every file.

    The index of a folder is one JSON file, ``<cache_dir>/index-<hash of resolved path>.json``,
    mapping each story file's relative path to its ``(mtime_ns, size)`` and its metadata or
    error. A missing, unreadable, corrupt or outdated index is ignored and rebuilt; writes are
    atomic (temp file + ``os.replace``); a cache that cannot be written is not an error.

    Typical use: show :meth:`load` at once, then run :meth:`refresh` in a worker and apply its
    batches.

    Args:
        cache_dir: Where index files live; default ``platformdirs.user_cache_dir("tui-reader")``
            (honours ``XDG_CACHE_HOME``).
        parse: How a changed file is read; the hook tests use to count parses.
    """

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        parse: Callable[[Path], Item] = read_meta,
    ) -> None:
        self._cache_dir = cache_dir
        self._parse = parse
        self._memory: dict[str, dict[str, _Entry]] = {}

    @property
    def cache_dir(self) -> Path:
        """The folder holding index files (not created until the first save)."""
        if self._cache_dir is None:
            import platformdirs

            self._cache_dir = Path(platformdirs.user_cache_dir("tui-reader", appauthor=False))
        return self._cache_dir

    @staticmethod
    def _key(stories_dir: Path) -> tuple[str, str]:
        root = str(stories_dir.resolve())
        return root, hashlib.sha256(root.encode("utf-8", "surrogateescape")).hexdigest()[:16]

    def index_path(self, stories_dir: Path) -> Path:
        """Return the index file used for ``stories_dir``."""
        return self.cache_dir / f"index-{self._key(stories_dir)[1]}.json"

    def load(self, stories_dir: Path) -> list[Item]:
        """Return the cached rows of ``stories_dir`` without touching the story files.

        The rows may be stale (call :meth:`refresh`); an empty list means no usable index.
        """
        entries = self._read(stories_dir)
        self._memory[self._key(stories_dir)[0]] = entries
        return [entry[2] for entry in entries.values()]

    def refresh(
        self,
        stories_dir: Path,
        on_batch: Callable[[list[Item]], None] | None = None,
        *,
        batch_size: int = 256,
        first_batch: int | None = None,
    ) -> list[Item]:
        """Bring the index of ``stories_dir`` up to date and save it.

        Every file is stat'ed; only new files and files whose ``(mtime_ns, size)`` changed are
        parsed; deleted files are dropped. Stories of the folder that share an identity are
        given unique ids (:func:`~tui_reader.library.identity.assign_ids`; the rows passed to
        ``on_batch`` do not have them yet). Never raises for bad files or folders.

        Args:
            stories_dir: The library folder.
            on_batch: Called with each batch of freshly parsed rows (new or changed files and
                folder errors) as the scan goes, e.g. to fill a list progressively.
            batch_size: How many rows per ``on_batch`` call.
            first_batch: How many rows the first call gets (default ``batch_size``): a small
                one shows a cold start's first rows sooner.

        Returns:
            All current rows, in scan order. For a missing or unreadable folder, one
            :class:`StoryError` (and the saved index is left alone).
        """
        root_error = _root_error(stories_dir)
        if root_error is not None:
            return [root_error]
        root = self._key(stories_dir)[0]
        old = self._memory.get(root)
        if old is None:
            old = self._read(stories_dir)
        new: dict[str, _Entry] = {}
        rows: list[Item] = []
        fresh: list[Item] = []
        changed = False
        due = first_batch or batch_size
        for found in _walk(stories_dir):
            if isinstance(found, StoryError):
                item: Item = found
                fresh.append(item)
            else:
                path, rel, info = found
                cached = old.get(rel)
                if cached and cached[0] == info.st_mtime_ns and cached[1] == info.st_size:
                    item = cached[2]
                else:
                    item = self._parse(path)
                    changed = True
                    fresh.append(item)
                new[rel] = (info.st_mtime_ns, info.st_size, item)
            rows.append(item)
            if on_batch is not None and len(fresh) >= due:
                on_batch(fresh)
                fresh, due = [], batch_size
        if on_batch is not None and fresh:
            on_batch(fresh)
        rows = self._assign(stories_dir, new, rows)
        changed = changed or any(
            entry[2] != old[rel][2] for rel, entry in new.items() if rel in old
        )
        self._memory[root] = new
        if changed or new.keys() != old.keys():
            self._save(stories_dir, new)
        return rows

    @staticmethod
    def _assign(stories_dir: Path, entries: dict[str, _Entry], rows: list[Item]) -> list[Item]:
        """Give the stories of one folder unique ids (:func:`assign_ids`), in ``entries`` (so
        the saved index and its head have them) and in ``rows``."""
        before = [item for _, _, item in entries.values()]
        after = assign_ids(before, [stories_dir])
        swapped = {id(a): b for a, b in zip(before, after, strict=True) if a is not b}
        if not swapped:
            return rows
        for rel, (m, z, item) in entries.items():
            entries[rel] = (m, z, swapped.get(id(item), item))
        return [swapped.get(id(item), item) for item in rows]

    def share(self, stories_dir: Path) -> None:
        """Read the index and the head of ``stories_dir`` now and keep them for this process
        and those it forks (the serve launcher): a reader forked from it finds the rows read
        and shared while the files are unchanged (:mod:`.shared_reads`)."""
        given = os.fspath(stories_dir)
        shared_reads.keep(
            self.index_path(stories_dir), lambda d: self._entries(stories_dir, d), given
        )
        shared_reads.keep(self.head_path(stories_dir), lambda d: self._head(stories_dir, d), given)

    def _read(self, stories_dir: Path) -> dict[str, _Entry]:
        path = self.index_path(stories_dir)
        shared = shared_reads.kept(path, os.fspath(stories_dir))
        if shared is not None:
            return dict(shared)  # a copy of the mapping: the shared one is never changed
        try:
            return self._entries(stories_dir, path.read_bytes())
        except OSError:
            return {}  # no index yet: built by the next refresh

    def _entries(self, stories_dir: Path, raw: bytes) -> dict[str, _Entry]:
        root = self._key(stories_dir)[0]
        try:
            data = orjson.loads(raw)
            if data["version"] != INDEX_VERSION or data["root"] != root:
                return {}
            return {
                rel: (int(m), int(z), _from_json(stories_dir / rel, int(m), int(z), payload))
                for rel, (m, z, payload) in data["entries"].items()
            }
        except (ValueError, TypeError, KeyError, AttributeError):
            return {}  # a corrupt or outdated index: rebuilt by the next refresh

    def _save(self, stories_dir: Path, entries: dict[str, _Entry]) -> bool:
        """Write the index atomically; return False if the cache dir is not writable."""
        root, _ = self._key(stories_dir)
        payload = {
            "version": INDEX_VERSION,
            "root": root,
            "entries": {rel: [m, z, _to_json(item)] for rel, (m, z, item) in entries.items()},
        }
        target = self.index_path(stories_dir)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # A cache: atomic, not fsync'ed (rebuilt if a crash ever leaves it stale).
            atomic_write(target, orjson.dumps(payload), mode=0o644, durable=False)
            self._save_head(stories_dir, entries)
        except OSError:
            return False  # the cache is an optimisation; a read-only cache dir is not an error
        return True

    def head_path(self, stories_dir: Path) -> Path:
        """Return the file holding the first rows of ``stories_dir``, newest first."""
        return self.cache_dir / f"head-{self._key(stories_dir)[1]}.json"

    def _save_head(self, stories_dir: Path, entries: dict[str, _Entry]) -> None:
        # The first screens of the list, already sorted: read in a millisecond at start-up,
        # so the list shows before the whole index (10,000 rows: ~100 ms) is loaded.
        rel_of = {id(item): (rel, m, z) for rel, (m, z, item) in entries.items()}
        first = sort_newest_first(item for _, _, item in entries.values())[:HEAD_ROWS]
        rows = [[*rel_of[id(item)], _to_json(item)] for item in first]
        root = self._key(stories_dir)[0]
        payload = {"version": INDEX_VERSION, "root": root, "rows": rows}
        atomic_write(self.head_path(stories_dir), orjson.dumps(payload), mode=0o644, durable=False)

    def load_head(self, stories_dir: Path) -> list[Item]:
        """Return the first rows of ``stories_dir``'s list (newest first) from the cache.

        A quick, possibly stale preview for the first paint; [] when there is none.
        """
        path = self.head_path(stories_dir)
        shared = shared_reads.kept(path, os.fspath(stories_dir))
        if shared is not None:
            return list(shared)
        try:
            return self._head(stories_dir, path.read_bytes())
        except OSError:
            return []  # no head yet: the full index follows anyway

    def _head(self, stories_dir: Path, raw: bytes) -> list[Item]:
        root = self._key(stories_dir)[0]
        try:
            data = orjson.loads(raw)
            if data["version"] != INDEX_VERSION or data["root"] != root:
                return []
            return [
                _from_json(stories_dir / rel, int(m), int(z), payload)
                for rel, m, z, payload in data["rows"]
            ]
        except (ValueError, TypeError, KeyError, AttributeError):
            return []  # a corrupt head: the full index follows anyway
