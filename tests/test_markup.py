"""Markdown as its author meant it: comments, shortcodes, raw HTML, images, footnotes, links;
and metadata from every common layout (TOML/YAML front matter, file names, plain text)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from tests.app_helpers import REPO
from tui_reader.core.document import Chunker, DocumentBuilder, build_document
from tui_reader.core.markup import clean_markup
from tui_reader.core.stories import load_story

FIXTURES = REPO / "tests" / "fixtures" / "reading"


def blocks(markdown: str) -> list[tuple[str, str, str]]:
    return [(b.kind, b.marker, b.text) for b in build_document(markdown).blocks]


def test_html_comments_are_hidden_inline_and_across_lines() -> None:
    text = build_document(
        "<!-- layout: blog title: X -->\nBefore <!-- aside --> after.\n\n"
        "<!--\nhidden\n\nstill hidden\n-->\n\nShown."
    ).text
    assert "layout" not in text and "hidden" not in text and "aside" not in text
    assert "Before  after." in text and "Shown." in text


def test_shortcodes_render_harmlessly_and_code_keeps_them() -> None:
    found = blocks(
        '{{< figure src="/a/cat.png" caption="A cat" >}}\n\n'
        "{{% notice warning %}}\nMind the step.\n{{% /notice %}}\n\n"
        "{{< youtube abc >}}\n\n"
        "Text {{< unknown x=1 >}}here and `{{< kept >}}`.\n\n"
        '```\n{{< figure src="raw" >}}\n```'
    )
    assert found == [
        ("paragraph", "", "[image: A cat]"),
        ("quote", "", "Warning"),
        ("quote", "", "Mind the step."),
        ("paragraph", "", "[video]"),
        ("paragraph", "", "Text here and {{< kept >}}."),
        ("code", "", '{{< figure src="raw" >}}'),
    ]


def test_liquid_blocks_highlight_as_code_comment_hidden_raw_as_written() -> None:
    found = blocks(
        "{% comment %}\nsecret\n{% endcomment %}\n"
        "{% highlight python %}\nx = 1\n\ny = 2\n{% endhighlight %}\n\n"
        "{% raw %}{{ page.title }} {% if %}{% endraw %}"
    )
    assert found == [("code", "", "x = 1\n\ny = 2"), ("paragraph", "", "{{ page.title }} {% if %}")]
    assert "secret" not in clean_markup("{% comment %}\nsecret\n{% endcomment %}\n")


def test_raw_html_blocks_show_their_text_and_images_their_alt() -> None:
    found = blocks(
        '<div class="lede">\n<p>The <b>lede</b> &amp; more</p>\n<script>alert(1)</script>\n</div>'
        '\n\nA <span>span</span>, <img src="c.png" alt="a cat"> and ![a chart](c.png)'
        " and ![](x.png)."
    )
    assert found == [
        ("paragraph", "", "The lede & more"),
        ("paragraph", "", "A span, [image: a cat] and [image: a chart] and [image]."),
    ]


def test_footnotes_at_the_end_and_reference_links_resolved() -> None:
    document = build_document(
        "A claim[^a] and a [reference][r].\n\n[r]: https://example.org/r\n\n[^a]: The source."
    )
    kinds = [(b.kind, b.marker, b.text) for b in document.blocks]
    assert kinds == [
        ("paragraph", "", "A claim[1] and a reference."),
        ("rule", "", ""),
        ("item", "[1]", "The source."),
    ]
    assert document.links == ("https://example.org/r",)


def test_a_body_cleaned_in_chunks_reads_as_the_whole() -> None:
    # Chunks are cut inside a callout, a comment and between paragraphs: the cleaner carries
    # its state across, so the document is the one the whole body gives.
    body = "".join(
        f"Paragraph {i} of the story.\n\n"
        + ("{{< note >}}\nInside a note.\n\n" + "Still inside.\n\n" * 40 + "{{< /note >}}\n\n")
        * (i % 50 == 0)
        + ("<!--\nA comment\n\nacross a blank line\n-->\n\n" if i % 11 == 0 else "")
        for i in range(200)
    )
    whole = build_document(body)
    chunker, builder = Chunker(300, 300), DocumentBuilder()
    chunks = 0
    for piece in re.findall(r".*?\n\n|.+$", body, re.S):  # paragraphs, as a body comes
        chunk = chunker.feed(piece)
        if chunk is not None:
            builder.add(chunk)
            chunks += 1
    builder.add(chunker.finish())
    assert chunks > 10
    assert builder.document() == whole
    assert "A comment" not in whole.text and whole.text.count("Note") == 4


def test_toml_front_matter_extra_taxonomies_and_path_date() -> None:
    story = load_story(FIXTURES / "2023-10-05-zola-release.md")
    assert not isinstance(story, Exception) and hasattr(story, "title")
    assert (story.title, story.byline) == ("Zola 0.18 is out", "Vincent Prouillet")
    assert story.date == dt.date(2023, 10, 5)
    assert story.tags == ("release", "zola")


def test_date_from_the_path_key_or_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text('+++\ntitle = "P"\npath = "2021/03/04/p"\n+++\nBody.\n')
    (tmp_path / "2020-02-01-named.md").write_text("---\ntitle: Named\n---\nBody.\n")
    (tmp_path / "undated.md").write_text("---\ntitle: Undated\n---\nBody.\n")
    dates = {p.name: getattr(load_story(p), "date", None) for p in tmp_path.iterdir()}
    assert dates == {
        "post.md": dt.date(2021, 3, 4),
        "2020-02-01-named.md": dt.date(2020, 2, 1),
        "undated.md": None,
    }


def test_author_lists_and_a_text_files_first_line_as_title(tmp_path: Path) -> None:
    story = load_story(FIXTURES / "jekyll-liquid.md")
    assert getattr(story, "byline", None) == "Ann Writer, Bob Editor"
    plain = load_story(FIXTURES / "plain-story.txt")
    assert getattr(plain, "title", None) == "The Plain Text Title"
    assert getattr(plain, "byline", None) == "Someone Plain"
    assert getattr(plain, "date", None) == dt.date(2022, 3, 3)
    assert getattr(plain, "body", "").startswith("The first paragraph")
    # One long line is a paragraph, not a title: the file name still names the story.
    shutil.copy(FIXTURES / "plain-story.txt", tmp_path / "x.txt")
    (tmp_path / "long-line.txt").write_text("word " * 60 + "\n\nMore.\n")
    assert getattr(load_story(tmp_path / "long-line.txt"), "title", None) == "Long line"
