"""Text from files is shown, never interpreted (issue 12, defect 13).

Article text, titles, paths, speaker names and labels that look like Rich markup
(`[b]x[/b]`, a stray `[/b]`, `[link=...]`, `[red]`) or hold escape sequences (ESC [ 2 J,
an OSC 8 hyperlink, BEL, bidi overrides) go through every command's output and the
app's title, library row, annotation panel, pickers, dialogs and notifications: the
markup shows as typed, no command or screen crashes on it, and no control character
reaches the terminal (each is a visible symbol, or a \\u escape in JSON).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsmark.cli.main import main
from newsmark.store import open_db
from newsmark.store.annotations import add_annotation
from newsmark.store.ingest import ingest_text
from newsmark.store.suggestions import open_suggestions
from newsmark.tui.article_edits import ArticleEdits

MARKUP = ["[b]bold[/b]", "[/b]", "[link=https://evil.example]here[/link]", "[red]red[/red]"]
ESCAPES = ["\x1b[2J", "\x1b]8;;https://evil.example/\x07link\x1b]8;;\x07", "\x07", "\u202e"]
HOSTILE = " ".join(MARKUP + ESCAPES)
TITLE = f"Talks in Moscow {HOSTILE} end"
ARTICLE = (
    f"{TITLE}\n\n"
    "Russian Foreign Minister Sergei Lavrov met Indian officials on Thursday in Moscow.\n\n"
    f"“We will [b]never[/b] stop {HOSTILE} talking,” Lavrov said.\n"
)
SPEAKER = "[b]Sergei[/b] [/b] \x1b[31mLavrov\u202e"
# What a terminal would act on: C0 controls but the newline, DEL, C1 controls, bidi controls.
ACTED_ON = {
    chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
}
ACTED_ON -= {"\n"}
WIDE = {"COLUMNS": "400"}  # Rich wraps table cells to the terminal's width


def acted_on(output: str) -> list[str]:
    return sorted({f"U+{ord(c):04X}" for c in output if c in ACTED_ON})


def assert_inert(result: Result, *, exit_code: int = 0) -> str:
    """The command ran to its end (no traceback) and sent the terminal nothing it acts on."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == exit_code, result.output
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert not acted_on(output), acted_on(output)
    return output


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    """A folder (its own name markup, with a slash: `[b]x[/b]` is a folder and a file
    inside it) holding the hostile article, and a file that ingest skips."""
    folder = tmp_path / "in [red]x[" / "b]"
    folder.mkdir(parents=True)
    # Ingest refuses a file name with control characters (the binary file's): markup only.
    (folder / "[b]article[red].txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "[red]bad\x07\x1b]8;;x\x07.txt").write_bytes(b"\x00\x01\x02binary")
    return folder


@pytest.fixture
def hostile_db(hostile_folder: Path, tmp_path: Path, cached_pipeline) -> Path:
    """The hostile article ingested and analysed, its quote accepted, said by SPEAKER."""
    path = tmp_path / "n.db"
    result = CliRunner().invoke(main, ["ingest", str(hostile_folder), "--db", str(path)])
    assert result.exit_code == 1, result.output  # the other file was skipped
    db = open_db(path)
    article_id = db.execute("select id from articles").fetchone()[0]
    (suggestion,) = open_suggestions(db, article_id)
    quote = ArticleEdits(db, article_id).accept(suggestion, SPEAKER, None, None).annotation
    assert quote is not None and "[/b]" in quote.text
    db.close()
    return path


def test_ingest_and_analyze_messages(hostile_folder: Path, tmp_path: Path, cached_pipeline) -> None:
    db = str(tmp_path / "n.db")
    output = assert_inert(
        CliRunner().invoke(main, ["ingest", "--no-analyze", str(hostile_folder), "--db", db]), exit_code=1
    )
    assert "1 added, 0 already present, 1 skipped" in output
    skipped = next(line for line in output.splitlines() if line.startswith("newsmark: skipped"))
    assert "in [red]x[/b]/[red]bad" in skipped and "control characters" in skipped
    assert_inert(CliRunner().invoke(main, ["analyze", "--db", db]))


