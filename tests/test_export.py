"""store.export: jsonl (Prodigy field names) and csv, refusing corrupt spans, and the format
registries that the command line and the app's export dialog read."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pilot_support import SIZE, make_app
from textual.widgets import Input, OptionList

from newsmark.cli.main import main
from newsmark.store import open_db
from newsmark.store.annotations import add_annotation, delete_annotation
from newsmark.store.articles import get_article, set_article_status
from newsmark.store.export import SpanMismatch, export_items
from newsmark.store.export.csv import write_csv
from newsmark.store.export.jsonl import write_jsonl
from newsmark.store.formats import EXPORT_FORMATS, IMPORT_FORMATS, ExportFormat
from newsmark.store.imports.reading import import_path
from newsmark.store.ingest import ingest_text
from newsmark.tui.screens.dialogs import PathPrompt
from newsmark.tui.screens.picker import Picker

TEXT = "Lavrov said: “We will talk.”\nThe minister left Moscow on Friday.\n"


def jsonl_records(db, **kwargs) -> list[dict]:
    out = io.StringIO()
    n = write_jsonl(export_items(db, **kwargs), out)
    lines = out.getvalue().splitlines()
    assert n == len(lines)
    return [json.loads(line) for line in lines]


def check_record(record: dict) -> None:
    """Every structural promise a jsonl line makes, checked against its own text."""
    text = record["text"]
    tokens = record["tokens"]
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    for i, t in enumerate(tokens):
        assert set(t) == {"text", "start", "end", "id", "ws"}
        assert t["text"] == text[t["start"] : t["end"]]
        assert t["text"].strip() == t["text"] != ""
        assert t["ws"] == text[t["end"] : t["end"] + 1].isspace()
        if i:
            assert tokens[i - 1]["end"] <= t["start"]
            assert text[tokens[i - 1]["end"] : t["start"]].strip() == ""
    for span in record["spans"]:
        assert {"start", "end", "token_start", "token_end", "label", "text"} <= set(span)
        assert span["text"] == text[span["start"] : span["end"]]
        first, last = tokens[span["token_start"]], tokens[span["token_end"]]
        # The tokens named cover the span, and are the tightest that do.
        assert first["start"] <= span["start"] < first["end"]
        assert last["start"] < span["end"] <= last["end"]
    for e in record["entities"]:
        assert e["text"] == text[e["start"] : e["end"]]


def test_jsonl_of_unanalysed_article(tmp_db) -> None:
    article_id, _ = ingest_text(tmp_db, TEXT, "t.txt", title="Talks")
    quote = add_annotation(
        tmp_db, article_id, 13, 28, "QUOTE", speaker="Lavrov", speaker_start=0, speaker_end=6, note="checked"
    )
    add_annotation(tmp_db, article_id, 0, 6, "SOURCE")
    gone = add_annotation(tmp_db, article_id, 29, 32, "CLAIM")
    delete_annotation(tmp_db, gone.id)
    [record] = jsonl_records(tmp_db)
    check_record(record)
    assert record["text"] == TEXT
    assert record["meta"] == {"id": article_id, "title": "Talks", "source": "t.txt", "status": "in progress"}
    assert [t["text"] for t in record["tokens"][:6]] == ["Lavrov", "said", ":", "“", "We", "will"]
    assert record["tokens"][0] == {"text": "Lavrov", "start": 0, "end": 6, "id": 0, "ws": True}
    assert record["tokens"][1]["ws"] is False  # "said" then ":"
    assert record["tokens"][-1] == {
        "text": ".",
        "start": len(TEXT) - 2,
        "end": len(TEXT) - 1,
        "id": len(record["tokens"]) - 1,
        "ws": True,
    }
    assert record["spans"] == [
        {
            "start": 0,
            "end": 6,
            "token_start": 0,
            "token_end": 0,
            "label": "SOURCE",
            "text": "Lavrov",
            "id": quote.id + 1,
        },
        {
            "start": 13,
            "end": 28,
            "token_start": 3,
            "token_end": 8,
            "label": "QUOTE",
            "text": "“We will talk.”",
            "id": quote.id,
            "speaker": "Lavrov",
            "speaker_start": 0,
            "speaker_end": 6,
            "note": "checked",
        },
    ]
    assert record["entities"] == []


def three_articles(db) -> dict[str, str]:
    """A finished article, one started, one untouched: their ids by source."""
    done, _ = ingest_text(db, TEXT, "done.txt")
    started, _ = ingest_text(db, "Petrov said it was over.\n", "started.txt")
    untouched, _ = ingest_text(db, "Nobody has read this one.\n", "untouched.txt")
    add_annotation(db, done, 13, 28, "QUOTE")
    set_article_status(db, done, "done")
    add_annotation(db, started, 0, 6, "SOURCE")
    return {"done.txt": done, "started.txt": started, "untouched.txt": untouched}


def test_jsonl_answer_is_accept_only_for_articles_done(tmp_db, tmp_path: Path) -> None:
    three_articles(tmp_db)
    records = jsonl_records(tmp_db)
    # Prodigy trains on "accept" and leaves "ignore" out (a skipped task): an article the
    # user has not finished is not a reviewed article that holds no more quotes.
    assert {r["meta"]["source"]: (r["answer"], r["meta"]["status"]) for r in records} == {
        "done.txt": ("accept", "done"),
        "started.txt": ("ignore", "in progress"),
        "untouched.txt": ("ignore", "new"),
    }
    # newsmark reads its own unfinished articles back, with their status; a line Prodigy's
    # annotator skipped (no newsmark status) is still left out.
    skipped = {"text": "Skipped in Prodigy.", "spans": [{"start": 0, "end": 7, "label": "CLAIM"}]}
    path = tmp_path / "export.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in [*records, {**skipped, "answer": "ignore"}]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    empty = open_db(tmp_path / "empty.db")
    result = import_path(empty, path)
    assert (result.errors, result.articles_added, result.annotations_added) == ([], 3, 2)
    assert result.notices == [f"{path}: skipped lines whose answer is not 'accept': 1 'ignore'"]
    statuses = dict(empty.execute("select source, status from articles").fetchall())
    assert statuses == {"done.txt": "done", "started.txt": "in progress", "untouched.txt": "new"}


def test_export_status_done_writes_only_finished_articles(tmp_db, tmp_path: Path) -> None:
    three_articles(tmp_db)
    runner = CliRunner()
    db = str(tmp_path / "newsmark.db")
    result = runner.invoke(main, ["export", "--db", db, "--status", "done", "--out", "-"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["meta"]["source"] for line in result.stdout.splitlines()] == ["done.txt"]
    out = tmp_path / "all.csv"
    result = runner.invoke(
        main, ["export", "--db", db, "--format", "csv", "--status", "all", "--out", str(out)]
    )
    assert (result.exit_code, result.stdout) == (0, f"wrote 2 annotations to {out}\n")
    result = runner.invoke(main, ["export", "--db", db, "--status", "finished", "--out", "-"])
    assert result.exit_code == 2 and "'finished' is not one of 'done', 'all'" in result.stderr


def test_span_inside_a_token_points_at_that_token(tmp_db) -> None:
    article_id, _ = ingest_text(tmp_db, TEXT, "t.txt")
    add_annotation(tmp_db, article_id, 2, 4, "CLAIM")  # "vr" inside "Lavrov"
    add_annotation(tmp_db, article_id, 5, 9, "CLAIM")  # "v sa": across two tokens
    [record] = jsonl_records(tmp_db)
    check_record(record)
    assert [(s["token_start"], s["token_end"]) for s in record["spans"]] == [(0, 0), (0, 1)]


def test_jsonl_after_analysis_has_entities_and_model_tokens(analysed_db) -> None:
    records = jsonl_records(analysed_db)
    assert len(records) == 5
    for record in records:
        check_record(record)
        assert record["entities"]
    first = next(r for r in records if r["meta"]["source"].endswith("000_bec322a2207c2d7e.txt"))
    ents = {(e["text"], e["label"]) for e in first["entities"]}
    assert {("Sergei Lavrov", "PERSON"), ("Moscow", "GPE")} <= ents
    # Tokens are the model's (stored at analysis), the same count as in the tokens table.
    stored = json.loads(
        analysed_db.execute(
            "select offsets from tokens where article_id = ?", [first["meta"]["id"]]
        ).fetchone()[0]
    )
    assert len(first["tokens"]) == len(stored) // 2


def test_jsonl_filters_by_label_and_article(analysed_db) -> None:
    ids = [r[0] for r in analysed_db.execute("select id from articles order by source")]
    text = get_article(analysed_db, ids[0]).text
    start = text.index("Lavrov")
    add_annotation(analysed_db, ids[0], start, start + 6, "SOURCE")
    add_annotation(analysed_db, ids[0], 0, 5, "CLAIM")
    [record] = jsonl_records(analysed_db, article_ids=[ids[0]], labels={"SOURCE"})
    check_record(record)
    assert [s["label"] for s in record["spans"]] == ["SOURCE"]
    with pytest.raises(KeyError, match="no article nope"):
        list(export_items(analysed_db, article_ids=["nope"]))


def test_csv_one_row_per_annotation_with_formulas_escaped(tmp_db) -> None:
    text = "=SUM(A1) +1 said -x @cmd plain\n"
    article_id, _ = ingest_text(tmp_db, text, "f.txt", title='=HYPERLINK("x")')
    spans = [(0, 8, "CLAIM"), (9, 11, "CLAIM"), (17, 19, "QUOTE"), (20, 24, "QUOTE"), (25, 30, "SOURCE")]
    made = [add_annotation(tmp_db, article_id, s, e, label) for s, e, label in spans]
    out = io.StringIO()
    assert write_csv(export_items(tmp_db), out) == 5
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["text"] for r in rows] == ["'=SUM(A1)", "'+1", "'-x", "'@cmd", "plain"]
    assert {r["title"] for r in rows} == {'\'=HYPERLINK("x")'}
    assert [int(r["annotation_id"]) for r in rows] == [a.id for a in made]
    assert [(int(r["start"]), int(r["end"]), r["label"]) for r in rows] == spans
    assert list(rows[0]) == [
        "article_id",
        "source",
        "title",
        "article_status",
        "date",
        "url",
        "outlet",
        "author",
        "annotation_id",
        "label",
        "kind",
        "source_name",
        "source_id",
        "speaker",
        "text",
        "start",
        "end",
        "speaker_start",
        "speaker_end",
        "note",
        "created_at",
        "updated_at",
    ]


def test_csv_keeps_newlines_inside_a_cell(tmp_db) -> None:
    article_id, _ = ingest_text(tmp_db, TEXT, "t.txt")
    add_annotation(tmp_db, article_id, 20, 40, "CLAIM")
    out = io.StringIO()
    write_csv(export_items(tmp_db), out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["text"] == TEXT[20:40]
    assert "\n" in row["text"]


@pytest.mark.parametrize(("table", "what"), [("annotations", "annotation"), ("entities", "entity")])
def test_corrupt_span_raises_span_mismatch(analysed_db, table: str, what: str) -> None:
    article_id = analysed_db.execute("select id from articles order by source limit 1").fetchone()[0]
    add_annotation(analysed_db, article_id, 0, 5, "CLAIM")
    row_id = analysed_db.execute(
        f"select id from {table} where article_id = ? limit 1", [article_id]
    ).fetchone()[0]
    with analysed_db.conn:
        analysed_db.execute(f'update {table} set start = start + 1, "end" = "end" + 1 where id = ?', [row_id])
    out = io.StringIO()
    with pytest.raises(SpanMismatch, match=f"{what} {row_id} in article {article_id}"):
        write_jsonl(export_items(analysed_db), out)
    with pytest.raises(SpanMismatch):
        write_csv(export_items(analysed_db), io.StringIO())
    assert article_id not in out.getvalue()


# --- the registries: one entry per format is all the command line and the app need ------------------


def test_the_registries_hold_every_format_in_order() -> None:
    assert list(EXPORT_FORMATS) == ["jsonl", "csv", "spacy", "conll", "brat", "doccano", "labelstudio"]
    assert list(IMPORT_FORMATS) == ["jsonl", "brat", "doccano", "labelstudio"]
    for name, fmt in [*EXPORT_FORMATS.items(), *IMPORT_FORMATS.items()]:
        assert fmt.name == name
    assert all(callable(f.load_writer()) for f in EXPORT_FORMATS.values())
    assert all(callable(f.load_reader()) for f in IMPORT_FORMATS.values())
    assert [f.name for f in EXPORT_FORMATS.values() if f.needs_spacy] == ["spacy"]


def says(help_text: str, sentence: str) -> bool:
    """Whether --help says `sentence`, wherever it wrapped it (at spaces, and after hyphens)."""
    return "".join(sentence.split()) in "".join(help_text.split())


@pytest.mark.parametrize(("command", "registry"), [("export", EXPORT_FORMATS), ("import", IMPORT_FORMATS)])
def test_the_command_line_offers_every_registered_format(command: str, registry: dict) -> None:
    option = next(p for p in main.commands[command].params if p.name == "fmt")
    assert option.type.choices == tuple(registry)
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    for fmt in registry.values():
        assert says(result.stdout, f"{fmt.name}: {fmt.description}.")


def test_import_help_says_how_the_format_is_chosen() -> None:
    shown = CliRunner().invoke(main, ["import", "--help"]).stdout
    assert says(shown, "Default: brat for a folder, .ann or .txt; labelstudio for .json; else jsonl.")


# An extension: two formats, each one function and one registry entry, registered before the
# command line is imported; the command line is then driven as a user would.
EXTENSION = """
import json, sys
from click.testing import CliRunner
from newsmark.store.formats import EXPORT_FORMATS, IMPORT_FORMATS, ExportFormat, ImportFormat
from newsmark.store.imports import DocumentIn, store_document

