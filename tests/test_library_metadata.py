"""Dates and outlets in the app, from a news dump ingested as a user would: the library's
Date and Outlet columns (the outlet gives way at 80 columns, no row wraps), newest first
with the undated last, search results with the same columns, and the sources screen's
attributions with their article's date and outlet. Outlet names from files (`[b]Daily[/b]`)
are shown as typed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pilot_support import make_app, screen_lines

from newsmark.store import open_db
from newsmark.tui.screens.sources import SourcesScreen
from newsmark.tui.widgets.article_list import ArticleList

SIZES = [(80, 24), (140, 45)]
LAVROV = "Lavrov and Jaishankar hold talks in Moscow"
# In the dump's order, which is the library's order (each article's source is dump.jsonl:line).
RECORDS = [
    {
        "title": LAVROV,
        "text": "Russian Foreign Minister Sergey Lavrov met his Indian counterpart S. Jaishankar in Moscow"
        " on Tuesday.\n\n“We will deepen our partnership in every field,” Lavrov said after the meeting.",
        "published_at": "2024-03-05T10:30:00+00:00",
        "outlet": "[b]Daily[/b] Courier",
        "author": "Anna Petrova",
    },
    {
        "headline": "Modi arrives in Moscow for the summit",
        "body": "Prime Minister Narendra Modi arrived in Moscow on Monday for a two-day visit.",
        "date": "2024-07-08",
        "publisher": "The Hindu Business Line and Sunday Magazine",
    },
    {
        "title": "Putin welcomes Modi at his residence",
        "text": "President Vladimir Putin welcomed Modi at his residence outside Moscow.",
        "date": "2024-07-08",
        "outlet": "TASS",
    },
    {
        "title": "Undated wire report on trade",
        "text": "Trade between India and Russia grew last year.",
        "outlet": "Reuters",
    },
    {"title": "Another undated note", "text": "A short note with no date and no outlet."},
    {
        "title": "Talks in 2019 on energy",
        "text": "The ministers discussed energy in 2019.",
        "date": "2019-11-30",
        "outlet": "BBC",
    },
]
DAYS = ["2024-03-05", "2024-07-08", "2024-07-08", "", "", "2019-11-30"]
OUTLETS = [
    "[b]Daily[/b] Courier",
    "The Hindu Business Line and Sunday Magazine",
    "TASS",
    "Reuters",
    "",
    "BBC",
]
# Newest first: by date (the same day: the later in the list first, as the index runs
# backwards), then the undated in the list's order.
NEWEST = [2, 1, 0, 5, 3, 4]


@pytest.fixture(scope="module")
def dump_db_file(tmp_path_factory, nlp) -> Path:
    """The dump ingested (as `newsmark ingest` does) and analysed with the real pipeline."""
    from newsmark.nlp.batch import analyze_articles
    from newsmark.store.ingest import ingest_paths

    folder = tmp_path_factory.mktemp("dump")
    dump = folder / "dump.jsonl"
    dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    db = open_db(folder / "news.db")
    result = ingest_paths(db, [dump])
    assert (len(result.added), result.errors) == (len(RECORDS), [])
    assert analyze_articles(db, nlp, result.added) == len(RECORDS)
    db.conn.close()
    return folder / "news.db"


@pytest.fixture
def dump_db(dump_db_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "news.db"
    shutil.copyfile(dump_db_file, path)
    return path


def list_lines(app) -> list[str]:
    """The library list's lines on screen, from its header to the last row."""
    lines = screen_lines(app)
    header = next(i for i, line in enumerate(lines) if line.startswith(" Title "))
    rows = []
    for line in lines[header + 1 :]:
        if not line.strip():
            break
        rows.append(line)
    return [lines[header], *rows]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_the_library_shows_each_article_s_date_and_outlet_on_one_line(dump_db: Path, size) -> None:
    width = size[0]
    async with make_app(dump_db).run_test(size=size) as pilot:
        table = pilot.app.screen.query_one(ArticleList)
        assert table.row_count == len(RECORDS)
        assert [table.cells(i)[6] for i in range(len(RECORDS))] == DAYS
        assert [table.cells(i)[7] for i in range(len(RECORDS))] == OUTLETS
        header, *rows = list_lines(pilot.app)
        assert "Date" in header and "Outlet" in header  # at 80 columns too: the counts gave way
        # One line per article, none wrapped: each holds its title's start and its date.
        assert len(rows) == len(RECORDS)
        titles = [r.get("title") or r["headline"] for r in RECORDS]
        for line, title, day in zip(rows, titles, DAYS, strict=True):
            assert line.startswith(" " + title[:20]) and day in line and len(line) == width
        # Markup in a name from a file is text: the brackets are on screen.
        assert "[b]Daily[" in rows[0] and "TASS" in rows[2]
        assert ("Annotations" in header) == (width > 80)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_newest_first_puts_the_undated_last(dump_db: Path, size) -> None:
    from newsmark.store.articles import set_article_status

    db = open_db(dump_db)
    set_article_status(
        db, db.execute("select id from articles where title like 'Modi%'").fetchone()[0], "done"
    )
    db.conn.close()
    async with make_app(dump_db).run_test(size=size) as pilot:
        screen = pilot.app.screen
        box, table = screen.query_one("#filter"), screen.query_one(ArticleList)
        ids = [table.row(i).id for i in range(len(RECORDS))]
        await pilot.press("down", "down", "down")  # the undated wire report
        chosen = table.selected_article_id
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert box.border_subtitle == f"{len(RECORDS)} articles · newest first"
        assert [table.row(i).id for i in range(len(RECORDS))] == [ids[i] for i in NEWEST]
        assert [table.cells(i)[6] for i in range(len(RECORDS))] == [DAYS[i] for i in NEWEST]
        assert table.selected_article_id == chosen and table.cursor == NEWEST.index(3)
        rows = list_lines(pilot.app)[1:]
        assert [r.split()[0] for r in rows] == ["Putin", "Modi", "Lavrov", "Talks", "Undated", "Another"]
        # One status only, in the same order.
        await pilot.press("ctrl+t")  # new only: all but the one marked done
        await pilot.pause()
        assert [table.row(i).id for i in range(table.row_count)] == [ids[i] for i in NEWEST if i != 1]
        assert box.border_subtitle.endswith("new only · newest first")


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_search_results_show_the_date_and_outlet_too(dump_db: Path, size) -> None:
    async with make_app(dump_db).run_test(size=size) as pilot:
        table = pilot.app.screen.query_one(ArticleList)
        await pilot.press(*"modi")
        await pilot.pause()
        found = {table.cells(i)[0]: table.cells(i)[6:] for i in range(table.row_count)}
        assert found == {
            "Modi arrives in Moscow for the summit": ("2024-07-08", OUTLETS[1]),
            "Putin welcomes Modi at his residence": ("2024-07-08", "TASS"),
        }
        rows = list_lines(pilot.app)[1:]
        assert len(rows) == 2 and all("2024-07-08" in line for line in rows)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_an_attribution_shows_its_article_s_date_and_outlet(dump_db: Path, size) -> None:
    width = size[0]
    async with make_app(dump_db).run_test(size=size) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, SourcesScreen)
        await pilot.press(*"lavrov", "enter")
        await pilot.pause()
        said = screen.attributions.rows
        assert said and {(a.date, a.outlet) for a in said} == {("2024-03-05T10:30:00+00:00", OUTLETS[0])}
        lines = screen_lines(pilot.app)
        header = next(line for line in lines if line.startswith(" Article "))
        row = lines[lines.index(header) + 1]
        assert "Date" in header and "2024-03-05" in row
        assert ("[b]Daily[/b]" in row) == (width > 80)  # a narrow terminal: under the list
        shown = "\n".join(lines)
        assert f"{LAVROV} · 2024-03-05 · [b]Daily[/b] Courier" in shown
