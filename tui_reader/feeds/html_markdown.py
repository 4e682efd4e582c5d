"""Turn an untrusted feed entry's body (HTML or plain text) into clean Markdown for a story file.

Feed HTML comes from anywhere: it may carry scripts, tracking pixels, ``javascript:`` links,
terminal escape sequences, thousands of nested elements, or text that merely looks like Markdown.
:func:`html_to_markdown` cleans the parsed tree first (drops active and hidden content, resolves
and vets URLs, caps nesting depth), converts it with markdownify, then tidies the text so the
story loader reads it as body: no ``# `` title heading, no ``Original url:`` footer marker, no
control characters. Text that looks like Markdown is escaped so it shows literally.

Pure module: no Textual, no IO.
"""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from typing import Any, cast
from urllib.parse import quote, urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, PreformattedString, Tag
from bs4.exceptions import ParserRejectedMarkup
from markdownify import MarkdownConverter

from tui_reader.textsafe import sanitize

__all__ = ["html_to_markdown", "text_to_markdown"]

_DROP = {
    *("script", "style", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet"),
    *("form", "input", "button", "select", "textarea", "svg", "math", "template", "canvas"),
    *("audio", "video", "head", "title", "meta", "link", "base"),
}
_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "center", "dd", "details", "div", "dl"),
        *("dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
        *("hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table"),
        *("td", "th", "tr", "ul"),
    }
)
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
# Comments, CDATA, doctypes, <?...?>: never shown by browsers either.
_NOT_TEXT = PreformattedString
_FLAT = "tui-flat"  # stands for text flattened out of too deep nesting, one paragraph a line
_BR = "\x00"  # stands for a <br> until _tidy knows whether it ends a paragraph

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_STYLE_SIZE = re.compile(r"(?<![\w-])(?:width|height)\s*:\s*(\d+(?:\.\d+)?)px", re.I)
_NUMBER = re.compile(r"\s*(\d+(?:\.\d*)?)")
_URL_DROP = re.compile("[\t\n\r]")  # browsers ignore these anywhere in a URL
_URL_ENCODE = re.compile(r"[\s()<>\\`\"]")  # would end or confuse a Markdown link destination
_LANGUAGE = re.compile(r"(?:language|lang)-([\w+#.-]{1,30})")
_BAD_HEADING = re.compile(r"h\d")
# Backslashes, emphasis and code marks, brackets, table pipes,
# what could open an autolink or an entity, tildes that could join a strikethrough mark, and
# a "!" that a link could follow (making it an image).
_INLINE = re.compile(r"[\\*_`\[\]|]|<(?=[A-Za-z/!?])|&(?=#?\w+;)|~(?=~|$)|(?<=~)~|^~|!$")
_LINE_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[-+=]+(?=\s|$)|>)")
_LIST_NUMBER = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)")
_NUMBER_END = re.compile(r"[.)](?=\s|$)")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_PADDED = re.compile(r"([\s\x00]*)(.*?)([\s\x00]*)", re.S)
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
# The story loader's footer marker (tui_reader.stories._ORIGINAL), which a body line must not be.
_ORIGINAL = re.compile(r"[*_]*original\s+url\s*:?[*_]*\s*\S*", re.I)
_ORIGINAL_COLON = re.compile(r"(url\s*):", re.I)
_ORIGINAL_GAP = re.compile(r"(original)\s+", re.I)
# What a line starts with when it is not the next line of the same paragraph (text is escaped).
_BLOCK_START = re.compile(r"[ >]*(?:$|[-+*]\s|\d{1,9}[.)]\s|#{1,6}\s|```|\|)")
# A code fence, possibly inside quotes or list items; text never has unescaped backticks.
_FENCE = re.compile(r"(?:[ \t>]|-\s|\d{1,9}\.\s)*(`{3,})([^`]*)")


