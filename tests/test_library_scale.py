"""The library at scale: 20,000 articles open, scroll to the end, and search.

Behaviour only (no timing asserts): the virtual list must show the right rows
wherever it is scrolled, keep only a bounded number of pages in memory, and
search must find exactly the articles that hold a word.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from pilot_support import searches_counted

from newsmark.store import open_db
from newsmark.store.articles import article_id_for, list_page_at
from newsmark.store.timestamps import now_iso
from newsmark.tui.app import NewsmarkApp
from newsmark.tui.keymap import load_keymap
from newsmark.tui.library_rows import CACHED_PAGES, PAGE_SIZE
from newsmark.tui.screens.reader import ReaderScreen
from newsmark.tui.widgets.article_list import ArticleList

N = 20_000
MARKED = (7, 4242, 19_999)  # the only articles holding the word "zanzibarite"
WORDS = ["minister", "said", "the", "talks", "on", "trade", "and", "energy", "would", "continue", "in"]
SIZE = (100, 30)


def article(i: int, rng: random.Random) -> tuple:
    body = " ".join(rng.choice(WORDS) for _ in range(40))
    if i in MARKED:
        body += " A zanzibarite delegation attended."
    text = f"Report number {i}\n\n{body}\n"
    return (article_id_for(text), f"/corpus/{i:05d}.txt", f"Report number {i}", text, 41, now_iso())


@pytest.fixture(scope="module")
def big_db_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "big.db"
    db = open_db(path)
    rng = random.Random(5)
    with db.atomic():  # through the same triggers as ingest: FTS and article_list
        db.conn.executemany(
            "insert into articles (id, source, title, text, word_count, ingested_at)"
            " values (?, ?, ?, ?, ?, ?)",
            [article(i, rng) for i in range(N)],
        )
    db.conn.close()
    return path


@pytest.fixture
def big_db(big_db_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "big.db"
    shutil.copyfile(big_db_file, path)
    return path


def test_keyset_pages_agree_with_offsets(big_db: Path) -> None:
    from newsmark.store.articles import list_key, list_page_after, list_page_before, list_position

    db = open_db(big_db)
    middle = list_page_at(db, 10_000, 50)
    assert list_page_after(db, list_key(middle[-1]), 50) == list_page_at(db, 10_050, 50)
    assert list_page_before(db, list_key(middle[0]), 50) == list_page_at(db, 9_950, 50)
    assert list_position(db, middle[7].id) == 10_007
    assert middle[0].title == "Report number 10000"
    db.conn.close()


async def test_list_opens_scrolls_to_the_end_and_searches(big_db: Path) -> None:
    app = NewsmarkApp(big_db, keymap=load_keymap(), seed_if_empty=False)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one("#articles", ArticleList)
        assert table.row_count == N
        assert table.cells(0)[0] == "Report number 0"
        for _ in range(3):
            await pilot.press("down")
        assert table.selected_article_id == table.row(3).id

        table.cursor = N - 1  # the end, as a scrollbar drag or End would jump there
        await pilot.pause()
        assert table.cells(N - 1)[0] == "Report number 19999"
        last_line = table.render_line(table.scrollable_content_region.height - 1).text
        assert "Report number 19999" in last_line
        for _ in range(3):
            await pilot.press("up")
        assert table.selected_article_id == table.row(N - 4).id
        # Scrolling back through many pages keeps only a bounded number in memory.
        step = table.scrollable_content_region.height - 2
        for _ in range(200):
            table.page(-1)
            table.cells(table.cursor)  # read as a repaint would, page after page
        await pilot.pause()
        assert table.cursor == N - 4 - 200 * step
        assert table.cells(table.cursor)[0] == f"Report number {N - 4 - 200 * step}"
        assert 200 * step > CACHED_PAGES * PAGE_SIZE and len(table.source._cache.pages) <= CACHED_PAGES

        await pilot.press(*"zanzibarite")
        await pilot.pause()
        assert sorted(table.cells(i)[0] for i in range(table.row_count)) == sorted(
            f"Report number {i}" for i in MARKED
        )
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert "zanzibarite" in app.screen.article.text


async def test_a_word_in_every_article_lists_them_all(big_db: Path) -> None:
    app = NewsmarkApp(big_db, keymap=load_keymap(), seed_if_empty=False)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one("#articles", ArticleList)
        await pilot.press(*"report")
        await pilot.pause()
        await searches_counted(pilot)  # counted in a worker, on its own connection
        assert table.row_count == N  # more than RANKED_MAX: in the order added, paged by rowid
        assert app.screen.query_one("#filter").border_subtitle == f"{N:,} matches"
        titles = [table.cells(i)[0] for i in (0, 1, PAGE_SIZE, PAGE_SIZE + 1, N - 1)]
        assert titles == [f"Report number {i}" for i in (0, 1, PAGE_SIZE, PAGE_SIZE + 1, N - 1)]


async def test_a_long_search_read_again_keeps_its_row_and_its_end_is_reachable(big_db: Path) -> None:
    """A search over 5,000 matches is counted in a worker. Read again meanwhile (an analysis
    tick, a return from the reader) it keeps its length and the selected row; ctrl+end
    lands on the last match whether the count has come or not (then it counts at once)."""
    app = NewsmarkApp(big_db, keymap=load_keymap(), seed_if_empty=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        table = screen.query_one("#articles", ArticleList)
        await pilot.press(*"report", "ctrl+end")
        assert table.row_count == N and table.cursor == N - 1
        await searches_counted(pilot)
        table.cursor = 15_000
        chosen = table.selected_article_id
        assert chosen == table.row(15_000).id
        for _ in range(2):  # twice before any count lands: the length so far stands
            screen.reload()
            assert (table.row_count, table.cursor, table.selected_article_id) == (N, 15_000, chosen)
        await searches_counted(pilot)
        assert (table.row_count, table.cursor, table.selected_article_id) == (N, 15_000, chosen)
        assert screen.query_one("#filter").border_subtitle == f"{N:,} matches"


def test_a_status_and_order_view_pages_the_same_rows_as_one_query(big_db: Path) -> None:
    """One status, sorted by open suggestions: the pages read by keyset down and up, and
    jumps into the middle, give the rows a single ordered query gives; positions agree."""
    import sqlite3

    from newsmark.tui.library_rows import LibraryView, ViewRows

    conn = sqlite3.connect(big_db)
    with conn:
        conn.execute("update articles set status = 'done' where rowid % 7 = 0")
        # The library's copy of the open-suggestion count (kept by triggers from suggestions).
        conn.execute("update article_list set open_suggestions = abs(random()) % 5")
    expected = [
        r[0]
        for r in conn.execute(
            "select id from article_list where status = 'done' order by open_suggestions desc, source, id"
        )
    ]
    assert len(expected) > 20 * PAGE_SIZE  # many pages
    down = ViewRows(conn, LibraryView("done", "open"))
    assert len(down) == len(expected)
    assert [down.row(i).id for i in range(len(down))] == expected  # page after page, by keyset
    up = ViewRows(conn, LibraryView("done", "open"))
    assert [up.row(i).id for i in reversed(range(len(up)))] == expected[::-1]  # from the end up
    middle = ViewRows(conn, LibraryView("done", "open"))
    assert middle.row(PAGE_SIZE * 5 + 3).id == expected[PAGE_SIZE * 5 + 3]  # a jump
    for i in (0, PAGE_SIZE + 1, len(expected) - 1):
        assert down.position(expected[i]) == i
    not_done = conn.execute("select id from article_list where status = 'new' limit 1").fetchone()[0]
    assert down.position(not_done) is None
    conn.close()


async def test_the_library_filters_by_status_at_scale(big_db: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(big_db)
    with conn:
        conn.execute("update articles set status = 'done' where rowid % 7 = 0")
    done = conn.execute("select count(*) from article_list where status = 'done'").fetchone()[0]
    last = conn.execute("select title from article_list where status = 'done' order by source desc limit 1")
    last_title = last.fetchone()[0]
    conn.close()
    app = NewsmarkApp(big_db, keymap=load_keymap(), seed_if_empty=False)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one("#articles", ArticleList)
        await pilot.press("ctrl+t", "ctrl+t", "ctrl+t")  # all -> new -> in progress -> done
        await pilot.pause()
        assert (
            table.row_count == done
            and app.screen.query_one("#filter").border_title == f"{done:,}/{N:,} done · 0 annotations"
        )
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert table.cells(table.cursor)[0] == last_title
        for _ in range(3):
            await pilot.press("pageup")
        assert table.cells(table.cursor)[4] == "done"


def date_the_articles(conn) -> None:
    """Dates over about three years, many on the same day, some with a time; one in ten undated."""
    day = "date('2021-01-01', '+' || (rowid * 7919 % 1000) || ' days')"
    with conn:
        conn.execute(
            f"update articles set date = case when rowid % 10 = 0 then null"
            f" when rowid % 3 = 0 then {day} || 'T10:00:00' else {day} end,"
            " outlet = 'Outlet ' || (rowid % 17)"
        )


def newest_first(conn, where: str = "1") -> list[str]:
    """The ids newest first, undated last, as two plain ordered queries give them."""
    dated = f"select id from article_list where {where} and date is not null order by date desc, source desc, id desc"
    undated = f"select id from article_list where {where} and date is null order by source, id"
    return [r[0] for r in conn.execute(dated)] + [r[0] for r in conn.execute(undated)]


@pytest.mark.parametrize("status", [None, "done"])
def test_newest_first_pages_the_same_rows_as_plain_queries(big_db: Path, status: str | None) -> None:
    """Newest first (the index on date, source, id, then the undated): pages read by keyset
    down and up, across the dated and undated, and jumps, give the rows plain ordered
    queries give; positions agree."""
    import sqlite3

    from newsmark.tui.library_rows import LibraryView, ViewRows

    conn = sqlite3.connect(big_db)
    date_the_articles(conn)
    with conn:
        conn.execute("update articles set status = 'done' where rowid % 7 = 0")
    expected = newest_first(conn, "status = 'done'" if status else "1")
    undated = conn.execute("select count(*) from article_list where date is null").fetchone()[0]
    assert undated > PAGE_SIZE and len(expected) > 20 * PAGE_SIZE
    view = LibraryView(status, "newest")
    down = ViewRows(conn, view)
    assert len(down) == len(expected)
    assert [down.row(i).id for i in range(len(down))] == expected
    up = ViewRows(conn, view)
    assert [up.row(i).id for i in reversed(range(len(up)))] == expected[::-1]
    dates = [down.row(i).date for i in range(len(down))]
    first_undated = dates.index(None)
    assert all(d is None for d in dates[first_undated:])
    assert dates[:first_undated] == sorted(dates[:first_undated], reverse=True)
    # Jumps: the middle, the page where the undated start, near the end.
    for i in (len(expected) // 2, first_undated - 1, first_undated, len(expected) - 3):
        assert ViewRows(conn, view).row(i).id == expected[i]
    for i in (0, PAGE_SIZE + 1, first_undated - 1, first_undated, len(expected) - 1):
        assert down.position(expected[i]) == i
    conn.close()


async def test_the_library_newest_first_at_scale(big_db: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(big_db)
    date_the_articles(conn)
    expected = newest_first(conn)
    titles = dict(conn.execute("select id, title from article_list"))
    conn.close()
    app = NewsmarkApp(big_db, keymap=load_keymap(), seed_if_empty=False)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one("#articles", ArticleList)
        await pilot.press("ctrl+o")  # newest first
        await pilot.pause()
        assert table.cells(0)[0] == titles[expected[0]] and table.cells(0)[6] == "2023-09-27"
        table.cursor = N // 2  # a jump to the middle
        await pilot.pause()
        assert table.selected_article_id == expected[N // 2]
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert table.selected_article_id == expected[-1] and table.cells(N - 1)[6] == ""
        for _ in range(3):
            await pilot.press("pageup")
        assert table.selected_article_id == expected[table.cursor]
