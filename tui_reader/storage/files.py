"""One TinyDB JSON file that is atomic, durable, shared safely between processes, and self-healing.

TinyDB's own ``JSONStorage`` rewrites its file in place and caches per-table state, so a kill
mid-write leaves an unparseable file and two processes lose each other's updates. This module
closes those gaps; :mod:`tui_reader.storage.store` builds the reader's data on top of it.

* **Memory between writes.** :class:`AtomicJSONStorage` keeps the parsed tables in memory; TinyDB
  reads cost nothing and the file is re-read only when its ``(mtime_ns, size, inode)`` changed.
* **Atomic, durable writes.** Each write goes to ``.<name>.tmp-<pid>-<rand>`` in the same dir
  (mode 0600), is fsync'ed, renamed over the file, and the dir is fsync'ed. Before the rename the
  current file, which is known to parse, is hard-linked to ``<name>.bak``: a last-good backup at
  the cost of a link, not a copy.
* **Several processes.** The caller holds one lock across read-modify-write and calls
  :meth:`JsonFile.sync` first; a reload resets TinyDB's query caches and cached next ids.
* **Bad files are kept, never destroyed.** Invalid JSON, a truncated or empty file, a wrong shape
  or another kind of data: the file is moved to ``<name>.corrupt-<UTC time>`` and the last-good
  backup restored when one parses. A newer schema version or an unreadable file: the file is left
  alone and marked read-only for this session. Each case adds a human message to ``notices``.
* **Schema.** Each file has a ``meta`` table with ``{"kind", "version"}``. :data:`MIGRATIONS`
  maps version *n* to a function that upgrades raw tables to *n + 1*.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import orjson
from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from tui_reader.core.atomic import atomic_write, fsync_dir, private_name
from tui_reader.core.paths import FILE_MODE

SCHEMA_VERSION = 1
META_TABLE = "meta"
META_ID = "schema"

Tables = dict[str, dict[str, Any]]
Migration = Callable[[Tables], Tables]
#: Upgrades raw tables from schema version ``n`` (the key) to ``n + 1``; empty while at version 1.
MIGRATIONS: dict[int, Migration] = {}

MAX_DEPTH = 254
"""Deepest nesting of lists and objects accepted in a data file; deeper is treated as corrupt.

Our own files nest five levels at most. orjson refuses to write past 254, so a file nested
deeper than that would load and then fail every later write: each file read is checked by
writing it (in C, ~15 ms for 10,000 notes, where walking it in Python took ~100 ms).
"""

Signature = tuple[int, int, int]
_STALE: Signature = (-1, -1, -1)
_JSON_TYPES = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}


class StoreError(Exception):
    """A store operation could not be completed; the message is fit to show to the user."""


class NotFound(StoreError):
    """The record to change is not in the store (another session may have deleted it)."""


class _BadFile(Exception):
    """A file's bytes are not a usable database of the expected kind (message: why)."""


