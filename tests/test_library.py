"""The library as a user works in it: the search box, Esc, counts in words, each
article's status and open suggestions, and another window's changes arriving."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_support import make_app, query, screen_lines

from newsmark.store.wording import counted
from newsmark.tui.widgets.article_list import ArticleList

SIZES = [(80, 24), (140, 45)]


def test_counts_read_as_english() -> None:
    assert [counted(n, "match") for n in (0, 1, 5)] == ["0 matches", "1 match", "5 matches"]
    assert [counted(n, "article") for n in (1, 12_000)] == ["1 article", "12,000 articles"]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_escape_clears_the_search_then_leaves_the_library_as_it_was(
    app_db_path: Path, size: tuple[int, int]
) -> None:
    async with make_app(app_db_path).run_test(size=size) as pilot:
        screen = pilot.app.screen
        box = screen.query_one("#filter")
        table = screen.query_one(ArticleList)
        await pilot.press("down", "down")
        chosen = table.selected_article_id
        await pilot.press(*"Sochi")
        await pilot.pause()
        assert table.row_count == 1 and box.border_subtitle == "1 match"
        await pilot.press("escape")
        await pilot.pause()
        assert box.value == "" and table.row_count == 5 and box.border_subtitle == "5 articles"
        assert table.selected_article_id == chosen  # back where the search began
        await pilot.press("escape")  # an empty search: Esc changes nothing
        await pilot.pause()
        assert pilot.app.screen is screen and table.selected_article_id == chosen


async def wait_until(pilot, condition, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("the condition never held")


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_another_window_s_changes_show_up_in_the_library(
    app_db_path: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    """A second connection (another newsmark window, a command) commits: the running app
    notices within about a second and the library shows it, the same article selected."""
    from newsmark.store import open_db
    from newsmark.store.annotations import add_annotation
    from newsmark.store.ingest import ingest_paths

    async with make_app(app_db_path).run_test(size=size) as pilot:
        table = pilot.app.screen.query_one(ArticleList)
        await pilot.press("down", "down")
        chosen = table.selected_article_id
        other = open_db(app_db_path)  # the other window
        try:
            add_annotation(other, chosen, 0, 5, "QUOTE")
            new_file = tmp_path / "000_first.txt"  # sorts first: every position moves
            new_file.write_text("A new article\n\nFrom another window.\n", encoding="utf-8")
            ingest_paths(other, [new_file])
        finally:
            other.close()
        await wait_until(pilot, lambda: table.row_count == 6)
        assert table.selected_article_id == chosen
        assert table.cells(table.cursor)[3] == "1"  # its annotation, counted


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_status_and_open_suggestions_shown_filtered_and_sorted(
    app_db_path: Path, size: tuple[int, int]
) -> None:
    from newsmark.store import open_db
    from newsmark.store.annotations import add_annotation
    from newsmark.store.articles import set_article_status
    from newsmark.tui.widgets.key_hints import KeyHints

    ids = [r[0] for r in query(app_db_path, "select id from article_list order by source, id")]
    db = open_db(app_db_path)
    set_article_status(db, ids[1], "done")
    add_annotation(db, ids[3], 0, 5, "QUOTE")  # starts it: in progress
    db.close()
    open_counts = dict(
        query(
            app_db_path,
            "select article_id, count(*) from suggestions where status = 'open' group by article_id",
        )
    )
    async with make_app(app_db_path).run_test(size=size) as pilot:
        screen = pilot.app.screen
        box, table = screen.query_one("#filter"), screen.query_one(ArticleList)
        assert box.border_title == "1/5 done · 1 annotation"
        assert [table.cells(i)[4] for i in range(5)] == ["new", "done", "new", "in progress", "new"]
        assert [table.cells(i)[5] for i in range(5)] == [str(open_counts.get(i, 0)) for i in ids]
        shown = "\n".join(screen_lines(pilot.app))
        assert "Status" in shown and "Open sugg." in shown and "in progress" in shown
        hints = str(screen.query_one(KeyHints).render())
        assert "ctrl+t Status" in hints and "ctrl+o Order" in hints

        statuses = []
        for _ in range(4):  # all -> new -> in progress -> done -> all
            await pilot.press("ctrl+t")
            await pilot.pause()
            statuses.append(({table.cells(i)[4] for i in range(table.row_count)}, box.border_subtitle))
        assert statuses == [
            ({"new"}, "3 articles · new only"),
            ({"in progress"}, "1 article · in progress only"),
            ({"done"}, "1 article · done only"),
            ({"new", "in progress", "done"}, "5 articles"),
        ]

        await pilot.press("down", "down")
        chosen = table.selected_article_id
        await pilot.press("ctrl+o")  # newest first: the seeds have no dates, so all in the list's order
        await pilot.pause()
        assert [table.row(i).id for i in range(5)] == ids
        assert box.border_subtitle == "5 articles · newest first"
        assert table.selected_article_id == chosen
        await pilot.press("ctrl+o")  # most open suggestions first
        await pilot.pause()
        counts = [int(table.cells(i)[5]) for i in range(5)]
        assert counts == sorted(counts, reverse=True) and box.border_subtitle.endswith(
            "most open suggestions first"
        )
        assert table.selected_article_id == chosen  # still the one chosen, wherever it now is
        await pilot.press("ctrl+o")  # by status
        await pilot.pause()
        assert [table.cells(i)[4] for i in range(5)] == ["in progress", "new", "new", "new", "done"]
        await pilot.press("ctrl+o")  # back to the list's order
        await pilot.pause()
        assert [table.row(i).id for i in range(5)] == ids and box.border_subtitle == "5 articles"


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_a_search_that_cannot_run_says_why_and_keeps_the_list(
    app_db_path: Path, size: tuple[int, int]
) -> None:
    """A half-typed phrase is no search yet: the border says why, in one line, and the list
    stays the last search's until the phrase is closed."""
    async with make_app(app_db_path).run_test(size=size) as pilot:
        screen = pilot.app.screen
        box = screen.query_one("#filter")
        table = screen.query_one(ArticleList)
        await pilot.press(*"Sochi")
        await pilot.pause()
        found = table.row_count
        assert found == 1
        await pilot.press(*' "annual summ')
        await pilot.pause()
        assert box.border_subtitle.startswith("Cannot search: a quote mark is not closed")
        assert table.row_count == found
        await pilot.press('"')
        await pilot.pause()
        assert box.border_subtitle == f"{table.row_count} match" + ("" if table.row_count == 1 else "es")


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_an_empty_list_says_why_and_which_key_shows_more(
    app_db_path: Path, size: tuple[int, int]
) -> None:
    """No article done yet, and a search that finds nothing: the list said nothing at all."""
    async with make_app(app_db_path).run_test(size=size) as pilot:
        table = pilot.app.screen.query_one(ArticleList)
        said = []
        for _ in range(3):  # all -> new -> in progress -> done: none is in progress or done
            await pilot.press("ctrl+t")
            await pilot.pause()
            said.append([line.strip() for line in screen_lines(pilot.app) if line.strip().startswith("No ")])
        assert table.row_count == 0
        assert said == [
            [],
            ["No articles are in progress — ctrl+t shows the done ones"],
            ["No articles are done yet — ctrl+t shows all"],
        ]
        await pilot.press(*"zebras")
        await pilot.pause()
        assert table.row_count == 0
        shown = [line.strip() for line in screen_lines(pilot.app)]
        assert "No article matches “zebras” — esc clears the search" in shown
        await pilot.press("escape")  # back to the done ones: still none
        await pilot.pause()
        assert "No articles are done yet — ctrl+t shows all" in [
            line.strip() for line in screen_lines(pilot.app)
        ]


@pytest.mark.parametrize("size", [(80, 24), (140, 45)])
async def test_a_click_moves_the_cursor_and_a_second_click_opens_the_article(app_db_path: Path, size) -> None:
    from newsmark.tui.screens.reader import ReaderScreen

    async with make_app(app_db_path).run_test(size=size) as pilot:
        table = pilot.app.screen.query_one(ArticleList)
        await pilot.click(ArticleList, offset=(4, 0))  # the header: nothing happens
        assert table.cursor == 0
        await pilot.click(ArticleList, offset=(4, 3))  # the third row
        assert table.cursor == 2
        chosen = table.row(2).id
        await pilot.click(ArticleList, offset=(4, 3))
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReaderScreen) and pilot.app.screen.article_id == chosen
