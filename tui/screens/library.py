"""The library: every article, filtered as you type; Enter opens one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, ProgressBar

from store.articles import list_articles
from tui.keymap import bindings_for


class LibraryScreen(Screen):
    BINDINGS = bindings_for("library")

    def compose(self) -> ComposeResult:
        with Vertical(id="progress-row"):
            yield Label("", id="progress-label")
            yield ProgressBar(id="progress", show_eta=False)
        yield Input(placeholder="Type to filter by title or file…", id="filter")
        table: DataTable = DataTable(id="articles", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Title", key="title")
        table.add_column("Words", key="words")
        table.add_column("Entities", key="entities")
        table.add_column("Annotations", key="annotations")
        self.reload()
        self.query_one(Input).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        self.reload()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        selected = self.selected_article_id()
        table.clear()
        rows = list_articles(self.app.db, self.query_one(Input).value)
        # Titles give way to the counts in a narrow terminal, never the reverse.
        title_width = max(20, (self.size.width or 120) - 36)
        for row in rows:
            entities = str(row.entity_count) if row.analyzed else "…"
            title = row.title if len(row.title) <= title_width else row.title[: title_width - 1] + "…"
            table.add_row(title, row.word_count, entities, row.annotation_count, key=row.id)
        if selected is not None and selected in {r.id for r in rows}:
            table.move_cursor(row=table.get_row_index(selected))
        self.sub_title = f"{len(rows)} articles"

    def selected_article_id(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.action_open_article()

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open_article()

    def action_open_article(self) -> None:
        from tui.screens.reader import ReaderScreen

        if (article_id := self.selected_article_id()) is not None:
            self.app.push_screen(ReaderScreen(article_id))

    def action_focus_filter(self) -> None:
        self.query_one(Input).focus()

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def show_progress(self, label: str, done: int, total: int) -> None:
        row = self.query_one("#progress-row")
        row.set_class(done < total, "busy")
        self.query_one("#progress-label", Label).update(label)
        self.query_one(ProgressBar).update(total=total, progress=done)
