"""Several real ``tui-reader refresh`` processes at once never duplicate a story."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.feed_server import FeedServer
from tests.test_feeds_cli import item, rss
from tui_reader.core.stories import StoryMeta, read_meta
from tui_reader.feeds.subscriptions import add_feed
from tui_reader.storage.store import Store


def test_concurrent_refreshes_write_each_entry_once(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    lib, data = tmp_path / "lib", tmp_path / "data"
    feed_server.add("/feed.xml", rss(*(item(n) for n in range(1, 6))))
    store = Store.open(data)
    add_feed(store, feed_server.url("/feed.xml"), lib)
    store.close()
    # 28 entries, several sharing a title and day (so their file names collide too).
    items = [item(n) for n in range(1, 25)]
    items += [item(n, title="Daily briefing") for n in (26, 26, 27, 27)]
    feed_server.add(
        "/feed.xml",
        rss(*items)
        .replace(b"harbour-26<", b"harbour-26a<", 1)
        .replace(b"news/26<", b"news/26a<", 1),
    )
    common = ["--stories", str(lib), "--data-dir", str(data)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tui_reader", "refresh", *common],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outputs
    metas = [read_meta(p) for p in (lib / "harbour-news").glob("*.md")]
    ids = [m.story_id for m in metas if isinstance(m, StoryMeta)]
    assert len(ids) == len(metas) == 27  # 24 + "26", "26a", "27" (its repeat is skipped)
    assert len(set(ids)) == 27
    # Between them the processes added exactly the 22 new entries.
    added = sum(int(m[1]) for out, _ in outputs for m in re.finditer(r"(\d+) new", out))
    assert added == 22, outputs
    assert not [p for p in (lib / "harbour-news").iterdir() if p.name.startswith(".tmp")]
