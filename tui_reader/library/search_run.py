"""Running a parsed query against the search index: matches, ranking, filters and snippets.

Words are matched by SQLite FTS5 (bm25 ranking: a match in the title weighs most); the filters
that live in the story files (dates, feed, byline, tags) are part of the same SQL, and those
that live in the store (read, bookmarked, notes, bookmark tags) are sets the store already
holds in memory (:class:`StoreFacts`), so no story file is read to answer a query.

Pure module: no Textual.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from tui_reader.core.textfold import unspaced_cjk
from tui_reader.library.query import Facet, Query
from tui_reader.library.search_index import SearchIndex
from tui_reader.storage.store import Store

__all__ = ["Hit", "StoreFacts", "add_snippets", "search"]

_OPEN, _CLOSE = "\ue000", "\ue001"
"""Match markers in snippets (private-use characters: never in a story's text)."""
SNIPPET_TOKENS = 12


@dataclass(frozen=True)
class StoreFacts:
    """What the store knows about stories, for the ``is:``, ``has:`` and ``tag:`` filters."""

    read: frozenset[str] = frozenset()
    bookmarked: frozenset[str] = frozenset()
    tags: dict[str, frozenset[str]] | None = None
    """Folded bookmark tags per story id."""
    noted: frozenset[str] = frozenset()
    """Stories with at least one note (an annotation with text)."""
    highlighted: frozenset[str] = frozenset()
    """Stories with at least one highlighted passage, with or without a note."""

    @classmethod
    def of(cls, store: Store, query: Query | None = None) -> StoreFacts:
        """Take the facts from the store's memory (no file is read); only those ``query``'s
        filters need (all of them without a query)."""
        from tui_reader.core.textfold import fold

        names = {f.name for f in query.facets} if query is not None else {"is", "has", "tag"}
        bookmarks = store.bookmarks() if names & {"is", "tag"} else {}
        annotations = store.all_annotations() if "has" in names else []
        return cls(
            read=frozenset(store.read_ids()),
            bookmarked=frozenset(bookmarks),
            tags={k: frozenset(fold(t) for t in b.tags) for k, b in bookmarks.items()},
            noted=frozenset(a.story_id for a in annotations if a.note.strip()),
            highlighted=frozenset(a.story_id for a in annotations),
        )


class Hit(NamedTuple):
    """A story that matches, with where and how well (a tuple: a query may match 10,000)."""

    path: str
    story_id: str
    doc: int
    """The story's row in the index."""
    rank: float = 0.0
    """bm25: lower is better (0 for queries without words)."""
    day: int | None = None
    in_note: bool = False
    """The words were found in the reader's own note (or quote), not in the story."""
    snippet: str = ""
    """A few words around the match ("" when the title matched, or not fetched)."""


def _doc_filters(facets: Sequence[Facet]) -> tuple[str, list[object]]:
    sql: list[str] = []
    args: list[object] = []
    for facet in facets:
        if facet.name in ("since", "until") and facet.day is not None:
            clause = "d.day >= ?" if facet.name == "since" else "d.day <= ?"
            args.append(facet.day.toordinal())
        elif facet.name in ("feed", "by"):
            clause = f"instr(d.{'feed' if facet.name == 'feed' else 'byline'}, ?) > 0"
            args.append(facet.value)
        else:
            continue
        sql.append(f"NOT ({clause})" if facet.negated else clause)
    return "".join(f" AND {clause}" for clause in sql), args


def _store_ok(facet: Facet, story_id: str, tags: str, facts: StoreFacts) -> bool:
    if facet.name == "is":
        if facet.value == "bookmarked":
            return story_id in facts.bookmarked
        return (story_id in facts.read) == (facet.value == "read")
    if facet.name == "has":
        return story_id in (facts.noted if facet.value == "note" else facts.highlighted)
    if facet.name == "tag":
        own = tags.split("\x1f") if tags else []
        marked = (facts.tags or {}).get(story_id, frozenset())
        return facet.value in own or facet.value in marked
    return True


_COLUMNS = "d.path, d.story_id, d.id, d.day, d.tags"


def search(
    index: SearchIndex, query: Query, facts: StoreFacts, deadline: float | None = None
) -> list[Hit]:
    """Every story matching ``query``, best first (newest first when it has no words).

    Raises:
        sqlite3.DatabaseError: the index is corrupt (rebuild it).
        TooSlow: the SQL had not finished by ``deadline`` (a ``time.perf_counter()`` value).
    """
    with index.reading(deadline) as db:
        return _search(db, query, facts)


def _search(db: sqlite3.Connection, query: Query, facts: StoreFacts) -> list[Hit]:
    where, args = _doc_filters(query.facets)
    # Rows stay tuples until the end: (path, story_id, doc, day, tags, rank).
    found: dict[int, tuple[str, str, int, int | None, str, float]] = {}
    in_note: set[int] = set()

    def take(rows: Sequence[tuple[str, str, int, int | None, str, float]], notes: bool) -> None:
        for row in rows:
            old = found.get(row[2])
            if old is None:
                found[row[2]] = row
                if notes:
                    in_note.add(row[2])
            elif row[5] < old[5]:
                found[row[2]] = row

    words = query.fts(title_only=query.scope == "title")
    if words is not None and query.scope != "notes":
        take(db.execute(
            f"SELECT {_COLUMNS}, bm25(story_fts, 10.0, 3.0, 1.0) FROM story_fts "
            f"JOIN docs d ON d.id = story_fts.rowid WHERE story_fts MATCH ?{where}",
            [words, *args]).fetchall(), notes=False)  # fmt: skip
    notes_words = query.fts()
    if notes_words is not None and query.scope != "title":
        best: dict[str, float] = {}  # a story's best-matching note (bm25 cannot be grouped)
        for story_id, rank in db.execute(
            "SELECT n.story_id, bm25(note_fts) FROM note_fts JOIN notes n ON n.id = note_fts.rowid"
            " WHERE note_fts MATCH ?",
            [notes_words],
        ):
            best[story_id] = min(rank, best.get(story_id, 0.0))
        if best:
            rows = db.execute(
                f"SELECT {_COLUMNS}, 0.0 FROM docs d WHERE d.story_id IN "
                f"(SELECT value FROM json_each(?)){where}",
                [json.dumps(list(best)), *args],
            ).fetchall()
            take([(*r[:5], best[r[1]]) for r in rows], notes=True)
    if words is None:
        sql = f"SELECT {_COLUMNS}, 0.0 FROM docs d WHERE 1{where}"
        params: list[object] = list(args)
        if query.scope == "notes":
            sql += " AND d.story_id IN (SELECT story_id FROM notes)"
        negative = query.fts_negative(title_only=query.scope == "title")
        if negative is not None and query.scope != "notes":
            sql += " AND d.id NOT IN (SELECT rowid FROM story_fts WHERE story_fts MATCH ?)"
            params.append(negative)
        take(db.execute(sql, params).fetchall(), notes=False)
    rows = list(found.values())
    for facet in query.facets:
        if facet.name in ("is", "has", "tag"):
            keep = facet.negated is False
            rows = [r for r in rows if _store_ok(facet, r[1], r[4], facts) is keep]
    rows.sort(key=lambda r: (r[5], -(r[3] or 0), r[0]))
    return [Hit(r[0], r[1], r[2], r[5], r[3], r[2] in in_note) for r in rows]


def _clean(snippet: str) -> tuple[str, bool]:
    matched = _OPEN in snippet
    text = unspaced_cjk(snippet.replace(_OPEN, "").replace(_CLOSE, ""))
    return " ".join(text.split()), matched


def add_snippets(
    index: SearchIndex, query: Query, hits: Sequence[Hit], deadline: float | None = None
) -> list[Hit]:
    """``hits`` with a snippet each where the words matched the body or a note.

    Call it for the rows about to be shown (a snippet costs a little per story). Raises
    :class:`TooSlow` past ``deadline``, as :func:`search` does.
    """
    words = query.fts()
    if words is None or not hits:
        return list(hits)
    with index.reading(deadline) as db:
        return _snippets(db, query, words, hits)


def _snippets(db: sqlite3.Connection, query: Query, words: str, hits: Sequence[Hit]) -> list[Hit]:
    from tui_reader.library.snippets import quick_snippet

    body: dict[int, str] = {}
    if query.scope == "all":
        docs = json.dumps([h.doc for h in hits if not h.in_note])
        asked, left = query.find_words(), []
        # Plain ASCII bodies get their snippet here, in Python (see library.snippets);
        # FTS5's snippet() makes the others (and those this cannot tell).
        for doc, text in db.execute(
            "SELECT rowid, body FROM story_fts WHERE rowid IN (SELECT value FROM json_each(?))",
            (docs,),
        ):
            quick = quick_snippet(text, asked, SNIPPET_TOKENS)
            if quick is None:
                left.append(doc)
            elif quick:
                body[doc] = quick
        body.update(_fts_snippets(db, words, left) if left else {})
    notes: dict[str, str] = {}
    wanted = json.dumps(sorted({h.story_id for h in hits if h.in_note}))
    if query.scope != "title" and wanted != "[]":
        for story_id, snippet in db.execute(
            f"SELECT n.story_id, snippet(note_fts, -1, '{_OPEN}', '{_CLOSE}', '…', "
            f"{SNIPPET_TOKENS}) FROM note_fts JOIN notes n ON n.id = note_fts.rowid "
            "WHERE note_fts MATCH ? AND n.story_id IN (SELECT value FROM json_each(?))",
            (words, wanted),
        ):
            notes.setdefault(story_id, _clean(snippet)[0])
    return [
        h._replace(snippet=notes.get(h.story_id, "") if h.in_note else body.get(h.doc, ""))
        for h in hits
    ]


def _fts_snippets(db: sqlite3.Connection, words: str, docs: list[int]) -> dict[int, str]:
    """FTS5's snippet of each story's body (none where the words are not in it)."""
    found: dict[int, str] = {}
    for doc, snippet in db.execute(
        f"SELECT rowid, snippet(story_fts, 2, '{_OPEN}', '{_CLOSE}', '…', {SNIPPET_TOKENS}) "
        "FROM story_fts WHERE story_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))",
        (words, json.dumps(docs)),
    ):
        text, matched = _clean(snippet)
        if matched:
            found[doc] = text
    return found


def is_corrupt(exc: sqlite3.Error) -> bool:
    """Whether an SQLite error means the index file itself is broken (rebuild it)."""
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)
