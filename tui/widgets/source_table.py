"""The sources screen's tables: a line-API widget that reads its rows a page at a time.

The screen lists every source, then one source's attributions; either may run to tens of
thousands of rows at 100,000 articles. Only the first page is read when a list is shown;
the next is read when the cursor (or the scrolled view) comes near the end of those read,
so a list costs what its first hundred rows do, whatever its length. Names and quotes come
from files: they are drawn through `visible_text` as plain segments, never interpreted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from newsmark.tui.visible import visible_text
from newsmark.tui.widgets.row_list import RowList

Row = TypeVar("Row")

PAGE_SIZE = 100
WIDE = 110  # columns from which the `wide_only` columns are shown


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # in cells; for a flexible column, the least it gets
    flex: int = 0  # its share of the room the fixed columns leave (0: fixed)
    right: bool = False  # numbers, aligned right
    wide_only: bool = False  # left out in a narrow terminal, for the flexible columns' sake


# Reads a page: the rows after `last` (None: from the first), which are `offset` rows
# into the list, at most `limit` of them. Keyset or offset paging, as the store pages.
PageReader = Callable[[Row | None, int, int], list[Row]]


def fit(text: str, width: int, *, right: bool = False) -> str:
    """`text` on one line in exactly `width` cells: cut with an ellipsis when longer."""
    text = visible_text(" ".join(text.split()))
    if cell_len(text) > width:
        return set_cell_size(text, max(0, width - 1)) + "…" if width else ""
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


def widths(columns: Sequence[Column], room: int) -> list[int]:
    """Each column's width in `room` cells (a space between columns): the fixed ones as
    declared, the flexible ones sharing what is left by their `flex`."""
    fixed = sum(c.width for c in columns if not c.flex) + len(columns)
    shares = sum(c.flex for c in columns)
    left = max(0, room - fixed)
    return [c.width if not c.flex else max(c.width, left * c.flex // shares) for c in columns]


class PagedTable(RowList, Generic[Row]):
    """A table with a header and a cursor over rows read a page at a time (`show`)."""

    class Selected(Message):
        """Enter (as the screen binds it) or a click on the cursor's row."""

    class Highlighted(Message):
        """The cursor is on another row, or the rows were read again."""

    def __init__(
        self, columns: Sequence[Column], cells: Callable[[Row], Sequence[str]], *, id: str | None = None
    ) -> None:
        """`cells`: a row's cells as shown, one per column."""
        super().__init__(id=id)
        self.columns = columns
        self.cells = cells
        self.rows: list[Row] = []
        self.complete = True  # every row has been read
        self._read: PageReader[Row] | None = None

    # -- content -------------------------------------------------------------

    def show(
        self, read: PageReader[Row], *, keep: Callable[[Row], bool] | None = None, least: int = 0
    ) -> None:
        """Show the rows `read` gives, reading the first page now (at least `least` rows,
        so a list read again keeps as many as were read before); the cursor on the first
        row `keep` holds to among them, else on the first row."""
        self._read = read
        limit = max(PAGE_SIZE, least)
        self.rows = read(None, 0, limit)
        self.complete = len(self.rows) < limit
        position = next((i for i, row in enumerate(self.rows) if keep(row)), None) if keep else None
        self._resized()
        self.set_reactive(PagedTable.cursor, self.validate_cursor(position or 0))
        self.scroll_to_cursor(center=position is not None)
        self.refresh()
        self.post_message(self.Highlighted())

    def read_until(self, index: int) -> None:
        """Read pages until row `index` is read (or there are no more rows)."""
        while not self.complete and len(self.rows) <= index and self._read is not None:
            page = self._read(self.rows[-1] if self.rows else None, len(self.rows), PAGE_SIZE)
            self.rows.extend(page)
            self.complete = len(page) < PAGE_SIZE
            self._resized()

    def _resized(self) -> None:
        # A line under the last row read stands for those still to read: scrolling to it reads them.
        self.virtual_size = Size(self.size.width, len(self.rows) + 1 + (not self.complete))

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def selected(self) -> Row | None:
        return self.rows[self.cursor] if self.rows else None

    # -- movement --------------------------------------------------------------

    def watch_cursor(self) -> None:
        self.scroll_to_cursor()
        self.post_message(self.Highlighted())

    def move(self, step: int) -> None:
        # Read ahead by a screen, so the next page is read before it is scrolled to.
        self.read_until(self.cursor + step + self.rows_shown)
        self.cursor += step

    def page(self, step: int) -> None:
        self.move(step * max(1, self.rows_shown - 1))

    def edge(self, step: int) -> None:
        """To the first row (step < 0) or the last one (every page read)."""
        if step > 0:
            self.read_until(2**62)
        self.cursor = 0 if step < 0 else self.row_count - 1

    def chosen(self) -> None:
        self.post_message(self.Selected())

    # -- rendering -------------------------------------------------------------

    def on_resize(self) -> None:
        self._resized()

    def _line(self, cells: Sequence[str], width: int, style: Style) -> Strip:
        shown = [
            (c, cell) for c, cell in zip(self.columns, cells, strict=True) if width >= WIDE or not c.wide_only
        ]
        sizes = widths([c for c, _ in shown], width - 1)
        text = "".join(
            " " + fit(cell, size, right=c.right) for (c, cell), size in zip(shown, sizes, strict=True)
        )
        return Strip([Segment(text, style)]).crop_extend(0, width, style)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            header = [c.header for c in self.columns]
            return self._line(header, width, self.header_style())
        index = round(self.scroll_offset.y) + y - 1
        self.read_until(index)
        if index >= self.row_count:
            return Strip.blank(width, base)
        return self._line(self.cells(self.rows[index]), width, self.row_style(index))
