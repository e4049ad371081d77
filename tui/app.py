"""The Textual app: built from explicit inputs (database, keymap, model)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # at run time sqlite-utils comes through store._sqlite_utils, without numpy
    from collections.abc import Iterable

    from spacy.language import Language
    from sqlite_utils import Database

import importlib
import sqlite3
import threading
from importlib import resources
from pathlib import Path

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.widgets import Input

from newsmark.store import open_current, open_db
from newsmark.store.articles import count_articles
from newsmark.store.db import as_database
from newsmark.tui.actions import ACTIONS, ActionSpec, scope_of
from newsmark.tui.keymap import (
    DEFAULT_TEXT_WIDTH,
    bindings_for,
    display_keys,
    key_sequences,
    textual_keymap,
)
from newsmark.tui.messages import (
    AnalysisFinished,
    AnalysisProgress,
    AnalyzeArticles,
    DatabaseChanged,
    LabelsChanged,
    OpenArticle,
)
from newsmark.tui.screens.library import LibraryScreen
from newsmark.tui.visible import visible_text

APP_BUSY_TIMEOUT_S = 2.0
DATA_VERSION_POLL_S = 1.0  # how soon another window's changes show


def bundled_seeds() -> Path:
    return Path(str(resources.files("newsmark.seeds")))


class NewsmarkApp(App[None]):
    CSS_PATH = "newsmark.tcss"
    TITLE = "newsmark"
    BINDINGS = bindings_for("app")

    def __init__(
        self,
        db_path: Path,
        *,
        keymap: dict[str, str],
        keymap_name: str = "default",
        model: str | None = None,
        seed_if_empty: bool = True,
        text_width: int = DEFAULT_TEXT_WIDTH,
    ) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.text_width = text_width  # the reader's longest line (config.toml's text_width)
        # Opened here, before the screen is taken over, so a refused file is a plain error.
        # Writes from the event loop wait at most ~2 s a try for another process's lock.
        # A current database is opened through sqlite3 alone: the library's first page
        # only reads, and sqlite-utils (for everything else) is wrapped around the same
        # connection on first use (`db`), imported in a worker after the first paint.
        self._db: Database | None = None
        conn = open_current(self.db_path, busy_timeout=APP_BUSY_TIMEOUT_S)
        if conn is None:  # new, empty or older: created or migrated now
            self._db = open_db(self.db_path, busy_timeout=APP_BUSY_TIMEOUT_S)
            conn = self._db.conn
        self.conn: sqlite3.Connection = conn
        self._data_version = self._read_data_version()  # see check_for_changes
        self.keymap = keymap
        self.keymap_name = keymap_name
        self.model_name = model
        self.seed_if_empty = seed_if_empty
        self._nlp: Language | None = None
        self._nlp_lock = threading.Lock()
        self.sequences = key_sequences(keymap)
        self._pending_keys: tuple[str, ...] = ()

    @property
    def db(self) -> Database:
        """The database through sqlite-utils, for everything but the library's reads."""
        if self._db is None:
            self._db = as_database(self.conn)
        return self._db

    def on_mount(self) -> None:
        self.set_keymap(textual_keymap(self.keymap))
        self.sub_title = str(self.db_path)
        self.push_screen(LibraryScreen(self.conn, self.db_path, keymap=self.keymap))
        if self.seed_if_empty and count_articles(self.conn) == 0:
            self.ingest_seeds()
        self.set_interval(DATA_VERSION_POLL_S, self.check_for_changes)

    def _read_data_version(self) -> int:
        return self.conn.execute("pragma data_version").fetchone()[0]

    def check_for_changes(self) -> None:
        """Tell every screen on the stack when another connection has committed (another
        window, a command, this app's own workers): SQLite's data_version, read on the app's
        connection, changes only then, and reading it costs next to nothing. Every screen,
        not only the one in front: the reader under a dialog must not come back stale."""
        version = self._read_data_version()
        if version != self._data_version:
            self._data_version = version
            for screen in self.screen_stack:
                screen.post_message(DatabaseChanged())

    def on_ready(self) -> None:
        # After the first frame: load what the first tag or article will need.
        self.warm_up()

    @work(thread=True, group="warm-up", exit_on_error=False)
    def warm_up(self) -> None:
        """Import what the start left out (sqlite-utils, the reader's modules) in a
        thread, so the first article opened or tag made does not wait for it."""
        for module in (
            "newsmark.store.schema",
            "newsmark.tui.screens.reader",
        ):  # store.schema brings sqlite-utils
            importlib.import_module(module)

    @on(OpenArticle)
    def _open_article(self, message: OpenArticle) -> None:
        self.open_article(message.article_id, at=message.at)

    def open_article(self, article_id: str, *, at: int | None = None) -> None:
        """Show an article in the reader (`at`: the cursor there); the one reader screen
        is kept and reused. Opened from the sources screen above the reader, the reader
        comes back to the top rather than onto the stack a second time."""
        from newsmark.tui.screens.reader import ReaderScreen

        if self.is_screen_installed("reader"):
            reader = self.get_screen("reader")
            assert isinstance(reader, ReaderScreen)
            if reader in self.screen_stack:
                self.pop_to(reader)
                reader.show_article(article_id, at=at)
            elif reader.show_article(article_id, at=at):
                self.push_screen(reader)
            return
        reader = ReaderScreen(article_id, db=self.db, keymap=self.keymap, text_width=self.text_width, at=at)
        self.install_screen(reader, "reader")
        self.push_screen("reader")

    def pop_to(self, screen: Screen) -> None:
        """Pop the screens above `screen` (one on the stack), so that it is in front."""
        while self.screen is not screen:
            self.pop_screen()

    def action_sources(self) -> None:
        """Show the sources screen, kept as it was left (its search, its source open): in
        front again where it is on the stack already, else above the screen in front."""
        from newsmark.tui.screens.sources import SourcesScreen

        if not self.is_screen_installed("sources"):
            self.install_screen(SourcesScreen(self.db, keymap=self.keymap), "sources")
        sources = self.get_screen("sources")
        if sources in self.screen_stack:
            self.pop_to(sources)
        else:
            self.push_screen(sources)

    # -- background work -------------------------------------------------------

    @work(thread=True, exclusive=True, group="ingest", exit_on_error=False)
    def ingest_seeds(self) -> None:
        from newsmark.store.ingest import ingest_paths  # only on a first run: kept off the start path

        db = open_db(self.db_path)
        try:
            result = ingest_paths(db, [bundled_seeds()])
        finally:
            db.close()
        self.call_from_thread(self._library_reload)
        self.call_from_thread(self.analyze_in_background, result.added)

    def _library_reload(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                screen.reload()

    def pipeline(self) -> Language:
        """The spaCy pipeline, loaded on first use (in a worker: it takes a second)."""
        with self._nlp_lock:
            if self._nlp is None:
                # sqlite-utils first: importing it hides numpy for a moment (see
                # store/_sqlite_utils.py), which must not be the moment spaCy imports numpy.
                importlib.import_module("newsmark.store._sqlite_utils")
                from newsmark.nlp.pipeline import DEFAULT_MODEL, load_pipeline

                self._nlp = load_pipeline(self.model_name or DEFAULT_MODEL)
            return self._nlp

    @on(AnalyzeArticles)
    def _analyze_articles(self, message: AnalyzeArticles) -> None:
        self.analyze_in_background(message.article_ids)

    @work(thread=True, group="analysis", exit_on_error=False)
    def analyze_in_background(self, article_ids: list[str]) -> None:
        if not article_ids:
            return
        total = len(article_ids)
        self.post_message(AnalysisProgress(0, total, None))

        def analysed(article_id: str, done: int, total: int) -> None:
            self.post_message(AnalysisProgress(done, total, article_id))

        try:
            nlp = self.pipeline()
            from newsmark.nlp.batch import analyze_articles

            db = open_db(self.db_path)
            try:
                done = analyze_articles(db, nlp, article_ids, on_article=analysed)
            finally:
                db.close()
        except Exception as e:
            self.post_message(AnalysisFinished(0, f"{type(e).__name__}: {e}"))
            return
        self.post_message(AnalysisFinished(done))

    # A worker's messages come to the app; each screen on the stack is told in turn.

    def on_analysis_progress(self, message: AnalysisProgress) -> None:
        for screen in self.screen_stack:
            screen.post_message(AnalysisProgress(message.done, message.total, message.article_id))

    def on_analysis_finished(self, message: AnalysisFinished) -> None:
        if message.error:
            error = visible_text(f"Analysis failed: {message.error}")
            self.notify(error, severity="error", timeout=15, markup=False)
        for screen in self.screen_stack:
            screen.post_message(AnalysisFinished(message.analyzed, message.error))

    # -- key sequences and the command palette --------------------------------

    def screen_scope(self, screen: Screen | None = None) -> str | None:
        from newsmark.tui.screens.reader import ReaderScreen
        from newsmark.tui.screens.sources import SourcesScreen

        screen = screen or self.screen
        if isinstance(screen, ReaderScreen):
            return "reader"
        if isinstance(screen, SourcesScreen):
            return "sources"
        if isinstance(screen, LibraryScreen):
            return "library"
        return None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and await self._sequence_key(event):
            return
        await super().on_event(event)

    async def _sequence_key(self, event: events.Key) -> bool:
        """Multi-key sequences ("g g"): True when the key was taken as part of one."""
        scope = self.screen_scope()
        sequences = self.sequences.get(scope or "", {})
        if not sequences or isinstance(self.focused, Input):
            self._pending_keys = ()
            return False
        pending = (*self._pending_keys, event.key)
        if pending in sequences:
            self._pending_keys = ()
            await self.run_spec(ACTIONS[sequences[pending]], self.screen)
            return True
        if any(seq[: len(pending)] == pending for seq in sequences):
            self._pending_keys = pending
            self.set_timer(1.5, lambda: self._drop_pending(pending))
            return True
        # A key that breaks a started sequence is dropped, as in vim.
        had_prefix = bool(self._pending_keys)
        self._pending_keys = ()
        return had_prefix

    def _drop_pending(self, pending: tuple[str, ...]) -> None:
        if self._pending_keys == pending:
            self._pending_keys = ()

    async def run_spec(self, spec: ActionSpec, screen: Screen) -> None:
        namespace = self if scope_of(spec.id) == "app" else screen
        await self.run_action(spec.method, namespace)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        scope = self.screen_scope(screen)
        for spec in ACTIONS.values():
            if scope_of(spec.id) in ("app", scope) and spec.id != "app.command_palette":

                async def run(spec: ActionSpec = spec) -> None:
                    await self.run_spec(spec, screen)

                keys = display_keys(self.keymap[spec.id])
                yield SystemCommand(spec.description, f"{spec.id}   keys: {keys}", run)

    # -- app-wide actions ------------------------------------------------------

    def action_help(self) -> None:
        from newsmark.tui.screens.dialogs import HelpScreen

        self.push_screen(HelpScreen(self.keymap, self.keymap_name))

    def action_export(self) -> None:
        from newsmark.store.export.writing import overwrites
        from newsmark.store.formats import EXPORT_FORMATS
        from newsmark.tui.screens.dialogs import ConfirmOverwrite, PathPrompt
        from newsmark.tui.screens.picker import Picker

        def format_chosen(fmt: object) -> None:
            if not isinstance(fmt, str) or fmt not in EXPORT_FORMATS:
                return

            def path_chosen(out: str | None) -> None:
                if not out:
                    return
                path = Path(out).expanduser()
                if not overwrites(path):
                    self.export_in_background(fmt, path)
                    return

                def answered(overwrite: bool | None) -> None:
                    if overwrite:
                        self.export_in_background(fmt, path, force=True)

                self.push_screen(ConfirmOverwrite(path), answered)

            default = str(Path.cwd() / f"newsmark-export{EXPORT_FORMATS[fmt].suffix}")
            self.push_screen(
                PathPrompt(f"[b]Export as {fmt}[/b] to (Enter writes, Esc cancels):", default), path_chosen
            )

        choices = [
            (name, f"→ newsmark-export{fmt.suffix or '/ (a folder)'}", name)
            for name, fmt in EXPORT_FORMATS.items()
        ]
        title = "[b]Export format[/b]  type to filter; Enter picks, Esc cancels"
        self.push_screen(Picker(title, choices, free_text=False), format_chosen)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export_in_background(self, fmt: str, out: Path, *, force: bool = False) -> None:
        """`force`: the user said to overwrite what is at `out`."""
        from newsmark.store.export import SpanMismatch
        from newsmark.store.export.writing import ExportRefused, run_export

        db = open_db(self.db_path)
        try:
            summary = run_export(db, fmt, out, force=force)
        except (ExportRefused, SpanMismatch, OSError) as e:
            # An OSError names the file written aside (out.csv.partial): name `out` instead.
            problem = f"{out}: cannot write ({e.strerror or e})" if isinstance(e, OSError) else e
            failed = visible_text(f"Export failed: {problem}")
            self.call_from_thread(self.notify, failed, severity="error", timeout=15, markup=False)
            return
        except Exception as e:  # anything else (a busy database, a bug) is said, never swallowed
            failed = visible_text(f"Export failed: {type(e).__name__}: {e}")
            self.call_from_thread(self.notify, failed, severity="error", timeout=15, markup=False)
            return
        finally:
            db.close()
        # The summary names the file: its path as typed (not lower-cased), never markup.
        shown = visible_text(summary[:1].upper() + summary[1:])
        self.call_from_thread(self.notify, shown, timeout=10, markup=False)

    def action_labels(self) -> None:
        from newsmark.tui.screens.dialogs import LabelsScreen

        def closed(_: bool | None) -> None:
            for screen in self.screen_stack:
                screen.post_message(LabelsChanged())

        self.push_screen(LabelsScreen(self.db), closed)
