"""Keymaps: the shipped ones load and cover every action; bad ones are refused clearly;
the vim and emacs keymaps drive the whole tagging flow through real key presses."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pilot_support import SIZE, make_app, open_reader, query

from newsmark.cli.main import main
from newsmark.tui.actions import ACTIONS, scope_of
from newsmark.tui.keymap import SHIPPED, KeymapError, alternatives, load_active_keymap, load_keymap
from newsmark.tui.screens.reader import ReaderScreen


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_keymap_covers_every_action(name: str) -> None:
    keymap = load_keymap(name)
    assert set(keymap) == set(ACTIONS)
    assert all(alternatives(keys) for keys in keymap.values())


def test_vim_has_its_sequences_and_emacs_its_chords() -> None:
    vim, emacs = load_keymap("vim"), load_keymap("emacs")
    assert ("g", "g") in alternatives(vim["reader.top"])
    assert ("d", "d") in alternatives(vim["reader.delete_annotation"])
    assert vim["reader.cursor_down"].startswith("j") and vim["reader.search"] == "slash"
    assert emacs["reader.cursor_right"].startswith("ctrl+f") and emacs["reader.clear_selection"] == "ctrl+g"
    assert "ctrl+@" in emacs["reader.set_mark"] and emacs["reader.search"] == "ctrl+s"


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BAD_KEYMAPS = {
    "unknown action": (
        'extends = "default"\n[bindings]\n"reader.label_1" = "1"\n"reader.fly" = "f"\n',
        ["mine.toml", "line 4", "unknown action 'reader.fly'"],
    ),
    "bad key": (
        'extends = "default"\n[bindings]\n"reader.undo" = "ctrl+nonsense"\n',
        ["mine.toml", "line 3", "'reader.undo'", "'ctrl+nonsense' is not a key"],
    ),
    "two actions on one key": (
        'extends = "default"\n[bindings]\n"reader.undo" = "s"\n',
        ["mine.toml", "'s'", "'reader.select_sentence'", "'reader.undo'"],
    ),
    "sequence prefix clash": (
        'extends = "default"\n[bindings]\n"reader.top" = "s s"\n',
        ["mine.toml", "key sequence", "'reader.select_sentence'", "'reader.top'"],
    ),
    "no key at all": (
        'extends = "default"\n[bindings]\n"reader.undo" = " , "\n',
        ["mine.toml", "line 3", "'reader.undo'", "at least one key"],
    ),
    "toml syntax": (
        'extends = "default"\n[bindings]\n"reader.undo" = u\n',
        ["mine.toml", "not valid TOML", "line 3"],
    ),
    "not extending": ('[bindings]\n"reader.undo" = "u"\n', ["mine.toml", "no keys for", "app.quit"]),
    "unknown setting": ('extends = "default"\ncolour = "red"\n', ["mine.toml", "unknown setting 'colour'"]),
    "a library key that types": (
        'extends = "default"\n[bindings]\n"library.cursor_down" = "j"\n',
        ["mine.toml", "line 3", "'library.cursor_down'", "'j' would type into the library's search box"],
    ),
    "a sources key that types": (
        'extends = "default"\n[bindings]\n"sources.merge" = "m"\n',
        ["mine.toml", "line 3", "'sources.merge'", "'m' would type into the sources' search box"],
    ),
    "a sources key on an app key": (
        'extends = "default"\n[bindings]\n"sources.rename" = "f2"\n',
        ["mine.toml", "'f2'", "'app.labels'", "'sources.rename'"],
    ),
}


@pytest.mark.parametrize("case", BAD_KEYMAPS, ids=list(BAD_KEYMAPS))
def test_bad_keymap_is_refused_with_file_line_and_problem(tmp_path: Path, case: str) -> None:
    text, expected = BAD_KEYMAPS[case]
    path = write(tmp_path, text)
    with pytest.raises(KeymapError) as error:
        load_keymap(str(path))
    message = str(error.value)
    assert "\n" not in message
    for part in expected:
        assert part in message


def test_bad_keymap_stops_the_app_before_it_starts(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NEWSMARK_DB", str(tmp_path / "x.db"))
    monkeypatch.setenv("NEWSMARK_CONFIG", str(tmp_path / "none.toml"))
    path = write(tmp_path, 'extends = "default"\n[bindings]\n"reader.fly" = "f"\n')
    result = CliRunner().invoke(main, ["--keymap", str(path)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "keymap refused" in result.output and "unknown action 'reader.fly'" in result.output
    assert not (tmp_path / "x.db").exists()  # nothing was started half-configured


def test_user_config_chooses_keymap_and_overrides_one_action(tmp_path: Path) -> None:
    config = write(tmp_path, 'keymap = "vim"\n[bindings]\n"reader.undo" = "U"\n', "config.toml")
    name, keymap = load_active_keymap(None, config)
    assert name.startswith("vim")
    assert (
        keymap["reader.undo"] == "U"
        and keymap["reader.cursor_down"] == load_keymap("vim")["reader.cursor_down"]
    )
    name, keymap = load_active_keymap("emacs", config)  # --keymap wins over the config's choice
    assert keymap["reader.cursor_right"].startswith("ctrl+f") and keymap["reader.undo"] == "U"
    bad = write(tmp_path, 'keymap = "vim"\ntheme = "x"\n', "bad.toml")
    with pytest.raises(KeymapError, match=r"bad\.toml: unknown setting .theme."):
        load_active_keymap(None, bad)


# --- the same flow, driven with each keymap ----------------------------------------


def annotations(db_path: Path) -> list[tuple]:
    return query(db_path, "select label, text, speaker, deleted from annotations order by id")


async def to_quote_with_speaker(pilot, reader: ReaderScreen, *next_keys: str) -> None:
    """Press `next_keys` (the keymap's next suggestion) until the cursor is on a direct
    quote whose speaker is known (the article's suggestions also hold paraphrases)."""
    for _ in range(40):
        await pilot.press(*next_keys)
        suggestion = reader.spans.suggestion_at(reader.view.cursor)
        if suggestion is not None and suggestion.kind == "direct" and suggestion.speaker:
            return
    raise AssertionError("no direct quote with a speaker")


async def test_vim_flow(app_db_path: Path) -> None:
    async with make_app(app_db_path, "vim").run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot, "India, Russia Gear")
        view = reader.view
        await pilot.press("j", "j", "g", "g")  # gg: back to the top
        assert view.cursor == 0
        await pilot.press("right_parenthesis", "v", "e", "e")  # select two words
        assert view.selection is not None
        await pilot.press("1")
        assert annotations(app_db_path)[-1][:2] == ("QUOTE", "Moscow, Aug")
        await pilot.press("d", "d")  # dd deletes it
        assert annotations(app_db_path)[-1][3] == 1
        await pilot.press("u")
        assert annotations(app_db_path)[-1][3] == 0

        await to_quote_with_speaker(pilot, reader, "right_square_bracket", "q")  # ]q
        speaker = reader.spans.suggestion_at(view.cursor).speaker
        await pilot.press("a")
        assert annotations(app_db_path)[-1][0] == "QUOTE" and annotations(app_db_path)[-1][2] == speaker

        await pilot.press("slash", *"putin", "enter")  # / search, n next
        first = view.cursor
        assert reader.article.text[first : first + 5].lower() == "putin"
        await pilot.press("n")
        assert view.cursor > first and reader.article.text[view.cursor : view.cursor + 5].lower() == "putin"
        matches = len(reader.search_bar.matches)
        await pilot.press("asterisk", "3")  # tag every match as CLAIM
        claims = [a for a in annotations(app_db_path) if a[0] == "CLAIM"]
        assert len(claims) == matches and all(a[1].lower() == "putin" for a in claims)

        await pilot.press("escape", "colon")  # : opens the command palette
        await pilot.pause()
        assert pilot.app.screen.__class__.__name__ == "CommandPalette"
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ReaderScreen)


