"""Clean an untrusted feed entry's parsed HTML tree before it becomes Markdown.

Feed HTML comes from anywhere: it may carry scripts, tracking pixels, ``javascript:`` links or
thousands of nested elements. :func:`clean_tree` fixes all that in place: it drops active and
hidden content, resolves and vets link and image URLs, flattens nesting past a safe depth, and
normalises what markdownify trips over (empty or doubled inline marks, stray list content, odd
attribute values). :func:`text_blocks` reads the visible text of a tree as paragraphs, for
when conversion is not possible.

Pure module: no Textual, no IO. Conversion and escaping live in
:mod:`tui_reader.core.html.markdown`.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

from tui_reader.core.textsafe import sanitize

__all__ = ["BLOCKS", "FLAT", "NOT_TEXT", "attr_text", "clean_tree", "text_blocks"]

_DROP = {
    *("script", "style", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet"),
    *("form", "input", "button", "select", "textarea", "svg", "math", "template", "canvas"),
    *("audio", "video", "head", "title", "meta", "link", "base"),
}
BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "center", "dd", "details", "div", "dl"),
        *("dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
        *("hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table"),
        *("td", "th", "tr", "ul"),
    }
)
"""Elements that end the paragraph before them and start a new one after."""
# markdownify recurses about three Python frames per element; 64 levels keeps it far from the
# recursion limit even when called deep inside a worker thread. Real articles stay under ~30.
_MAX_DEPTH = 64
# Inline marks by the Markdown delimiter they become: two of a kind must not touch or nest.
_MARKS = {"b": "**", "strong": "**", "em": "*", "i": "*", "del": "~~", "s": "~~"}
_MARKS |= {"code": "`", "kbd": "`", "samp": "`"}
_EMPTY_OK = {*_MARKS, "span", "font", "u", "small", "big", "mark", "abbr", "sub", "sup", "q"}
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_IMAGE_SCHEMES = frozenset({"http", "https"})
_LAZY_SRC = ("data-src", "data-original", "data-lazy-src")
NOT_TEXT = PreformattedString
"""Strings that are not text: comments, CDATA, doctypes, ``<?...?>``; browsers never show them."""
FLAT = "tui-flat"
"""The element that stands for text flattened out of too deep nesting, one paragraph a line;
its ``block`` attribute is set when what it replaced was a block element."""
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_STYLE_SIZE = re.compile(r"(?<![\w-])(?:width|height)\s*:\s*(\d+(?:\.\d+)?)px", re.I)
_NUMBER = re.compile(r"\s*(\d+(?:\.\d*)?)")
_URL_DROP = re.compile("[\t\n\r]")  # browsers ignore these anywhere in a URL
_URL_ENCODE = re.compile(r"[\s()<>\\`\"]")  # would end or confuse a Markdown link destination
_BAD_HEADING = re.compile(r"h\d")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def clean_tree(soup: BeautifulSoup, base_url: str | None) -> None:
    """Make a parsed entry body safe and convertible, in place.

    Active, embedded and hidden content (scripts, styles, iframes, forms, media, tracking
    pixels, ``hidden`` or ``display:none`` elements) is dropped with its text. Links and images
    are resolved against ``base_url``; links other than http(s)/mailto keep only their text,
    images other than http(s) are dropped. Whatever is nested deeper than markdownify can
    safely recurse becomes one :data:`FLAT` element holding its text.

    Args:
        soup: The tree, as parsed by ``html.parser``.
        base_url: The URL relative links and images resolve against, if known.
    """
    base = _URL_DROP.sub("", sanitize(base_url or "")).strip() or None
    _clean(soup, base)


def attr_text(tag: Tag, name: str) -> str:
    """Return the sanitised value of ``tag``'s attribute ``name`` ("" when it has none).

    Multi-valued attributes such as ``class`` come back joined by spaces.
    """
    value = tag.get(name)
    if value is None:
        return ""
    return sanitize(value if isinstance(value, str) else " ".join(value))


def _safe_url(raw: str, base: str | None, schemes: frozenset[str]) -> str | None:
    """Return ``raw`` resolved against ``base`` if its scheme is allowed, else None."""
    url = _URL_DROP.sub("", raw).strip()
    if not url:
        return None
    if url.startswith("//") and base is None:
        url = "https:" + url
    try:
        url = urljoin(base, url) if base else url
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 host
        return None
    if parts.scheme.lower() not in schemes or (parts.scheme != "mailto" and not parts.netloc):
        return None
    return _URL_ENCODE.sub(lambda m: quote(m[0]), url)


def _is_hidden(tag: Tag) -> bool:
    return tag.has_attr("hidden") or bool(_HIDDEN_STYLE.search(attr_text(tag, "style")))


def _is_pixel(img: Tag) -> bool:
    for name in ("width", "height"):
        size = _NUMBER.match(attr_text(img, name))
        if size and float(size[1]) <= 1:
            return True
    return any(float(m[1]) <= 1 for m in _STYLE_SIZE.finditer(attr_text(img, "style")))


def _clean(soup: BeautifulSoup, base: str | None) -> None:
    """Drop unwanted content, vet URLs and normalise what markdownify trips over, in place."""
    _cap_depth(soup)
    # Walk by hand: bs4's find_all would also visit what was just removed (and Tag.decomposed
    # searches the subtree, which is quadratic on deep nesting).
    anchors: list[Tag] = []
    stack: list[tuple[Tag, frozenset[str]]] = [(soup, frozenset())]  # with the marks in force
    while stack:
        parent, marks = stack.pop()
        prev: PageElement | None = None
        for child in list(parent.contents):
            if _is_void_inline(child):
                child.extract()  # nothing to show, and it would keep <i>a</i><i>b</i> apart
                continue
            if isinstance(child, Tag) and isinstance(prev, Tag) and _same_mark(prev, child):
                # "**a****b**" shows its asterisks: make <b>a</b><b>b</b> one <b>ab</b>.
                prev.extend(list(child.contents))
                child.extract()
                continue
            prev = child
            if parent.name in ("ul", "ol") and _stray_in_list(child):
                child.wrap(soup.new_tag("p"))  # so "1." after it still starts a list
            if isinstance(child, Tag) and not _keep(child, base):
                prev = None
            elif isinstance(child, Tag):
                if child.name == "a" and child.find(True) is not None:
                    anchors.append(child)
                mark = "[]" if child.name == "a" else _MARKS.get(child.name)
                if mark in marks:
                    # <b>a<b>b</b></b> would close and reopen ("**a**b****"); links cannot nest.
                    child.name = "span"
                stack.append((child, marks | {mark} if mark else marks))
            elif isinstance(child, NOT_TEXT):
                child.extract()
            elif isinstance(child, NavigableString) and (clean := sanitize(child)) != child:
                child.replace_with(NavigableString(clean))
    for a in reversed(anchors):  # inner links first
        # A link whose only content (an icon, a tracking pixel) was dropped is noise.
        if a.find(True) is None and not a.get_text(strip=True):
            a.decompose()


def _stray_in_list(node: PageElement) -> bool:
    if isinstance(node, Tag):
        return node.name not in ("li", "ul", "ol")
    return isinstance(node, NavigableString) and bool(node.strip())


def _is_void_inline(node: PageElement) -> bool:
    return (
        isinstance(node, Tag)
        and node.name in _EMPTY_OK
        and not any(node.strings)
        and node.find(("img", "br")) is None
    )


def _same_mark(a: Tag, b: Tag) -> bool:
    kind = _MARKS.get(a.name)
    return kind is not None and kind == _MARKS.get(b.name)


def _keep(tag: Tag, base: str | None) -> bool:
    """Clean one element's attributes in place; remove it and return False if it must go."""
    name = tag.name
    if name in _DROP or _is_hidden(tag):
        tag.decompose()
        return False
    if name == "img":
        candidates = (attr_text(tag, "src"), *(attr_text(tag, lazy) for lazy in _LAZY_SRC))
        src = next((u for raw in candidates if (u := _safe_url(raw, base, _IMAGE_SCHEMES))), None)
        if src is None or _is_pixel(tag):
            tag.decompose()
            return False
        tag.attrs = {"src": src, "alt": attr_text(tag, "alt")}
    elif name == "a":
        href = _safe_url(attr_text(tag, "href"), base, _LINK_SCHEMES)
        tag.attrs = {"href": href} if href else {}
    elif name in ("ol", "td", "th"):
        # markdownify calls int() on these (so "²" would raise) and repeats " |" colspan times:
        # keep plain numbers only, and few columns.
        attr, most = ("start", 999_999) if name == "ol" else ("colspan", 20)
        value = attr_text(tag, attr).strip()
        ok = re.fullmatch(r"\d{1,6}", value)
        tag.attrs = {attr: str(min(int(value), most))} if ok else {}
    elif _BAD_HEADING.match(name) and name not in BLOCKS:
        tag.name = "span"  # e.g. <h9> or <h1x>: markdownify would treat it as a heading
    return True