def write_titles(items, out):
    n = 0
    for n, item in enumerate(items, 1):
        out.write(item.article.title + "\\n")
    return n

def import_lines(db, path, result, encoding=None):
    for lineno, line in enumerate(path.read_text(encoding=encoding or "utf-8").splitlines(), 1):
        store_document(db, DocumentIn(f"{path}:{lineno}", line, f"{path}:{lineno}", line.split()[0]), result)

EXPORT_FORMATS["titles"] = ExportFormat(
    name="titles", description="one title a line", suffix=".txt", writes="text", writer="__main__:write_titles"
)
IMPORT_FORMATS["lines"] = ImportFormat(
    name="lines", description="one article a line", reads="file", reader="__main__:import_lines",
    suffixes=(".lines",),
)

from newsmark.cli.main import main

runner = CliRunner()
print(json.dumps([(r.exit_code, r.stdout) for r in (runner.invoke(main, a) for a in json.loads(sys.argv[1]))]))
"""


def test_a_registry_entry_alone_adds_a_format_to_the_command_line(tmp_path: Path) -> None:
    stories = tmp_path / "stories.lines"
    stories.write_text("Ports reopen after the storm.\nBanks raise rates again.\n", encoding="utf-8")
    db, out = str(tmp_path / "n.db"), tmp_path / "titles.txt"
    commands = [
        ["import", str(stories), "--db", db, "--no-analyze"],  # the format chosen by its suffix
        ["export", "--format", "titles", "--out", str(out), "--db", db],
        ["export", "--help"],
        ["import", "--help"],
    ]
    run = subprocess.run(
        [sys.executable, "-c", EXTENSION, json.dumps(commands)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    imported, exported, export_help, import_help = json.loads(run.stdout)
    assert imported == [
        0,
        "2 articles added, 0 already present; 0 annotations added, 0 already present; "
        "0 entities added, 0 already present; 0 errors; 0 analysed\n",
    ]
    assert exported == [0, f"wrote 2 articles to {out}\n"]
    assert out.read_text(encoding="utf-8") == "Ports\nBanks\n"
    assert says(export_help[1], "titles: one title a line.")
    assert says(import_help[1], "lines: one article a line.")
    assert says(
        import_help[1],
        "Default: brat for a folder, .ann or .txt; labelstudio for .json; lines for .lines; else jsonl.",
    )


def test_spacy_export_says_plainly_when_spacy_is_missing(tmp_db, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # what an environment without spaCy finds
    out = tmp_path / "out.spacy"
    result = CliRunner().invoke(
        main, ["export", "--format", "spacy", "--out", str(out), "--db", str(tmp_path / "newsmark.db")]
    )
    assert (result.exit_code, result.stderr) == (
        1,
        "newsmark: --format spacy needs spaCy, which is not installed (pip install spacy)\n",
    )
    assert not out.exists()


async def test_the_export_dialog_offers_every_registered_format(tmp_path: Path, monkeypatch) -> None:
    db_path = tmp_path / "newsmark.db"
    db = open_db(db_path)
    ingest_text(db, TEXT, "t.txt", title="Talks")
    db.conn.close()
    # A format the app knows only from its registry entry (jsonl's writer under another name).
    monkeypatch.setitem(
        EXPORT_FORMATS,
        "prodigy",
        ExportFormat(
            name="prodigy",
            description="Prodigy's JSONL",
            suffix=".prodigy.jsonl",
            writes="text",
            writer="newsmark.store.export.jsonl:write_jsonl",
        ),
    )
    async with make_app(db_path).run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        picker = pilot.app.screen
        assert isinstance(picker, Picker)
        assert [(name, detail) for name, detail, _ in picker.choices] == [
            ("jsonl", "→ newsmark-export.jsonl"),
            ("csv", "→ newsmark-export.csv"),
            ("spacy", "→ newsmark-export.spacy"),
            ("conll", "→ newsmark-export.conll"),
            ("brat", "→ newsmark-export/ (a folder)"),
            ("doccano", "→ newsmark-export.doccano.jsonl"),
            ("labelstudio", "→ newsmark-export.labelstudio.json"),
            ("prodigy", "→ newsmark-export.prodigy.jsonl"),
        ]
        assert picker.query_one(OptionList).option_count == len(EXPORT_FORMATS) == 8
        await pilot.press(*"prodigy", "enter")
        prompt = pilot.app.screen
        assert isinstance(prompt, PathPrompt)
        path_input = prompt.query_one(Input)
        assert path_input.value == str(Path.cwd() / "newsmark-export.prodigy.jsonl")
        out = tmp_path / "out.prodigy.jsonl"
        path_input.value = str(out)
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["meta"]["title"] == "Talks"


# --- sources: every export names who said it, one id and name whatever the spelling ------------


@pytest.fixture
def sourced(analysed_db):
    """The seeds with a QUOTE said by "Sergei Lavrov" (as one article spells him) and a
    PARAPHRASE said by someone no article names: one with a source, one without."""
    db = analysed_db
    article_id = db.execute("select id from articles order by source limit 1").fetchone()[0]
    text = get_article(db, article_id).text
    quote = text.index("“We discussed"), text.index("good tradition,”") + len("good tradition,”")
    said = text.index("Lavrov said")
    add_annotation(
        db, article_id, *quote, "QUOTE", speaker="Sergei Lavrov", speaker_start=said, speaker_end=said + 6
    )
    add_annotation(db, article_id, 0, 5, "PARAPHRASE", speaker="Somebody Unknown")
    (lavrov,) = db.execute("select source_id from source_aliases where alias = 'Sergey Lavrov'").fetchone()
    return db, article_id, lavrov


def test_csv_is_who_said_what(sourced) -> None:
    db, article_id, lavrov = sourced
    out = io.StringIO()
    write_csv(export_items(db, article_ids=[article_id]), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    quote = next(r for r in rows if r["label"] == "QUOTE")
    assert (quote["source_name"], quote["source_id"], quote["speaker"], quote["kind"]) == (
        "Sergey Lavrov",
        str(lavrov),
        "Sergei Lavrov",
        "direct",
    )
    assert (
        quote["title"]
        and quote["article_status"] == "in progress"
        and quote["text"].startswith("“We discussed")
    )
    paraphrase = next(r for r in rows if r["label"] == "PARAPHRASE")
    assert (paraphrase["kind"], paraphrase["source_id"], paraphrase["source_name"]) == ("indirect", "", "")


def test_jsonl_doccano_brat_and_labelstudio_carry_the_source(sourced, tmp_path: Path) -> None:
    from newsmark.store.export.brat import write_brat
    from newsmark.store.export.doccano import write_doccano
    from newsmark.store.export.labelstudio import write_labelstudio

    db, article_id, lavrov = sourced
    [record] = jsonl_records(db, article_ids=[article_id])
    check_record(record)
    span = next(s for s in record["spans"] if s["label"] == "QUOTE")
    assert (span["speaker"], span["source_id"], span["source_name"]) == (
        "Sergei Lavrov",
        lavrov,
        "Sergey Lavrov",
    )
    assert record["quotes"][0]["source_id"] == lavrov
    unknown = next(s for s in record["spans"] if s["label"] == "PARAPHRASE")
    assert unknown["speaker"] == "Somebody Unknown" and "source_id" not in unknown

    out = io.StringIO()
    write_doccano(export_items(db, article_ids=[article_id]), out)
    speakers = json.loads(out.getvalue())["speakers"]
    assert [(s["label"], s.get("source_id"), s.get("source_name")) for s in speakers] == [
        ("PARAPHRASE", None, None),
        ("QUOTE", lavrov, "Sergey Lavrov"),
    ]

    folder = tmp_path / "brat"
    folder.mkdir()
    write_brat(export_items(db, article_ids=[article_id]), folder)
    ann = (folder / f"{article_id}.ann").read_text(encoding="utf-8").splitlines()
    mention = next(line.split("\t")[0] for line in ann if line.split("\t")[1].startswith("Speaker "))
    assert f"AnnotatorNotes {mention}\tsource {lavrov}: Sergey Lavrov" in "\n".join(ann)

    out = io.StringIO()
    write_labelstudio(export_items(db, article_ids=[article_id]), out)
    [task] = json.loads(out.getvalue())
    quote = next(r for r in task["annotations"][0]["result"] if r.get("value", {}).get("labels") == ["QUOTE"])
    assert quote["meta"] == {
        "text": [f"source {lavrov}: Sergey Lavrov"],
        "source_id": lavrov,
        "source_name": "Sergey Lavrov",
    }
