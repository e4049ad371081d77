"""Helpers for Pilot tests: build the app on a database file, open an article, read rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsmark.tui.app import NewsmarkApp
from newsmark.tui.keymap import load_keymap
from newsmark.tui.screens.reader import ReaderScreen

SIZE = (130, 40)


def make_app(db_path: Path, keymap: str = "default") -> NewsmarkApp:
    return NewsmarkApp(db_path, keymap=load_keymap(keymap), keymap_name=keymap, seed_if_empty=False)


async def open_reader(pilot, title: str) -> ReaderScreen:
    """Type the start of a title into the library's filter and open the article."""
    await pilot.press(*title, "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReaderScreen)
    return pilot.app.screen


def query(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read through a separate connection: what another process would see on disk."""
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


async def searches_counted(pilot) -> None:
    """Wait until no search is being counted (long lists are counted in a worker, and
    a newer search cancels the older count, so wait_for_complete would raise)."""
    for _ in range(500):
        if all(w.is_finished for w in pilot.app.workers if w.group == "search-count"):
            break
        await pilot.pause(0.01)
    await pilot.pause()


def screen_lines(app) -> list[str]:
    """The text of the active screen as the terminal shows it, a string per row
    (through the compositor: Textual is pinned, and this is what a user reads)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def lines_seen_while_paging(pilot, key: str = "pagedown", limit: int = 100) -> list[str]:
    """Every row shown while pressing `key` until the screen stops changing."""
    seen: list[str] = []
    previous: list[str] = []
    for _ in range(limit):
        await pilot.pause()
        lines = screen_lines(pilot.app)
        if lines == previous:
            return seen
        seen += lines
        previous = lines
        await pilot.press(key)
    raise AssertionError(f"the screen still changed after {limit} presses of {key}")
