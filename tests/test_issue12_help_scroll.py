"""The help screen (F1) scrolls at once: End and PageDown animated for about a second,
so the keys at the end of the list came into view only after the user had looked away."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_support import make_app

from newsmark.tui.screens.dialogs import HelpScreen


@pytest.mark.parametrize("size", [(80, 24), (140, 45)])
async def test_help_keys_scroll_without_animation(app_db_path: Path, size: tuple[int, int]) -> None:
    async with make_app(app_db_path).run_test(size=size) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = help_screen.query_one("#help-keys")
        page = keys.scrollable_content_region.height
        assert keys.max_scroll_y > page  # more than a page of keys
        # Every scroll position the list passes through: an animation passes through many.
        passed: list[float] = []

        def scrolled(position: float) -> None:
            passed.append(position)

        help_screen.watch(keys, "scroll_y", scrolled, init=False)
        for key, expected in [
            ("pagedown", page),
            ("end", keys.max_scroll_y),
            ("pageup", keys.max_scroll_y - page),
            ("home", 0),
        ]:
            passed.clear()
            await pilot.press(key)
            await pilot.pause()
            assert passed == [expected], key
