"""The reader in a working session, on an article taller than the terminal: what the status
line and the header say, undo of a batch, Esc, relabelling, notes, the article's status,
a wide terminal, and another window's changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_support import make_app, open_reader, query
from reader_support import SIZES, TITLE

from newsmark.store import open_db
from newsmark.store.annotations import add_annotation
from newsmark.store.articles import set_article_status
from newsmark.tui.keymap import DEFAULT_TEXT_WIDTH, KeymapError, configured_text_width, load_active_keymap
from newsmark.tui.messages import DatabaseChanged
from newsmark.tui.screens.dialogs import EntityLabelsScreen
from newsmark.tui.screens.library import LibraryScreen
from newsmark.tui.screens.reader import ReaderScreen


def status(reader: ReaderScreen) -> str:
    return str(reader.status.content)


def notifications(pilot) -> list[str]:
    return [n.message for n in pilot.app._notifications]


@pytest.mark.parametrize("size", SIZES)
async def test_the_line_count_is_the_same_from_the_first_report_on(long_db: Path, size) -> None:
    async with make_app(long_db).run_test(size=size) as pilot:
        reader = await open_reader(pilot, TITLE)
        total = reader.view.line_count
        assert status(reader).startswith(f"line 1/{total}")
        await pilot.press("down", "down", "pagedown", "G")
        assert status(reader).startswith(f"line {total}/{total}")
        await pilot.press("escape")  # back to the library, and the same article again
        reader = await open_reader(pilot, "")
        assert status(reader).startswith(f"line 1/{total}")


@pytest.mark.parametrize("size", [*SIZES, (250, 70)])
async def test_the_header_is_one_line_with_the_title_and_the_file_name(long_db: Path, size) -> None:
    async with make_app(long_db).run_test(size=size) as pilot:
        reader = await open_reader(pilot, TITLE)
        header = reader.query_one("#article-title")
        assert header.size.height == 1
        shown = str(header.render())
        assert shown.startswith("Harbour council votes")
        assert "harbour.txt" in shown and str(long_db.parent) not in shown
        assert len(shown) <= size[0]
        # The title (142 characters) is cut, never the file name, where they do not fit.
        assert ("…" in shown) == (size[0] < 200)


async def test_undo_of_tag_all_matches_says_what_the_batch_was(long_db: Path) -> None:
    async with make_app(long_db).run_test(size=(80, 24)) as pilot:
        reader = await open_reader(pilot, TITLE)
        await pilot.press("slash", *"Abadi", "enter", "T", "3")
        assert len(reader.annotations) == 3
        assert status(reader).startswith("Saved 3 CLAIM annotations")
        await pilot.press("u")
        assert reader.annotations == []
        assert status(reader).startswith("Undone: tag of 3 matches")
        await pilot.press("ctrl+r")
        assert status(reader).startswith("Redone: tag of 3 matches")
        await pilot.press("u", "u")
        assert status(reader).startswith("Nothing to undo")


@pytest.mark.parametrize("size", SIZES)
async def test_one_message_at_a_time_and_notifications_only_for_errors(long_db: Path, size) -> None:
    async with make_app(long_db).run_test(size=size) as pilot:
        reader = await open_reader(pilot, TITLE)
        await pilot.press("d")
        assert status(reader).startswith("No annotation at the cursor")
        await pilot.press("ctrl+r")  # the reported stale message
        assert status(reader).startswith("Nothing to redo")
        await pilot.press("1")
        assert status(reader).startswith("Select a passage first")
        await pilot.press("T")
        assert status(reader).startswith("Search first")
        await pilot.pause()
        assert notifications(pilot) == []
        # An error is a notification (and said on the status line) until the next message.
        pilot.app.db.execute("PRAGMA query_only = ON")
        await pilot.press("s", "1")
        await pilot.pause()
        assert notifications(pilot) == ["Not saved: attempt to write a readonly database"]
        assert status(reader).startswith("Not saved")
        pilot.app.db.execute("PRAGMA query_only = OFF")
        await pilot.press("2")
        await pilot.pause()
        assert notifications(pilot) == []
        assert status(reader).startswith("Saved SOURCE #")


async def test_escape_closes_the_search_and_never_applies_a_dialog(long_db: Path) -> None:
    async with make_app(long_db).run_test(size=(80, 24)) as pilot:
        reader = await open_reader(pilot, TITLE)
        await pilot.press("slash", *"pier")
        assert reader.search_bar.is_open and reader.search_bar.has_focus
        await pilot.press("escape")
        assert not reader.search_bar.is_open and reader.view.has_focus
        assert pilot.app.screen is reader
        # The entity labels dialog: Esc leaves every label as it was, Enter applies.
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(pilot.app.screen, EntityLabelsScreen)
        await pilot.press("space", "escape")
        await pilot.pause()
        assert pilot.app.screen is reader and reader.legend.hidden_labels == set()
        await pilot.press("E")
        await pilot.pause()
        await pilot.press("space", "enter")
        await pilot.pause()
        assert pilot.app.screen is reader and len(reader.legend.hidden_labels) == 1
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, LibraryScreen)


async def test_a_label_key_on_an_annotation_relabels_it_undoably(long_db: Path) -> None:
    async with make_app(long_db).run_test(size=(80, 24)) as pilot:
        reader = await open_reader(pilot, TITLE)
        await pilot.press("down", "down", "s", "1")
        (quote,) = reader.annotations
        await pilot.press("right")  # inside the QUOTE, nothing selected
        assert reader.view.selection is None
        await pilot.press("2")
        assert query(long_db, "select id, label from annotations") == [(quote.id, "SOURCE")]
        assert status(reader).startswith(f"Relabelled QUOTE #{quote.id} as SOURCE")
        await pilot.press("2")
        assert status(reader).startswith(f"SOURCE #{quote.id} is SOURCE already")
        await pilot.press("u")
        assert query(long_db, "select id, label from annotations") == [(quote.id, "QUOTE")]


@pytest.mark.parametrize("keymap", ["default", "vim", "emacs"])
async def test_a_note_on_the_annotation_at_the_cursor(long_db: Path, keymap: str) -> None:
    from newsmark.tui.keymap import load_keymap
    from newsmark.tui.screens.dialogs import NoteEditor

    note_key = load_keymap(keymap)["reader.edit_note"].split(",")[0]
    async with make_app(long_db, keymap).run_test(size=(80, 24)) as pilot:
        reader = await open_reader(pilot, TITLE)
        reader.view.jump_to(reader.article.text.index('"The money'))
        reader.view.set_selection(*reader.view.sentence_at(reader.view.cursor))
        await pilot.press("1")
        await pilot.press(note_key)
        await pilot.pause()
        assert isinstance(pilot.app.screen, NoteEditor)
        await pilot.press(*"check the treasurer's name", "enter")
        await pilot.pause()
        assert pilot.app.screen is reader
        assert query(long_db, "select note from annotations") == [("check the treasurer's name",)]
        assert "check the treasurer's name" in str(
            reader.panel.query_one("#annotations").get_option_at_index(0).prompt
        )
        # Esc keeps the note as it was; an emptied note is removed.
        await pilot.press(note_key)
        await pilot.pause()
        await pilot.press("x", "escape")
        await pilot.pause()
        assert query(long_db, "select note from annotations") == [("check the treasurer's name",)]
        await pilot.press(note_key)
        await pilot.pause()
        await pilot.press("ctrl+u", "enter")
        await pilot.pause()
        assert query(long_db, "select note from annotations") == [(None,)]


async def test_a_key_marks_the_article_done_and_again_back_in_progress(long_db: Path) -> None:
    async with make_app(long_db).run_test(size=(80, 24)) as pilot:
        reader = await open_reader(pilot, TITLE)
        assert query(long_db, "select status from articles") == [("new",)]
        await pilot.press("D")
        assert query(long_db, "select status from articles") == [("done",)]
        assert "done" in str(reader.query_one("#article-title").render())
        assert status(reader).startswith("Marked done")
        await pilot.press("D")
        assert query(long_db, "select status from articles") == [("in progress",)]
        assert status(reader).startswith("Marked in progress")
        await pilot.press("u")  # undoable like any change
        assert query(long_db, "select status from articles") == [("done",)]


async def test_a_wide_terminal_wraps_at_a_readable_width(long_db: Path) -> None:
    async with make_app(long_db).run_test(size=(250, 70)) as pilot:
        reader = await open_reader(pilot, TITLE)
        view = reader.view
        assert view.scrollable_content_region.width > 150
        longest = max(len(view.render_line(y).text.strip()) for y in range(view.size.height))
        assert 90 <= longest <= 100


async def test_the_text_width_is_the_readers_own(long_db: Path) -> None:
    async with make_app(long_db).run_test(size=(250, 70)) as pilot:
        article_id = query(long_db, "select id from articles")[0][0]
        reader = ReaderScreen(article_id, db=pilot.app.db, keymap=pilot.app.keymap, text_width=60)
        await pilot.app.push_screen(reader)
        await pilot.pause()
        view = reader.view
        longest = max(len(view.render_line(y).text.strip()) for y in range(view.size.height))
        assert 50 <= longest <= 60
        assert str(reader.status.content).startswith(f"line 1/{view.line_count}")


def test_text_width_in_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    assert configured_text_width(config) == DEFAULT_TEXT_WIDTH == 100  # no file: the default
    config.write_text('keymap = "vim"\ntext_width = 72\n')
    assert configured_text_width(config) == 72
    assert load_active_keymap(None, config)[0] == "vim"
    for bad in ("0", "5000", '"wide"', "80.5"):
        config.write_text(f"text_width = {bad}\n")
        with pytest.raises(KeymapError, match=r"config\.toml: text_width must be a whole number of columns"):
            load_active_keymap(None, config)
    config.write_text("text_widht = 80\n")
    with pytest.raises(KeymapError, match=r"unknown setting 'text_widht' \(allowed: keymap: .*text_width: "):
        configured_text_width(config)


def test_the_command_gives_the_app_the_configured_text_width(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`newsmark` (no subcommand) reads text_width from the config file and the reader
    it opens wraps there: the app is built, its run is what is left out."""
    from click.testing import CliRunner

    from newsmark.cli.main import main
    from newsmark.tui.app import NewsmarkApp

    config = tmp_path / "config.toml"
    config.write_text("text_width = 72\n")
    monkeypatch.setenv("NEWSMARK_CONFIG", str(config))
    built: list[NewsmarkApp] = []
    monkeypatch.setattr(NewsmarkApp, "run", lambda self, *a, **k: built.append(self))
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "n.db")])
    assert result.exit_code == 0, result.output
    assert [app.text_width for app in built] == [72]
    config.write_text("text_width = 5000\n")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "n.db")])
    assert result.exit_code == 1 and "text_width must be a whole number of columns" in result.output


