"""Finding in the open story: ``f`` (like ``/`` in ``less``), and the words of a search
highlighted in a story opened from its results. ``n``/``N`` then move between the matches.

Matching ignores case and accents (``cafe`` finds ``Café``) and works in any script, CJK
included. The story's text is folded once, in a thread worker (a 55,000-word story takes a
moment), and kept while the story is open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.events import Key
from textual.screen import Screen

from tui_reader.ui.parts.apply import Apply
from tui_reader.ui.parts.search import search_key
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.search_bar import SearchLine

if TYPE_CHECKING:
    from tui_reader.core.document import Document
    from tui_reader.core.textfold import FoldedText

__all__ = ["FindPart"]


class FindPart:
    """The find line and the matches shown in the article."""

    def __init__(self, host: Screen[Any], changed: Callable[[], None]) -> None:
        self.host = host
        self._changed = changed
        """Called when the matches changed (the find line redraws)."""
        self.text = ""
        self.typing = False
        self.status = ""
        self.number = 0
        self._folded: tuple[Document, FoldedText] | None = None

    @property
    def active(self) -> bool:
        """True while the find line is shown."""
        return self.typing or bool(self.text)

    def open(self, article: Article) -> None:
        """Start typing what to find in the open story."""
        if article.document is None:
            self.host.notify("Open a story first (enter in the list)", timeout=3)
            return
        self.clear(article)  # a new find, as / in less
        self.typing = True

    def key(self, event: Key, article: Article) -> bool:
        """Apply a key typed while finding; True when it was taken."""
        typed = search_key(event, self.text) if self.typing else None
        if typed is None:
            return False
        changed = typed.query != self.text
        self.typing, self.text = typed.typing, typed.query
        if event.key == "escape":
            self.clear(article)
        elif event.key == "enter":
            article.focus()
        elif changed:
            self._find(article, [(self.text, False)], whole_words=False, from_top=False)
        return True

    def highlight(self, article: Article, words: list[tuple[str, bool]]) -> None:
        """Show a search's words in the story just opened, and go to the first one."""
        self.text = " ".join(word for word, _ in words)
        self.typing, self.status = False, ""
        if words:
            self._find(article, words, whole_words=True, from_top=True)

    def _find(self, article: Article, words: list[tuple[str, bool]], *, whole_words: bool,
              from_top: bool) -> None:  # fmt: skip
        document = article.document
        self.number += 1
        number = self.number
        if document is None or not any(word.strip() for word, _ in words):
            article.set_matches([])
            self.status = ""
            return
        cached = self._folded

        def work() -> None:
            from tui_reader.core.textfold import FoldedText  # in the worker: not at start-up

            folded = cached[1] if cached and cached[0] is document else FoldedText.of(document.text)
            self._folded = (document, folded)
            spans = folded.find_all(words) if whole_words else folded.find(words[0][0])
            self.host.post_message(Apply(lambda: self._matches(number, document, spans, from_top)))

        self.host.run_worker(work, thread=True, group="find", exclusive=True, exit_on_error=False)

    def _matches(self, number: int, document: Document, spans: list[tuple[int, int]],
                 from_top: bool) -> None:  # fmt: skip
        # Show what a worker found, unless the story or the query changed since; from_top:
        # go to the story's first match (a search result), else the first from the cursor on.
        article = self.host.query_one(Article)
        if number != self.number or article.document is not document:
            return
        article.set_matches(spans)
        if not spans:
            self.status = "not found"
        else:
            if from_top:
                article.cursor = 0
            article.jump_match(True, here=True)
        self._changed()

    def reached(self, message: Article.MatchReached) -> None:
        """``n``/``N`` moved to a match (or ``esc`` cleared them)."""
        if message.total == 0:
            self.text, self.typing, self.status = "", False, ""
        else:
            self.status = f"{message.index}/{message.total}"

    def clear(self, article: Article) -> None:
        """Stop finding: the matches go."""
        self.text, self.typing, self.status = "", False, ""
        self.number += 1
        if article.matches:  # else nothing to redraw: ``/`` must not repaint the article
            article.set_matches([])

    def show(self, line: SearchLine) -> None:
        """Draw the find line."""
        line.visible = self.active
        if self.active:
            line.show(self.text, self.typing, self.status, self.status == "not found",
                      prompt="find in story: ")  # fmt: skip