def utc_stamp() -> str:
    """Return the current UTC time as a compact stamp for file names, e.g. ``20261129T101500``."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")


def _stat_signature(path: Path) -> Signature | None:
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        return (-2, exc.errno or 0, 0)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def parse_tables(blob: bytes, kind: str) -> tuple[Tables, int]:
    """Parse and shape-check a database file; return its tables and schema version.

    Raises:
        _BadFile: with a reason such as ``not valid JSON (line 3, column 1)``.
    """
    if not blob.strip():
        raise _BadFile("empty (probably cut short by a crash)")
    try:
        data = orjson.loads(blob)
    except orjson.JSONDecodeError as exc:
        raise _BadFile(f"not valid JSON (line {exc.lineno}, column {exc.colno})") from exc
    if not isinstance(data, dict):
        found = _JSON_TYPES.get(type(data), "null")
        raise _BadFile(f"not a tui-reader database (its top level is a JSON {found})")
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
            raise _BadFile(f"not a tui-reader database (table {name!r} is malformed)")
    try:
        orjson.dumps(data)  # what every save does: a file it cannot write is set aside now
    except orjson.JSONEncodeError as exc:
        deep = "ecursion" in str(exc)
        why = f"nested more than {MAX_DEPTH} levels deep" if deep else f"it cannot be saved: {exc}"
        raise _BadFile(f"not a tui-reader database ({why})") from exc
    meta = data.get(META_TABLE, {}).get(META_ID)
    if meta is None:
        return data, SCHEMA_VERSION
    if meta.get("kind") != kind:
        raise _BadFile(f"not a {kind} file (it says it holds {meta.get('kind')!r})")
    version = meta.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _BadFile(f"not a tui-reader database (schema version {version!r})")
    return data, version


def migrate(data: Tables, version: int) -> Tables | None:
    """Upgrade ``data`` from ``version`` to :data:`SCHEMA_VERSION`; None when a step is missing."""
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            return None
        data, version = step(data), version + 1
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: tables in memory, written with temp file + fsync + rename + dir fsync."""

    def __init__(self, path: str, kind: str) -> None:
        """Create the storage; nothing is read or written until :meth:`JsonFile.sync`."""
        super().__init__()
        self.path = Path(path)
        self.kind = kind
        self.data: Tables = {}
        self.signature: Signature | None = _STALE
        self.read_only = False
        #: The file now on disk parsed cleanly, so it may become the ``.bak``.
        self.disk_good = False

    def read(self) -> Tables:
        """Return the in-memory tables (TinyDB mutates them, then calls :meth:`write`)."""
        return self.data

    def write(self, data: Mapping[str, Mapping[str, Any]]) -> None:
        """Persist ``data`` durably, unless read-only (then it stays in memory only)."""
        self.data = cast(Tables, data)
        if self.read_only:
            return
        self.data[META_TABLE] = {META_ID: {"kind": self.kind, "version": SCHEMA_VERSION}}
        try:
            # Compact, as TinyDB writes its own: indented, 10,000 notes took 1.6x as long to
            # parse at every start (orjson, ~95 vs ~60 ms) and were 30% larger to write.
            self.write_bytes(orjson.dumps(self.data), rotate=True)
        except BaseException:
            self.signature = _STALE  # memory is ahead of disk: the next sync reloads
            raise

    def write_bytes(self, blob: bytes, *, rotate: bool) -> None:
        """Atomically replace the file with ``blob``; with ``rotate``, keep the old one as .bak."""
        backup = rotate and self.disk_good and self.path.exists()
        st = atomic_write(
            self.path, blob, mode=FILE_MODE, before_replace=self._rotate_backup if backup else None
        )
        self.signature = (st.st_mtime_ns, st.st_size, st.st_ino)
        self.disk_good = True

    def _rotate_backup(self) -> None:
        link = self.path.with_name(private_name(self.path.name, "baktmp"))
        try:
            os.link(self.path, link)
        except OSError:  # a filesystem without hard links: pay for a copy instead
            shutil.copyfile(self.path, link)
            os.chmod(link, FILE_MODE)
        os.replace(link, self.path.with_name(self.path.name + ".bak"))


class _StrIdTable(Table):
    """A table keyed by our own string ids (story id, annotation UUID) instead of counters."""

    document_id_class = str  # type: ignore[assignment]


class _DB(TinyDB):
    table_class = _StrIdTable


