"""The reader's header: the article's title and where it came from, on one line."""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import urlsplit

from rich.text import Text
from textual.widget import Widget

from newsmark.store.articles import Article
from newsmark.store.wording import counted
from newsmark.tui.visible import visible_text


def short_source(source: str) -> str:
    """Where an article came from, short: a web address's site, else the file's name
    (the bundled articles' full paths run through site-packages)."""
    if "://" in source:
        return urlsplit(source).netloc or source
    return PurePath(source).name or source


class ArticleHeader(Widget):
    """Title, source, length and status on one line; a long title is cut with an
    ellipsis, never the rest, so the header never wraps."""

    DEFAULT_CSS = """
    ArticleHeader {
        height: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = ""
        self.about = ""

    def show(self, article: Article) -> None:
        # Titles and paths come from files: shown, never interpreted by the terminal.
        self.title_text = visible_text(article.title)
        shown_status = "" if article.status == "new" else f" · {article.status}"
        words = counted(article.word_count, "word")
        self.about = f"   {visible_text(short_source(article.source))} · {words}{shown_status}"
        self.refresh()

    def render(self) -> Text:
        width = self.size.width
        about = Text(self.about, style="dim")
        title = Text(self.title_text, style="bold")
        title.truncate(max(1, width - about.cell_len), overflow="ellipsis")
        line = title + about
        line.truncate(width, overflow="ellipsis")
        line.no_wrap = True
        return line
