"""Markup a blog engine reads, turned into the Markdown its author meant a reader to see.

Before a body is parsed as Markdown: HTML comments are hidden; Hugo (``{{< >}}``, ``{{% %}}``)
and Jekyll/Liquid (``{% %}``) shortcodes become what they would show — a figure as
``[image: caption]``, a note or warning as a quote headed by its kind, a highlight block as
fenced code, a link tag as its target — and the rest become nothing, or a quiet marker for an
embed (``[video]``). Fenced code and code spans are left exactly as written (a post about Hugo
shows its shortcodes there).

:class:`MarkupCleaner` works a line at a time and carries its state (inside a comment, a
callout, a code block) from one piece of a body to the next, so a body cleaned in pieces
reads as the whole. Pure module: no Textual, no IO.
"""

from __future__ import annotations

import re
import shlex

__all__ = ["MarkupCleaner", "clean_markup"]

# A shortcode: Hugo {{< name args >}} / {{% name args %}}, Liquid {% name args %}.
_SHORTCODE = re.compile(
    r"\{\{(?P<h>[<%])-?\s*(?P<hclose>/)?\s*(?P<hname>[\w.-]+)(?P<hargs>.*?)-?\s*[>%]\}\}"
    r"|\{%-?\s*(?P<lname>[\w.-]+)(?P<largs>.*?)-?%\}",
    re.S,
)
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT_OPEN, _COMMENT_CLOSE = "<!--", "-->"

CALLOUTS = frozenset(
    {
        "note",
        "warning",
        "tip",
        "info",
        "caution",
        "important",
        "danger",
        "hint",
        "notice",
        "admonition",
        "callout",
        "alert",
        "aside",
        "error",
        "success",
        "example",
        "quote",
    }
)
"""Shortcodes drawn as a quote headed by their kind (``notice warning`` -> ``Warning``)."""
_GENERIC_CALLOUTS = frozenset({"notice", "admonition", "callout", "alert", "hint", "aside"})
_FIGURES = frozenset({"figure", "img", "image", "picture", "photo"})
_EMBEDS = {
    "youtube": "video",
    "vimeo": "video",
    "video": "video",
    "bilibili": "video",
    "tweet": "tweet",
    "twitter": "tweet",
    "x": "tweet",
    "instagram": "Instagram post",
    "gist": "gist",
    "audio": "audio",
    "mastodon": "post",
    "codepen": "CodePen embed",
}
"""Embeds a terminal cannot show: a quiet marker says something was there."""
_TARGETS = frozenset({"ref", "relref", "link", "post_url", "static", "asset_path"})
"""Tags that stand for a link target: they become that target."""
_CODE = frozenset({"highlight", "code"})
_HIDDEN = frozenset({"comment"})
"""Liquid blocks whose content is not shown either."""
_LIQUID_END = re.compile(r"end(?P<name>[\w-]+)")


def _arguments(raw: str) -> tuple[list[str], dict[str, str]]:
    """Positional and named arguments of a shortcode (``a "b c" key="v"``)."""
    try:
        words = shlex.split(raw.replace("\n", " "))
    except ValueError:  # an unbalanced quote: split on spaces, it is only for a label
        words = raw.split()
    positional: list[str] = []
    named: dict[str, str] = {}
    for word in words:
        key, equals, value = word.partition("=")
        if equals and re.fullmatch(r"[\w-]+", key):
            named[key.lower()] = value.strip("\"'")
        elif word not in (":", "|"):
            positional.append(word.strip("\"'"))
    return positional, named


def _figure(positional: list[str], named: dict[str, str]) -> str:
    words = (
        named.get("caption") or named.get("alt") or named.get("title") or named.get("attr") or ""
    )
    if not words:
        src = named.get("src") or (positional[0] if positional else "")
        words = src.rstrip("/").rsplit("/", 1)[-1]
    return f"\\[image: {words}\\]" if words else "\\[image\\]"


def _callout_label(name: str, positional: list[str], named: dict[str, str]) -> str:
    kind, title = name, named.get("title", "")
    if name in _GENERIC_CALLOUTS:  # {{% notice warning "Heads up" %}}: kind, then title
        kind = named.get("type") or named.get("kind") or (positional[0] if positional else "note")
        title = title or (positional[1] if len(positional) > 1 and not named.get("type") else "")
    label = kind[:1].upper() + kind[1:]
    return f"{label}: {title}" if title else label


