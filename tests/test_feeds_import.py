"""Writing feed entries as story files: the format, dedupe, updates in place, deleted entries."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from tui_reader.core.stories import StoryMeta, load_story, read_meta
from tui_reader.feeds.importer import import_entries
from tui_reader.feeds.model import FeedEntry, ParsedFeed
from tui_reader.library.index import scan

UTC = dt.UTC
DAY = dt.date(2026, 11, 29)


def entry(n: int, **fields: object) -> FeedEntry:
    base: dict[str, object] = {
        "guid": f"tag:example.org,2026:{n}",
        "link": f"https://example.org/news/{n}",
        "title": f"Story number {n}",
        "author": "Jane Roe",
        "published": dt.datetime(2026, 11, n, 9, 30, tzinfo=UTC),
        "content_html": f"<p>Body of story {n}.</p>",
    }
    base.update(fields)
    return FeedEntry(**base)  # type: ignore[arg-type]


def feed(*entries: FeedEntry, skipped: tuple[str, ...] = ()) -> ParsedFeed:
    return ParsedFeed(kind="rss20", title="Example", entries=entries, skipped=skipped)


def md_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".md")


def test_an_entry_becomes_a_story_in_the_seed_format(tmp_path: Path) -> None:
    folder = tmp_path / "lib" / "example"
    result = import_entries(feed(entry(3, tags=("world", "talks"))), "Example", folder, today=DAY)
    assert [p.name for p in result.added] == ["2026-11-03-story-number-3.md"]
    text = result.added[0].read_text("utf-8")
    head, body = text.split("\n---\n", 1)
    assert body.splitlines()[:7] == [
        "# Story number 3",
        "",
        "By Jane Roe",
        "",
        "November 3, 2026",
        "",
        "Body of story 3.",
    ]
    assert body.rstrip("\n").endswith("Original url:\n<https://example.org/news/3>")
    story = load_story(result.added[0])
    assert not isinstance(story, Exception) and hasattr(story, "body")
    assert story.title == "Story number 3"
    assert story.byline == "Jane Roe"
    assert story.date == dt.date(2026, 11, 3)
    assert story.url == "https://example.org/news/3"
    assert story.tags == ("world", "talks")
    assert story.feed == "Example"
    assert story.body == "Body of story 3."
    meta = read_meta(result.added[0])
    assert isinstance(meta, StoryMeta)
    assert meta.feed == "Example" and meta.story_id == "url:example.org/news/3"


def test_reimport_adds_only_new_entries(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    first = import_entries(feed(entry(1), entry(2)), "Example", folder, today=DAY)
    assert len(first.added) == 2
    mtimes = {p: p.stat().st_mtime_ns for p in md_files(folder)}
    second = import_entries(feed(entry(1), entry(2), entry(3)), "Example", folder, first.known)
    assert [p.name for p in second.added] == ["2026-11-03-story-number-3.md"]
    assert second.updated == [] and second.unchanged == 2
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes  # untouched, not rewritten
    assert len(md_files(folder)) == 3


def test_dedupe_falls_back_from_guid_to_link_to_title_and_date(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    known = import_entries(
        feed(
            entry(1),
            entry(2, guid=None),
            entry(3, guid=None, link=None),
        ),
        "Example",
        folder,
        today=DAY,
    ).known
    again = import_entries(
        feed(
            entry(1, link="https://example.org/moved/1"),  # same guid, new link
            entry(2, guid="new-guid-for-2"),  # same link, a guid appeared
            entry(3, guid=None, link=None),  # only title + date
        ),
        "Example",
        folder,
        known,
    )
    assert again.added == []
    # Entries 1 and 2 matched their files and now record the new link / guid; 3 is as it was.
    assert [p.name[:21] for p in again.updated] == [
        "2026-11-01-story-numb",
        "2026-11-02-story-numb",
    ]
    assert again.unchanged == 1
    assert "https://example.org/moved/1" in again.updated[0].read_text("utf-8")
    assert "guid: new-guid-for-2" in again.updated[1].read_text("utf-8")
    assert len(md_files(folder)) == 3


def test_changed_content_updates_the_file_in_place(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    first = import_entries(feed(entry(1)), "Example", folder, today=DAY)
    path = first.added[0]
    story_id = read_meta(path)
    second = import_entries(
        feed(entry(1, content_html="<p>Corrected body of story 1.</p>")),
        "Example",
        folder,
        first.known,
    )
    assert second.updated == [path] and second.added == []
    assert "Corrected body of story 1." in path.read_text("utf-8")
    after = read_meta(path)
    assert isinstance(after, StoryMeta) and isinstance(story_id, StoryMeta)
    assert after.story_id == story_id.story_id  # same story: its notes re-anchor
    assert md_files(folder) == [path]


def test_a_deleted_story_is_not_written_again(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    first = import_entries(feed(entry(1), entry(2)), "Example", folder, today=DAY)
    first.added[0].unlink()
    again = import_entries(feed(entry(1), entry(2)), "Example", folder, first.known)
    assert again.added == [] and again.deleted == 1
    assert len(md_files(folder)) == 1


def test_a_removed_folder_is_filled_again(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    first = import_entries(feed(entry(1), entry(2)), "Example", folder, today=DAY)
    shutil.rmtree(folder)  # as a user would: rm -r
    again = import_entries(feed(entry(1), entry(2)), "Example", folder, first.known)
    assert len(again.added) == 2


def test_duplicates_inside_one_document_are_skipped_with_a_reason(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    result = import_entries(
        feed(entry(1), entry(2), entry(1, title="Same guid again"), skipped=("entry 9: x",)),
        "Example",
        folder,
        today=DAY,
    )
    assert len(result.added) == 2
    assert result.skipped == ["entry 9: x", "entry 3: same id or link as entry 1"]


def test_untitled_entries_get_a_title_from_the_link_or_the_text(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    result = import_entries(
        feed(
            entry(1, title=None, link="https://example.org/2026/11/central-bank-holds-rates.html"),
            entry(
                2,
                title="  ",
                link=None,
                guid="g2",
                content_html="<p>Markets opened <b>higher</b> on Monday after a long weekend "
                "of talks between the two delegations in Geneva.</p>",
            ),
            entry(3, title=None, link=None, guid="g3", content_html=None),
        ),
        "Example",
        folder,
        today=DAY,
    )
    titles = [load_story(p).title for p in result.added]  # type: ignore[union-attr]
    assert titles == [
        "Central bank holds rates",
        "Markets opened higher on Monday after a long weekend of talks between…",
        "Untitled entry from Example (2026-11-03)",
    ]


def test_titles_and_bodies_are_literal_and_safe(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    nasty = "Use *args and [link](x) \x1b[2J\u202eevil"
    result = import_entries(
        feed(entry(1, title=nasty, content_html="<p>By the end of 2026 prices rose.</p>")),
        "Example",
        folder,
        today=DAY,
    )
    story = load_story(result.added[0])
    assert not isinstance(story, Exception)
    assert story.title == "Use *args and [link](x) [2Jevil"  # no ESC, no bidi override
    assert story.byline == "Jane Roe"
    assert story.body == "By the end of 2026 prices rose."


def test_a_body_starting_like_a_byline_is_not_taken_for_one(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    result = import_entries(
        feed(entry(1, author=None, content_html="<p>By noon the square was full.</p>")),
        "Example",
        folder,
        today=DAY,
    )
    story = load_story(result.added[0])
    assert not isinstance(story, Exception)
    assert story.byline is None
    assert story.body.startswith("&#66;y noon the square was full.")


def test_undated_entries_keep_their_first_seen_date(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    undated = entry(1, published=None)
    first = import_entries(feed(undated), "Example", folder, today=DAY)
    later = import_entries(feed(undated), "Example", folder, first.known, today=DAY.replace(day=30))
    assert later.unchanged == 1 and later.updated == []
    story = load_story(first.added[0])
    assert not isinstance(story, Exception) and story.date == DAY


def test_feed_stories_list_with_their_feed_in_the_library(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    (library / "local.md").parent.mkdir(parents=True)
    (library / "local.md").write_text("# A local story\n\nText.\n", "utf-8")
    import_entries(feed(entry(1), entry(2)), "Example", library / "example", today=DAY)
    os.makedirs(library / "example", exist_ok=True)
    items = [i for i in scan(library) if isinstance(i, StoryMeta)]
    assert sorted((i.title, i.feed) for i in items) == [
        ("A local story", None),
        ("Story number 1", "Example"),
        ("Story number 2", "Example"),
    ]
    assert not any(p.name.startswith(".tmp") for p in (library / "example").iterdir())


def test_an_unchanged_entry_is_not_rendered_again_so_hand_edits_stay(tmp_path: Path) -> None:
    folder = tmp_path / "example"
    first = import_entries(feed(entry(1)), "Example", folder, today=DAY)
    path = first.added[0]
    edited = path.read_text("utf-8").replace("Body of story 1.", "Body of story 1. My aside.")
    path.write_text(edited, "utf-8")
    same = import_entries(feed(entry(1)), "Example", folder, first.known)
    assert same.unchanged == 1 and same.updated == []
    assert path.read_text("utf-8") == edited
    changed = import_entries(
        feed(entry(1, content_html="<p>New body.</p>")), "Example", folder, first.known
    )
    assert changed.updated == [path] and "New body." in path.read_text("utf-8")
