"""The export format picker (F4) says which keys choose and which cancel, as the other
pickers and the path prompt after it do; and the keys do what it says."""

from __future__ import annotations

from pathlib import Path

from pilot_support import make_app, screen_lines

from newsmark.tui.screens.dialogs import PathPrompt
from newsmark.tui.screens.library import LibraryScreen
from newsmark.tui.screens.picker import Picker


async def test_the_export_picker_says_its_keys(app_db_path: Path) -> None:
    async with make_app(app_db_path).run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(pilot.app.screen, Picker)
        shown = "\n".join(screen_lines(pilot.app))
        assert "Export format  type to filter; Enter picks, Esc cancels" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, LibraryScreen)
        await pilot.press("f4", *"csv", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PathPrompt)