async def test_emacs_flow(app_db_path: Path) -> None:
    async with make_app(app_db_path, "emacs").run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot, "India, Russia Gear")
        view = reader.view
        await pilot.press("ctrl+n", "ctrl+a")  # next line, its start
        line_start = view.cursor
        assert view.line_of(line_start) == 1
        await pilot.press("ctrl+@", "alt+f", "alt+f")  # set the mark, two words forward
        assert view.selection == (line_start, view.cursor)
        await pilot.press("ctrl+g")  # C-g cancels
        assert view.selection is None and not view.marking
        await pilot.press("ctrl+@", "alt+f", "2")
        assert annotations(app_db_path)[-1][0] == "SOURCE"
        await pilot.press("ctrl+s", *"lavrov", "enter", "alt+s")
        assert reader.article.text[view.cursor : view.cursor + 6] == "Lavrov"
        await to_quote_with_speaker(pilot, reader, "alt+n")  # next suggestion
        await pilot.press("a")  # accept
        assert annotations(app_db_path)[-1][0] == "QUOTE"
        await pilot.press("ctrl+underscore")  # C-_ undoes
        assert annotations(app_db_path)[-1][3] == 1


async def test_export_from_the_app_without_a_mouse(app_db_path: Path, tmp_path: Path) -> None:
    async with make_app(app_db_path, "vim").run_test(size=SIZE) as pilot:
        await open_reader(pilot, "India, Russia Gear")
        await pilot.press("right_parenthesis", "s", "1")
        await pilot.press("f4")  # export: pick a format, then the path
        await pilot.pause()
        await pilot.press(*"csv", "enter")
        await pilot.pause()
        await pilot.press("end", "ctrl+u", *str(tmp_path / "out.csv"), "enter")  # clear, type the path
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and ",QUOTE," in lines[1]