def html_to_markdown(html: str, base_url: str | None = None) -> str:
    """Convert an untrusted HTML fragment into clean, safe Markdown; never raises.

    Active, embedded and hidden content (scripts, styles, iframes, forms, media, tracking
    pixels, ``hidden`` or ``display:none`` elements) is dropped with its text. Links and images
    are resolved against ``base_url``; links other than http(s)/mailto keep only their text,
    images other than http(s) are dropped. Level-1 headings become level 2, so the body never
    starts with what the story loader takes for the title.

    Args:
        html: The entry's HTML body.
        base_url: The URL relative links and images resolve against, if known.

    Returns:
        Markdown with ``\\n`` line endings, at most one blank line in a row, no trailing
        whitespace and no control characters; ``""`` when nothing readable is left.
    """
    # bs4 warns (to stderr) when short markup without a tag looks like a URL or file name.
    markup = html if "<" in html else html + "\n"
    try:
        soup = BeautifulSoup(markup, "html.parser")
    except ParserRejectedMarkup:
        return text_to_markdown(unescape(re.sub(r"<[^>]*>", " ", html)))
    try:
        base = _URL_DROP.sub("", sanitize(base_url or "")).strip() or None
        _clean(soup, base)
        return _tidy(_Converter().convert_soup(soup))
    except Exception:
        # Untrusted markup meets third-party code: whatever goes wrong, keep the text.
        return text_to_markdown("\n\n".join(_text_blocks(soup)))


def text_to_markdown(text: str) -> str:
    """Return Markdown that displays a plain-text body literally.

    Paragraphs (separated by blank lines) are kept; lines within a paragraph are re-flowed by
    the Markdown renderer. Everything Markdown would read as markup (``*``, ``_``, backticks,
    brackets, a leading ``#``, ``>``, ``-``, ``+`` or ``1.``...) is escaped; leading indentation,
    which would make a code block, is dropped.

    Args:
        text: The plain-text body.

    Returns:
        Sanitized Markdown, stripped, with at most one blank line in a row.
    """
    lines = [_escape(line.strip()) for line in sanitize(text).split("\n")]
    return _tidy("\n".join(lines))


# --- cleaning the tree --------------------------------------------------------------------------


def _attr(tag: Tag, name: str) -> str:
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
    return tag.has_attr("hidden") or bool(_HIDDEN_STYLE.search(_attr(tag, "style")))


def _is_pixel(img: Tag) -> bool:
    for name in ("width", "height"):
        size = _NUMBER.match(_attr(img, name))
        if size and float(size[1]) <= 1:
            return True
    return any(float(m[1]) <= 1 for m in _STYLE_SIZE.finditer(_attr(img, "style")))


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
            elif isinstance(child, _NOT_TEXT):
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
        candidates = (_attr(tag, "src"), *(_attr(tag, lazy) for lazy in _LAZY_SRC))
        src = next((u for raw in candidates if (u := _safe_url(raw, base, _IMAGE_SCHEMES))), None)
        if src is None or _is_pixel(tag):
            tag.decompose()
            return False
        tag.attrs = {"src": src, "alt": _attr(tag, "alt")}
    elif name == "a":
        href = _safe_url(_attr(tag, "href"), base, _LINK_SCHEMES)
        tag.attrs = {"href": href} if href else {}
    elif name in ("ol", "td", "th"):
        # markdownify calls int() on these (so "²" would raise) and repeats " |" colspan times:
        # keep plain numbers only, and few columns.
        attr, most = ("start", 999_999) if name == "ol" else ("colspan", 20)
        value = _attr(tag, attr).strip()
        ok = re.fullmatch(r"\d{1,6}", value)
        tag.attrs = {attr: str(min(int(value), most))} if ok else {}
    elif _BAD_HEADING.match(name) and name not in _BLOCKS:
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
        flat = soup.new_tag(_FLAT, string="\n".join(_text_blocks(tag)))
        if tag.name in _BLOCKS:
            flat["block"] = "1"
        tag.replace_with(flat)


