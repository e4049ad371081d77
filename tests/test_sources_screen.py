"""The sources screen (F5) on the bundled seeds, analysed with the real pipeline: find one
Sergey Lavrov by typing, with both spellings; list what he said across the corpus; Enter
opens the reader at the passage; merge, split and rename, each undone and redone; names
from files shown literally; another window's changes shown. And the speaker picker offers
the corpus's sources, the guess first."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_support import make_app, open_reader, query, screen_lines
from reader_support import SIZES

from newsmark.store import open_db
from newsmark.store.source_corrections import merge_sources, rename_source
from newsmark.store.sources.listing import count_sources, list_sources
from newsmark.store.speakers import speaker_candidates
from newsmark.tui.screens.dialogs import TextPrompt
from newsmark.tui.screens.library import LibraryScreen
from newsmark.tui.screens.picker import Picker
from newsmark.tui.screens.reader import ReaderScreen
from newsmark.tui.screens.sources import SourcesScreen
from newsmark.tui.screens.speaker import SourcePicker, SpeakerChoice, SpeakerPicker, speaker_choice

LAVROV_ARTICLE = "India, Russia Gear"


async def open_sources(pilot) -> SourcesScreen:
    await pilot.press("f5")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SourcesScreen)
    return pilot.app.screen


def source_rows(db_path: Path) -> list[tuple]:
    return query(db_path, "select id, name, user_named, quotes, paraphrases from sources order by id")


def alias_owner(db_path: Path, alias: str) -> int:
    return query(db_path, "select source_id from source_aliases where alias = ?", (alias,))[0][0]


def test_count_sources_counts_what_list_sources_lists(analysed_db) -> None:
    db = analysed_db
    assert count_sources(db) == len(list_sources(db, limit=1000)) >= 5
    assert count_sources(db, "sergei") == 1 == len(list_sources(db, "sergei"))
    assert count_sources(db, kinds=["organisation"]) == len(list_sources(db, kinds=["organisation"]))
    assert count_sources(db, "nobody at all") == 0


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_find_lavrov_list_what_he_said_and_open_the_passage(app_db_path: Path, size) -> None:
    async with make_app(app_db_path).run_test(size=size) as pilot:
        assert isinstance(pilot.app.screen, LibraryScreen)
        screen = await open_sources(pilot)
        assert screen.sources.row_count == count_sources(screen.db) >= 5
        await pilot.press(*"lavrov")
        await pilot.pause()
        [lavrov] = screen.sources.rows
        assert lavrov.name == "Sergey Lavrov" and lavrov.kind == "person"
        assert {"Sergey Lavrov", "Sergei Lavrov"} <= set(lavrov.aliases)
        shown = "\n".join(screen_lines(pilot.app))
        assert "Sergey Lavrov" in shown and "Sergei Lavrov" in shown  # both spellings, on screen
        assert "1 source" in shown

        await pilot.press("enter")
        await pilot.pause()
        said = screen.attributions.rows
        assert len(said) == lavrov.quotes + lavrov.paraphrases
        assert {a.kind for a in said} == {"direct", "indirect"}
        assert len({a.article_id for a in said}) == lavrov.articles == 3
        # The one furthest into its article: below the reader's first screen.
        target = max(said, key=lambda a: a.start)
        await pilot.press(*["down"] * said.index(target))
        await pilot.pause()
        assert screen.attributions.selected == target
        shown = "\n".join(screen_lines(pilot.app))
        assert target.text[:20] in shown.replace("\n", " ") or target.context[:20] in shown

        await pilot.press("enter")
        await pilot.pause()
        reader = pilot.app.screen
        assert isinstance(reader, ReaderScreen) and reader.article_id == target.article_id
        view = reader.view
        assert view.cursor == target.start
        top, height = round(view.scroll_offset.y), view.scrollable_content_region.height
        assert top <= view.line_of(view.cursor) < top + height  # on screen
        assert top > 0

        await pilot.press("escape")  # back to what he said, as it was left
        await pilot.pause()
        assert pilot.app.screen is screen and screen.opened == lavrov
        assert screen.attributions.selected == target
        await pilot.press("escape", "escape")  # to the list, then the search cleared
        await pilot.pause()
        assert screen.opened is None and screen.search.value == ""
        assert screen.sources.row_count >= 5
        await pilot.press("escape")  # and out
        await pilot.pause()
        assert isinstance(pilot.app.screen, LibraryScreen)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_home_end_and_pages_move_the_cursor_in_a_list_of_attributions(app_db_path: Path, size) -> None:
    """End, Home and the page keys move the cursor (and so what the detail pane shows), not
    only the view: a new user pressed End, saw the last rows, and the pane still showed row 1."""
    async with make_app(app_db_path).run_test(size=size) as pilot:
        screen = await open_sources(pilot)
        await pilot.press(*"lavrov", "enter")
        await pilot.pause()
        table = screen.attributions
        said = table.rows
        await pilot.press("end")
        await pilot.pause()
        assert table.selected == said[-1]
        assert said[-1].context[:15] in " ".join(screen_lines(pilot.app))
        await pilot.press("home")
        assert table.selected == said[0]
        await pilot.press("pagedown")  # a page less a row, so the last row seen stays in sight
        paged = min(len(said) - 1, max(1, table.rows_shown - 1))
        assert table.selected == said[paged]
        await pilot.press("up")
        assert table.selected == said[paged - 1]


async def test_from_the_reader_and_back_the_reader_is_never_stacked_twice(app_db_path: Path) -> None:
    async with make_app(app_db_path).run_test(size=(140, 45)) as pilot:
        reader = await open_reader(pilot, "Putin invites")
        screen = await open_sources(pilot)
        assert pilot.app.screen_stack[-2:] == [reader, screen]
        await pilot.press(*"lavrov", "enter", "enter")
        await pilot.pause()
        assert pilot.app.screen is reader and reader.article.title.startswith(LAVROV_ARTICLE)
        assert pilot.app.screen_stack.count(reader) == 1 and screen not in pilot.app.screen_stack
        # F5 again: the sources screen as it was left, over the reader.
        await pilot.press("f5")
        await pilot.pause()
        assert pilot.app.screen is screen and screen.opened is not None
        assert screen.opened.name == "Sergey Lavrov"


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_merge_rename_split_each_undone_and_redone(app_db_path: Path, size) -> None:
    before = source_rows(app_db_path)
    putin, peskov = alias_owner(app_db_path, "Vladimir Putin"), alias_owner(app_db_path, "Dmitry Peskov")
    async with make_app(app_db_path).run_test(size=size) as pilot:
        screen = await open_sources(pilot)
        said: list[str] = []
        screen.notify = lambda message, **_: said.append(message)  # type: ignore[method-assign]
        await pilot.press(*"putin")
        await pilot.pause()
        assert [s.id for s in screen.sources.rows] == [putin]

        await pilot.press("ctrl+l")  # merge: which source into Putin?
        await pilot.pause()
        picker = pilot.app.screen
        assert isinstance(picker, SourcePicker)
        assert putin not in {value.id for _, _, value in picker.shown}  # not into itself
        await pilot.press(*"peskov", "enter")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert alias_owner(app_db_path, "Dmitry Peskov") == putin
        assert alias_owner(app_db_path, "Peskov") == putin
        [merged] = screen.sources.rows
        assert merged.id == putin and "Dmitry Peskov" in merged.aliases
        counts = {r[0]: r[3:] for r in before}
        assert (merged.quotes, merged.paraphrases) == tuple(
            map(sum, zip(counts[putin], counts[peskov], strict=True))
        )
        assert said[-1] == "Merged Dmitry Peskov into Vladimir Putin (ctrl+z undoes)"

        await pilot.press("ctrl+r")  # rename
        await pilot.pause()
        prompt = pilot.app.screen
        assert isinstance(prompt, TextPrompt)
        await pilot.press("ctrl+a", "ctrl+k", *"President Putin", "enter")
        await pilot.pause()
        assert (putin, "President Putin", 1) in [r[:3] for r in source_rows(app_db_path)]
        assert said[-1] == "Renamed Vladimir Putin: President Putin (ctrl+z undoes)"
        await pilot.press("ctrl+a", "ctrl+k", *"president")  # found by his new name
        await pilot.pause()
        assert [s.name for s in screen.sources.rows] == ["President Putin"]

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert said[-1] == "Undone: the rename"
        # Named by the user still: by the merge, as a name merged into is settled (merge_sources).
        assert (putin, "Vladimir Putin", 1) in [r[:3] for r in source_rows(app_db_path)]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert source_rows(app_db_path) == before
        assert alias_owner(app_db_path, "Dmitry Peskov") == peskov
        await pilot.press("ctrl+y")  # redo the merge
        await pilot.pause()
        assert alias_owner(app_db_path, "Dmitry Peskov") == putin
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert source_rows(app_db_path) == before

        # Split a spelling off Lavrov, from his attributions; then undo it.
        await pilot.press("ctrl+a", "ctrl+k", *"lavrov", "enter")
        await pilot.pause()
        lavrov = screen.opened
        assert lavrov is not None and lavrov.name == "Sergey Lavrov"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(pilot.app.screen, Picker)
        await pilot.press(*"Sergei", "enter")
        await pilot.pause()
        split_off = alias_owner(app_db_path, "Sergei Lavrov")
        assert split_off != lavrov.id and alias_owner(app_db_path, "Sergey Lavrov") == lavrov.id
        assert screen.opened is not None and screen.opened.id == lavrov.id
        assert "Sergei Lavrov" not in screen.opened.aliases
        assert len(screen.attributions.rows) == screen.opened.attributions < lavrov.attributions
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert alias_owner(app_db_path, "Sergei Lavrov") == lavrov.id
        assert len(screen.attributions.rows) == lavrov.attributions


async def test_names_from_files_are_shown_literally_and_other_windows_changes_show(app_db_path: Path) -> None:
    putin, peskov = alias_owner(app_db_path, "Vladimir Putin"), alias_owner(app_db_path, "Dmitry Peskov")
    async with make_app(app_db_path).run_test(size=(80, 24)) as pilot:
        screen = await open_sources(pilot)
        await pilot.press(*"putin", "ctrl+r")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *"[b]Boss[/b] [/]", "enter")
        await pilot.pause()
        shown = "\n".join(screen_lines(pilot.app))
        assert "[b]Boss[/b] [/]" in shown  # in the list and in the detail under it

        # Another window merges two sources and names one with an escape sequence: the
        # list follows at the next poll, and the terminal never gets the escape.
        other = open_db(app_db_path)
        merge_sources(other, putin, peskov)
        rename_source(other, putin, "Boss \x1b[31mred")
        other.conn.close()
        pilot.app.check_for_changes()
        await pilot.pause()
        [merged] = screen.sources.rows
        assert merged.id == putin and "Dmitry Peskov" in merged.aliases
        shown = "\n".join(screen_lines(pilot.app))
        assert "Boss ␛[31mred" in shown and "\x1b" not in shown


async def test_the_speaker_picker_offers_the_corpus_sources_the_guess_first(app_db_path: Path) -> None:
    async with make_app(app_db_path).run_test(size=(140, 45)) as pilot:
        reader = await open_reader(pilot, LAVROV_ARTICLE)
        db = reader.db
        lavrov = alias_owner(app_db_path, "Sergey Lavrov")
        candidates = speaker_candidates(db, reader.article_id, guess="Sergei Lavrov")
        chosen: list[object] = []
        picker = SpeakerPicker(candidates, "Sergei Lavrov", db=db)
        pilot.app.push_screen(picker, chosen.append)
        await pilot.pause()
        name, _, first = picker.shown[0]
        # The source's name, not this article's spelling; chosen, it is spelled as the article does.
        assert name == "Sergey Lavrov" and first == SpeakerChoice(
            "Sergei Lavrov", candidates[0].mention_start, candidates[0].mention_end, lavrov
        )
        offered = [n for n, _, _ in picker.shown]
        assert len(offered) == len(set(offered))  # one line per source, whatever the spellings
        assert {"S Jaishankar", "TASS"} <= set(offered)  # sources of other articles too
        assert "Lavrov" not in offered and "Sergei Lavrov" not in offered

        await pilot.press(*"sergey")  # any spelling finds him
        await pilot.pause()
        assert picker.shown[0][0] == "Sergey Lavrov"
        await pilot.press("ctrl+a", "ctrl+k", *"Ana Newname")
        await pilot.pause()
        assert picker.shown == [("Ana Newname", "a new name", "Ana Newname")]
        await pilot.press("enter")
        await pilot.pause()
        assert speaker_choice(chosen[0]) == SpeakerChoice("Ana Newname", None, None)

        # Another source, from the rest of the corpus: spelled so that the store finds it again.
        picker = SpeakerPicker(candidates, "Sergei Lavrov", db=db)
        pilot.app.push_screen(picker, chosen.append)
        await pilot.pause()
        await pilot.press(*"tass", "enter")
        await pilot.pause()
        tass = speaker_choice(chosen[-1])
        assert tass is not None and tass.source_id == alias_owner(app_db_path, tass.name)


@pytest.fixture
def many_sources(tmp_path: Path) -> Path:
    """One article, and 250 sources that each said something in it (stored as analysis
    stores them, through the triggers that count): more than a page of the list."""
    from newsmark.store.ingest import ingest_text
    from newsmark.store.sources.names import alias_key
    from newsmark.store.timestamps import now_iso

    path = tmp_path / "many.db"
    db = open_db(path)
    text = "Many voices\n\n" + "Someone said something. " * 20
    article, _ = ingest_text(db, text, "many.txt")
    now = now_iso()
    with db.atomic():
        for i in range(250):
            name = f"Speaker Number{i:03d}"
            db.execute(
                "insert into sources (id, name, kind, created_at, updated_at) values (?, ?, 'person', ?, ?)",
                [i + 1, name, now, now],
            )
            db.execute(
                "insert into source_aliases (alias, source_id, key, surname) values (?, ?, ?, ?)",
                [name, i + 1, *alias_key(name, "person")],
            )
            db.execute(
                'insert into suggestions (article_id, start, "end", text, speaker, score, kind, source_id)'
                " values (?, 13, 35, ?, ?, 0.5, 'indirect', ?)",
                [article, text[13:35], name, i + 1],
            )
    db.conn.close()
    return path


async def test_a_long_list_is_read_as_it_is_scrolled_and_counted_once_typing_stops(
    many_sources: Path,
) -> None:
    from newsmark.tui.widgets.source_table import PAGE_SIZE

    async with make_app(many_sources).run_test(size=(80, 24)) as pilot:
        screen = await open_sources(pilot)
        table = screen.sources
        assert table.row_count == PAGE_SIZE < 250 and not table.complete  # one page read
        assert str(screen.search.border_subtitle).startswith(f"{PAGE_SIZE}+ sources")
        await pilot.pause(0.5)
        assert str(screen.search.border_subtitle).startswith("250 sources")
        await pilot.press("pagedown")
        assert table.row_count == PAGE_SIZE and table.cursor > 0
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert table.row_count == 250 and table.complete
        assert table.selected is not None and table.selected.name == "Speaker Number249"
        shown = "\n".join(screen_lines(pilot.app))
        assert "Speaker Number249" in shown
        await pilot.press("ctrl+o")  # by name: the first by name first, the cursor kept on its source
        await pilot.pause()
        assert table.selected is not None and table.selected.name == "Speaker Number249"
        await pilot.press("ctrl+home")
        assert table.selected is not None and table.selected.name == "Speaker Number000"
        await pilot.press(*"number24")  # 240-249 (and 224: keys fold doubled letters): one page
        await pilot.pause()
        found = [s.name for s in list_sources(screen.db, "number24", sort="name")]
        assert [s.name for s in table.rows] == found and len(found) == 11
        assert str(screen.search.border_subtitle).startswith("11 sources · by name")  # counted at once
