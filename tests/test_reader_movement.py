"""Every movement and selection key of the default keymap moves the reader's cursor, and the
view follows it: on an article taller than the terminal, at 80x24 and 140x45."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_support import make_app, open_reader
from reader_support import LONG_ARTICLE, SIZES, TITLE, copy_of

from newsmark.tui.screens.reader import ReaderScreen
from newsmark.tui.widgets.article_view import ArticleView, is_word_char


def line(view: ArticleView) -> int:
    return view.line_of(view.cursor)


def column(view: ArticleView) -> int:
    return view.cursor - view._line_starts[line(view)]


def assert_visible(view: ArticleView) -> None:
    top = round(view.scroll_offset.y)
    height = view.scrollable_content_region.height
    assert top <= line(view) < top + height, (line(view), top, height)


async def opened(pilot) -> tuple[ReaderScreen, ArticleView]:
    reader = await open_reader(pilot, TITLE)
    view = reader.view
    assert view.has_focus
    assert view.line_count > view.scrollable_content_region.height + 10  # taller than the screen
    return reader, view


@pytest.mark.parametrize("size", SIZES)
async def test_up_down_and_pages_move_the_cursor_and_the_view_follows(long_db: Path, size) -> None:
    async with make_app(long_db).run_test(size=size) as pilot:
        _, view = await opened(pilot)
        height = view.scrollable_content_region.height
        # Down a line at a time, past the bottom of the screen: the cursor never leaves it.
        for expected in range(1, height + 5):
            await pilot.press("down")
            assert line(view) == expected
            assert_visible(view)
        assert round(view.scroll_offset.y) == 5
        # Up from the end, past the top of the screen.
        await pilot.press("G")
        last = view.line_count - 1
        for expected in range(last - 1, last - height - 5, -1):
            await pilot.press("up")
            assert line(view) == expected
            assert_visible(view)
        await pilot.press("ctrl+home")
        # A page is the screen's height less one line of context.
        await pilot.press("pagedown")
        assert line(view) == height - 1
        assert_visible(view)
        await pilot.press("pagedown")
        assert line(view) == min(2 * (height - 1), view.line_count - 1)
        assert_visible(view)
        await pilot.press("pageup")
        assert line(view) == max(0, min(2 * (height - 1), view.line_count - 1) - (height - 1))
        assert_visible(view)
        # The end and the start of the (wrapped) line.
        await pilot.press("end")
        here = line(view)
        assert here == height - 1 and view.cursor == view._line_range(here)[1] - 1
        await pilot.press("home")
        assert line(view) == here and column(view) == 0
        # The ends of the article, by both keys.
        for bottom, top in (("ctrl+end", "ctrl+home"), ("G", "g")):
            await pilot.press(bottom)
            assert view.cursor == len(view.text)
            assert_visible(view)
            await pilot.press(top)
            assert view.cursor == 0 and round(view.scroll_offset.y) == 0


@pytest.mark.parametrize("size", SIZES)
async def test_characters_words_sentences_and_paragraphs(long_db: Path, size) -> None:
    async with make_app(long_db).run_test(size=size) as pilot:
        _, view = await opened(pilot)
        text = view.text
        await pilot.press("right", "right", "left")
        assert view.cursor == 1
        for key in ("w", "ctrl+right"):
            before = view.cursor
            await pilot.press(key)
            assert view.cursor > before and is_word_char(text[view.cursor]) and text[view.cursor - 1] == " "
        for key in ("b", "ctrl+left"):
            before = view.cursor
            await pilot.press(key)
            assert view.cursor < before and is_word_char(text[view.cursor])
        await pilot.press("alt+e")  # onto the last letter of the word
        assert is_word_char(text[view.cursor]) and not is_word_char(text[view.cursor + 1])
        starts = [s for s, _ in view.sentences]
        # Sentence by sentence to the end, then paragraph by paragraph back: always on screen.
        for key in ("right_parenthesis", "ctrl+down") * 12:
            before = view.cursor
            await pilot.press(key)
            assert view.cursor > before and view.cursor in starts
            assert_visible(view)
        for key in ("left_parenthesis", "ctrl+up"):
            before = view.cursor
            await pilot.press(key)
            assert view.cursor < before and view.cursor in starts
            assert_visible(view)
        # Paragraph by paragraph, up from the end and down from the start.
        paragraph_starts = [0] + [i + 2 for i in range(len(text)) if text.startswith("\n\n", i)]
        await pilot.press("G")
        for expected in reversed(paragraph_starts[-8:]):
            await pilot.press("left_curly_bracket")
            assert view.cursor == expected
            assert_visible(view)
        await pilot.press("g")
        for expected in paragraph_starts[1:9]:
            await pilot.press("right_curly_bracket")
            assert view.cursor == expected
            assert_visible(view)


@pytest.mark.parametrize("size", SIZES)
async def test_selection_keys_extend_from_the_cursor_and_stay_on_screen(long_db: Path, size) -> None:
    async with make_app(long_db).run_test(size=size) as pilot:
        reader, view = await opened(pilot)
        height = view.scrollable_content_region.height
        for _ in range(height + 3):  # below the first screen
            await pilot.press("down")
        start = view.cursor
        await pilot.press("shift+down", "shift+down")
        assert view.selection == (start, view.cursor) and line(view) == view.line_of(start) + 2
        assert_visible(view)
        await pilot.press("shift+up")
        assert view.selection == (start, view.cursor) and line(view) == view.line_of(start) + 1
        await pilot.press("shift+right")
        end = view.cursor
        await pilot.press("shift+left", "shift+left")
        assert view.cursor == end - 2
        assert view.selection == (None if end - 2 == start else (min(start, end - 2), max(start, end - 2)))
        for key in ("ctrl+shift+right", "W"):
            before = view.cursor
            await pilot.press(key)
            assert view.cursor > before and view.selection == (start, view.cursor)
        for key in ("ctrl+shift+left", "B"):
            before = view.cursor
            await pilot.press(key)
            assert view.cursor < before and view.selection is not None
        await pilot.press("ctrl+l")
        assert view.selection is None and view.cursor >= start
        # s selects the sentence the user sees (the cursor's), S extends it by the next one.
        await pilot.press("s")
        sentence = view.selection
        assert sentence is not None and sentence[0] <= start + 200 and sentence[1] == view.cursor
        assert_visible(view)
        await pilot.press("S")
        assert view.selection is not None and view.selection[0] == sentence[0] and view.cursor > sentence[1]
        assert_visible(view)
        # Mark mode: plain movements (a page too) extend the selection; the view follows.
        await pilot.press("ctrl+l", "v", "pagedown")
        marked = view.selection
        assert marked is not None and view.line_of(marked[1]) - view.line_of(marked[0]) == height - 1
        assert_visible(view)
        await pilot.press("1")
        assert reader.annotations and reader.annotations[0].end <= marked[1]
        assert view.selection is None


@pytest.mark.parametrize("size", SIZES)
async def test_select_after_moving_selects_what_is_on_screen(long_db: Path, size) -> None:
    """The reported defect: moving down, then s, selected the off-screen title."""
    async with make_app(long_db).run_test(size=size) as pilot:
        reader, view = await opened(pilot)
        for _ in range(view.scrollable_content_region.height + 5):
            await pilot.press("down")
        await pilot.press("s")
        start, end = view.selection
        assert start > len(reader.article.title)
        top = round(view.scroll_offset.y)
        assert top <= view.line_of(end) < top + view.scrollable_content_region.height
        status = str(reader.status.content)
        assert f"line {line(view) + 1}/{view.line_count}" in status


@pytest.fixture(scope="module")
def two_long_articles_file(tmp_path_factory, nlp) -> Path:
    """The long article (first in the library: its file sorts first) and a longer one after it."""
    from newsmark.nlp.batch import analyze_articles
    from newsmark.store import open_db
    from newsmark.store.articles import unanalyzed_article_ids
    from newsmark.store.ingest import ingest_paths

    folder = tmp_path_factory.mktemp("two-long")
    body = LONG_ARTICLE.split("\n\n", 1)[1]
    (folder / "1_pier.txt").write_text(LONG_ARTICLE, encoding="utf-8")
    (folder / "2_cost.txt").write_text(f"Harbour town counts the cost of the pier\n\n{body}\n{body}", "utf-8")
    path = folder / "two.db"
    db = open_db(path)
    assert len(ingest_paths(db, [folder]).added) == 2
    assert analyze_articles(db, nlp, unanalyzed_article_ids(db)) == 2
    db.conn.close()
    return path


@pytest.mark.parametrize("size", [(160, 50), *SIZES])
async def test_an_article_opens_at_its_start_whatever_the_last_one_scrolled_to(
    two_long_articles_file: Path, tmp_path: Path, size
) -> None:
    """The reported defect: the end of a long article, Esc, the library's first article:
    it opened in its middle, with the cursor on its first line, off screen."""
    async with make_app(copy_of(two_long_articles_file, tmp_path)).run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        reader = pilot.app.screen
        assert isinstance(reader, ReaderScreen) and reader.article.title.startswith("Harbour town")
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert round(reader.view.scroll_offset.y) > 0
        await pilot.press("escape", "ctrl+home", "enter")
        await pilot.pause()
        assert pilot.app.screen is reader and reader.article.title.startswith(TITLE)
        view = reader.view
        assert view.cursor == 0 and view.line_count > view.scrollable_content_region.height
        assert_visible(view)
        assert round(view.scroll_offset.y) == 0