async def test_another_windows_changes_show_and_the_cursor_stays(long_db: Path) -> None:
    async with make_app(long_db).run_test(size=(80, 24)) as pilot:
        reader = await open_reader(pilot, TITLE)
        await pilot.press("pagedown", "w")
        cursor, article_id = reader.view.cursor, reader.article_id
        other = open_db(long_db)  # the other window
        try:
            added = add_annotation(other, article_id, 0, 7, "CLAIM")
        finally:
            other.conn.close()
        reader.post_message(DatabaseChanged())
        await pilot.pause()
        assert [a.id for a in reader.annotations] == [added.id]
        assert reader.view.cursor == cursor
        assert reader.panel.annotations[0].id == added.id
        # Through the app's watch on the database: the other window marks the article done.
        other = open_db(long_db)
        try:
            set_article_status(other, article_id, "done")
        finally:
            other.conn.close()
        pilot.app.check_for_changes()
        await pilot.pause()
        assert reader.article_status == "done" and "done" in str(reader.query_one("#article-title").render())
        assert reader.view.cursor == cursor


async def test_a_change_made_while_a_dialog_is_open_shows_when_it_closes(long_db: Path) -> None:
    """The watch tells every screen on the stack, not only the dialog in front."""
    async with make_app(long_db).run_test(size=(80, 24)) as pilot:
        reader = await open_reader(pilot, TITLE)
        await pilot.press("f1")  # the help, over the reader
        await pilot.pause()
        assert pilot.app.screen is not reader
        other = open_db(long_db)  # the other window
        try:
            added = add_annotation(other, reader.article_id, 0, 7, "CLAIM")
        finally:
            other.conn.close()
        pilot.app.check_for_changes()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is reader
        assert [a.id for a in reader.annotations] == [added.id]
