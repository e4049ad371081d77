"""The library's list: a line-API widget that renders only the rows on screen.

Rows come from a `RowSource` (tui.library_rows) a page at a time, so 100,000 articles
cost what a hundred do. Titles and outlets come from files: they are drawn through
`visible_text`, as plain segments, never interpreted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from newsmark.store.articles import ArticleRow
from newsmark.tui.library_rows import RowSource
from newsmark.tui.visible import visible_text
from newsmark.tui.widgets.row_list import RowList


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    cell: int  # its index in ArticleList.cells
    # In a narrow terminal, left out (the greatest first) while the title has fewer than
    # TITLE_ROOM cells; 0: always shown.
    give_way: int = 0
    left: bool = False  # aligned left (words), else right (numbers)
    widest: int = 0  # a wide terminal gives it up to this many cells (0: always `width`)


# After the title, in this order. Where and when an article was published, its status and
# what is left to decide are what a reader chooses by, even at 80 columns; the counts of
# words, entities and annotations give way first (the header counts annotations).
COLUMNS = (
    Column("Outlet", 10, 7, give_way=1, left=True, widest=28),
    Column("Date", 10, 6, left=True),
    Column("Status", 11, 4, left=True),
    Column("Open sugg.", 10, 5),
    Column("Annotations", 11, 3, give_way=2),
    Column("Entities", 8, 2, give_way=3),
    Column("Words", 6, 1, give_way=4),
)
TITLE_ROOM = 28
TITLE_AMPLE = 80  # past this many cells, a title gives the rest to the columns that grow
MIN_TITLE_WIDTH = 12


@lru_cache(maxsize=8)
def columns_for(width: int) -> tuple[tuple[Column, ...], int]:
    """The columns shown in a list `width` cells wide, and the title's width. In a narrow
    terminal the columns that give way are left out, the greatest `give_way` first, until
    the title has TITLE_ROOM cells; the others stay, however short the title."""
    columns = list(COLUMNS)

    def title_width() -> int:
        return width - sum(c.width + 1 for c in columns) - 2

    for column in sorted((c for c in COLUMNS if c.give_way), key=lambda c: -c.give_way):
        if title_width() >= TITLE_ROOM:
            break
        columns.remove(column)
    for i, column in enumerate(columns):
        if column.widest and (spare := title_width() - TITLE_AMPLE) > 0:
            columns[i] = replace(column, width=min(column.widest, column.width + spare))
    return tuple(columns), max(MIN_TITLE_WIDTH, title_width())


def published_day(date: str | None) -> str:
    """The day of an ISO 8601 date or date and time (YYYY-MM-DD); '' when unknown."""
    return date[:10] if date else ""


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: cut with an ellipsis when longer."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class ArticleList(RowList):
    """A virtual list of library rows with a header and a cursor."""

    class Selected(Message):
        """Enter or a click on the chosen row: open it."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: RowSource = _Empty()
        self.when_empty = ""  # said under the header when the source holds no row

    # -- content -------------------------------------------------------------

    def set_source(self, source: RowSource, *, keep: str | None = None, when_empty: str = "") -> None:
        """Show `source`, the cursor on `keep` when it is there, else on the first row;
        `when_empty`: what the list says if it holds no row (why, and what shows more)."""
        self.source = source
        self.when_empty = when_empty
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

    def cells(self, index: int) -> tuple[str, str, str, str, str, str, str, str]:
        """The row at `index` as shown: title, words, entities ("…" until analysed),
        annotations, status, open suggestions ("…" until analysed), date (YYYY-MM-DD)
        and outlet ('' when unknown)."""
        row = self.row(index)
        entities = str(row.entity_count) if row.analyzed else "…"
        open_suggestions = str(row.open_suggestions) if row.analyzed else "…"
        return (
            visible_text(row.title),
            str(row.word_count),
            entities,
            str(row.annotation_count),
            row.status,
            open_suggestions,
            visible_text(published_day(row.date)),
            visible_text(row.outlet or ""),
        )

    @property
    def selected_article_id(self) -> str | None:
        if not self.row_count:
            return None
        return self.row(min(self.cursor, self.row_count - 1)).id

    # -- movement --------------------------------------------------------------

    def watch_cursor(self) -> None:
        self.scroll_to_cursor()

    def move(self, step: int) -> None:
        self.cursor += step

    def page(self, step: int) -> None:
        self.cursor += step * max(1, self.rows_shown - 1)

    def chosen(self) -> None:
        if article_id := self.selected_article_id:
            self.post_message(self.Selected(article_id))

    # -- rendering -------------------------------------------------------------

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.row_count + 1)

    def _line(self, cells: Sequence[str], width: int, style: Style) -> Strip:
        columns, title_width = columns_for(width)
        text = " " + fit(cells[0], title_width)
        for column in columns:
            value = cells[column.cell]  # words cut to their column (an outlet may be longer)
            text += " " + (fit(value, column.width) if column.left else value.rjust(column.width))
        return Strip([Segment(text, style)]).crop_extend(0, width, style)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            header = ["Title", *[""] * len(COLUMNS)]
            for column in COLUMNS:
                header[column.cell] = column.header
            return self._line(header, width, self.header_style())
        index = round(self.scroll_offset.y) + y - 1
        if index == 0 and not self.row_count and self.when_empty:
            said = Segment(" " + self.when_empty, base + Style(italic=True))
            return Strip([said]).crop_extend(0, width, base)
        try:
            cells = self.cells(index)
        except IndexError:  # past the end, or a row gone since the count (the next reload fixes it)
            return Strip.blank(width, base)
        return self._line(cells, width, self.row_style(index))


class _Empty:
    def __len__(self) -> int:
        return 0

    def row(self, index: int) -> ArticleRow:
        raise IndexError(index)

    def position(self, article_id: str) -> int | None:
        return None