def test_import_messages(tmp_path: Path) -> None:
    folder = tmp_path / "[b]x["
    folder.mkdir()
    dataset = folder / "b] \x1b[2J\u202e.jsonl"
    record = {"text": ARTICLE, "meta": {"title": TITLE}}
    dataset.write_text(json.dumps(record) + "\nnot json\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(dataset), "--db", str(tmp_path / "n.db")])
    output = assert_inert(result, exit_code=1)
    error = next(line for line in output.splitlines() if "not JSON" in line)
    assert "[b]x[/b] ␛[2J⇆.jsonl:2: not JSON" in error


def test_quotes_table_and_jsonl(hostile_db: Path) -> None:
    table = assert_inert(CliRunner().invoke(main, ["quotes", "--db", str(hostile_db)], env=WIDE))
    assert "“We will [b]never[/b] stop [b]bold[/b] [/b] [link=" in table  # cut at 70 characters
    assert "[b]Sergei[/b] [/b] ␛[31mLavrov⇆" in table
    result = CliRunner().invoke(main, ["quotes", "--db", str(hostile_db), "--format", "jsonl"])
    (line,) = assert_inert(result).splitlines()
    record = json.loads(line)
    assert HOSTILE in record["text"]  # the data is exact: JSON escapes what a terminal would act on
    assert record["speaker"] == SPEAKER


def test_sources_table_jsonl_and_csv(hostile_db: Path) -> None:
    """The speaker's name (markup and an escape sequence) in `newsmark sources`: shown, never
    acted on, in the table; exact in jsonl and csv."""
    table = assert_inert(CliRunner().invoke(main, ["sources", "--db", str(hostile_db)], env=WIDE))
    assert "[b]Sergei[/b] [/b] ␛[31mLavrov⇆" in table
    result = CliRunner().invoke(main, ["sources", "--db", str(hostile_db), "--format", "jsonl"])
    aliases = [json.loads(line)["aliases"] for line in assert_inert(result).splitlines()]
    assert [SPEAKER] in aliases
    # csv is data for a file (a spreadsheet): exact, as jsonl's values are
    result = CliRunner().invoke(main, ["sources", "--db", str(hostile_db), "--format", "csv"])
    assert result.exit_code == 0 and SPEAKER in result.stdout


def test_search_table_and_jsonl(hostile_db: Path) -> None:
    table = assert_inert(CliRunner().invoke(main, ["search", "moscow", "--db", str(hostile_db)], env=WIDE))
    assert "Talks in Moscow [b]bold[/b] [/b] [link=https://evil.example]here[/link] [red]red[/red]" in table
    assert "␛[2J" in table
    result = CliRunner().invoke(main, ["search", "moscow", "--db", str(hostile_db), "--format", "jsonl"])
    (line,) = assert_inert(result).splitlines()
    assert json.loads(line)["title"] == TITLE


def test_check_report(hostile_db: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "[b]x[" / "b] \x1b[2J\u202e.db"
    db_path.parent.mkdir()
    with sqlite3.connect(hostile_db) as source, sqlite3.connect(db_path) as copy:
        source.backup(copy)  # with what is still in the write-ahead log
    db = open_db(db_path)
    article_id = db.execute("select id from articles").fetchone()[0]
    annotation = add_annotation(db, article_id, 0, 5, "CLAIM")
    db.execute("update annotations set text = ? where id = ?", [HOSTILE, annotation.id])
    db.conn.commit()
    db.close()
    output = assert_inert(CliRunner().invoke(main, ["check", "--db", str(db_path)]), exit_code=1)
    assert "database: " in output and "[b]x[/b] ␛[2J⇆.db" in output
    assert "[b]bold[/b] [/b] [link=https://evil.example]here[/link]" in output


def test_export_summary_and_errors(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "[b]x[" / "b] \x1b[2J\u202e.jsonl"
    out.parent.mkdir()
    output = assert_inert(CliRunner().invoke(main, ["export", "--db", str(hostile_db), "--out", str(out)]))
    assert "[b]x[/b] ␛[2J⇆.jsonl" in output
    again = CliRunner().invoke(main, ["export", "--db", str(hostile_db), "--out", str(out)])
    assert "[b]x[/b] ␛[2J⇆.jsonl" in assert_inert(again, exit_code=1)  # exists already
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records[0]["text"] == ARTICLE  # files written are data: exact


# --- the app ------------------------------------------------------------------------

ENTITY_LABEL = "[red]ORG[/red]\x07"  # entity labels are any one word: typed in a picker, or imported
LABEL = "[B]X[/B]\x1b[2J"  # an annotation label: one word, upper case, typed or imported
SHOWN_LABEL = "[B]X[/B]␛[2J"


@pytest.fixture
def hostile_app_db(tmp_path: Path, nlp) -> Path:
    """The hostile article analysed, its quote accepted as said by SPEAKER, a PERSON
    entity on markup, an entity with a markup label, and a label named in markup."""
    from newsmark.nlp.batch import analyze_articles
    from newsmark.store.annotations import add_label
    from newsmark.store.entities import add_entity

    path = tmp_path / "app.db"
    db = open_db(path)
    article_id, _ = ingest_text(db, ARTICLE, str(tmp_path / "in [red]x[" / "b]" / "[b]article[red].txt"))
    assert analyze_articles(db, nlp, [article_id]) == 1
    (suggestion,) = open_suggestions(db, article_id)
    ArticleEdits(db, article_id).accept(suggestion, SPEAKER, None, None)
    body = ARTICLE.index("“We will")
    person = ARTICLE.index("[b]bold[/b] [/b]", body)
    add_entity(db, article_id, person, person + len("[b]bold[/b] [/b]"), "PERSON", replace=True)
    moscow = ARTICLE.index("Moscow.")
    add_entity(db, article_id, moscow, moscow + len("Moscow"), ENTITY_LABEL, replace=True)
    add_label(db, LABEL)
    db.close()
    return path


def screen_text(app) -> str:
    from pilot_support import screen_lines

    return "\n".join(screen_lines(app))


def assert_shown_literally(app, *expected: str) -> None:
    shown = screen_text(app)
    assert not acted_on(shown), acted_on(shown)
    for text in expected:
        assert text in shown, (text, "\n" + shown)


async def test_app_shows_markup_and_escapes_literally(hostile_app_db: Path, tmp_path: Path) -> None:
    from pilot_support import make_app
    from textual.widgets import Input
    from textual.widgets._toast import Toast

    from newsmark.tui.screens.reader import ReaderScreen

    shown_title = (
        "Talks in Moscow [b]bold[/b] [/b] [link=https://evil.example]here[/link] [red]red[/red] ␛[2J"
    )
    app = make_app(hostile_app_db)
    async with app.run_test(size=(250, 50), notifications=True) as pilot:
        await pilot.pause()
        assert_shown_literally(app, shown_title)  # the library's row
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        # The title, the annotation panel (the quote and who said it), the legend.
        assert_shown_literally(
            app, shown_title, "[b]Sergei[/b] [/b] ␛[31mLavrov⇆", SHOWN_LABEL, "[red]ORG[/red]␇"
        )

        for key, expected in [("f2", SHOWN_LABEL), ("E", "[red]ORG[/red]␇")]:  # labels, entity labels
            await pilot.press(key)
            await pilot.pause()
            assert_shown_literally(app, expected)
            await pilot.press("escape")
            await pilot.pause()

        person = ARTICLE.index("[b]bold[/b] [/b]", ARTICLE.index("“We will"))
        reader.view.jump_to(person)
        await pilot.press("equals_sign")  # relabel the entity: its text is in the picker's title
        await pilot.pause()
        assert_shown_literally(app, "'[b]bold[/b] [/b]' (PERSON)")
        await pilot.press("escape")
        await pilot.press("p")  # the speaker picker: the entity's text is a candidate
        await pilot.pause()
        assert_shown_literally(app, "[b]bold[/b] [/b]  PERSON", "[b]Sergei[/b] [/b] ␛[31mLavrov⇆")
        await pilot.press("escape")

        await pilot.press("slash", *"moscow", "enter", "T")  # tag every match: the labels to choose from
        await pilot.pause()
        assert_shown_literally(app, SHOWN_LABEL)
        await pilot.press("5")  # with the label (4 is PARAPHRASE): the annotations panel lists them
        await pilot.pause()
        assert_shown_literally(app, f"{SHOWN_LABEL} Moscow")

        out = tmp_path / "[b]x[" / "b] \x1b[2J\u202e.jsonl"
        out.parent.mkdir()
        await pilot.press("f4", *"jsonl", "enter")
        await pilot.pause()
        app.screen.query_one(Input).value = str(out)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (toast,) = app.screen.query(Toast)
        message = toast.render().plain
        assert not acted_on(message), acted_on(message)
        assert message == f"Wrote 1 article to {tmp_path}/[b]x[/b] ␛[2J⇆.jsonl"
    assert out.is_file()
