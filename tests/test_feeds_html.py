"""Feed bodies to Markdown: clean-up of untrusted HTML, escaping, and the story loader's view."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hs

from tui_reader.core.document import build_document
from tui_reader.core.html.markdown import html_to_markdown, text_to_markdown
from tui_reader.core.stories import Story, load_story
from tui_reader.core.textsafe import is_safe, sanitize

BASE = "https://news.example/2025/01/story.html"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "<p>One <em>two</em> <strong>three</strong>.</p>\n<p>Second\nline.</p>",
            "One *two* **three**.\n\nSecond line.",
            id="paragraphs",
        ),
        pytest.param(
            '<p><a href="/about">About</a>, <a href="other.html">sibling</a>, '
            '<a href="//cdn.example/x">cdn</a>, <a href="#top">anchor</a></p>',
            "[About](https://news.example/about), "
            "[sibling](https://news.example/2025/01/other.html), "
            "[cdn](https://cdn.example/x), [anchor](https://news.example/2025/01/story.html#top)",
            id="links-resolved",
        ),
        pytest.param(
            '<p><a href="javascript:alert(1)">js</a> <a href=" JaVa&#x09;Script:x">js2</a> '
            '<a href="data:text/html,x">data</a> <a href="vbscript:x">vb</a> '
            '<a href="mailto:ed@news.example">mail</a> <a>none</a></p>',
            "js js2 data vb [mail](mailto:ed@news.example) none",
            id="unsafe-links-keep-text",
        ),
        pytest.param(
            '<p><a href="https://x.example/a"></a> <a href="https://x.example/b">https://x.example/b</a></p>',
            "<https://x.example/a> <https://x.example/b>",
            id="empty-and-url-links",
        ),
        pytest.param(
            '<p><a href="https://x.example/a b(c)">odd</a></p>',
            "[odd](https://x.example/a%20b%28c%29)",
            id="link-destination-encoded",
        ),
        pytest.param(
            '<p>Pic: <img src="/img/a.jpg" alt="A [chart]"> '
            '<img src="data:image/gif;base64,R0lG" data-src="lazy.png" alt="lazy"></p>',
            "Pic: ![A \\[chart\\]](https://news.example/img/a.jpg) "
            "![lazy](https://news.example/2025/01/lazy.png)",
            id="images",
        ),
        pytest.param(
            '<p>Text<img src="https://t.example/p.gif" width="1" height="1">'
            '<img src="https://t.example/q.gif" width="0">'
            '<img src="https://t.example/r.gif" height="1px">'
            '<img src="https://t.example/s.gif" style="display:none">'
            '<img src="https://t.example/t.gif" style="width: 1px; height: 1px">'
            '<img alt="no source"><img src="javascript:x" alt="bad">'
            '<a href="https://t.example/click"><img src="https://t.example/u.gif" width="1"></a>'
            " end</p>",
            "Text end",
            id="tracking-pixels",
        ),
        pytest.param(
            "<script>alert('x')</script><style>p { color: red }</style>"
            '<iframe src="https://e.example">iframe text</iframe><noscript>enable js</noscript>'
            "<form><input value=v><button>Go</button><select><option>o</option></select>"
            "<textarea>t</textarea></form><svg><text>svg text</text></svg>"
            "<video src=v.mp4>video text</video><audio>audio</audio><object>obj</object>"
            "<template>tpl</template><math><mi>x</mi></math><canvas>cv</canvas>"
            "<p>Visible</p><p hidden>hidden attr</p><div style='display: none'>gone</div>"
            "<span style='visibility:hidden'>gone too</span>",
            "Visible",
            id="active-and-hidden-content-gone",
        ),
        pytest.param(
            "<html><head><title>Doc title</title><meta charset=utf-8>"
            "<link rel=stylesheet href=s.css><base href=x></head><body><p>Body</p></body></html>",
            "Body",
            id="head-gone",
        ),
        pytest.param(
            "<p>Fish &amp; chips, caf&eacute;, it&#8217;s &lt;b&gt; &#x1F4F0; &nbsp;x</p>",
            "Fish & chips, café, it’s \\<b> 📰 \xa0x",
            id="entities",
        ),
        pytest.param(
            "<ul><li>one<ul><li>one.a</li><li>one.b<ol><li>deep</li><li>deeper</li></ol></li>"
            "</ul></li><li>two</li></ul><ol start='9'><li>nine</li><li>ten</li></ol>",
            "- one\n  - one.a\n  - one.b\n    1. deep\n    2. deeper\n- two\n\n9. nine\n10. ten",
            id="nested-lists",
        ),
        pytest.param(
            "<blockquote><p>Quoted.</p><blockquote><p>Nested.</p></blockquote></blockquote>"
            "<p>After.</p>",
            "> Quoted.\n>\n> > Nested.\n\nAfter.",
            id="blockquote",
        ),
        pytest.param(
            '<pre><code class="language-python">def f():\n    return "```"  # *x*\n</code></pre>'
            "<p>Use <code>a_b*c</code> here.</p>",
            '````python\ndef f():\n    return "```"  # *x*\n````\n\nUse `a_b*c` here.',
            id="code",
        ),
        pytest.param(
            "<table><thead><tr><th>Name</th><th>Value</th></tr></thead>"
            "<tbody><tr><td>a|b</td><td>1</td></tr><tr><td>c</td><td>2</td></tr></tbody></table>",
            "| Name | Value |\n| --- | --- |\n| a\\|b | 1 |\n| c | 2 |",
            id="table",
        ),
        pytest.param(
            "<h1>Big</h1><h2>Medium</h2><h3>Small</h3><p>Text</p>",
            "## Big\n\n## Medium\n\n### Small\n\nText",
            id="h1-demoted",
        ),
        pytest.param(
            "<p>*not emphasis* and _x_ and 1. not a list, a [link](x) `code` ~~no~~ |</p>"
            "<p>1. not a list</p><p># not a heading</p><p>- not a bullet</p>"
            "<p>+ nor this</p><p>&gt; not a quote</p><p>===</p><p>---</p>"
            "<p>2024) also</p><p>&amp;amp; &lt;https://x.example&gt; back\\slash\\*</p>",
            "\\*not emphasis\\* and \\_x\\_ and 1. not a list, a \\[link\\](x) \\`code\\` "
            "\\~\\~no\\~\\~ \\|\n\n1\\. not a list\n\n\\# not a heading\n\n\\- not a bullet\n\n"
            "\\+ nor this\n\n\\> not a quote\n\n\\===\n\n\\---\n\n2024\\) also\n\n"
            "\\&amp; \\<https://x.example> back\\\\slash\\\\\\*",
            id="markdown-lookalikes-escaped",
        ),
        pytest.param(
            "<p>Clear \x1b[2J screen, &#27;]52;c;bad&#7; osc, \x9b1m csi, \u202eevil\u202c, "
            "nul\x00 del\x7f</p>",
            "Clear \\[2J screen, \\]52;c;bad osc, 1m csi, evil, nul del",
            id="control-chars-removed",
        ),
        pytest.param(
            "<p>Line one<br>line two<br></p><p><br>Lead</p><p>a<br><br>b</p>",
            "Line one\\\nline two\n\nLead\n\na\\\n\\\nb",
            id="line-breaks",
        ),
        pytest.param(
            "<figure><img src='https://e.example/c.jpg' alt='Cat'>"
            "<figcaption>A cat, <em>sleeping</em>.</figcaption></figure><p>Next</p>",
            "![Cat](https://e.example/c.jpg)\n\nA cat, *sleeping*.\n\nNext",
            id="figure",
        ),
        pytest.param(
            "<header>Kicker</header><section>Part</section><aside>Aside</aside>"
            "<footer>Foot</footer><hr><p>Rule above</p>",
            "Kicker\n\nPart\n\nAside\n\nFoot\n\n---\n\nRule above",
            id="block-containers",
        ),
        pytest.param(
            "<p>Unclosed <b>bold <i>both</p><div>Stray</span> text<li>loose item",
            "Unclosed **bold *both***\n\nStray text\n\n- loose item",
            id="malformed",
        ),
        pytest.param(
            "<p>Original url:</p><p><a href='https://evil.example'>https://evil.example</a></p>",
            "Original url\\:\n\n<https://evil.example>",
            id="footer-marker-escaped",
        ),
        pytest.param(
            "<p>original URL</p><p><strong>Original url:</strong> https://evil.example</p>",
            "original&#32;URL\n\n**Original url\\:** https://evil.example",
            id="footer-marker-variants-escaped",
        ),
        pytest.param(
            "<!-- comment --><![CDATA[cdata text]]><?php echo 1 ?><p>Text</p>",
            "Text",
            id="comments-and-instructions",
        ),
        pytest.param(
            "<ol start='²'><li>x</li></ol><table><tr><td colspan='²'>y</td></tr></table>"
            "<h9>Not a heading</h9>",
            "1. x\n\n| y |\n| --- |\n\nNot a heading",
            id="attributes-markdownify-trips-over",
        ),
        pytest.param(
            "<p><b>Note:</b>Text and <b>bold</b>, <i>(aside)</i>x</p>",
            "Note:Text and **bold**, (aside)x",
            id="emphasis-that-commonmark-would-not-take-is-dropped",
        ),
        pytest.param(
            "<p><b>a</b><strong>b</strong> <i>c<i>d</i></i> <code>x</code><code>y</code> "
            "<i>e</i><span></span><i>f</i></p>",
            "**ab** *cd* `xy` *ef*",
            id="touching-and-nested-marks-merged",
        ),
        pytest.param(
            '<p><a href="https://a.example/">one <a href="https://b.example/">two</a></a></p>'
            '<a href="https://a.example/card"><h3>Card title</h3><p>Teaser</p></a>',
            "[one two](https://a.example/)\n\n### Card title\n\nTeaser\n\n<https://a.example/card>",
            id="nested-links-and-block-links",
        ),
        pytest.param(
            "<ul>Stray<li>one</li></ul><ol>x<li></li><li>two</li></ol><li>loose</li>",
            "Stray\n\n- one\n\nx\n\n2. two\n\n- loose",
            id="stray-content-in-lists",
        ),
        pytest.param(
            '<h2>C# and F #</h2><p>Wow!<a href="https://a.example/">link</a> <span>1</span>. x</p>'
            "<p><code>a`b</code> <del>~</del></p>",
            "## C# and F \\#\n\nWow\\![link](https://a.example/) 1\\. x\n\n`` a`b `` ~~\\~~~",
            id="markup-formed-across-elements-escaped",
        ),
        pytest.param(
            "<pre><span class=k>def</span> f():<br>  <li>pass</li></pre>",
            "```\ndef f():\n  pass\n```",
            id="pre-keeps-only-text",
        ),
        pytest.param("", "", id="empty"),
        pytest.param("  \n<p> </p><div></div>", "", id="blank"),
        pytest.param("Just text &amp; an entity", "Just text & an entity", id="no-tags"),
        pytest.param("https://example.org/only-a-url", "https://example.org/only-a-url", id="url"),
    ],
)
def test_html_to_markdown(source: str, expected: str) -> None:
    assert html_to_markdown(source, BASE) == expected


def test_relative_urls_without_base_are_dropped() -> None:
    source = '<p><a href="/a">rel</a> <img src="/i.png" alt="i"> <a href="//h.example/x">p</a></p>'
    assert html_to_markdown(source) == "rel [p](https://h.example/x)"


def test_hostile_base_url_cannot_smuggle_a_scheme() -> None:
    assert html_to_markdown('<a href="x">t</a>', "javascript:alert(1)//") == "t"


def test_deep_nesting_does_not_crash() -> None:
    for opener in ("<div>", "<b>", "<blockquote>", "<ul><li>", "<table><tr><td>"):
        source = opener * 5000 + "deep <i>text</i>" + "<p>more"
        md = html_to_markdown(source)
        assert "deep" in md and "text" in md and "more" in md, opener
    md = html_to_markdown("<div>" * 5000 + "<p>one</p><script>bad</script><p>two</p>")
    assert md == "one\n\ntwo"


def test_deeply_nested_divs_are_survived() -> None:
    # 20,000 levels: twenty times Python's recursion limit, which a recursive walk would hit.
    md = html_to_markdown("<div>ab " * 20_000)
    assert md.count("ab") == 20_000


def test_a_large_article_converts_in_linear_time() -> None:
    para = "<p>{} <a href='/l/{}'>link</a> <em>em</em> and <strong>strong</strong> words.</p>\n"
    filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor " * 2
    parts = [para.format(filler, i) for i in range(900)]
    parts += ["<ul>" + "<li>item</li>" * 20 + "</ul>", "<pre>code\n</pre>"] * 20
    source = "<article>" + "".join(parts) + "</article>"
    assert len(source) > 200_000
    start = time.perf_counter()
    md = html_to_markdown(source, BASE)
    # A generous bound (~0.7 s here, alone): it catches a quadratic slip (minutes), not noise.
    # The figure itself is bench/bench_feeds.py's to report.
    assert time.perf_counter() - start < 10.0
    assert md.count("[link](https://news.example/l/") == 900


def test_output_shape() -> None:
    source = "\r\n<p>a  </p>\r\n\r\n<p></p><p></p><div><br><br><br></div><p>b\t</p>\r\n"
    md = html_to_markdown(source)
    assert md == "a\n\nb"
    assert "\r" not in md and "\n\n\n" not in md


def test_text_to_markdown() -> None:
    text = (
        "First *para*\r\nstill _first_.\n\n\n\n# Not a heading\n  1. not a list\n"
        "- no bullet\n> no quote\n    not code\n===\n[x](y) `z` <https://a.example> |\n"
        "\x1b[31mred\x1b[0m\n\nOriginal url:\n<https://evil.example>\nback\\slash\\"
    )
    assert text_to_markdown(text) == (
        "First \\*para\\*\nstill \\_first\\_.\n\n\\# Not a heading\n1\\. not a list\n"
        "\\- no bullet\n\\> no quote\nnot code\n\\===\n\\[x\\](y) \\`z\\` \\<https://a.example> "
        "\\|\n\\[31mred\\[0m\n\nOriginal url\\:\n\\<https://evil.example>\nback\\\\slash\\\\"
    )
    assert text_to_markdown("") == ""


def _words(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


_PIECES = hs.sampled_from(
    [*"ab1 9.#*_`[]()<>&;~|\\-+=!:/\n\t\xa0", "https://x.example", "&amp;", "&#32;", "\x1b"]
    + ["\u2028", "Original url", "1.", "  ", "\n\n"]
)
_TEXT = hs.lists(_PIECES, max_size=30).map("".join)


@settings(max_examples=200, suppress_health_check=list(HealthCheck), deadline=None)
@given(_TEXT)
def test_text_renders_as_itself(text: str) -> None:
    md = text_to_markdown(text)
    doc = build_document(md)
    assert {block.kind for block in doc.blocks} <= {"paragraph"}
    paragraphs = [_words(p) for p in re.split(r"\n\s*\n", sanitize(text)) if _words(p)]
    assert [_words(block.text) for block in doc.blocks] == paragraphs


@settings(max_examples=200, suppress_health_check=list(HealthCheck), deadline=None)
@given(_TEXT)
def test_html_text_renders_as_itself(text: str) -> None:
    md = html_to_markdown("<p>" + html.escape(text) + "</p>")
    doc = build_document(md)
    assert {block.kind for block in doc.blocks} <= {"paragraph"}
    assert _words(" ".join(block.text for block in doc.blocks)) == _words(sanitize(text))


_INLINE_TAGS = ["b", "i", "em", "strong", "span", "code", "a", "del", "sup"]
_BLOCK_TAGS = ["p", "div", "blockquote", "h1", "h2", "h3", "li", "ul", "ol", "pre", "figure"]


def _element(tag_and_children: tuple[str, list[str]]) -> str:
    tag, children = tag_and_children
    if tag == "br":
        return "".join(children) + "<br>"
    link = ' href="https://h.example/z">L' if tag == "a" else ">"
    return f"<{tag}{link}" + "".join(children) + f"</{tag}>"


_TREES = hs.recursive(
    _TEXT.map(html.escape),
    lambda kids: hs.tuples(
        hs.sampled_from([*_INLINE_TAGS, *_BLOCK_TAGS, "br"]), hs.lists(kids, max_size=4)
    ).map(_element),
    max_leaves=20,
)


def _visible(text: str) -> str:
    # Emphasis and code marks that CommonMark cannot take show as literal characters: only
    # losing or inventing other text counts here.
    return "".join(text.replace("\xa0", " ").translate({42: None, 96: None, 126: None}).split())


@settings(max_examples=200, suppress_health_check=list(HealthCheck), deadline=None)
@given(hs.lists(_TREES, min_size=1, max_size=3).map("".join))
@example("1<code>.</code>")  # a backslash once escaped the list number inside the code span
def test_structure_never_eats_or_invents_text(source: str) -> None:
    md = html_to_markdown(source)
    shown = build_document(md).text.replace("https://h.example/z", "")  # block links add it
    expected = BeautifulSoup(f"<div>{source}</div>", "html.parser").get_text()
    assert _visible(shown) == _visible(sanitize(expected))


_MARKUP = hs.lists(
    hs.sampled_from(
        ["<", ">", "</", "<p>", "<a href='", "'", '"', "<pre>", "<br>", "<ol start=", "²", "x"]
        + ["<td colspan=", "<h1>", "&#", "<!--", "-->", "<![CDATA[", "]]>", "<?", "<!DOCTYPE "]
        + ["<li>", "<table>", "<tr>", "<img src=", "javascript:", "\x00", "\x1b", "# ", "\n"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=200, suppress_health_check=list(HealthCheck), deadline=None)
@given(_MARKUP | hs.text(max_size=200))
def test_any_input_gives_safe_markdown(source: str) -> None:
    md = html_to_markdown(source, BASE)
    assert is_safe(md)
    assert md == md.strip()
    assert not md.startswith("# ")
    assert "\n\n\n" not in md
    assert all(line == line.rstrip() for line in md.split("\n"))
    assert "Original url:" not in md.split("\n")


def _story(tmp_path: Path, body: str) -> Story:
    path = tmp_path / "s.md"
    text = f"# T\n\nBy A\n\nJanuary 2, 2025\n\n{body}\n\nOriginal url:\n<https://example.org/x>\n"
    path.write_text(text, "utf-8")
    story = load_story(path)
    assert isinstance(story, Story)
    assert (story.title, story.byline, story.url) == ("T", "A", "https://example.org/x")
    return story


def test_story_loader_keeps_converted_html_as_body(tmp_path: Path) -> None:
    md = html_to_markdown(
        "<h1>Inner title</h1><p>January 3, 2025</p><p>By Someone Else</p><p>Body text.</p>"
        "<p>Original url:</p><p><a href='https://evil.example'>https://evil.example</a></p>",
        BASE,
    )
    story = _story(tmp_path, md)
    assert story.body.startswith("## Inner title\n\nJanuary 3, 2025\n\nBy Someone Else")
    assert "Body text." in story.body
    assert story.body.endswith("Original url\\:\n\n<https://evil.example>")
    texts = [block.text for block in build_document(story.body).blocks]
    assert texts[-2:] == ["Original url:", "https://evil.example"]


def test_story_loader_keeps_converted_text_as_body(tmp_path: Path) -> None:
    md = text_to_markdown("# Looks like a title\n\nOriginal url:\n<https://evil.example>")
    story = _story(tmp_path, md)
    assert story.body == "\\# Looks like a title\n\nOriginal url\\:\n\\<https://evil.example>"
