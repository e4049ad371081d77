"""Export from the app: a file already there is overwritten only when the user says so
(Esc keeps it), and a folder that is not there is named, not a temporary file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_support import make_app, screen_lines

from newsmark.tui.screens.dialogs import ConfirmOverwrite
from newsmark.tui.screens.library import LibraryScreen

SIZES = [(80, 24), (140, 45)]


async def export_to(pilot, fmt: str, out: Path) -> None:
    """F4, choose the format, type the path (clearing the one offered), Enter."""
    await pilot.press("f4")
    await pilot.pause()
    await pilot.press(*fmt, "enter")
    await pilot.pause()
    await pilot.press("end", "ctrl+u", *str(out), "enter")
    await pilot.pause()


def recording_notifications(app) -> list[str]:
    said: list[str] = []
    notify = app.notify

    def record(message, *args, **kwargs):
        said.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = record
    return said


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_export_over_an_existing_file_asks_first(app_db_path: Path, tmp_path: Path, size) -> None:
    out = tmp_path / "out.csv"
    out.write_text("keep me\n", encoding="utf-8")
    async with make_app(app_db_path).run_test(size=size) as pilot:
        said = recording_notifications(pilot.app)
        await export_to(pilot, "csv", out)
        assert isinstance(pilot.app.screen, ConfirmOverwrite)
        shown = "".join(screen_lines(pilot.app)).replace(" ", "").replace("█", "")  # lines wrap
        assert f"Overwrite{out}?" in shown and "yoverwritesit·norEsckeepsit" in shown
        await pilot.press("escape")  # no
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(pilot.app.screen, LibraryScreen)
        assert out.read_text(encoding="utf-8") == "keep me\n"
        assert not any("--force" in line for line in said)

        await export_to(pilot, "csv", out)
        await pilot.press("y")  # yes: overwrite
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert out.read_text(encoding="utf-8").startswith("article_id,")
        assert any(line.startswith("Wrote") and str(out) in line for line in said)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_export_to_a_missing_folder_names_the_folder(app_db_path: Path, tmp_path: Path, size) -> None:
    missing = tmp_path / "no" / "such"
    async with make_app(app_db_path).run_test(size=size) as pilot:
        said = recording_notifications(pilot.app)
        await export_to(pilot, "csv", missing / "out.csv")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        failed = [line for line in said if line.startswith("Export failed")]
        assert failed == [f"Export failed: {missing}: no such folder"]
        assert not missing.exists()
