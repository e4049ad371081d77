"""Deciding the suggested quotes of a long article: progress that counts up, the current
suggestion and its speaker picked out, wrapping round at the ends, and no QUOTE saved
without a speaker."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pilot_support import make_app, open_reader, query
from reader_support import SIZES, TITLE
from rich.style import Style

from newsmark.tui.screens.reader import ReaderScreen
from newsmark.tui.screens.speaker import SpeakerPicker
from newsmark.tui.widgets.article_view import ArticleView


def status(reader: ReaderScreen) -> str:
    return str(reader.status.content)


def style_at(view: ArticleView, position: int) -> Style:
    """The style the character at `position` is drawn in (scrolled to, if need be)."""
    line = view.line_of(position)
    if not 0 <= line - round(view.scroll_offset.y) < view.scrollable_content_region.height:
        view.scroll_to(y=line, animate=False)
    strip = view.render_line(line - round(view.scroll_offset.y))
    line_start = view._line_starts[view.line_of(position)]
    x = strip.text.index(view.text[line_start : position + 1].replace("\n", " "))
    x += position - line_start
    segment = strip.crop(x, x + 1)._segments[0]
    assert segment.text == view.text[position]
    return segment.style or Style()


@pytest.mark.parametrize("size", SIZES)
async def test_progress_counts_decisions_up_out_of_a_fixed_total(long_db: Path, size) -> None:
    total = query(long_db, "select count(*) from suggestions")[0][0]
    assert total >= 6
    async with make_app(long_db).run_test(size=size) as pilot:
        reader = await open_reader(pilot, TITLE)
        await pilot.press("n")
        assert f"Suggestion 1 of {total} · 0 of {total} decided" in status(reader)
        await pilot.press("r")  # rejected; on to the next
        assert f"Suggestion 2 of {total} · 1 of {total} decided" in status(reader)
        await pilot.press("n")  # n right after a decision stays on the one it moved on to
        second = reader.spans.suggestion_at(reader.view.cursor)
        assert second is not None and second.speaker
        assert f"Suggestion 2 of {total} · 1 of {total} decided" in status(reader)
        await pilot.press("a")  # accepted; on to the next, as after a rejection
        assert f"Suggestion 3 of {total} · 2 of {total} decided" in status(reader)
        await pilot.press("u")  # the accept undone: one fewer decided, the same total
        await pilot.press("N")
        assert f"1 of {total} decided" in status(reader)


@pytest.mark.parametrize("size", SIZES)
async def test_the_current_suggestion_and_its_speaker_stand_out(long_db: Path, size) -> None:
    async with make_app(long_db).run_test(size=size) as pilot:
        reader = await open_reader(pilot, TITLE)
        view = reader.view
        suggestions = reader.spans.suggestions
        # Okafor's second quote, said by him in the sentence before.
        current = next(s for s in suggestions if s.text.startswith('"Close it'))
        other = suggestions[suggestions.index(current) - 1]
        assert current.speaker_start is not None and current.speaker_end is not None
        while view.cursor != current.start:
            await pilot.press("n")
        inside, elsewhere = style_at(view, current.start + 3), style_at(view, other.start + 3)
        assert inside != elsewhere
        plain = style_at(view, current.end + 2)
        mention = style_at(view, current.speaker_start)
        assert mention != plain and mention != inside
        await pilot.press("n")  # on to the next one: the former current looks like the others
        assert style_at(view, current.start + 3) == elsewhere


@pytest.mark.parametrize("size", SIZES)
async def test_next_at_the_last_suggestion_says_so_and_a_second_press_wraps(long_db: Path, size) -> None:
    async with make_app(long_db).run_test(size=size) as pilot:
        reader = await open_reader(pilot, TITLE)
        view = reader.view
        first, *_, last = reader.spans.suggestions
        total = len(reader.spans.suggestions)
        await pilot.press("G", "N")
        assert view.cursor == last.start
        await pilot.press("n")
        assert view.cursor == last.start
        assert status(reader).startswith(f"Last suggestion ({total} of {total}): n again goes to the first")
        await pilot.press("n")
        assert view.cursor == first.start
        await pilot.press("N")
        assert view.cursor == first.start and status(reader).startswith("First suggestion")
        await pilot.press("N")
        assert view.cursor == last.start


async def test_accepting_with_no_speaker_asks_who_said_it(long_db: Path) -> None:
    # The first suggestion, made speakerless here so the test does not depend on the model.
    conn = sqlite3.connect(long_db)
    with conn:
        conn.execute(
            "update suggestions set speaker = null, speaker_start = null, speaker_end = null "
            "where id = (select id from suggestions order by start limit 1)"
        )
    conn.close()
    async with make_app(long_db).run_test(size=(80, 24)) as pilot:
        reader = await open_reader(pilot, TITLE)
        await pilot.press("n", "a")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SpeakerPicker)
        await pilot.press("escape")  # no speaker chosen: nothing saved
        await pilot.pause()
        assert pilot.app.screen is reader
        assert query(long_db, "select count(*) from annotations") == [(0,)]
        assert query(long_db, "select count(*) from suggestions where status != 'open'") == [(0,)]
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Elena Marsh", "enter")
        await pilot.pause()
        ((label, speaker),) = query(long_db, "select label, speaker from annotations")
        assert label == "QUOTE" and "Marsh" in speaker
        assert query(long_db, "select count(*) from suggestions where status = 'accepted'") == [(1,)]


@pytest.mark.parametrize("size", SIZES)
async def test_the_reader_opens_at_a_given_offset_scrolled_into_view(long_db: Path, size) -> None:
    """As the sources screen opens it on one attribution: the cursor there, on screen."""
    async with make_app(long_db).run_test(size=size) as pilot:
        article_id, text = query(long_db, "select id, text from articles")[0]
        at = text.index('"It adds an hour')
        reader = ReaderScreen(article_id, db=pilot.app.db, keymap=pilot.app.keymap, at=at)
        await pilot.app.push_screen(reader)
        await pilot.pause()
        view = reader.view
        assert view.cursor == at
        top = round(view.scroll_offset.y)
        assert top > 0 and top <= view.line_of(at) < top + view.scrollable_content_region.height
        assert "quote by Leah Morgan" in status(reader)
        # The whole passage shows, down to its speaker, with lines of what came before above it.
        quote = reader.spans.suggestion_at(at)
        assert quote is not None and quote.speaker_end is not None and quote.speaker_end > quote.end
        bottom = top + view.scrollable_content_region.height
        assert view.line_of(at) - top >= 1 and view.line_of(quote.speaker_end - 1) < bottom
        # The one reader screen, reused for another place.
        earlier = text.index("Engineers from the county")
        assert reader.show_article(article_id, at=earlier)
        await pilot.pause()
        assert view.cursor == earlier
        top = round(view.scroll_offset.y)
        assert top <= view.line_of(earlier) < top + view.scrollable_content_region.height


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_stepping_shows_each_suggestion_whole_with_its_speaker(long_db: Path, size) -> None:
    """n brings the whole suggestion (and a speaker named after it) into view, not only its
    first line: a new user found each paraphrase starting on the last row, cut off."""
    async with make_app(long_db).run_test(size=size) as pilot:
        reader = await open_reader(pilot, TITLE)
        view = reader.view
        for _ in range(12):
            await pilot.press("n")
            start = view.cursor
            end = reader.spans.passage_end(start)
            top, height = round(view.scroll_offset.y), view.scrollable_content_region.height
            first, last = view.line_of(start), view.line_of(end - 1)
            assert top <= first < top + height
            if last - first < height:  # it fits: all of it shows
                assert last < top + height, (first, last, top, height)
