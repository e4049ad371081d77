"""The help screen (F1): generated from the active keymap, every action reachable with
the keyboard at every terminal size, and only keys that work where they are listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_support import lines_seen_while_paging, make_app, screen_lines

from newsmark.tui.actions import ACTIONS, scope_of
from newsmark.tui.keymap import SHIPPED, alternatives, display_keys, load_keymap
from newsmark.tui.screens.dialogs import HelpScreen
from newsmark.tui.screens.library import LibraryScreen
from newsmark.tui.screens.sources import SourcesScreen

SIZES = [(80, 24), (140, 45), (250, 70)]


def row_for(lines: list[str], keys: str, description: str) -> str | None:
    """The line that starts the help row of an action: its keys and its description
    (the start of it: a long one wraps at 80 columns)."""
    start = description[:24]
    return next((line for line in lines if start in line and keys in line.split(start)[0]), None)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("keymap_name", SHIPPED)
async def test_every_action_is_reachable_in_help_with_the_keyboard(
    app_db_path: Path, keymap_name: str, size: tuple[int, int]
) -> None:
    keymap = load_keymap(keymap_name)
    async with make_app(app_db_path, keymap_name).run_test(size=size) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        seen = await lines_seen_while_paging(pilot)
        missing = [
            action_id
            for action_id, spec in ACTIONS.items()
            if not any(
                row_for(seen, display_keys(" ".join(alt)), spec.description)
                for alt in alternatives(keymap[action_id])
            )
        ]
        assert missing == []
        # And back up to the top, by keyboard too.
        await pilot.press("home")
        await pilot.pause()
        assert any("Everywhere" in line for line in screen_lines(pilot.app))
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, HelpScreen)


def listed_keys(lines: list[str], keymap: dict[str, str], action_id: str) -> list[str]:
    """The keys the help lists for an action (its row's keys cell, read off the screen)."""
    description = ACTIONS[action_id].description
    row = next(line for line in lines if description[:24] in line)
    cell = row.split(description[:24])[0].strip(" █▌▐")
    shown = set(cell.removesuffix(" in the reader").split(", "))
    return [" ".join(alt) for alt in alternatives(keymap[action_id]) if display_keys(" ".join(alt)) in shown]


# The screens whose search box keeps the focus, and that box.
SEARCHING = {"library": (LibraryScreen, "#filter"), "sources": (SourcesScreen, "#source-search")}


async def back_to(pilot, scope: str) -> None:
    """Back to the screen of `scope`, as it opens: out of a dialog a key opened, out of
    a source's attributions; into the sources screen again when a key left it."""
    screen_type, _ = SEARCHING[scope]
    while True:
        screen = pilot.app.screen
        if isinstance(screen, screen_type) and getattr(screen, "opened", None) is None:
            return
        await pilot.press("f5" if isinstance(screen, LibraryScreen) else "escape")
        await pilot.pause()


@pytest.mark.parametrize("scope", SEARCHING)
@pytest.mark.parametrize("keymap_name", SHIPPED)
async def test_each_key_the_help_lists_for_a_searching_screen_works_there(
    app_db_path: Path, keymap_name: str, scope: str
) -> None:
    """The library's and the sources' search box has the focus and takes every character
    typed: a key the help lists for the screen, or for everywhere, must run its action
    there, not type."""
    keymap = load_keymap(keymap_name)
    async with make_app(app_db_path, keymap_name).run_test(size=(140, 45)) as pilot:
        app = pilot.app
        await pilot.press("f1")
        seen = await lines_seen_while_paging(pilot)
        await pilot.press("escape")
        await back_to(pilot, scope)
        ran: list[str] = []
        run_action = app.run_action

        async def spy(action, default_namespace=None):  # what a key press ran
            ran.append(str(action))
            return await run_action(action, default_namespace)

        app.run_action = spy
        checked = 0
        for action_id, spec in ACTIONS.items():
            if scope_of(action_id) not in ("app", scope) or action_id == "app.quit":
                continue
            for key in listed_keys(seen, keymap, action_id):
                if scope_of(action_id) == "app" and f"{display_keys(key)} in the reader" in "".join(seen):
                    continue  # listed as the reader's only
                box = app.screen.query_one(SEARCHING[scope][1])
                box.value = "x"  # something for Esc to clear
                box.focus()
                await pilot.pause()
                ran.clear()
                await pilot.press(*key.split())
                await pilot.pause()
                assert spec.method in ran, f"{keymap_name}: {key} listed for {action_id} ran {ran}"
                checked += 1
                await back_to(pilot, scope)
                assert "x" not in app.screen.query_one(SEARCHING[scope][1]).value[1:], (
                    f"{key} typed into the search box"
                )
        assert checked >= 12
