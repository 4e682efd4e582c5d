"""The shared seed of a library's search index (issue 18): built once, copied by each new data
dir, which then reads only what changed and adds its own notes; a broken or missing seed is
never used, and an index a data dir already has is never replaced.

Real story files, a real store and real SQLite files under ``tmp_path``; the index's own
``plan`` says which stories a sync would read.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.app_helpers import write_story
from tui_reader.core.stories import StoryMeta
from tui_reader.library.build import seed_command
from tui_reader.library.finder import Finder, metas_by_path
from tui_reader.library.index import Item, LibraryIndex
from tui_reader.library.query import parse
from tui_reader.library.search_seed import adopt_seed, build_seed, seed_path
from tui_reader.storage.store import Store

QUOTE = [{"type": "TextQuoteSelector", "exact": "lighthouse", "prefix": "", "suffix": ""}]


class Site:
    """A library as ``tui-reader serve`` has it: one folder, one cache, many data dirs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.stories = root / "stories"
        for n, word in enumerate(["lighthouse", "tramway", "orchard", "glacier"]):
            write_story(self.stories, f"s{n}.md", f"Story of the {word}", f"The {word} is here.")
        self.cache = root / "cache"
        self.items: list[Item] = LibraryIndex(self.cache).refresh(self.stories)
        self.finders: list[Finder] = []
        self.stores: list[Store] = []

    def reader(self, user: str) -> tuple[Finder, Store]:
        """A user's finder (prepared: its index opened, from the seed if it can) and store."""
        store = Store.open(self.root / user)
        finder = Finder(self.cache, [self.stories], store.data_dir)
        finder.prepare()
        self.finders.append(finder)
        self.stores.append(store)
        return finder, store

    def titles(self, finder: Finder, store: Store, text: str) -> list[str]:
        found = finder.find(parse(text), store, metas_by_path(self.items), None)
        return [match.meta.title for match in found.matches]

    def close(self) -> None:
        for finder in self.finders:
            finder.close()
        for store in self.stores:
            store.close()


@pytest.fixture
def site(tmp_path: Path) -> Site:
    made = Site(tmp_path)
    yield made
    made.close()


def test_a_new_data_dir_starts_from_the_seed_and_adds_its_own_notes(site: Site) -> None:
    assert build_seed(site.cache, [site.stories], site.items) == 4
    assert build_seed(site.cache, [site.stories], site.items) == 0  # up to date: nothing read
    finder, store = site.reader("alice")
    assert finder.seeded
    assert finder.index.plan(site.items).empty  # every story is in the copy already
    story = next(i for i in site.items if isinstance(i, StoryMeta) and "lighthouse" in i.title)
    store.add_annotation(story.story_id, QUOTE, "ask the keeper about the foghorn")
    assert finder.sync(site.items, store) == 0  # no story file read
    assert site.titles(finder, store, "glacier") == ["Story of the glacier"]
    assert site.titles(finder, store, "foghorn") == ["Story of the lighthouse"]
    # The seed itself holds no one's notes: the next user finds only stories there.
    bob, bob_store = site.reader("bob")
    bob.sync(site.items, bob_store)
    assert bob.seeded and site.titles(bob, bob_store, "foghorn") == []


def test_a_story_changed_after_the_seed_is_read_again(site: Site) -> None:
    build_seed(site.cache, [site.stories], site.items)
    changed = site.stories / "s2.md"
    changed.write_text(changed.read_text("utf-8").replace("orchard is", "orchard and windmill are"))
    os.utime(changed, ns=(10**18, 10**18))  # a different mtime, whatever the clock's step
    items = LibraryIndex(site.cache).refresh(site.stories)
    finder, store = site.reader("alice")
    assert finder.seeded
    assert [meta.path.name for meta in finder.index.plan(items).changed] == ["s2.md"]
    assert finder.sync(items, store) == 1
    site.items = items
    assert site.titles(finder, store, "windmill") == ["Story of the orchard"]


@pytest.mark.parametrize("seed", ["garbage", "empty"])
def test_a_broken_seed_is_not_used_and_the_index_is_built_from_the_files(
    site: Site, seed: str
) -> None:
    path = seed_path(site.cache, [site.stories])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database at all\n" * 50 if seed == "garbage" else b"")
    finder, store = site.reader("alice")
    assert not finder.seeded
    assert finder.sync(site.items, store) == 4
    assert site.titles(finder, store, "tramway") == ["Story of the tramway"]
    assert [p.name for p in site.cache.iterdir() if ".seed-" in p.name] == []  # no leftovers


def test_no_seed_means_the_index_is_built_as_before(site: Site) -> None:
    finder, store = site.reader("alice")
    assert not finder.seeded
    assert finder.sync(site.items, store) == 4


def test_an_index_a_data_dir_already_has_is_kept(site: Site) -> None:
    finder, store = site.reader("alice")
    finder.sync(site.items, store)
    story = site.items[0]
    assert isinstance(story, StoryMeta)
    store.add_annotation(story.story_id, QUOTE, "a thought about a saltmarsh")
    finder.sync(site.items, store)
    finder.close()
    build_seed(site.cache, [site.stories], site.items)
    again, _ = site.reader("alice")  # the same data dir: its index exists
    assert not again.seeded
    assert not adopt_seed(again.index.path, site.cache, [site.stories])
    again.index.forget_cache()
    assert site.titles(again, store, "saltmarsh") == [story.title]  # its notes are still there


def test_the_build_process_makes_the_seed_and_says_why_it_could_not(site: Site) -> None:
    def build(cache: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(seed_command(cache, [site.stories]), capture_output=True,
                              text=True, timeout=120, check=False)  # fmt: skip

    first, again = build(site.cache), build(site.cache)
    assert (first.returncode, first.stdout) == (0, "seeded 4\n"), first.stderr
    assert (again.returncode, again.stdout) == (0, "seeded 0\n"), again.stderr
    finder, _store = site.reader("alice")
    assert finder.seeded
    blocked = site.root / "not-a-folder"
    blocked.write_text("a file where the cache dir should be")
    failed = build(blocked)
    assert failed.returncode == 1
    assert failed.stderr.startswith("search index: "), failed.stderr
    assert "Traceback" not in failed.stderr


def test_a_seed_cut_short_is_used_for_what_it_holds(site: Site) -> None:
    # A build stopped part way (the server stopped, the process killed) keeps the batches it
    # committed: a new data dir copies those and reads only the stories the seed lacks.
    assert build_seed(site.cache, [site.stories], site.items[:2]) == 2
    finder, store = site.reader("alice")
    assert finder.seeded
    lacking = sorted(meta.path.name for meta in finder.index.plan(site.items).changed)
    assert lacking == sorted(item.path.name for item in site.items[2:])  # type: ignore[union-attr]
    assert finder.sync(site.items, store) == 2
    assert site.titles(finder, store, "glacier") == ["Story of the glacier"]
