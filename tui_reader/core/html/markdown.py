"""Turn an untrusted feed entry's body (HTML or plain text) into clean Markdown for a story file.

:func:`html_to_markdown` parses the HTML, has :mod:`~tui_reader.core.html.clean` clean the
tree (drop active and hidden content, resolve and vet URLs, cap nesting depth), converts it
with markdownify, then has :mod:`~tui_reader.core.html.escape` tidy the text so the story
loader reads it as body: no ``# `` title heading, no ``Original url:`` footer marker, no
control characters. Text that looks like Markdown is escaped so it shows literally.

Pure module: no Textual, no IO.
"""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from typing import Any, cast

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, Tag
from bs4.exceptions import ParserRejectedMarkup
from markdownify import MarkdownConverter

from tui_reader.core.html.clean import BLOCKS, NOT_TEXT, attr_text, clean_tree, text_blocks
from tui_reader.core.html.escape import BR, escape, escape_inline, tidy
from tui_reader.core.textsafe import sanitize

__all__ = ["html_to_markdown", "text_to_markdown"]

_LANGUAGE = re.compile(r"(?:language|lang)-([\w+#.-]{1,30})")
_NUMBER_END = re.compile(r"[.)](?=\s|$)")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_PADDED = re.compile(r"([\s\x00]*)(.*?)([\s\x00]*)", re.S)
_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def html_to_markdown(html: str, base_url: str | None = None, *, image_marker: bool = False) -> str:
    """Convert an untrusted HTML fragment into clean, safe Markdown; never raises.

    Active, embedded and hidden content (scripts, styles, iframes, forms, media, tracking
    pixels, ``hidden`` or ``display:none`` elements) is dropped with its text. Links and images
    are resolved against ``base_url``; links other than http(s)/mailto keep only their text,
    images other than http(s) are dropped. Level-1 headings become level 2, so the body never
    starts with what the story loader takes for the title.

    Args:
        html: The entry's HTML body.
        base_url: The URL relative links and images resolve against, if known.
        image_marker: Write images as the text ``[image: alt]`` instead of Markdown images
            (saved articles: the reader shows where a picture was and what it showed).

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
        clean_tree(soup, base_url)
        return tidy(_Converter(image_marker).convert_soup(soup))
    except Exception:
        # Untrusted markup meets third-party code: whatever goes wrong, keep the text.
        return text_to_markdown("\n\n".join(text_blocks(soup)))


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
    lines = [escape(line.strip()) for line in sanitize(text).split("\n")]
    return tidy("\n".join(lines))


# --- conversion ---------------------------------------------------------------------------------


def _is_punct(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def _outside(el: PageElement, before: bool) -> str:
    """Return the character of text just before or after ``el`` in its paragraph, or ""."""
    node: PageElement = el
    while True:
        sibling = node.previous_sibling if before else node.next_sibling
        if sibling is None:
            if node.parent is None or node.parent.name in BLOCKS:
                return ""
            node = node.parent
            continue
        if isinstance(sibling, Tag) and sibling.name in (*BLOCKS, "br"):
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
    return "\n" in markdown.replace(BR + "\n", "")


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
        return (BR + "\n") * padding.count(BR) or (" " if padding else "")

    return pad(head), pad(tail), body


class _Converter(MarkdownConverter):
    """markdownify with the escaping, links, headings and code fences a story file needs.

    The methods below override markdownify hooks its type stub leaves out.
    """

    def __init__(self, image_marker: bool = False) -> None:
        super().__init__(
            heading_style="atx",
            bullets="-",
            table_infer_header=True,
            wrap=True,  # with no width: collapses all whitespace in text to single spaces
            wrap_width=None,
        )
        self._ol_numbers: dict[int, dict[int, int]] = {}
        self._image_marker = image_marker

    def escape(self, text: str, parent_tags: set[str]) -> str:
        # Inline whitespace is collapsed, so a text node can only start a line, never span one.
        return escape(text)

    def process_text(self, el: NavigableString, parent_tags: set[str] | None = None) -> str:
        text: str = cast(Any, super()).process_text(el, parent_tags)
        prev = el.previous_sibling
        if isinstance(prev, Tag) and prev.name == "br":
            text = text.lstrip(" ")
        code = "_noformat" in (parent_tags or set())  # a backslash in a code span shows
        if not code and _NUMBER_END.match(text) and _outside(el, before=True).isdigit():
            text = "\\" + text  # "<b>1</b>. x" must not start a numbered list
        return text

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        href = attr_text(el, "href")
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
        alt = escape_inline(_SPACES.sub(" ", attr_text(el, "alt")).strip())
        if self._image_marker:
            return f"\\[image: {alt}\\]" if alt else "\\[image\\]"
        if "_inline" in parent_tags:
            return alt
        return f"![{alt}]({attr_text(el, 'src')})"

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "pre" in parent_tags:
            return "\n"
        return " " if "_inline" in parent_tags or "_noformat" in parent_tags else BR + "\n"

    def convert_code(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        if _has_blocks(text):  # <code> around paragraphs: a code block, really
            return _fenced("\n".join(text_blocks(el)), "")
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
        classes = " ".join(attr_text(tag, "class") for tag in (el, el.find("code")) if tag)
        language = _LANGUAGE.search(classes)
        # The text itself: markup converted inside <pre> (a stray <li>...) would show as such.
        code = "".join(
            "\n" if isinstance(node, Tag) else str(node)
            for node in el.descendants
            if (isinstance(node, Tag) and node.name == "br")
            or (isinstance(node, NavigableString) and not isinstance(node, NOT_TEXT))
        )
        return _fenced(code, language[1] if language else "")

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip(" \t\n" + BR)  # a <br> at either end of an item shows nothing
        if "_inline" in parent_tags:  # in a heading or table cell
            return f" {text} "
        if not text:
            return "\n"
        parent = el.parent
        if parent is not None and parent.name == "ol":
            # markdownify counts the previous siblings of every item: quadratic on long lists.
            numbers = self._ol_numbers.get(id(parent))
            if numbers is None:
                start = int(attr_text(parent, "start") or 1)
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

    # markdownify finds this by the tag's name: html_clean.FLAT ("tui-flat").
    def convert_tui_flat(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        blocks = [escape(block) for block in el.get_text().split("\n") if block]
        if "_inline" in parent_tags:
            return " ".join(blocks)
        if el.get("block"):
            return "\n\n" + "\n\n".join(blocks) + "\n\n"
        return f"{BR}\n{BR}\n".join(blocks)

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