def _cap_depth(soup: BeautifulSoup) -> None:
    """Replace whatever is nested deeper than ``_MAX_DEPTH`` by its text, in paragraphs."""
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    too_deep: list[Tag] = []
    while stack:
        tag, depth = stack.pop()
        for child in tag.contents:
            if isinstance(child, Tag):
                if depth + 1 < _MAX_DEPTH:
                    stack.append((child, depth + 1))
                elif child.find(True) is not None:
                    too_deep.append(child)
    for tag in too_deep:
        # One element holding the text: converting it costs nothing per nested element.
        flat = soup.new_tag(FLAT, string="\n".join(text_blocks(tag)))
        if tag.name in BLOCKS:
            flat["block"] = "1"
        tag.replace_with(flat)


def text_blocks(node: Tag) -> list[str]:
    """Return the visible text of ``node`` as paragraphs, broken at block elements; iterative."""
    blocks: list[str] = []
    current: list[str] = []
    stack: list[PageElement | None] = list(reversed(node.contents))  # None: a block ends here
    while stack:
        item = stack.pop()
        if isinstance(item, Tag) and (item.name in _DROP or _is_hidden(item)):
            continue
        breaks = item is None or (isinstance(item, Tag) and item.name in (*BLOCKS, "br"))
        if breaks and current:
            blocks.append("".join(current))
            current = []
        if isinstance(item, Tag):
            if item.name in BLOCKS:
                stack.append(None)
            stack.extend(reversed(item.contents))
        elif isinstance(item, NavigableString) and not isinstance(item, NOT_TEXT):
            current.append(str(item))
    blocks.append("".join(current))
    paragraphs = (_SPACES.sub(" ", sanitize(block)).strip() for block in blocks)
    return [p for p in paragraphs if p]