def _text_blocks(node: Tag) -> list[str]:
    """Return the visible text of ``node`` as paragraphs, broken at block elements; iterative."""
    blocks: list[str] = []
    current: list[str] = []
    stack: list[PageElement | None] = list(reversed(node.contents))  # None: a block ends here
    while stack:
        item = stack.pop()
        if isinstance(item, Tag) and (item.name in _DROP or _is_hidden(item)):
            continue
        breaks = item is None or (isinstance(item, Tag) and item.name in (*_BLOCKS, "br"))
        if breaks and current:
            blocks.append("".join(current))
            current = []
        if isinstance(item, Tag):
            if item.name in _BLOCKS:
                stack.append(None)
            stack.extend(reversed(item.contents))
        elif isinstance(item, NavigableString) and not isinstance(item, _NOT_TEXT):
            current.append(str(item))
    blocks.append("".join(current))
    paragraphs = (_SPACES.sub(" ", sanitize(block)).strip() for block in blocks)
    return [p for p in paragraphs if p]


# --- conversion ---------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """Escape what Markdown would read as markup, treating the start of ``text`` as a line start."""
    text = _INLINE.sub(r"\\\g<0>", text)
    text = _LINE_START.sub(r"\1\\\2", text)
    return _LIST_NUMBER.sub(r"\1\\\2", text)


