"""The sources screen: who said what across the corpus.

Every source (one per person, organisation or unnamed source, whatever the spelling),
searched as you type, sorted by how much it said or by name; Enter lists one source's
attributions across the corpus, and Enter on one of those opens the reader at it. The
user's corrections are made here: merge two sources, split a spelling off, rename; each
is one step of the sources' own undo (store.source_corrections).

Counts and lists come from the store (store.sources.listing), read a page at a time
(tui.widgets.source_table), so the screen opens and searches the same at 100,000 articles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from newsmark.store.events import SOURCES_LOG, redo, undo
from newsmark.store.source_corrections import merge_sources, rename_source, split_alias
from newsmark.store.sources.listing import (
    SOURCE_SORTS,
    Attribution,
    SourceRow,
    attributions_of,
    count_sources,
    get_source,
    list_sources,
)
from newsmark.store.wording import counted
from newsmark.tui.keymap import bindings_for, display_keys
from newsmark.tui.messages import AnalysisProgress, DatabaseChanged, OpenArticle
from newsmark.tui.screens.dialogs import TextPrompt
from newsmark.tui.screens.picker import Picker
from newsmark.tui.screens.speaker import SourcePicker, source_summary
from newsmark.tui.visible import literal, visible_text
from newsmark.tui.widgets.article_list import published_day
from newsmark.tui.widgets.key_hints import KeyHints
from newsmark.tui.widgets.source_table import Column, PagedTable

if TYPE_CHECKING:
    from sqlite_utils import Database

    from newsmark.store.events import Replayed

SORT_NAMES = {"count": "most attributions first", "name": "by name"}
COUNT_AFTER_TYPING_S = 0.3
KIND_NAMES = {"direct": "quote", "indirect": "paraphrase"}
ORIGIN_NAMES = {"suggestion": "suggested", "annotation": "tagged"}
CORRECTION_NAMES = {"source.merge": "merge", "source.split": "split", "source.rename": "rename"}

SOURCE_COLUMNS = (
    Column("Source", 16, flex=3),
    Column("Also spelled", 12, flex=2, wide_only=True),
    Column("Kind", 12),
    Column("Quotes", 6, right=True),
    Column("Paraphrases", 11, right=True),
    Column("Articles", 8, right=True),
)
ATTRIBUTION_COLUMNS = (
    Column("Article", 14, flex=2),
    Column("Outlet", 14, flex=1, wide_only=True),  # (a narrow terminal shows it under the list)
    Column("Date", 10),  # the article's, YYYY-MM-DD
    Column("Status", 11),
    Column("Kind", 10),
    Column("", 9, wide_only=True),  # suggested, or tagged by a user
    Column("Said", 16, flex=3),
)


def source_cells(source: SourceRow) -> tuple[str, ...]:
    also = [a for a in source.aliases if a != source.name]
    return (
        source.name,
        ", ".join(also),
        source.kind,
        f"{source.quotes:,}",
        f"{source.paraphrases:,}",
        f"{source.articles:,}",
    )


def attribution_cells(said: Attribution) -> tuple[str, ...]:
    return (
        said.title,
        said.outlet or "",
        published_day(said.date),
        said.article_status,
        KIND_NAMES[said.kind],
        ORIGIN_NAMES[said.origin],
        said.text,
    )


def source_detail(source: SourceRow) -> Text:
    """Who a source is: its name, kind and roles, and every spelling the articles use."""
    line = Text.assemble(literal(source.name, "bold"), f"  {source_summary(source)}")
    if source.roles:
        line.append_text(Text.assemble("\nRoles: ", literal(", ".join(source.roles))))
    line.append_text(Text.assemble("\nSpelled: ", literal(" · ".join(source.aliases))))
    return line


def attribution_detail(said: Attribution) -> Text:
    """The words around an attribution, the attributed part in bold; and where it is: the
    article's title, date and outlet."""
    lo, hi = said.start - said.context_start, said.end - said.context_start
    context = said.context
    shown = Text.assemble(
        literal(context[:lo]), literal(context[lo:hi], "bold underline"), literal(context[hi:])
    )
    speaker = f" · named here as {visible_text(said.speaker)}" if said.speaker else ""
    published = "".join(f" · {part}" for part in (published_day(said.date), said.outlet) if part)
    where = Text.assemble("\n", literal(said.title, "italic"), literal(published, "dim"), (speaker, "dim"))
    return shown + where


