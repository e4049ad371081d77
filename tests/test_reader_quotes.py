"""Pilot tests for quote suggestions in the reader: step, accept, reject, speaker, bounds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pilot_support import SIZE, make_app, open_reader, query

from newsmark.store.suggestions import Suggestion
from newsmark.tui.screens.reader import ReaderScreen
from newsmark.tui.screens.speaker import SpeakerPicker

LAVROV_ARTICLE = "India, Russia Gear Up"


async def step_to(pilot, reader: ReaderScreen, wanted: Callable[[Suggestion], bool]) -> Suggestion:
    """Press n until the suggestion at the cursor is a `wanted` one (paraphrases come between
    the quotes: found by what it is, not by how many presses away it is); that suggestion."""
    for _ in reader.spans.suggestions:
        await pilot.press("n")
        if (here := reader.spans.suggestion_at(reader.view.cursor)) is not None and wanted(here):
            return here
    raise AssertionError("n never came to the suggestion wanted")


def lavrovs_we_discussed(suggestion: Suggestion) -> bool:
    return suggestion.text.startswith("“We discussed")


async def test_step_and_accept_keeps_speaker(app_db_path: Path) -> None:
    async with make_app(app_db_path).run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot, LAVROV_ARTICLE)
        stored = query(
            app_db_path,
            "select count(*) from suggestions s join articles a on a.id = s.article_id "
            "where a.title like 'India, Russia Gear%'",
        )[0][0]
        assert len(reader.spans.suggestions) == stored > 3
        second = await step_to(pilot, reader, lavrovs_we_discussed)
        assert reader.view.cursor == second.start
        assert (second.kind, second.speaker) == ("direct", "Sergei Lavrov")
        await pilot.press("a")
        saved = query(
            app_db_path, 'select label, start, "end", speaker, speaker_start, speaker_end from annotations'
        )
        assert saved == [
            ("QUOTE", second.start, second.end, "Sergei Lavrov", second.speaker_start, second.speaker_end)
        ]
        text = reader.article.text
        assert text[second.speaker_start : second.speaker_end] in ("Lavrov", "Sergei Lavrov", "he")
        assert query(app_db_path, f"select status from suggestions where id = {second.id}") == [("accepted",)]
        # The accepted suggestion no longer shows as a suggestion: it is a QUOTE now.
        assert all(s.id != second.id for s in reader.spans.suggestions)
        await pilot.press("u")  # undo brings the suggestion back
        assert any(s.id == second.id for s in reader.spans.suggestions)


async def test_reject_moves_on_and_is_stored(app_db_path: Path) -> None:
    async with make_app(app_db_path).run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot, LAVROV_ARTICLE)
        await pilot.press("n")
        first = reader.spans.suggestions[0]
        await pilot.press("r")
        assert query(app_db_path, f"select status from suggestions where id = {first.id}") == [("rejected",)]
        assert reader.view.cursor == reader.spans.suggestions[0].start  # on to the next one
        assert query(app_db_path, "select count(*) from annotations") == [(0,)]


async def test_set_speaker_from_picker_and_free_text(app_db_path: Path) -> None:
    async with make_app(app_db_path).run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot, LAVROV_ARTICLE)
        await step_to(pilot, reader, lavrovs_we_discussed)
        await pilot.press("a")  # a QUOTE by Lavrov; the cursor goes on to the next suggestion
        await pilot.press("left_square_bracket", "p")  # back to the QUOTE, and its speaker
        await pilot.pause()
        assert isinstance(pilot.app.screen, SpeakerPicker)
        picker = pilot.app.screen
        assert picker.candidates[0].name == "Sergei Lavrov"  # the guess comes first
        await pilot.press(*"Jaish", "enter")
        await pilot.pause()
        speaker, start, end = query(
            app_db_path, "select speaker, speaker_start, speaker_end from annotations"
        )[0]
        assert speaker == "S. Jaishankar"
        assert "Jaishankar" in reader.article.text[start:end]
        await pilot.press("p", *"Anonymous official", "enter")
        await pilot.pause()
        assert query(app_db_path, "select speaker, speaker_start from annotations") == [
            ("Anonymous official", None)
        ]
        # a name typed by hand gets a source of its own, so the sources screen counts it
        assert query(
            app_db_path,
            "select s.name from annotations a join sources s on s.id = a.source_id",
        ) == [("Anonymous official",)]
        await pilot.press("u")  # the speaker change is undoable
        assert query(app_db_path, "select speaker from annotations") == [("S. Jaishankar",)]
        assert query(
            app_db_path,
            "select count(*) from annotations a join source_aliases s using (source_id)"
            " where s.alias = 'S. Jaishankar'",
        ) == [(1,)]


async def test_set_speaker_on_hand_made_quote(app_db_path: Path) -> None:
    async with make_app(app_db_path).run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot, LAVROV_ARTICLE)
        await pilot.press("right_parenthesis", "s", "1", "p")
        await pilot.pause()
        await pilot.press("enter")  # the first candidate
        await pilot.pause()
        speaker = query(app_db_path, "select speaker from annotations")[0][0]
        assert speaker == pilot.app.screen_stack[-1].annotations[0].speaker
        assert speaker is not None and reader.annotations[0].label == "QUOTE"


async def test_grow_and_shrink_bounds_by_word(app_db_path: Path) -> None:
    async with make_app(app_db_path).run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot, LAVROV_ARTICLE)
        # Lavrov's "We discussed ... a good tradition," (whichever suggestion it is).
        await step_to(pilot, reader, lavrovs_we_discussed)
        await pilot.press("a", "left_square_bracket")  # accepted (and on to the next), back to it
        start, end = query(app_db_path, 'select start, "end" from annotations')[0]
        text = reader.article.text
        await pilot.press("greater_than_sign")  # one word more: ` Lavrov`
        new_start, new_end = query(app_db_path, 'select start, "end" from annotations')[0]
        assert new_start == start and text[end:new_end].strip() == "Lavrov"
        await pilot.press("less_than_sign")  # back where it was
        assert query(app_db_path, 'select start, "end" from annotations')[0] == (start, end)
        await pilot.press("less_than_sign")  # the closing mark and "tradition" go
        assert query(app_db_path, "select text from annotations")[0][0].endswith("we have a good")
        await pilot.press("full_stop")  # a word less at the start
        shrunk_start = query(app_db_path, "select start from annotations")[0][0]
        assert text[shrunk_start - 3 : shrunk_start] == "We "


async def test_reopening_the_reader_shows_the_new_article_only(app_db_path: Path) -> None:
    async with make_app(app_db_path).run_test(size=SIZE) as pilot:
        first = await open_reader(pilot, LAVROV_ARTICLE)
        await step_to(pilot, first, lavrovs_we_discussed)
        await pilot.press("a", "slash", *"putin", "enter")
        assert len(first.annotations) == 1 and first.search_bar.matches
        await pilot.press("escape", "escape", "ctrl+u")  # clear the search, back, clear the filter
        second = await open_reader(pilot, "Putin invites")
        assert second is first  # the one reader screen, reused
        assert second.article.title.startswith("Putin invites")
        assert second.annotations == [] and second.search_bar.matches == [] and second.view.cursor == 0
        assert second.view.text == second.article.text
        await pilot.press("escape", "ctrl+u")
        again = await open_reader(pilot, LAVROV_ARTICLE)
        assert [a.label for a in again.annotations] == ["QUOTE"]


async def test_mark_mode_extends_both_ways_and_ends_with_a_tag(app_db_path: Path) -> None:
    async with make_app(app_db_path).run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot, LAVROV_ARTICLE)
        view = reader.view
        await pilot.press("right_parenthesis", "right_parenthesis", "right_parenthesis")
        here = view.cursor
        await pilot.press("v", "left_parenthesis")  # mark, then back a sentence
        start, end = view.selection
        assert end == here and start < here and start in {s for s, _ in view.sentences}
        await pilot.press("1")
        assert not view.marking and view.selection is None
        await pilot.press("right", "right")  # plain moves again, no new selection
        assert view.selection is None


async def test_the_same_passage_is_not_tagged_twice(app_db_path: Path) -> None:
    async with make_app(app_db_path).run_test(size=SIZE) as pilot:
        await open_reader(pilot, LAVROV_ARTICLE)
        await pilot.press("right_parenthesis", "s", "2", "s", "2")
        assert query(app_db_path, "select count(*) from annotations where deleted = 0") == [(1,)]
        await pilot.press("s", "1")  # another label on the same words is a new annotation
        assert query(app_db_path, "select label from annotations order by id") == [("SOURCE",), ("QUOTE",)]


async def test_one_undo_per_action(app_db_path: Path) -> None:
    async with make_app(app_db_path).run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot, LAVROV_ARTICLE)
        # Rejecting a suggestion is undoable.
        await pilot.press("n")
        first = reader.spans.suggestions[0]
        await pilot.press("r", "u")
        assert query(app_db_path, f"select status from suggestions where id = {first.id}") == [("open",)]
        # Accepting: the QUOTE and the suggestion's status go back together.
        reader.view.jump_to(first.start)
        await pilot.press("a", "u")
        assert query(app_db_path, f"select status from suggestions where id = {first.id}") == [("open",)]
        assert query(app_db_path, "select count(*) from annotations where deleted = 0") == [(0,)]
        # Tag all matches: one undo removes every one of them, one redo brings them back.
        await pilot.press("slash", *"Lavrov", "enter", "T", "3")
        tagged = query(app_db_path, "select count(*) from annotations where deleted = 0")[0][0]
        assert tagged == len(reader.search_bar.matches) > 3
        await pilot.press("u")
        assert query(app_db_path, "select count(*) from annotations where deleted = 0") == [(0,)]
        await pilot.press("ctrl+r")
        assert query(app_db_path, "select count(*) from annotations where deleted = 0") == [(tagged,)]


async def test_every_write_the_database_refuses_says_so(app_db_path: Path) -> None:
    """Each action that writes goes through one save path: when SQLite refuses the write
    (PRAGMA query_only refuses as a read-only file does), the reader says it was not
    saved, never "Saved", and the article shows what the file holds."""
    async with make_app(app_db_path).run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot, LAVROV_ARTICLE)
        await step_to(pilot, reader, lavrovs_we_discussed)
        await pilot.press("a")  # one QUOTE, saved while the file is writable
        quote = reader.annotations[0]
        pilot.app.db.execute("PRAGMA query_only = ON")
        entity = next(e for e in reader.spans.entities if e.text == "Sergei Lavrov")

        async def refused(*keys: str, text: str | None = None) -> list[str]:
            """What pressing `keys` (then typing `text` into a picker) notifies."""
            pilot.app.clear_notifications()
            reader.status.say("")  # the write before (when it was writable) was saved
            await pilot.press(*keys)
            if text is not None:
                await pilot.pause()
                await pilot.press(*text, "enter")
            await pilot.pause()
            assert "Saved" not in str(reader.status.content)
            return [n.message for n in pilot.app._notifications]

        readonly = "attempt to write a readonly database"
        reader.view.jump_to(quote.start)
        assert await refused("d") == [f"Not deleted: {readonly}"]
        assert await refused("greater_than_sign") == [f"Not saved: {readonly}"]
        assert await refused("p", text="Someone") == [f"Not saved: {readonly}"]
        assert await refused("u") == [f"Not saved: {readonly}"]
        assert await refused("n", "r") == [f"Not saved: {readonly}"]
        assert await refused("a") == [f"Not saved: {readonly}"]
        assert await refused("right_parenthesis", "s", "1") == [f"Not saved: {readonly}"]
        reader.view.jump_to(entity.start)
        assert await refused("minus") == [f"Not saved: {readonly}"]
        assert await refused("equals_sign", text="NORP") == [f"Not saved: {readonly}"]
        assert await refused("W", "plus", text="TITLE") == [f"Not saved: {readonly}"]
        assert await refused("slash", *"putin", "enter", "T", "3") == [f"Stopped after 0 saved: {readonly}"]
        assert reader.annotations == [quote]
    assert query(app_db_path, "select count(*) from annotations") == [(1,)]
    assert query(app_db_path, "select count(*) from entities where origin = 'user'") == [(0,)]
