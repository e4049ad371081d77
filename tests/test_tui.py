"""Pilot tests: real key presses against the real app on a real SQLite file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pilot_support import make_app, open_reader
from pilot_support import query as rows

from newsmark.store import open_db
from newsmark.store.ingest import ingest_paths
from newsmark.tui.app import NewsmarkApp
from newsmark.tui.keymap import load_keymap
from newsmark.tui.screens.library import LibraryScreen
from newsmark.tui.screens.reader import ReaderScreen
from newsmark.tui.widgets.article_list import ArticleList

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SIZE = (120, 40)


@pytest.fixture
def db_path(app_db_path: Path) -> Path:
    """The analysed seeds (made once per session in conftest), a private copy per test."""
    return app_db_path


async def open_article(pilot, title_filter: str) -> ReaderScreen:
    return await open_reader(pilot, title_filter)


async def test_library_lists_and_filters(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        table = screen.query_one("#articles", ArticleList)
        assert table.row_count == 5
        search_box = screen.query_one("#filter")
        assert search_box.border_subtitle == "5 articles"  # how many, where the eye is
        first = table.cells(0)
        assert first[0].startswith("India, Russia Gear Up for Putin’s Visit")
        assert first[1] == "733" and int(first[2]) > 0 and first[3] == "0"
        await pilot.press(*"Putin invites")
        await pilot.pause()
        # Full-text search: two articles say both words; the one whose title does comes first.
        assert table.row_count == 2 and search_box.border_subtitle == "2 matches"
        assert table.cells(0)[0] == "Putin invites PM Modi to visit Russia in meeting with Jaishankar"
        await pilot.press(*" Sochi")  # a word only the first one has
        await pilot.pause()
        assert table.row_count == 1
        await pilot.press(*" nowhereword")
        await pilot.pause()
        assert table.row_count == 0 and screen.selected_article_id() is None


async def test_a_new_search_starts_at_its_best_match_and_clearing_it_returns(db_path: Path) -> None:
    async with make_app(db_path).run_test(size=SIZE) as pilot:
        table = pilot.app.screen.query_one("#articles", ArticleList)
        for _ in range(3):
            await pilot.press("down")
        chosen = table.selected_article_id
        assert table.cursor == 3
        await pilot.press(*"Putin invites")
        await pilot.pause()
        assert table.cursor == 0  # the best match, not wherever the old selection ranks
        assert table.cells(0)[0] == "Putin invites PM Modi to visit Russia in meeting with Jaishankar"
        await pilot.press("down")
        assert table.cursor == 1
        pilot.app.screen.reload()  # counts change (an analysis finished): the selection stays
        await pilot.pause()
        assert table.cursor == 1
        for _ in range(len("Putin invites")):
            await pilot.press("backspace")
        await pilot.pause()
        assert table.row_count == 5 and table.selected_article_id == chosen


async def test_library_keys_move_by_page_and_to_the_ends(db_path: Path) -> None:
    async with make_app(db_path).run_test(size=SIZE) as pilot:
        table = pilot.app.screen.query_one("#articles", ArticleList)
        await pilot.press("ctrl+end")
        assert table.cursor == 4
        await pilot.press("ctrl+home")
        assert table.cursor == 0
        await pilot.press("pagedown")
        assert table.cursor == 4  # five rows fit on one page
        await pilot.press("up", "enter")
        assert pilot.app.screen.article_id == table.row(3).id


async def test_select_sentence_and_tag_commits_to_sqlite(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_article(pilot, "Putin invites")
        view = reader.view
        text = reader.article.text
        await pilot.press("right_parenthesis")  # the line after the headline
        await pilot.press("s")
        start, end = view.selection
        sentence = text[start:end]
        assert (
            sentence
            == "Image Source : PTI Prime Minister Narendra Modi with Russian President Vladimir Putin"
        )
        await pilot.press("1")
        await pilot.pause()
        saved = rows(db_path, 'select label, start, "end", text, deleted from annotations')
        assert saved == [("QUOTE", start, end, sentence, 0)]
        assert len(reader.annotations) == 1
        assert view.selection is None

        await pilot.press("d")  # delete the annotation under the cursor
        assert rows(db_path, "select deleted from annotations") == [(1,)]
        await pilot.press("u")
        assert rows(db_path, "select deleted from annotations") == [(0,)]
        await pilot.press("ctrl+r")
        assert rows(db_path, "select deleted from annotations") == [(1,)]
        await pilot.press("u")
        assert reader.annotations and reader.annotations[0].text == sentence


async def test_extend_by_word_and_label_two(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_article(pilot, "Putin invites")
        await pilot.press("right_parenthesis", "right_parenthesis")
        await pilot.press("W", "W", "W")  # extend three words
        assert reader.view.selection is not None
        await pilot.press("2")
        saved = rows(db_path, "select label, text from annotations")
        assert saved == [("SOURCE", "In a meeting")]


async def test_extend_sentence_spans_two_sentences(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_article(pilot, "Putin invites")
        await pilot.press("right_parenthesis", "S", "S")
        start, end = reader.view.selection
        sentences = [s for s in reader.view.sentences if start <= s[0] < end]
        assert len(sentences) == 2 and sentences[-1][1] == end


async def test_no_selection_is_not_tagged(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_article(pilot, "Putin invites")
        await pilot.press("3")
        assert rows(db_path, "select count(*) from annotations") == [(0,)]


async def test_panel_jump_and_back(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_article(pilot, "Putin invites")
        await pilot.press("right_parenthesis", "right_parenthesis", "s", "3")
        tagged_start = reader.annotations[0].start
        await pilot.press("g")  # back to the top
        assert reader.view.cursor == 0
        await pilot.press("tab", "enter")  # the panel: choose the annotation
        assert reader.view.cursor == tagged_start
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
        table = app.screen.query_one("#articles", ArticleList)
        assert table.cells(0)[3] == "1"  # the library counts the new annotation


async def test_entity_highlights_toggle(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_article(pilot, "Putin invites")
        view = reader.view
        assert any(i >= 0 for i in view._entity_at)
        await pilot.press("e")
        assert all(i < 0 for i in view._entity_at)
        await pilot.press("e")
        assert any(i >= 0 for i in view._entity_at)


async def test_help_lists_active_keymap(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        from newsmark.tui.screens.dialogs import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        assert app.screen.keymap["reader.select_sentence"] == "s"
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_empty_database_is_seeded_and_analysed(tmp_path: Path) -> None:
    app = NewsmarkApp(tmp_path / "fresh.db", keymap=load_keymap())
    async with app.run_test(size=SIZE) as pilot:
        # Ingest, then the analysis it starts, then the repaint: wait until all are done
        # (a loaded machine may still be starting a worker when the first wait returns).
        for _ in range(50):
            await app.workers.wait_for_complete()
            await pilot.pause()
            done = rows(tmp_path / "fresh.db", "select count(*) from articles where analysis_model not null")
            if done == [(5,)] and not any(w.is_running for w in app.workers):
                break
        await pilot.pause()
        table = app.screen.query_one("#articles", ArticleList)
        assert table.row_count == 5
        analysed = rows(
            tmp_path / "fresh.db", "select count(*) from articles where analysis_model is not null"
        )
        assert analysed == [(5,)]
        assert all(table.cells(i)[2] != "…" for i in range(5))


async def test_unanalysed_article_opens_then_highlights(tmp_path: Path) -> None:
    db = open_db(tmp_path / "plain.db")
    ingest_paths(db, [SEEDS / "003_ac18db9d2749b516.txt"])
    db.close()
    app = make_app(tmp_path / "plain.db")
    # The pipeline is held back until the reader has shown the article: the reader rereads
    # the article when its analysis lands, and a fast analysis must not hide a slow reader.
    shown = threading.Event()
    load_pipeline = app.pipeline

    def pipeline_after_the_reader():
        assert shown.wait(30)
        return load_pipeline()

    app.pipeline = pipeline_after_the_reader
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_article(pilot, "Jaishankar")
        assert reader.article.analysis_model is None  # opened as plain text, not waiting for spaCy
        assert reader.view.text == reader.article.text and not reader.analyzed
        shown.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert reader.analyzed
        assert any(i >= 0 for i in reader.view._entity_at)


async def test_library_key_hints_show_its_keys(db_path: Path) -> None:
    from newsmark.tui.widgets.key_hints import KeyHints

    async with make_app(db_path).run_test(size=SIZE) as pilot:
        await pilot.pause()
        widget = pilot.app.screen.query_one(KeyHints)
        hints = str(widget.render())
        assert "⏎ Open " in hints and "esc Clear the search" in hints
        assert "/" not in hints  # it types into the search box: not a library key
        assert "ctrl+q Quit" in hints and "f1 Keys" in hints and "ctrl+p Palette" in hints
        assert "f5 Sources" in hints  # where a user starts is where they find the sources
        key_style = widget.render().spans[0].style
        pilot.app.theme = "nord" if pilot.app.theme != "nord" else "textual-dark"
        await pilot.pause()
        assert widget.render().spans[0].style != key_style  # drawn in the new theme's colours


async def test_narrow_terminal_still_wraps_the_text(db_path: Path) -> None:
    async with make_app(db_path).run_test(size=(50, 20)) as pilot:
        await pilot.press(*"Putin invites", "enter")
        await pilot.pause()
        view = pilot.app.screen.view
        width = view.scrollable_content_region.width
        assert 10 <= width < 50
        for y in range(view.size.height):
            assert view.render_line(y).cell_length <= width
        assert view.line_count > view.text.count("\n") + 1  # long paragraphs were wrapped


@pytest.mark.parametrize("width", [200, 60])
async def test_reader_key_hints_follow_the_keymap_and_keep_the_app_keys(db_path: Path, width: int) -> None:
    """Keys as the active keymap binds them (vim's sequences too); on a narrow terminal the
    reader's last keys give way, never help and the palette, where every action is."""
    from newsmark.tui.widgets.key_hints import KeyHints

    async with make_app(db_path, "vim").run_test(size=(width, 40)) as pilot:
        reader = await open_article(pilot, "Putin invites")
        hints = str(reader.query_one(KeyHints).render())
        assert hints.startswith(" q Back  s Select sentence ")
        assert hints.endswith("f1 Keys  : Palette ")
        assert ("d d Delete annotation" in hints) == (width == 200)
        assert ("] q Next suggestion" in hints) == (width == 200)
        assert len(hints) <= width


@pytest.mark.parametrize("size", [(80, 24), (140, 45)])
async def test_reader_key_hints_keep_the_tagging_keys(db_path: Path, size: tuple[int, int]) -> None:
    """At 80 columns the hints still say how to go back, select and tag, not only the app's keys."""
    from newsmark.tui.widgets.key_hints import KeyHints

    async with make_app(db_path).run_test(size=size) as pilot:
        reader = await open_article(pilot, "Putin invites")
        hints = str(reader.query_one(KeyHints).render())
        for hint in ("esc Back", "s Select sentence", "1-9 Tag", "ctrl+q Quit", "f1 Keys", "ctrl+p Palette"):
            assert hint in hints
        assert len(hints) <= size[0]