class SourcesScreen(Screen[None]):
    BINDINGS = bindings_for("sources")
    DEFAULT_CSS = """
    SourcesScreen #source-search { margin: 0 1; }
    SourcesScreen #source-title {
        display: none;
        height: auto;
        padding: 0 1;
        background: $panel;
    }
    SourcesScreen PagedTable { height: 1fr; }
    SourcesScreen #attributions { display: none; }
    SourcesScreen.opened #source-search, SourcesScreen.opened #sources { display: none; }
    SourcesScreen.opened #source-title, SourcesScreen.opened #attributions { display: block; }
    SourcesScreen #source-detail {
        height: auto;
        max-height: 6;
        padding: 0 1;
        border-top: solid $primary-darken-2;
    }
    """

    def __init__(self, db: Database, *, keymap: dict[str, str]) -> None:
        super().__init__()
        self.db = db
        self.keymap = keymap
        self.sort = SOURCE_SORTS[0]
        self.opened: SourceRow | None = None  # the source whose attributions are listed
        self._counting: Timer | None = None  # the count of a long list, due once typing stops
        self.sources = PagedTable[SourceRow](SOURCE_COLUMNS, source_cells, id="sources")
        self.attributions = PagedTable[Attribution](ATTRIBUTION_COLUMNS, attribution_cells, id="attributions")

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Type to search sources, in any spelling…", id="source-search")
        yield Label(id="source-title")
        yield self.sources
        yield self.attributions
        yield Static(id="source-detail")
        yield KeyHints("sources", self.keymap)

    @property
    def search(self) -> Input:
        return self.query_one("#source-search", Input)

    @property
    def table(self) -> PagedTable:
        """The table shown: the sources, or the opened source's attributions."""
        return self.attributions if self.opened is not None else self.sources

    def on_mount(self) -> None:
        self.search.focus()

    def on_screen_resume(self) -> None:
        # Shown (first pushed, or back from the reader, where what was accepted counts now).
        self.reload()

    # -- reading ---------------------------------------------------------------

    def reload(self, *, keep: int | None = None) -> None:
        """Read what is shown again, keeping the source (or attribution) under the cursor;
        `keep`: the source to put the cursor on instead."""
        selected = self.sources.selected
        keep = keep if keep is not None else selected.id if selected is not None else None
        self.show_sources(keep=keep, least=self.sources.row_count)
        if self.opened is not None:
            source = get_source(self.db, self.opened.id)
            if source is None or not source.attributions:
                self.close_source()  # merged into another (or undone away): back to the list
            else:
                self.open_source(source, keep=self.attributions.selected)

    def show_sources(self, *, keep: int | None = None, least: int = 0) -> None:
        query, sort = self.search.value, self.sort

        def read(after: SourceRow | None, _offset: int, limit: int) -> list[SourceRow]:
            return list_sources(self.db, query, sort=sort, limit=limit, after=after)

        self.sources.show(read, keep=(lambda s: s.id == keep) if keep is not None else None, least=least)
        if self._counting is not None:
            self._counting.stop()  # an older search's count
        if self.sources.complete:
            self.show_count(counted(self.sources.row_count, "source"))
        else:
            # Counting a long list costs what reading its first page does: it waits until
            # the typing stops, so that each key costs one read, not two.
            self.show_count(f"{self.sources.row_count:,}+ sources")
            self._counting = self.set_timer(
                COUNT_AFTER_TYPING_S,
                lambda: self.show_count(counted(count_sources(self.db, query), "source")),
            )

    def show_count(self, found: str) -> None:
        """How many sources are found, and in what order, on the search box's border."""
        self.search.border_subtitle = f"{found} · {SORT_NAMES[self.sort]}"
        self.sub_title = self.search.border_subtitle

    def open_source(self, source: SourceRow, *, keep: Attribution | None = None) -> None:
        """List what `source` said, across the corpus."""
        self.opened = source

        def read(_after: Attribution | None, offset: int, limit: int) -> list[Attribution]:
            return attributions_of(self.db, source.id, limit=limit, offset=offset)

        def same(said: Attribution) -> bool:
            return keep is not None and (said.origin, said.id) == (keep.origin, keep.id)

        title = Text.assemble(literal(source.name, "bold"), f"  {source_summary(source)}")
        title.append_text(Text.assemble("\nSpelled: ", literal(" · ".join(source.aliases), "dim")))
        self.query_one("#source-title", Label).update(title)
        self.add_class("opened")
        self.attributions.show(
            read, keep=same if keep is not None else None, least=self.attributions.row_count
        )
        self.attributions.focus()

    def close_source(self) -> None:
        self.opened = None
        self.remove_class("opened")
        self.search.focus()
        self._show_detail()

    @on(PagedTable.Highlighted)
    def _show_detail(self) -> None:
        detail = self.query_one("#source-detail", Static)
        if self.opened is not None and (said := self.attributions.selected) is not None:
            detail.update(attribution_detail(said))
        elif self.opened is None and (source := self.sources.selected) is not None:
            detail.update(source_detail(source))
        else:
            detail.update("No source has said anything yet" if not self.search.value else "No source found")

    @on(Input.Changed, "#source-search")
    def _searched(self) -> None:
        self.show_sources()

    @on(PagedTable.Selected)
    def _selected(self) -> None:
        self.action_open()

    @on(DatabaseChanged)
    @on(AnalysisProgress)
    def _database_changed(self) -> None:
        if self.is_mounted:
            self.reload()

    # -- actions ---------------------------------------------------------------

    def action_open(self) -> None:
        if self.opened is None:
            if (source := self.sources.selected) is not None:
                self.open_source(source)
        elif (said := self.attributions.selected) is not None:
            self.post_message(OpenArticle(said.article_id, at=said.start))

    def action_back(self) -> None:
        if self.opened is not None:
            self.close_source()
        elif self.search.value:
            self.search.value = ""
        else:
            self.app.pop_screen()

    def action_cycle_sort(self) -> None:
        self.sort = SOURCE_SORTS[(SOURCE_SORTS.index(self.sort) + 1) % len(SOURCE_SORTS)]
        selected = self.sources.selected
        # As many rows read as before: the source under the cursor is among them in any order.
        self.show_sources(keep=selected.id if selected else None, least=self.sources.row_count)

    def action_cursor(self, step: int) -> None:
        self.table.move(step)

    def action_page(self, step: int) -> None:
        self.table.page(step)

    def action_edge(self, step: int) -> None:
        self.table.edge(step)

    @property
    def current(self) -> SourceRow | None:
        """The source the corrections apply to: the one opened, else the one under the cursor."""
        return self.opened or self.sources.selected

    def action_merge(self) -> None:
        if (keep := self.current) is None:
            return

        def chosen(other: object) -> None:
            if isinstance(other, SourceRow):
                self.correct(
                    lambda: merge_sources(self.db, keep.id, other.id), f"Merged {other.name} into", keep.id
                )

        title = Text.assemble("Merge into ", literal(keep.name, "bold"), ": which source? (type to search)")
        self.app.push_screen(SourcePicker(self.db, title, leave_out=keep.id), chosen)

    def action_split(self) -> None:
        if (source := self.current) is None:
            return
        if len(source.aliases) < 2:
            self.notify(
                visible_text(f"{source.name} has one spelling only: nothing to split off"), markup=False
            )
            return

        def chosen(alias: object) -> None:
            if isinstance(alias, str):
                self.correct(lambda: split_alias(self.db, source.id, alias), f"Split {alias} off", source.id)

        title = Text.assemble(
            "Split which spelling off ", literal(source.name, "bold"), " into a source of its own?"
        )
        choices = [(alias, "", alias) for alias in source.aliases]
        self.app.push_screen(Picker(title, choices, free_text=False), chosen)

    def action_rename(self) -> None:
        if (source := self.current) is None:
            return

        def named(name: str | None) -> None:
            if name and name != source.name:
                self.correct(
                    lambda: rename_source(self.db, source.id, name), f"Renamed {source.name}:", source.id
                )

        title = Text.assemble("Rename ", literal(source.name, "bold"), " (Enter renames, Esc cancels):")
        self.app.push_screen(TextPrompt(title, source.name), named)

    def correct(self, change: Callable[[], object], done: str, source_id: int) -> None:
        """Make a correction, show the result with `source_id` under the cursor, and say
        it is done (`done` and the source's name now) and how to undo it."""
        try:
            change()
        except ValueError as e:
            self.notify(visible_text(str(e)), severity="error", markup=False)
            return
        self.reload(keep=source_id)
        source = get_source(self.db, source_id)
        now = source.name if source is not None else f"source #{source_id}"
        undo_keys = display_keys(self.keymap["sources.undo"], first_only=True)
        self.notify(visible_text(f"{done} {now} ({undo_keys} undoes)"), markup=False)

    def action_undo(self) -> None:
        self._replayed(undo(self.db, SOURCES_LOG), "Undone", "Nothing to undo")

    def action_redo(self) -> None:
        self._replayed(redo(self.db, SOURCES_LOG), "Redone", "Nothing to redo")

    def _replayed(self, replayed: Replayed | None, done: str, nothing: str) -> None:
        if replayed is None:
            self.notify(nothing)
            return
        self.reload()
        what = CORRECTION_NAMES.get(replayed.kind, replayed.kind)
        self.notify(f"{done}: the {what}")