def test_keys_are_displayed_as_people_read_them() -> None:
    from newsmark.tui.keymap import display_keys

    vim = load_keymap("vim")
    assert display_keys(vim["reader.line_end"]) == "$, end"
    assert display_keys(vim["reader.top"]) == "g g, ctrl+home"
    assert display_keys(vim["reader.next_suggestion"]) == "] q"
    assert display_keys(load_keymap("emacs")["reader.top"]) == "alt+<, <, ctrl+home"


async def test_command_palette_offers_every_action_of_the_screen(app_db_path: Path) -> None:
    from newsmark.tui.actions import ACTIONS, scope_of

    async with make_app(app_db_path).run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot, "India, Russia Gear")
        offered = {command.help.split()[0] for command in pilot.app.get_system_commands(reader)}
        expected = {a for a in ACTIONS if scope_of(a) in ("app", "reader") and a != "app.command_palette"}
        assert expected <= offered
        # Choosing one runs it: "Select sentence" selects the sentence at the cursor.
        command = next(
            c for c in pilot.app.get_system_commands(reader) if c.help.startswith("reader.select_")
        )
        await command.callback()
        assert reader.view.selection is not None


def key_from_terminal(key: str) -> str:
    """The key Textual reports when a terminal sends `key` as xterm and tmux do: Alt+char is
    ESC then the char (`tmux send-keys M-<`). Textual 8.2.8 keeps the alt only on letters
    and digits: M-< arrives as a plain `less_than_sign`, M-b as `ctrl+left`."""
    from textual import events
    from textual._xterm_parser import XTermParser
    from textual.keys import KEY_NAME_REPLACEMENTS, _character_to_key

    *mods, base = key.split("+")
    if mods != ["alt"]:
        return key
    names = {
        KEY_NAME_REPLACEMENTS.get(n, n): c for c in map(chr, range(33, 127)) if (n := _character_to_key(c))
    }
    parser = XTermParser()
    sent = "\x1b" + names[base]
    arrived = [t.key for t in [*parser.feed(sent), *parser.feed("")] if isinstance(t, events.Key)]
    assert len(arrived) == 1, (key, arrived)
    return arrived[0]


@pytest.mark.parametrize("name", SHIPPED)
def test_alt_keys_are_bound_as_they_arrive_from_a_terminal(name: str) -> None:
    """An alt chord the terminal turns into another key must still run its own action,
    and the key it turns into must not run another one (emacs M-< once shrank an annotation)."""
    keymap = load_keymap(name)
    by_key = {(scope_of(a), alt): a for a, keys in keymap.items() for alt in alternatives(keys)}
    for action_id, keys in keymap.items():
        for alt in alternatives(keys):
            if len(alt) != 1 or not alt[0].startswith("alt+"):
                continue
            arrives = key_from_terminal(alt[0])
            runs = {by_key.get((scope, (arrives,))) for scope in (scope_of(action_id), "app")} - {None}
            assert runs == {action_id}, f"{name}: {alt[0]} arrives as {arrives!r}, which runs {runs}"


async def test_emacs_meta_lt_and_gt_go_to_the_start_and_end(app_db_path: Path) -> None:
    """M-< and M-> arrive as `<` and `>`: they move to the start and end of the article and
    leave the annotation under the cursor alone; C-x > and C-x < change its end instead."""
    async with make_app(app_db_path, "emacs").run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot, "India, Russia Gear")
        view = reader.view
        await pilot.press("ctrl+n", "s", "1")  # tag the second line's sentence

        def bounds() -> tuple[int, int]:
            return query(app_db_path, 'select start, "end" from annotations order by id desc limit 1')[0]

        tagged = bounds()
        await pilot.press(key_from_terminal("alt+greater_than_sign"))
        assert view.cursor >= len(reader.article.text) - 1
        await pilot.press(key_from_terminal("alt+less_than_sign"))
        assert view.cursor == 0
        assert bounds() == tagged  # the annotation is as it was
        await pilot.press("right_square_bracket", "ctrl+x", "greater_than_sign")  # into it; grow its end
        grown = bounds()
        assert grown[0] == tagged[0] and grown[1] > tagged[1]
        await pilot.press("ctrl+x", "less_than_sign")
        assert bounds()[1] < grown[1]
