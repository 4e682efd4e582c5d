"""The search index on a real library and store: every operator and filter, scripts and
accents, incremental updates, a corrupt or deleted index, concurrent processes, and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import orjson
import pytest

from tests.app_helpers import write_story
from tui_reader.core.stories import StoryError
from tui_reader.library.finder import Finder, Found, metas_by_path
from tui_reader.library.index import Item, LibraryIndex
from tui_reader.library.query import parse
from tui_reader.library.search_index import IndexBroken, TooSlow
from tui_reader.storage.store import Store

REPO = Path(__file__).resolve().parent.parent
QUOTE = [{"type": "TextQuoteSelector", "exact": "the harbour plan", "prefix": "", "suffix": ""}]


def _front(folder: Path, name: str, title: str, body: str, **fields: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    meta = "\n".join(f"{k}: {v}" for k, v in fields.items())
    path = folder / name
    path.write_text(f"---\ntitle: {title}\n{meta}\n---\n\n{body}\n", "utf-8")
    return path


class Library:
    """A small library with a store and a finder over it, as the reader has them."""

    def __init__(self, root: Path) -> None:
        self.stories = root / "stories"
        self.data = root / "data"
        self.data.mkdir()
        write_story(
            self.stories,
            "harbour.md",
            "Council weighs the harbour plan",
            "The night trains may stop at the harbour. Budget talks go on.",
            date="March 3, 2021",
            byline="Anna Novak",
            url="https://a.example/1",
        )
        write_story(
            self.stories,
            "budget.md",
            "Budget vote delayed",
            "Ministers delayed the budget vote over tax reform.",
            date="September 20, 2021",
            byline="Omar Haddad",
            url="https://a.example/2",
        )
        write_story(
            self.stories,
            "cafe.md",
            "Café society returns",
            "Les cafés rouvrent à Paris; the harbourside terraces are full.",
            date="October 1, 2021",
            byline="Émile Moreau",
            url="https://a.example/3",
        )
        write_story(
            self.stories,
            "moscow.md",
            "Новости из Москвы",
            "В Москве открылся новый мост через реку.",
            date="November 5, 2021",
            byline="Ирина Иванова",
            url="https://a.example/4",
        )
        write_story(
            self.stories,
            "beijing.md",
            "北京天气很好",
            "今天北京的天气很好，人们在公园里散步。",
            date="December 24, 2021",
            byline="李明",
            url="https://a.example/5",
        )
        _front(self.stories / "feeds", "ferry.md", "Ferry timetable change",
               "The ferry to the islands runs later in winter.",
               feed="Harbour News", author="Kofi Mensah", date="2022-01-10",
               url="https://b.example/ferry", tags="[transport, winter]")  # fmt: skip
        self.cache = root / "cache"
        self.library = LibraryIndex(self.cache)
        self.items: list[Item] = self.library.refresh(self.stories)
        self.ids = {item.path.name: item.story_id for item in self.items}  # type: ignore[union-attr]
        self.store = Store.open(self.data)
        self.finder = Finder(self.cache, [self.stories], self.data)
        self.finder.prepare()
        self.finder.sync(self.items, self.store)

    def find(self, text: str, order: str | None = None) -> list[str]:
        """File names of the stories ``text`` finds, in order."""
        return [m.meta.path.name for m in self.found(text, order).matches]

    def found(self, text: str, order: str | None = None) -> Found:
        return self.finder.find(parse(text), self.store, metas_by_path(self.items), order)  # type: ignore[arg-type]


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    built = Library(tmp_path)
    yield built
    built.finder.close()
    built.store.close()


def test_words_must_all_match_and_rank_by_relevance(lib: Library) -> None:
    assert lib.find("budget") == ["budget.md", "harbour.md"]  # in the title weighs most
    assert lib.find("budget harbour") == ["harbour.md"]
    assert lib.find("budget harbour", order="newest") == ["harbour.md"]
    assert lib.find("budget", order="oldest") == ["harbour.md", "budget.md"]


def test_phrase_prefix_and_exclusion(lib: Library) -> None:
    assert lib.find('"night trains"') == ["harbour.md"]
    assert lib.find('"trains night"') == []
    assert sorted(lib.find("harb*")) == ["cafe.md", "harbour.md"]
    assert lib.find("budget -harbour") == ["budget.md"]
    assert lib.find('budget -"tax reform"') == ["harbour.md"]
    assert "budget.md" not in lib.find("-budget") and "cafe.md" in lib.find("-budget")


def test_accents_cyrillic_and_cjk(lib: Library) -> None:
    assert lib.find("cafe") == ["cafe.md"]
    assert lib.find("CAFÉS rouvrent") == ["cafe.md"]
    assert lib.find("by:emile") == ["cafe.md"]
    assert lib.find("москве") == ["moscow.md"]
    assert lib.find("МОСКВЕ") == ["moscow.md"]
    assert lib.find("моск*") == ["moscow.md"]
    assert lib.find("天气") == ["beijing.md"]
    assert lib.find("公园") == ["beijing.md"]
    assert lib.find("天园") == []  # characters, not words: both must be next to each other
    snippet = lib.found("公园").matches[0].hit.snippet
    assert "人们在公园里散步" in snippet  # shown as written, without the index's gaps


def test_a_deadline_stops_a_search_and_snippets_come_for_the_rows_asked(lib: Library) -> None:
    """The reader answers on the UI thread when it can: past its deadline a search stops with
    TooSlow (it then runs in the background), and snippets come only for the rows shown."""
    metas = metas_by_path(lib.items)
    query = parse("budget")
    with pytest.raises(TooSlow):
        lib.finder.find(query, lib.store, metas, None, deadline=time.perf_counter() - 1)
    full = lib.finder.find(query, lib.store, metas, None)
    quick = lib.finder.find(query, lib.store, metas, None, snippets=0,
                            deadline=time.perf_counter() + 30)  # fmt: skip
    assert [m.hit.path for m in quick.matches] == [m.hit.path for m in full.matches]
    assert len(full.matches) >= 2 and not quick.snipped
    assert all(m.hit.snippet == "" for m in quick.matches)
    shown = full.matches[1].hit.path
    assert lib.finder.fill(quick, {shown}, longest=10) is quick  # left for later: too long
    one = lib.finder.fill(quick, {shown}, longest=10**6)
    assert one.snipped == {shown}
    assert [m.hit.snippet for m in one.matches] == [
        m.hit.snippet if m.hit.path == shown else "" for m in full.matches
    ]
    assert any(m.hit.snippet for m in one.matches)  # "budget" is in the body of both
    with pytest.raises(TooSlow):
        lib.finder.fill(quick, {shown}, deadline=time.perf_counter() - 1)
    assert lib.finder.fill(one, {shown}) is one  # nothing left to fetch


def test_store_facets(lib: Library) -> None:
    harbour, budget = lib.ids["harbour.md"], lib.ids["budget.md"]
    lib.store.mark_read_many([harbour])
    lib.store.set_bookmark(budget, True, tags=("Politics",))
    note = lib.store.add_annotation(harbour, QUOTE, "Ask the mayor about ferries")
    lib.store.add_annotation(budget, QUOTE, "")  # a highlight without a note
    lib.finder.notes_changed(harbour, lib.store.annotations_for(harbour))
    assert lib.find("is:read") == ["harbour.md"]
    assert "harbour.md" not in lib.find("is:unread") and len(lib.find("is:unread")) == 5
    assert lib.find("is:bookmarked") == ["budget.md"]
    assert lib.find("has:note") == ["harbour.md"]
    assert sorted(lib.find("has:highlight")) == ["budget.md", "harbour.md"]
    assert lib.find("tag:politics") == ["budget.md"]  # a bookmark tag
    assert lib.find("tag:winter") == ["ferry.md"]  # the story's own tag
    assert "budget.md" not in lib.find("-tag:politics")
    assert lib.find("budget is:unread") == ["budget.md"]
    # Words in the reader's own note find the story, marked as found in the note.
    found = lib.found("mayor")
    assert [m.meta.path.name for m in found.matches] == ["harbour.md"]
    assert found.matches[0].hit.in_note and "mayor" in found.matches[0].hit.snippet
    assert lib.find("mayor in:notes") == ["harbour.md"]
    assert lib.find("mayor in:title") == []
    assert lib.find('"harbour plan" in:notes') == ["harbour.md"]  # the quoted passage
    assert lib.store.get_annotation(note.id) is not None


def test_file_facets(lib: Library) -> None:
    assert lib.find('feed:"harbour news"') == ["ferry.md"]
    assert lib.find("feed:harbour ferry") == ["ferry.md"]
    assert lib.find("by:novak") == ["harbour.md"]
    assert lib.find("by:ирина") == ["moscow.md"]
    assert lib.find("since:2021-10-01 until:2021-11") == ["moscow.md", "cafe.md"]  # newest first
    assert lib.find("since:2022") == ["ferry.md"]
    assert lib.find("harbour in:title") == ["harbour.md"]  # the café story says it in its text


def test_incremental_updates(lib: Library) -> None:
    index = lib.finder.index
    path = lib.stories / "budget.md"
    write_story(
        lib.stories,
        "budget.md",
        "Budget vote delayed",
        "Now about lighthouses.",
        date="September 20, 2021",
        byline="Omar Haddad",
        url="https://a.example/2",
    )
    os.utime(path, ns=(1, 1))  # a different mtime even on a coarse clock
    lib.items = lib.library.refresh(lib.stories)
    plan = index.plan(lib.items)
    assert [m.path.name for m in plan.changed] == ["budget.md"] and plan.gone == []
    assert lib.finder.sync(lib.items, lib.store) == 1
    assert lib.find("lighthouses") == ["budget.md"]
    assert lib.find("tax") == []
    (lib.stories / "cafe.md").unlink()
    lib.items = lib.library.refresh(lib.stories)
    assert lib.finder.sync(lib.items, lib.store) == 0
    assert lib.find("cafe") == [] and index.count() == 5


def test_malformed_index_is_rebuilt_and_a_deleted_one_too(lib: Library) -> None:
    path = lib.finder.index.path
    lib.finder.close()
    path.write_bytes(b"this is not a database" * 100)
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    damaged = Finder(lib.cache, [lib.stories], lib.data)
    with pytest.raises(IndexBroken):  # a search says so, it never shows "no results"
        damaged.find(parse("budget"), lib.store, metas_by_path(lib.items), None)
    damaged.prepare()
    assert damaged.index.rebuilt
    damaged.sync(lib.items, lib.store)
    assert [m.meta.path.name for m in damaged.find(parse("budget"), lib.store,
            metas_by_path(lib.items), "newest").matches] == ["budget.md", "harbour.md"]  # fmt: skip
    damaged.close()
    path.unlink()
    fresh = Finder(lib.cache, [lib.stories], lib.data)
    fresh.prepare()
    fresh.sync(lib.items, lib.store)
    assert fresh.index.count() == 6
    fresh.close()


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tui_reader.library.finder import Finder
    from tui_reader.storage.store import Store
    cache, stories, data, story_id, tag = sys.argv[1:6]
    store = Store.open(Path(data))
    finder = Finder(Path(cache), [Path(stories)], Path(data))
    finder.prepare()
    quote = [{"type": "TextQuoteSelector", "exact": "x", "prefix": "", "suffix": ""}]
    for i in range(25):
        store.add_annotation(story_id, quote, f"{tag} note number{i}")
        finder.notes_changed(story_id, store.annotations_for(story_id))
    finder.close()
    print("done", flush=True)
    """
)
READER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tui_reader.library.finder import Finder, metas_by_path
    from tui_reader.library.index import LibraryIndex
    from tui_reader.library.query import parse
    from tui_reader.storage.store import Store
    cache, stories, data = sys.argv[1:4]
    items = LibraryIndex(Path(cache)).load(Path(stories))
    store = Store.open(Path(data))
    finder = Finder(Path(cache), [Path(stories)], Path(data))
    finder.prepare()
    seen = 0
    for _ in range(60):
        store.refresh()
        finder.find(parse("note in:notes"), store, metas_by_path(items), None)
        found = finder.find(parse("budget"), store, metas_by_path(items), None)
        seen = max(seen, len(found.matches))
    print("searched", seen, flush=True)
    """
)


def test_two_processes_save_notes_while_a_third_searches(lib: Library) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [str(lib.cache), str(lib.stories), str(lib.data)]
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, *args, lib.ids["harbour.md"], "alpha"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env),
        subprocess.Popen([sys.executable, "-c", WRITER, *args, lib.ids["budget.md"], "beta"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env),
        subprocess.Popen([sys.executable, "-c", READER, *args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env),
    ]  # fmt: skip
    outputs = [proc.communicate(timeout=120) for proc in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    assert outputs[2][0].startswith("searched 2"), outputs[2]
    lib.store.refresh()
    assert len(lib.store.all_annotations()) == 50
    # Every note both processes saved is in the index, once.
    assert lib.find("alpha in:notes") == ["harbour.md"]
    assert lib.find("beta in:notes") == ["budget.md"]
    assert lib.find("number24 in:notes", order="newest") == ["budget.md", "harbour.md"]
    assert lib.finder.index.sync_notes(lib.store.all_annotations()) == 0  # nothing was missed


def test_cli_search_prints_json_for_scripts(lib: Library, tmp_path: Path) -> None:
    lib.store.add_annotation(lib.ids["cafe.md"], QUOTE, "Remember the terrace names")
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(tmp_path / "c")}
    base = [sys.executable, "-m", "tui_reader", "search", "--stories", str(lib.stories),
            "--data-dir", str(lib.data)]  # fmt: skip
    done = subprocess.run([*base, "--json", "terrace*"], capture_output=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    rows = orjson.loads(done.stdout)
    assert [(r["title"], r["date"], r["in_note"]) for r in rows] == [
        ("Café society returns", "2021-10-01", False)
    ]
    assert rows[0]["path"] == str(lib.stories / "cafe.md")
    assert rows[0]["url"] == "https://a.example/3" and "terraces" in rows[0]["snippet"]
    plain = subprocess.run([*base, "terrace names"], capture_output=True, text=True, env=env)
    assert plain.returncode == 0 and "in your note: Remember the terrace names" in plain.stdout
    none = subprocess.run([*base, "--json", "zeppelin"], capture_output=True, env=env)
    assert none.returncode == 1 and orjson.loads(none.stdout) == []
    bad = subprocess.run([*base, "is:later"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "is:later is not known" in bad.stderr


def test_a_huge_story_is_searchable_in_its_first_two_million_characters(tmp_path: Path) -> None:
    from tui_reader.library.search_text import INDEX_BODY_CHARS, Cancelled, read_for_index

    story = tmp_path / "huge.md"
    story.write_text("# Huge\n\n" + "".join(f"word{i} " for i in range(600_000)) + "\n", "utf-8")
    found = read_for_index(story)
    assert not isinstance(found, StoryError)
    assert "word1 " in found.body and len(found.body) <= INDEX_BODY_CHARS
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):  # a reader quitting never waits for a whole huge file
        read_for_index(story, stop)


def test_a_search_typed_before_the_index_is_opened_waits_for_it(
    lib: Library, tmp_path: Path
) -> None:
    # A reader typing / at once after a cold launch searches before the scan has handed the
    # index its first sync (no index file yet): on the spot (a deadline) the search goes to the
    # background; there it waits for the index to be opened, then answers "nothing yet, the
    # index is being built" instead of failing with "no such table".
    waiting = Finder(tmp_path / "cold-cache", [lib.stories], lib.data)
    query, metas = parse("budget"), metas_by_path(lib.items)
    with pytest.raises(TooSlow):
        waiting.find(query, lib.store, metas, None, deadline=time.perf_counter() + 5)
    answers: list[Found] = []
    searching = threading.Thread(target=lambda: answers.append(
        waiting.find(query, lib.store, metas, None)))  # fmt: skip
    searching.start()
    searching.join(0.3)
    assert searching.is_alive() and not answers  # it waits: the index is not open yet
    waiting.prepare()
    searching.join(10)
    assert not searching.is_alive(), "the search did not go on once the index was opened"
    assert answers and answers[0].matches == [] and not answers[0].complete
    waiting.sync(lib.items, lib.store)
    found = waiting.find(query, lib.store, metas, None)
    assert [m.meta.path.name for m in found.matches] == ["budget.md", "harbour.md"]
    waiting.close()
