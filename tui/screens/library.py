"""The library: every article, searched as you type; Enter opens one.

The list is virtual (tui.widgets.article_list): it reads only the rows on
screen, so it opens and scrolls the same at 100,000 articles as at five.
Each article shows its outlet and date, its status and open suggestions; a key shows one
status only, another sorts (newest first, ...); the search box's border says how far the
corpus is done.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, ProgressBar
from textual.worker import get_current_worker

from newsmark.store.articles import corpus_progress
from newsmark.store.db import connect
from newsmark.store.search import RANKED_MAX, parse_search
from newsmark.store.wording import counted
from newsmark.tui.keymap import bindings_for, display_keys
from newsmark.tui.library_rows import LibraryRows, LibraryView, SearchRows, ViewRows
from newsmark.tui.messages import AnalysisFinished, AnalysisProgress, DatabaseChanged, OpenArticle
from newsmark.tui.visible import visible_text
from newsmark.tui.widgets.article_list import ArticleList
from newsmark.tui.widgets.key_hints import KeyHints


class LibraryScreen(Screen[None]):
    BINDINGS = bindings_for("library")
    _selected_before_search: str | None = None
    _counting: sqlite3.Connection | None = None  # the connection counting a search's matches

    def __init__(self, conn: sqlite3.Connection, db_path: Path, *, keymap: dict[str, str]) -> None:
        """`conn`: the app's connection, for the list's reads; `db_path`: for the
        connections a count opens beside it."""
        super().__init__()
        self.conn = conn
        self.db_path = db_path
        self.keymap = keymap
        self.view = LibraryView()  # the status shown and the order, when nothing is searched

    def compose(self) -> ComposeResult:
        with Vertical(id="progress-row"):
            yield Label("", id="progress-label")
        yield Input(placeholder="Type to search titles and text…", id="filter")
        yield ArticleList(id="articles")
        yield KeyHints("library", self.keymap)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    def on_mount(self) -> None:
        self.reload()
        self.query_one(Input).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self, *, new_search: bool = False) -> None:
        """Read the list again (counts change, articles arrive), keeping the selected one.

        `new_search`: the search text changed, so a search's list starts at its best
        match, as search as you type does (finding where the selected article ranks
        among 70,000 matches was a third of a key press), and an emptied search box
        goes back to the article selected before the search.
        """
        text = self.query_one(Input).value
        parsed = parse_search(text, prefix=True)
        if parsed.problem is not None:
            # Half-typed ('"annual summ'): the list stays as it was, the border says why.
            self.show_count(f"Cannot search: {parsed.problem}")
            return
        self._stop_counting()  # an older search's count would compete with this one's query
        previous = self.article_list.source
        searching = isinstance(previous, SearchRows)
        keep = self.selected_article_id()
        self.show_progress_of_the_corpus()
        when_empty = ""
        if parsed.match is None:
            source: LibraryRows | ViewRows | SearchRows = (
                LibraryRows(self.conn) if self.view.is_everything_in_order else ViewRows(self.conn, self.view)
            )
            self.show_count(" · ".join(filter(None, [counted(len(source), "article"), self.view.describe()])))
            if new_search and searching:
                keep = self._selected_before_search
            if self.view.status is not None:
                when_empty = self.view.nothing_shown(self.key_for("library.cycle_status"))
        else:
            if new_search and not searching:
                self._selected_before_search = keep
            source = SearchRows(self.conn, text)
            if not source.matches.counted:
                if isinstance(previous, SearchRows) and previous.text == text:
                    # The same search read again (counts changed): its length so far stands
                    # until the recount, so the cursor keeps its row past the first 5,000.
                    source.matches.set_total(len(previous), exact=previous.matches.counted)
                self.count_matches(source)
            if new_search:
                keep = None
            self.show_match_count(source)
            clear = self.key_for("library.clear_search")
            when_empty = f"No article matches “{visible_text(text.strip())}” — {clear} clears the search"
        self.article_list.set_source(source, keep=keep, when_empty=when_empty)

    def key_for(self, action_id: str) -> str:
        """The first key of an action in the active keymap, as the user reads it."""
        return display_keys(self.keymap[action_id], first_only=True)

    def show_count(self, label: str) -> None:
        """How many articles the list holds, on the search box's border."""
        self.sub_title = label
        self.query_one("#filter", Input).border_subtitle = label

    def show_match_count(self, source: SearchRows) -> None:
        exact = source.matches.counted
        count = counted(len(source), "match") if exact else f"over {RANKED_MAX:,} matches"
        # A search finds articles of every status, best match first.
        self.show_count(count + (" · every status" if self.view.status else ""))

    def show_progress_of_the_corpus(self) -> None:
        """'2/5 done · 37 annotations', on the top border of the search box."""
        done, articles, annotations = corpus_progress(self.conn)
        progress = f"{done:,}/{articles:,} done · {counted(annotations, 'annotation')}"
        self.query_one("#filter", Input).border_title = progress

    def count_now(self) -> None:
        """Count a search's matches here, when the end of its list is wanted at once."""
        source = self.article_list.source
        if isinstance(source, SearchRows) and not source.matches.counted:
            self._stop_counting()
            self._counted(source, source.matches.count())

    def _stop_counting(self) -> None:
        if (counting := self._counting) is not None:
            with contextlib.suppress(sqlite3.ProgrammingError):  # closed meanwhile: done anyway
                counting.interrupt()

    def on_unmount(self) -> None:
        self._stop_counting()  # so quitting never waits for a count

    @work(thread=True, exclusive=True, group="search-count", exit_on_error=False)
    def count_matches(self, source: SearchRows) -> None:
        """Count a long list of matches beside the event loop, on a connection of its own
        (SQLite runs the count without Python's lock); a newer search interrupts it."""
        self._stop_counting()
        try:
            conn = connect(self.db_path, busy_timeout=1.0)
        except sqlite3.Error as e:
            self.app.call_from_thread(self._not_counted, e)
            return
        self._counting = conn
        try:
            # A newer search cancels this worker before its own starts: if that happened
            # while this one was connecting, the newer one found nothing to interrupt.
            if get_current_worker().is_cancelled:
                return
            total = source.matches.count(conn)
        except sqlite3.OperationalError as e:
            if e.sqlite_errorname != "SQLITE_INTERRUPT":  # interrupted: a newer search counts
                self.app.call_from_thread(self._not_counted, e)
            return
        finally:
            if self._counting is conn:
                self._counting = None
            conn.close()
        self.app.call_from_thread(self._counted, source, total)

    def _counted(self, source: SearchRows, total: int) -> None:
        if self.article_list.source is source:  # else a newer search has replaced it
            source.matches.set_total(total)
            self.article_list.source_resized()
            self.show_match_count(source)

    def _not_counted(self, error: Exception) -> None:
        self.notify(f"Could not count the matches: {error}", severity="warning", timeout=8)

    def selected_article_id(self) -> str | None:
        return self.article_list.selected_article_id

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        self.reload(new_search=True)

    @on(ArticleList.Selected)
    def _row_selected(self) -> None:
        self.action_open_article()

    def action_open_article(self) -> None:
        if (article_id := self.selected_article_id()) is not None:
            self.post_message(OpenArticle(article_id))

    def action_focus_filter(self) -> None:
        self.query_one(Input).focus()

    def action_clear_search(self) -> None:
        box = self.query_one("#filter", Input)
        if not box.value:
            raise SkipAction()  # nothing to clear: the key goes on as it did before
        box.value = ""  # the list goes back to the article chosen before the search
        box.focus()

    def action_cycle_status(self) -> None:
        self.view = self.view.next_status()
        self.reload()

    def action_cycle_order(self) -> None:
        self.view = self.view.next_order()
        self.reload()

    def action_cursor_down(self) -> None:
        self.article_list.move(1)

    def action_page(self, step: int) -> None:
        self.article_list.page(step)

    def action_edge(self, step: int) -> None:
        if step > 0:
            self.count_now()
        rows = self.article_list.row_count
        if rows:
            self.article_list.cursor = 0 if step < 0 else rows - 1

    def action_cursor_up(self) -> None:
        self.article_list.move(-1)

    @on(AnalysisProgress)
    def _analysis_progress(self, message: AnalysisProgress) -> None:
        label = f"Analysing articles: {message.done}/{message.total}"
        if message.done == 0:
            label = f"Loading the language model to analyse {message.total} articles…"
        self.show_progress(label, message.done, message.total)
        if message.article_id is not None:
            self.reload()  # its counts have changed

    @on(DatabaseChanged)
    def _database_changed(self) -> None:
        self.reload()  # another window's articles, counts and statuses, the selection kept

    @on(AnalysisFinished)
    def _analysis_finished(self) -> None:
        self.show_progress("", 1, 1)

    def show_progress(self, label: str, done: int, total: int) -> None:
        row = self.query_one("#progress-row")
        row.set_class(done < total, "busy")
        self.query_one("#progress-label", Label).update(label)
        # Mounted on first use: composing a ProgressBar is a sixth of the library's start.
        bars = self.query(ProgressBar)
        if bars:
            bars.first().update(total=total, progress=done)
        elif done < total:
            bar = ProgressBar(id="progress", show_eta=False, total=total)
            row.mount(bar)
            bar.update(progress=done)