class JsonFile:
    """A TinyDB over one :class:`AtomicJSONStorage` file, with sync and recovery."""

    def __init__(self, path: Path, kind: str, label: str, tables: tuple[str, ...]) -> None:
        """Describe the file; ``label`` names its contents in messages ("bookmarks")."""
        self.db = _DB(str(path), storage=AtomicJSONStorage, kind=kind)
        self.storage = cast(AtomicJSONStorage, self.db.storage)
        self.path = path
        self.label = label
        self._tables = tables

    def table(self, name: str) -> Table:
        """Return a TinyDB table of this file."""
        return self.db.table(name)

    def put(self, table: str, doc_id: str, doc: Mapping[str, Any]) -> None:
        """Insert the doc with this id, or merge it into the existing one (one durable write)."""
        if doc_id in self.raw(table):
            self.table(table).update(doc, doc_ids=[cast(int, doc_id)])
        else:  # not upsert(): on a miss it writes twice (an empty update, then the insert)
            self.table(table).insert(Document(doc, doc_id=cast(int, doc_id)))

    def insert_many(self, table: str, docs: Mapping[str, Mapping[str, Any]]) -> None:
        """Insert docs under new ids (one durable write)."""
        if docs:
            new = [Document(doc, doc_id=cast(int, i)) for i, doc in docs.items()]
            self.table(table).insert_multiple(new)

    def patch(self, table: str, doc_ids: Iterable[str], fields: Mapping[str, Any]) -> None:
        """Update some fields of existing docs (one durable write)."""
        self.table(table).update(fields, doc_ids=[cast(int, i) for i in doc_ids])

    def delete(self, table: str, doc_ids: Iterable[str]) -> None:
        """Remove docs by id (one durable write)."""
        self.table(table).remove(doc_ids=[cast(int, i) for i in doc_ids])

    def find(self, table: str, field: str, value: Any) -> list[tuple[str, dict[str, Any]]]:
        """Docs whose ``field`` equals ``value``, as (id, doc) (TinyDB's query cache helps)."""
        docs = self.table(table).search(Query()[field] == value)
        return [(str(d.doc_id), d) for d in docs]

    def raw(self, name: str) -> dict[str, Any]:
        """Return the in-memory docs of a table by id (do not mutate)."""
        return self.storage.data.get(name, {})

    def changed(self) -> bool:
        """Cheap check: has the file on disk changed since we last read or wrote it?"""
        return _stat_signature(self.path) != self.storage.signature

    def sync(self, notices: list[str], *, can_fix: bool) -> bool:
        """Reload from disk if changed; ``can_fix`` means we hold the lock and may move files.

        Returns:
            True when the file was (re)loaded.
        """
        if not self.changed():
            return False
        self.load(notices, can_fix=can_fix)
        return True

    def load(self, notices: list[str], *, can_fix: bool) -> None:
        """Read the file (with recovery) into memory and reset TinyDB's per-table caches."""
        st = self.storage
        st.read_only, st.disk_good = not can_fix, False
        try:
            with open(self.path, "rb") as handle:
                fst = os.fstat(handle.fileno())
                blob = handle.read()
        except FileNotFoundError:
            st.data, st.signature = {}, None
        except OSError as exc:
            st.data, st.signature, st.read_only = {}, _stat_signature(self.path), True
            notices.append(
                f"Could not read {self.path} ({exc.strerror or exc}); starting without those "
                f"{self.label}, and not saving {self.label} this session so the file is kept."
            )
        else:
            st.signature = (fst.st_mtime_ns, fst.st_size, fst.st_ino)
            try:
                data, version = parse_tables(blob, st.kind)
            except _BadFile as exc:
                self._recover(str(exc), notices, can_fix=can_fix)
            else:
                st.disk_good = True
                st.data = self._upgrade(data, version, notices)
        # TinyDB caches query results per table; another process may have changed them. (Its
        # cached next id never matters: every doc is inserted with our own string id.)
        for name in self._tables:
            self.table(name).clear_cache()

    def _upgrade(self, data: Tables, version: int, notices: list[str]) -> Tables:
        if version == SCHEMA_VERSION:
            return data
        upgraded = migrate(data, version) if version < SCHEMA_VERSION else None
        if upgraded is None:
            self.storage.read_only = True
            notices.append(
                f"{self.path} uses schema version {version} but this tui-reader knows "
                f"{SCHEMA_VERSION}; showing what it can and not saving {self.label} this "
                "session, so the file is left untouched. Upgrade tui-reader to edit them."
            )
            return data
        if not self.storage.read_only:
            try:
                self.storage.write(upgraded)  # the pre-migration file becomes the .bak
            except OSError as exc:
                self.storage.read_only = True
                notices.append(
                    f"Could not save {self.path} after upgrading it ({exc.strerror}); "
                    f"{self.label} will not be saved this session."
                )
        return upgraded

    def _recover(self, reason: str, notices: list[str], *, can_fix: bool) -> None:
        st = self.storage
        st.data = {}
        if not can_fix:
            st.read_only = True
            notices.append(
                f"{self.path} is {reason}; it is left untouched because the data dir is locked "
                f"or read-only, and {self.label} will not be saved this session."
            )
            return
        aside = self.path.with_name(f"{self.path.name}.corrupt-{utc_stamp()}")
        n = 1
        while aside.exists():
            aside, n = aside.with_name(f"{self.path.name}.corrupt-{utc_stamp()}-{n}"), n + 1
        try:
            os.replace(self.path, aside)
            fsync_dir(self.path.parent)
        except OSError as exc:
            st.read_only = True
            notices.append(
                f"{self.path} is {reason}, and it could not be moved aside ({exc.strerror}); "
                f"it is left untouched and {self.label} will not be saved this session."
            )
            return
        st.signature = None
        message = f"{self.path} was {reason}; moved it to {aside}"
        bak = self.path.with_name(self.path.name + ".bak")
        restored = self._read_backup(bak)
        if restored is None:
            notices.append(f"{message}. No usable backup, so starting with no {self.label}.")
            return
        st.data = restored
        try:
            st.write_bytes(orjson.dumps(restored), rotate=False)
        except OSError as exc:
            st.read_only = True
            message += f" (and could not write the restored copy: {exc.strerror})"
        when = dt.datetime.fromtimestamp(bak.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")
        notices.append(
            f"{message} and restored the last good backup from {bak} (saved {when}); "
            "changes after that time are in the moved file."
        )

    def _read_backup(self, bak: Path) -> Tables | None:
        try:
            data, version = parse_tables(bak.read_bytes(), self.storage.kind)
        except (OSError, _BadFile):
            return None
        return data if version == SCHEMA_VERSION else migrate(data, version)

    def remove_orphans(self) -> int:
        """Delete temp files left by writers that died mid-write (call with the lock held)."""
        removed = 0
        folder = self.path.parent
        prefixes = (f".{self.path.name}.tmp-", f".{self.path.name}.baktmp-")
        # One listing and a prefix test: a glob compiles a pattern per call, at every start.
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return 0
        for name in names:
            if name.startswith(prefixes):
                (folder / name).unlink(missing_ok=True)
                removed += 1
        return removed