class MarkupCleaner:
    """Cleans a Markdown body a piece at a time (pieces end at line ends); see the module."""

    def __init__(self) -> None:
        self._fence = ""
        """The fence of the code block the text is in ("" outside one)."""
        self._comment = False
        self._hidden = ""
        """The Liquid block being hidden (``comment``), or ""."""
        self._raw = False
        """Inside Liquid ``{% raw %}``: tags are shown as written."""
        self._code = ""
        """The shortcode whose content is fenced code (``highlight``), or ""."""
        self._callouts: list[str] = []
        """Open callout shortcodes, innermost last: their lines are quoted."""

    def feed(self, text: str) -> str:
        """Clean the next piece of the body (it must end at a line end, or be the last).

        A piece with nothing to clean, read outside any open construct, is returned as it is
        (most bodies): no line of it is looked at.
        """
        idle = not (self._fence or self._comment or self._hidden or self._raw or self._code)
        quiet = "<!--" not in text and "{{" not in text and "{%" not in text
        if idle and quiet and not self._callouts:
            return text
        return "".join(self._line(line) for line in text.splitlines(keepends=True))

    def _line(self, line: str) -> str:
        end = "\n" if line.endswith("\n") else ""
        body = line[: len(line) - len(end)]
        quote = "> " * len(self._callouts)
        if self._fence or self._code:
            return self._in_code(body, end, quote)
        fence = _FENCE.match(body)
        if fence and not self._comment and not self._hidden:
            self._fence = fence[1]
            return quote + body + end
        if not body.strip() and not self._comment and not self._hidden:
            return quote.rstrip() + end
        cleaned = self._clean(body)
        if cleaned is None:
            return ""  # a line wholly inside a comment (or a hidden block) is not there
        if "\x00" in cleaned:  # the line opened or closed a callout, or opened code
            return cleaned[cleaned.index("\x00") + 1 :] + end
        # A line that held only tags is blank now, as an HTML block would leave it.
        return (quote + cleaned if cleaned.strip() else quote.rstrip()) + end

    def _in_code(self, body: str, end: str, quote: str) -> str:
        if self._code:
            found = _SHORTCODE.search(body)
            if found and self._closes(found, self._code):
                self._code = ""
                return quote + "```" + end
            return quote + body + end
        marker = _FENCE.match(body)
        closes = marker is not None and marker[1][0] == self._fence[0]
        if marker and closes and len(marker[1]) >= len(self._fence):
            self._fence = "" if not body[marker.end() :].strip() else self._fence
        return quote + body + end

    def _closes(self, found: re.Match[str], name: str) -> bool:
        if found["hname"]:
            return bool(found["hclose"]) and found["hname"].lower() == name
        closing = _LIQUID_END.fullmatch(found["lname"] or "")
        return closing is not None and closing["name"].lower() == name

    def _clean(self, body: str) -> str | None:
        """The line without comments and shortcodes; None if it is all inside a comment."""
        out: list[str] = []
        rest = body
        shown_any = False
        while rest:
            if self._comment:
                close = rest.find(_COMMENT_CLOSE)
                if close < 0:
                    break
                self._comment = False
                rest = rest[close + len(_COMMENT_CLOSE) :]
                continue
            if self._hidden:
                found = _SHORTCODE.search(rest)
                while found and not self._closes(found, self._hidden):
                    found = _SHORTCODE.search(rest, found.end())
                if found is None:
                    break
                self._hidden = ""
                rest = rest[found.end() :]
                continue
            shown_any = True
            piece, rest = self._outside_code(rest)
            out.append(piece)
        if not shown_any:
            return None
        return "".join(out)

    def _outside_code(self, text: str) -> tuple[str, str]:
        """Clean ``text`` up to the first comment or hidden block that runs past this line.

        Returns the cleaned part and what is left for the caller (after such an opening).
        """
        out: list[str] = []
        position = 0
        for span in _CODE_SPAN.finditer(text):
            cleaned, stop = self._tags(text[position : span.start()])
            out.append(cleaned)
            if stop is not None:
                return "".join(out), text[position + stop :]
            out.append(span[0])
            position = span.end()
        cleaned, stop = self._tags(text[position:])
        out.append(cleaned)
        return "".join(out), "" if stop is None else text[position + stop :]

    def _tags(self, text: str) -> tuple[str, int | None]:
        """Comments and shortcodes in ``text`` (no code span in it) replaced.

        Returns the result, and where in ``text`` to go on when a comment or a hidden block
        opened and did not close in it (None when all of ``text`` was done).
        """
        out: list[str] = []
        position = 0
        while position < len(text):
            comment = -1 if self._raw else text.find(_COMMENT_OPEN, position)
            found = _SHORTCODE.search(text, position)
            if comment >= 0 and (found is None or comment < found.start()):
                out.append(text[position:comment])
                self._comment = True
                return "".join(out), comment + len(_COMMENT_OPEN)
            if found is None:
                break
            out.append(text[position : found.start()])
            replaced = self._shortcode(found, text[: found.start()], text[found.end() :])
            if replaced is None:  # a hidden block opened
                return "".join(out), found.end()
            out.append(replaced)
            position = found.end()
        out.append(text[position:])
        return "".join(out), None

    def _shortcode(self, found: re.Match[str], before: str, after: str) -> str | None:
        """What one shortcode shows ("" for nothing); None when it opens a hidden block."""
        liquid = found["lname"] is not None
        name = (found["lname"] if liquid else found["hname"]).lower()
        if self._raw:
            if liquid and name == "endraw":
                self._raw = False
                return ""
            return found[0]
        args = found["largs"] if liquid else found["hargs"]
        positional, named = _arguments(args or "")
        closing = bool(found["hclose"]) or (liquid and name.startswith("end"))
        base = _LIQUID_END.sub(r"\g<name>", name) if liquid and closing else name
        alone = not before.strip() and not after.strip()
        if liquid and name == "raw":
            self._raw = True
            return ""
        if name in _HIDDEN and not closing:
            self._hidden = name
            return None
        if base in _CODE and alone:
            if closing:
                return ""
            self._code = base
            language = positional[0] if positional else ""
            return "\x00" + "> " * len(self._callouts) + "```" + language
        if base in CALLOUTS and closing:
            if base in self._callouts:
                del self._callouts[self._callouts.index(base) :]
            return "\x00" if alone else ""
        if base in CALLOUTS and alone:
            label = _callout_label(base, positional, named)
            quote = "> " * len(self._callouts)
            self._callouts.append(base)
            return f"\x00{quote}> **{label}**\n{quote}>"
        if closing:
            return ""
        if base in CALLOUTS:  # it opens inside a line: the label leads the text
            return f"**{_callout_label(base, positional, named)}:** "
        if base in _FIGURES:
            return _figure(positional, named)
        if base in _EMBEDS:
            return f"\\[{_EMBEDS[base]}\\]"
        if base in _TARGETS:
            return positional[0] if positional else ""
        return ""


def clean_markup(markdown: str) -> str:
    """``markdown`` cleaned whole (see :class:`MarkupCleaner`)."""
    return MarkupCleaner().feed(markdown)