def _is_punct(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def _outside(el: PageElement, before: bool) -> str:
    """Return the character of text just before or after ``el`` in its paragraph, or ""."""
    node: PageElement = el
    while True:
        sibling = node.previous_sibling if before else node.next_sibling
        if sibling is None:
            if node.parent is None or node.parent.name in _BLOCKS:
                return ""
            node = node.parent
            continue
        if isinstance(sibling, Tag) and sibling.name in (*_BLOCKS, "br"):
            return ""
        text = sibling.get_text() if isinstance(sibling, Tag) else str(sibling)
        if text:
            return text[-1] if before else text[0]
        node = sibling


def _can_touch(edge: str, outside: str) -> bool:
    """Tell whether an emphasis mark between ``outside`` and ``edge`` text still counts.

    CommonMark only takes ``**`` as opening or closing where punctuation inside the mark is
    matched by whitespace or punctuation outside it: in ``a**.**``, the asterisks stay literal.
    """
    return not _is_punct(edge) or not outside or outside.isspace() or _is_punct(outside)


def _has_blocks(markdown: str) -> bool:
    """Tell whether converted content holds block elements (a line break not from ``<br>``)."""
    return "\n" in markdown.replace(_BR + "\n", "")


def _fenced(code: str, language: str) -> str:
    """Return ``code`` as a fenced block, the fence longer than any backtick run inside."""
    code = code.strip("\n").rstrip()
    if not code.strip():
        return ""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", code)), default=0))
    return f"\n\n{fence}{language}\n{code}\n{fence}\n\n"


def _chomp(text: str) -> tuple[str, str, str]:
    """Split inline content into its padding before, its padding after, and the content.

    Marks must hug their content (``** a**`` is no emphasis), so spaces and ``<br>`` at either
    end move outside them: padding is one space, or the line breaks, or "".
    """
    match = _PADDED.fullmatch(text)
    head, body, tail = match.groups() if match else ("", text, "")

    def pad(padding: str) -> str:
        return (_BR + "\n") * padding.count(_BR) or (" " if padding else "")

    return pad(head), pad(tail), body


class _Converter(MarkdownConverter):
    """markdownify with the escaping, links, headings and code fences a story file needs.

    The methods below override markdownify hooks its type stub leaves out.
    """

    def __init__(self) -> None:
        super().__init__(
            heading_style="atx",
            bullets="-",
            table_infer_header=True,
            wrap=True,  # with no width: collapses all whitespace in text to single spaces
            wrap_width=None,
        )
        self._ol_numbers: dict[int, dict[int, int]] = {}

    def escape(self, text: str, parent_tags: set[str]) -> str:
        # Inline whitespace is collapsed, so a text node can only start a line, never span one.
        return _escape(text)

    def process_text(self, el: NavigableString, parent_tags: set[str] | None = None) -> str:
        text: str = cast(Any, super()).process_text(el, parent_tags)
        prev = el.previous_sibling
        if isinstance(prev, Tag) and prev.name == "br":
            text = text.lstrip(" ")
        if _NUMBER_END.match(text) and _outside(el, before=True).isdigit():
            text = "\\" + text  # "<b>1</b>. x" must not start a numbered list
        return text

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        href = _attr(el, "href")
        if href and _has_blocks(text):  # e.g. a "card" linking a heading and a paragraph
            return f"\n\n{text.strip()}\n\n<{href}>\n\n"
        prefix, suffix, text = _chomp(text)
        if not href:
            return prefix + text + suffix
        if not text or _UNESCAPE.sub(r"\1", text) == href:
            return f"{prefix}<{href}>{suffix}"
        return f"{prefix}[{text}]({href}){suffix}"

    def _emphasis(self, el: Tag, text: str, parent_tags: set[str], mark: str) -> str:
        if "_noformat" in parent_tags:
            return text
        if _has_blocks(text):
            return f"\n\n{text.strip()}\n\n"  # marks cannot span paragraphs
        prefix, suffix, text = _chomp(text)
        if not text:
            return prefix + suffix
        if (prefix or _can_touch(text[0], _outside(el, before=True))) and (
            suffix or _can_touch(text[-1], _outside(el, before=False))
        ):
            return f"{prefix}{mark}{text}{mark}{suffix}"
        return prefix + text + suffix  # the marks would show as literal asterisks

    def convert_b(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._emphasis(el, text, parent_tags, "**")

    def convert_em(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._emphasis(el, text, parent_tags, "*")

    def convert_del(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._emphasis(el, text, parent_tags, "~~")

    convert_strong = convert_b
    convert_i = convert_em
    convert_s = convert_del

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        alt = _INLINE.sub(r"\\\g<0>", _SPACES.sub(" ", _attr(el, "alt")).strip())
        if "_inline" in parent_tags:
            return alt
        return f"![{alt}]({_attr(el, 'src')})"

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "pre" in parent_tags:
            return "\n"
        return " " if "_inline" in parent_tags or "_noformat" in parent_tags else _BR + "\n"

    def convert_code(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        if _has_blocks(text):  # <code> around paragraphs: a code block, really
            return _fenced("\n".join(_text_blocks(el)), "")
        prefix, suffix, text = _chomp(text)
        if not text:
            return prefix + suffix
        ticks = "`" * (1 + max((len(run) for run in re.findall("`+", text)), default=0))
        pad = " " if "`" in text else ""  # so a backtick inside cannot touch the delimiters
        return f"{prefix}{ticks}{pad}{text}{pad}{ticks}{suffix}"

    convert_kbd = convert_samp = convert_code

    def convert_sup(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return text  # markdownify strips it, gluing any block inside to the text before

    convert_sub = convert_sup

    def convert_hN(self, n: int, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = _SPACES.sub(" ", text).strip()
        if "_inline" in parent_tags or not text:
            return text or "\n\n"
        text = re.sub(r"(?<= )(#+)$", r"\\\1", text)  # else taken for a closing "## a ##"
        return f"\n\n{'#' * min(6, max(2, n))} {text}\n\n"

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        classes = " ".join(_attr(tag, "class") for tag in (el, el.find("code")) if tag)
        language = _LANGUAGE.search(classes)
        # The text itself: markup converted inside <pre> (a stray <li>...) would show as such.
        code = "".join(
            "\n" if isinstance(node, Tag) else str(node)
            for node in el.descendants
            if (isinstance(node, Tag) and node.name == "br")
            or (isinstance(node, NavigableString) and not isinstance(node, _NOT_TEXT))
        )
        return _fenced(code, language[1] if language else "")

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip(" \t\n" + _BR)  # a <br> at either end of an item shows nothing
        if "_inline" in parent_tags:  # in a heading or table cell
            return f" {text} "
        if not text:
            return "\n"
        parent = el.parent
        if parent is not None and parent.name == "ol":
            # markdownify counts the previous siblings of every item: quadratic on long lists.
            numbers = self._ol_numbers.get(id(parent))
            if numbers is None:
                start = int(_attr(parent, "start") or 1)
                items = parent.find_all("li", recursive=False)
                numbers = {id(li): start + i for i, li in enumerate(items)}
                self._ol_numbers[id(parent)] = numbers
            bullet = f"{numbers.get(id(el), 1)}. "
        else:
            bullet = "- "
        indent = " " * len(bullet)
        lines = text.split("\n")
        item = "\n".join(
            [bullet + lines[0], *(indent + line if line else "" for line in lines[1:])]
        )
        if parent is None or parent.name not in ("ul", "ol"):
            return f"\n\n{item}\n\n"  # a stray <li>: a list of its own, not glued to the text
        return item + "\n"

    def convert_ul(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "li" in parent_tags:  # markdownify would glue whatever follows to the last item
            return "\n" + text.rstrip() + "\n\n"
        return "\n\n" + text.rstrip() + "\n\n"

    convert_ol = convert_ul

    def convert_tui_flat(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        blocks = [_escape(block) for block in el.get_text().split("\n") if block]
        if "_inline" in parent_tags:
            return " ".join(blocks)
        if el.get("block"):
            return "\n\n" + "\n\n".join(blocks) + "\n\n"
        return f"{_BR}\n{_BR}\n".join(blocks)

    def _block(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_inline" in parent_tags:
            return " " + text.strip() + " "
        # Even empty, a block ends the paragraph before it (as it does in a browser).
        return f"\n\n{text.strip()}\n\n"

    # Block containers markdownify has no rule for would otherwise run into their neighbours.
    convert_p = convert_div = convert_article = convert_section = _block
    convert_address = convert_aside = convert_center = convert_details = convert_figure = _block
    convert_footer = convert_header = convert_hgroup = convert_main = convert_nav = _block
    convert_summary = _block


# --- tidying ------------------------------------------------------------------------------------


def _tidy(markdown: str) -> str:
    """Resolve ``<br>`` marks, defuse footer-like lines, trim and sanitize the Markdown."""
    lines = [line.rstrip() for line in markdown.split("\n")]
    out: list[str] = []
    fence = ""
    hard = False  # whether the last line kept ends in a hard line break
    for i, line in enumerate(lines):
        if (mark := _FENCE.fullmatch(line)) or fence:
            if not fence:
                fence = mark[1] if mark else ""
            elif mark and len(mark[1]) >= len(fence) and not mark[2].strip():
                fence = ""
            out.append(line)  # code is left as it is
            hard = False
            continue
        if line.endswith(_BR):
            line = line.replace(_BR, "").rstrip()
            j = i + 1
            while j < len(lines) and lines[j].endswith(_BR) and not _text_of(lines[j]):
                j += 1
            # A hard break only shows between two lines of text of the same paragraph.
            breaks = (
                j < len(lines)
                and not _BLOCK_START.match(lines[j])
                and _quotes(lines[j]) == _quotes(line)
            )
            if not _text_of(line) and not (breaks and hard):
                continue
            line += "\\" if breaks else ""
            hard = breaks
        else:
            hard = False
        indent = len(line) - len(line.lstrip(" "))
        line = line[:indent] + re.sub(" {2,}", " ", line[indent:])  # left by dropped elements
        if _ORIGINAL.fullmatch(line.replace(_BR, "").strip()):
            line = _defuse_footer(line)
        out.append(line)
    return sanitize(re.sub(r"\n{3,}", "\n\n", "\n".join(out))).strip()


def _quotes(line: str) -> int:
    """Return how many block quotes ``line`` is in."""
    return line[: len(line) - len(line.lstrip(" >"))].count(">")


def _text_of(line: str) -> str:
    return line.replace(_BR, "").strip(" >")


def _defuse_footer(line: str) -> str:
    """Change a line the story loader would take for its footer so that it reads the same."""
    if ":" in line:
        return _ORIGINAL_COLON.sub(r"\1\\:", line, count=1)
    # No punctuation to escape: an entity for the space renders identically.
    return _ORIGINAL_GAP.sub(r"\1&#32;", line, count=1)
