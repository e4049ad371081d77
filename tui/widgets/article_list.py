"""The library's list: a line-API widget that renders only the rows on screen.

Rows come from a `RowSource` a page at a time, so 100,000 articles cost what a
hundred do: the whole library is paged from SQLite by keyset (each page seeks
from its neighbour's last key), a search holds its ranked ids (or, for more than
5,000 matches, the first 5,001 rowids, the rest by keyset) and pages their rows.
Titles come from files: they are drawn through `visible_glyph`, never interpreted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsmark.store.db import Queryable

from collections import OrderedDict
from typing import Generic, Protocol, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsmark.store.articles import (
    ArticleRow,
    count_articles,
    list_key,
    list_page_after,
    list_page_at,
    list_page_before,
    list_position,
    list_rows_by_id,
)
from newsmark.store.search import Matches
from newsmark.tui.visible import visible_glyph

PAGE_SIZE = 100
CACHED_PAGES = 40  # at most 4,000 rows in memory, however long the list
# (header, width) of the number columns, right-aligned after the title.
NUMBER_COLUMNS = (("Words", 7), ("Entities", 9), ("Annotations", 12))
MIN_TITLE_WIDTH = 12


class RowSource(Protocol):
    """What the list shows: a count, and rows by position."""

    def __len__(self) -> int: ...

    def row(self, index: int) -> ArticleRow: ...

    def position(self, article_id: str) -> int | None: ...


Item = TypeVar("Item")


class _PageCache(Generic[Item]):
    """The last pages read, least recently used dropped first."""

    def __init__(self) -> None:
        self.pages: OrderedDict[int, list[Item]] = OrderedDict()

    def get(self, page: int) -> list[Item] | None:
        rows = self.pages.get(page)
        if rows is not None:
            self.pages.move_to_end(page)
        return rows

    def put(self, page: int, rows: list[Item]) -> list[Item]:
        self.pages[page] = rows
        while len(self.pages) > CACHED_PAGES:
            self.pages.popitem(last=False)
        return rows


class LibraryRows:
    """Every article in (source, id) order, paged by keyset from SQLite."""

    def __init__(self, db: Queryable) -> None:
        self.db = db
        self._count = count_articles(db)
        self._cache = _PageCache[ArticleRow]()

    def __len__(self) -> int:
        return self._count

    def _page(self, page: int) -> list[ArticleRow]:
        if (rows := self._cache.get(page)) is not None:
            return rows
        before, after = self._cache.pages.get(page - 1), self._cache.pages.get(page + 1)
        if before:  # scrolling down: seek past the previous page's last row
            rows = list_page_after(self.db, list_key(before[-1]), PAGE_SIZE)
        elif after:  # scrolling up
            rows = list_page_before(self.db, list_key(after[0]), PAGE_SIZE)
        else:  # a jump (the end, a scrollbar drag): no neighbour to seek from
            rows = list_page_at(self.db, page * PAGE_SIZE, PAGE_SIZE)
        return self._cache.put(page, rows)

    def row(self, index: int) -> ArticleRow:
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self._page(index // PAGE_SIZE)[index % PAGE_SIZE]

    def position(self, article_id: str) -> int | None:
        return list_position(self.db, article_id)


class SearchRows:
    """The articles matching a search (see store.search.Matches for the order), paged."""

    def __init__(self, db: Queryable, text: str) -> None:
        self.db = db
        self.text = text
        # A long list's exact length is counted later (see LibraryScreen.count_matches).
        self.matches = Matches(db, text, prefix=True, count_later=True)
        self._keys = _PageCache[tuple[int, str]]()  # page -> (key, id) of its matches
        self._cache = _PageCache[ArticleRow]()

    def __len__(self) -> int:
        return len(self.matches)

    def row(self, index: int) -> ArticleRow:
        if not 0 <= index < len(self.matches):
            raise IndexError(index)
        page = index // PAGE_SIZE
        rows = self._cache.get(page)
        if rows is None:
            before = self._keys.pages.get(page - 1)
            if before:  # scrolling down: seek past the previous page's last match
                keys = self.matches.ids_after(before[-1][0], PAGE_SIZE)
            else:
                keys = self.matches.ids(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)
            self._keys.put(page, keys)
            rows = self._cache.put(page, list_rows_by_id(self.db, [i for _, i in keys]))
        return rows[index % PAGE_SIZE]

    def position(self, article_id: str) -> int | None:
        return self.matches.position(article_id)


def display_title(title: str) -> str:
    return "".join(visible_glyph(ch) for ch in title)


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: cut with an ellipsis when longer."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class ArticleList(ScrollView, can_focus=True):
    """A virtual list of library rows with a header and a cursor."""

    COMPONENT_CLASSES = {"article-list--header", "article-list--cursor", "article-list--odd"}
    DEFAULT_CSS = """
    ArticleList {
        scrollbar-gutter: stable;
        overflow-x: hidden;
    }
    ArticleList > .article-list--header {
        text-style: bold;
        color: $text-accent;
        background: $panel;
    }
    ArticleList > .article-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    ArticleList > .article-list--odd {
        background: $surface-lighten-1;
    }
    """

    cursor: reactive[int] = reactive(0, layout=False, repaint=True)

    class Selected(Message):
        """Enter or a click on the chosen row: open it."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: RowSource = _Empty()

    # -- content -------------------------------------------------------------

    def set_source(self, source: RowSource, *, keep: str | None = None) -> None:
        """Show `source`, the cursor on `keep` when it is there, else on the first row."""
        self.source = source
        position = source.position(keep) if keep is not None else None
        self.virtual_size = Size(self.size.width, len(source) + 1)  # + the header line
        self.set_reactive(ArticleList.cursor, self.validate_cursor(position or 0))
        self.scroll_to_cursor(center=position is not None)
        self.refresh()

    def source_resized(self) -> None:
        """The source's length changed (a search's exact count came): the same rows, more of them."""
        self.virtual_size = Size(self.size.width, len(self.source) + 1)
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self.source)

    def row(self, index: int) -> ArticleRow:
        return self.source.row(index)

    def cells(self, index: int) -> tuple[str, str, str, str]:
        """The row at `index` as shown: title, words, entities ("…" until analysed), annotations."""
        row = self.row(index)
        entities = str(row.entity_count) if row.analyzed else "…"
        return display_title(row.title), str(row.word_count), entities, str(row.annotation_count)

    @property
    def selected_article_id(self) -> str | None:
        if not self.row_count:
            return None
        return self.row(min(self.cursor, self.row_count - 1)).id

    # -- movement --------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.row_count - 1))

    def watch_cursor(self) -> None:
        self.scroll_to_cursor()

    def move(self, step: int) -> None:
        self.cursor += step

    def page(self, step: int) -> None:
        self.cursor += step * max(1, self.scrollable_content_region.height - 2)

    def scroll_to_cursor(self, *, center: bool = False) -> None:
        rows_shown = max(1, self.scrollable_content_region.height - 1)  # less the header
        top = round(self.scroll_offset.y)
        if center:
            self.scroll_to(y=max(0, self.cursor - rows_shown // 2), animate=False)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + rows_shown:
            self.scroll_to(y=self.cursor - rows_shown + 1, animate=False)

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            return
        index = round(self.scroll_offset.y) + event.y - 1
        if 0 <= index < self.row_count:
            if index == self.cursor and (article_id := self.selected_article_id):
                self.post_message(self.Selected(article_id))
            self.cursor = index

    # -- rendering -------------------------------------------------------------

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.row_count + 1)

    def _line(self, cells: tuple[str, ...], width: int, style: Style) -> Strip:
        # Titles give way to the counts in a narrow terminal, never the reverse.
        numbers = sum(w + 1 for _, w in NUMBER_COLUMNS)
        title_width = max(MIN_TITLE_WIDTH, width - numbers - 2)
        text = " " + fit(cells[0], title_width)
        for value, (_, w) in zip(cells[1:], NUMBER_COLUMNS, strict=True):
            text += " " + value.rjust(w)
        return Strip([Segment(text, style)]).crop_extend(0, width, style)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            header = ("Title", *(name for name, _ in NUMBER_COLUMNS))
            return self._line(header, width, base + self.get_component_rich_style("article-list--header"))
        index = round(self.scroll_offset.y) + y - 1
        try:
            cells = self.cells(index)
        except IndexError:  # past the end, or a row gone since the count (the next reload fixes it)
            return Strip.blank(width, base)
        if index == self.cursor:
            style = base + self.get_component_rich_style("article-list--cursor")
        elif index % 2:
            style = base + self.get_component_rich_style("article-list--odd")
        else:
            style = base
        return self._line(cells, width, style)


class _Empty:
    def __len__(self) -> int:
        return 0

    def row(self, index: int) -> ArticleRow:
        raise IndexError(index)

    def position(self, article_id: str) -> int | None:
        return None
