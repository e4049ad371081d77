"""Label Studio: offsets as it counts them (code points, emoji included), its JSON export read
back by `newsmark import --format labelstudio`, and import's analysis of what it adds."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli.main import main
from newsmark.store import open_db
from newsmark.store.annotations import add_annotation, annotations_for_article
from newsmark.store.articles import get_article
from newsmark.store.entities import add_entity, entities_for_article
from newsmark.store.export import export_items
from newsmark.store.export.labelstudio import write_labelstudio
from newsmark.store.imports.reading import import_path
from newsmark.store.ingest import ingest_text
from newsmark.store.ingest.rows import Metadata
from newsmark.store.sources.resolve import SpeakerMention, resolve_speakers

# Characters outside the Basic Multilingual Plane before a span, inside one, and between: each
# is one code point (one Python index) and two UTF-16 units (two JavaScript indices).
EMOJI = "🐱 Ann Lee said “we are 👋 ready” on 𝕏.\nShe added: “see 🌍 soon”.\n"
PUBLISHED = Metadata("2024-03-05", "https://courier.example/cats", "The Daily Courier", "Bob Ray")


def find(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


@pytest.fixture
def emoji_db(tmp_db):
    """One article with emoji and its metadata: two quotes said by one source (one with a
    mention and a note), a SOURCE span, and an entity."""
    article_id, _ = ingest_text(tmp_db, EMOJI, "cats.html", "Cats", PUBLISHED)
    ann = find(EMOJI, "Ann Lee")
    with tmp_db.conn:  # her source, as analysis makes it: the quotes said by "Ann Lee" get it
        resolve_speakers(tmp_db, article_id, [SpeakerMention("Ann Lee", *ann)])
    add_annotation(
        tmp_db,
        article_id,
        *find(EMOJI, "“we are 👋 ready”"),
        "QUOTE",
        speaker="Ann Lee",
        speaker_start=ann[0],
        speaker_end=ann[1],
        note="checked 👍",
    )
    add_annotation(tmp_db, article_id, *ann, "SOURCE")
    add_annotation(tmp_db, article_id, *find(EMOJI, "“see 🌍 soon”"), "QUOTE", speaker="Ann Lee")
    add_entity(tmp_db, article_id, *ann, "PERSON")
    return tmp_db, article_id


def exported(db) -> tuple[list[dict], str]:
    out = io.StringIO()
    _, config = write_labelstudio(export_items(db), out)
    return json.loads(out.getvalue()), config


def utf16_units(text: str, offset: int) -> int:
    """`offset` (code points) as JavaScript counts: in UTF-16 units."""
    return len(text[:offset].encode("utf-16-le")) // 2


# --- offsets -----------------------------------------------------------------------------------------


def test_offsets_are_code_points_as_label_studio_counts_them(emoji_db) -> None:
    db, _ = emoji_db
    [task], _ = exported(db)
    regions = {
        (r["from_name"], r["value"]["text"]): r["value"]
        for r in task["annotations"][0]["result"]
        if r["type"] == "labels"
    }
    # The cat before "Ann" counts one, as in Label Studio's own test ("🐱 Warning: This is a
    # test text": `test` at 21-25); the hand inside the quote counts one too.
    assert (regions["entity", "Ann Lee"]["start"], regions["entity", "Ann Lee"]["end"]) == (2, 9)
    quote = regions["label", "“we are 👋 ready”"]
    assert (quote["start"], quote["end"]) == (15, 31)
    assert (utf16_units(EMOJI, 15), utf16_units(EMOJI, 31)) == (16, 33)  # what JavaScript would say
    later = regions["label", "“see 🌍 soon”"]
    assert EMOJI[later["start"] : later["end"]] == "“see 🌍 soon”"
    for value in regions.values():
        assert task["data"]["text"][value["start"] : value["end"]] == value["text"]


def test_an_export_from_before_label_studio_counted_code_points_is_read_in_utf16_units(
    tmp_db, tmp_path
) -> None:
    quote = find(EMOJI, "“we are 👋 ready”")
    ann = find(EMOJI, "Ann Lee")
    units = [utf16_units(EMOJI, o) for o in (*quote, *ann)]
    task = {
        "data": {"text": EMOJI},
        "annotations": [
            {
                "result": [
                    {
                        "id": "q",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {
                            "start": units[0],
                            "end": units[1],
                            "text": "“we are 👋 ready”",
                            "labels": ["QUOTE"],
                        },
                    },
                    {
                        "id": "p",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        # After the cat: one unit further in JavaScript's count than in Python's.
                        "value": {
                            "start": units[2],
                            "end": units[3],
                            "text": "Ann Lee",
                            "labels": ["SOURCE"],
                        },
                    },
                ]
            }
        ],
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    result = import_path(tmp_db, path, "labelstudio")
    assert result.errors == []
    [article_id] = result.article_ids
    assert [(a.start, a.end, a.text) for a in annotations_for_article(tmp_db, article_id)] == [
        (*ann, "Ann Lee"),
        (*quote, "“we are 👋 ready”"),
    ]


# --- the round trip ------------------------------------------------------------------------------------


def annotations_as_compared(db, article_id: str) -> list[tuple]:
    return [
        (a.id, a.start, a.end, a.label, a.text, a.speaker, a.speaker_start, a.speaker_end, a.note)
        for a in annotations_for_article(db, article_id)
    ]


def test_export_then_import_into_an_empty_database_gives_the_same_work(emoji_db, tmp_path: Path) -> None:
    db, article_id = emoji_db
    tasks, _ = exported(db)
    path = tmp_path / "tasks.labelstudio.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    back = open_db(tmp_path / "back.db")
    result = import_path(back, path)  # chosen by the .json suffix
    assert (result.errors, result.notices) == ([], [])
    assert (result.articles_added, result.annotations_added, result.entities_added) == (1, 3, 1)
    assert annotations_as_compared(back, article_id) == annotations_as_compared(db, article_id)
    assert get_article(back, article_id).publication() == PUBLISHED._asdict()
    assert (get_article(back, article_id).title, get_article(back, article_id).source) == (
        "Cats",
        "cats.html",
    )
    assert [(e.start, e.end, e.label) for e in entities_for_article(back, article_id)] == [(2, 9, "PERSON")]
    # Who said it: the same source (id and name) behind each quote.
    [item], [item_back] = export_items(db), export_items(back)
    assert [(a.id, a.source_id, a.source_name) for a in item_back.annotations] == [
        (a.id, a.source_id, a.source_name) for a in item.annotations
    ]
    assert {a.source_name for a in item.annotations if a.label == "QUOTE"} == {"Ann Lee"}
    # Exported again, the tasks are the same.
    assert exported(back)[0] == tasks


def test_label_studios_own_export_shape_is_read(emoji_db, tmp_path: Path) -> None:
    """As Label Studio exports tasks again: ids, who annotated, several annotations (one
    cancelled), predictions and drafts, region ids of its own, and kinds of result newsmark has
    no place for."""
    db, article_id = emoji_db
    [task], _ = exported(db)
    result = task["annotations"][0]["result"]
    x_start, x_end = find(EMOJI, "𝕏")
    second = {
        "id": 2,
        "completed_by": 2,
        "was_cancelled": False,
        "result": [
            {
                "id": "Xk3_a9",
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "origin": "manual",
                "value": {"start": x_start, "end": x_end, "text": "𝕏", "labels": ["SOURCE"]},
            },
            dict(result[0], id="Qm7_b2"),  # the first annotator's quote again: one annotation
            {
                "id": "c1",
                "from_name": "sentiment",
                "to_name": "text",
                "type": "choices",
                "value": {"choices": ["Positive"]},
            },
        ],
    }
    cancelled = {
        "id": 3,
        "was_cancelled": True,
        "result": [dict(result[0], value=dict(result[0]["value"], labels=["CLAIM"]))],
    }
    label_studio_task = {
        "id": 7,
        "data": task["data"],
        "meta": {},
        "annotations": [
            {"id": 1, "completed_by": 1, "was_cancelled": False, "result": result},
            second,
            cancelled,
        ],
        "predictions": [{"model_version": "x", "result": []}],
        "drafts": [],
        "project": 1,
    }
    path = tmp_path / "project-1-at-2026.json"
    path.write_text(json.dumps([label_studio_task], ensure_ascii=False), encoding="utf-8")
    back = open_db(tmp_path / "back.db")
    outcome = import_path(back, path, "labelstudio")
    assert (outcome.errors, outcome.annotations_added, outcome.annotations_present) == ([], 4, 1)
    assert outcome.notices == [
        f"{path}: what newsmark has no place for, not stored: cancelled annotations (1), "
        "choices results (1), predictions (1)"
    ]
    stored = [(a.label, a.text, a.speaker) for a in annotations_for_article(back, article_id)]
    assert stored == [
        ("SOURCE", "Ann Lee", None),
        ("QUOTE", "“we are 👋 ready”", "Ann Lee"),
        ("SOURCE", "𝕏", None),
        ("QUOTE", "“see 🌍 soon”", "Ann Lee"),
    ]


def test_tasks_that_cannot_be_read_are_line_errors_and_the_rest_goes_in(tmp_db, tmp_path: Path) -> None:
    tasks = [
        {"data": {"content": "no text field"}},
        "not a task",
        {"data": {"text": "Fine words."}, "annotations": "many"},
        {
            "data": {"text": "Good words.", "date": "yesterday"},
            "annotations": [
                {
                    "result": [
                        {
                            "id": "r",
                            "from_name": "label",
                            "to_name": "text",
                            "type": "labels",
                            "value": {"start": 0, "end": 4, "text": "Bad!", "labels": ["CLAIM"]},
                        }
                    ]
                }
            ],
        },
    ]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    result = import_path(tmp_db, path, "labelstudio")
    assert result.errors == [
        f'{path}:1: not a task with a "data.text" string',
        f'{path}:2: not a task with a "data.text" string',
        f'{path}:3: malformed task (ValueError: "annotations" is not a list of objects)',
        f"{path}:4: CLAIM span 0-4 says 'Bad!' but the text there is 'Good'; not stored",
        f"{path}:4: date 'yesterday' is not one newsmark reads (ISO 8601 like 2024-03-05, RFC 2822, "
        "a Unix time, or 5 March 2024); not stored",
    ]
    assert [r[0] for r in tmp_db.execute("select text from articles")] == ["Good words."]
    (tmp_path / "lines.json").write_text('{"data": {"text": "x"}}\n', encoding="utf-8")
    assert import_path(tmp_db, tmp_path / "lines.json").errors == [
        f"{tmp_path / 'lines.json'}: not a JSON array of Label Studio tasks"
    ]
    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    assert import_path(tmp_db, tmp_path / "broken.json").errors == [
        f"{tmp_path / 'broken.json'}: not JSON (Expecting property name enclosed in double quotes at line 1 column 3)"
    ]


# --- import analyses what it adds ----------------------------------------------------------------------


def test_an_imported_dataset_is_analysed_and_exports_a_docbin_with_entities(
    cached_pipeline, tmp_path: Path, seeds_dir: Path
) -> None:
    import spacy
    from spacy.tokens import DocBin

    text = next(seeds_dir.glob("*.txt")).read_text(encoding="utf-8")
    task = {"data": {"text": text}, "annotations": [{"result": []}]}
    path = tmp_path / "from-label-studio.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    runner = CliRunner()
    db = str(tmp_path / "n.db")
    skipped = runner.invoke(main, ["import", str(path), "--db", str(tmp_path / "later.db"), "--no-analyze"])
    assert (skipped.exit_code, skipped.stderr) == (0, "")
    assert skipped.stdout.endswith("; 0 errors; 0 analysed\n")

    result = runner.invoke(main, ["import", str(path), "--db", db])
    assert result.exit_code == 0 and "newsmark:" not in result.stderr, result.output
    assert result.stdout.endswith("; 0 errors; 1 analysed\n")
    again = runner.invoke(main, ["import", str(path), "--db", db])
    assert again.stdout.endswith("; 0 errors; 0 analysed\n")  # analysed once
    out = tmp_path / "out.spacy"
    assert runner.invoke(main, ["export", "--format", "spacy", "--out", str(out), "--db", db]).exit_code == 0
    [doc] = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert doc.text == text
    assert len(doc.ents) > 3 and {"PERSON", "GPE"} <= {e.label_ for e in doc.ents}
