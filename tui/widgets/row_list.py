"""Rows under a header line, drawn a line at a time, with a cursor: what the library's list
(tui.widgets.article_list) and the sources screen's tables (tui.widgets.source_table) share.

A subclass says how many rows there are (`row_count`), draws a line (`render_line`, with
`header_style` and `row_style`) and what choosing the cursor's row does (`chosen`).
"""

from __future__ import annotations

from rich.style import Style
from textual import events
from textual.reactive import reactive
from textual.scroll_view import ScrollView


class RowList(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"row-list--header", "row-list--cursor", "row-list--odd"}
    DEFAULT_CSS = """
    RowList {
        scrollbar-gutter: stable;
        overflow-x: hidden;
    }
    RowList > .row-list--header {
        text-style: bold;
        color: $text-accent;
        background: $panel;
    }
    RowList > .row-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    RowList > .row-list--odd {
        background: $surface-lighten-1;
    }
    """

    cursor: reactive[int] = reactive(0, layout=False, repaint=True)

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def chosen(self) -> None:
        """The cursor's row was chosen (a click on it; Enter, as the screen binds it)."""

    @property
    def rows_shown(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # less the header

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.row_count - 1))

    def scroll_to_cursor(self, *, center: bool = False) -> None:
        """Scroll only when the cursor is off screen (another window's changes read the
        rows again every second: a row in view stays put); `center`: then put it mid-screen."""
        top = round(self.scroll_offset.y)
        if top <= self.cursor < top + self.rows_shown:
            return
        if center:
            self.scroll_to(y=max(0, self.cursor - self.rows_shown // 2), animate=False)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        else:
            self.scroll_to(y=self.cursor - self.rows_shown + 1, animate=False)

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            return
        index = round(self.scroll_offset.y) + event.y - 1
        if 0 <= index < self.row_count:
            if index == self.cursor:
                self.chosen()
            self.cursor = index

    def header_style(self) -> Style:
        return self.rich_style + self.get_component_rich_style("row-list--header")

    def row_style(self, index: int) -> Style:
        """The cursor's row stands out; the others alternate, for the eye to follow a line."""
        if index == self.cursor:
            return self.rich_style + self.get_component_rich_style("row-list--cursor")
        if index % 2:
            return self.rich_style + self.get_component_rich_style("row-list--odd")
        return self.rich_style
