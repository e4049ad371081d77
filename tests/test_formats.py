"""Every export format read back by what reads it, and imports that give back what was exported."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli.main import main
from newsmark.store import open_db
from newsmark.store.annotations import (
    add_annotation,
    add_label,
    annotations_for_article,
    delete_annotation,
    list_labels,
)
from newsmark.store.articles import get_article, set_article_status
from newsmark.store.entities import add_entity, entities_for_article, reject_entity, relabel_entity
from newsmark.store.export import SpanMismatch, export_items
from newsmark.store.export.brat import write_brat
from newsmark.store.export.conll import write_conll
from newsmark.store.export.csv import write_csv
from newsmark.store.export.doccano import write_doccano
from newsmark.store.export.jsonl import write_jsonl
from newsmark.store.export.labelstudio import write_labelstudio
from newsmark.store.formats import EXPORT_FORMATS
from newsmark.store.imports.reading import import_path
from newsmark.store.ingest import ingest_text
from newsmark.store.suggestions import accept_suggestion, set_suggestion_status

PLAIN = "Anna Ivanova wrote: “Prices rose.”\nShe added that =SUM(A1) was a joke.\n"


def find(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


@pytest.fixture
def tagged(analysed_db):
    """The analysed seeds, tagged and corrected the ways a user does, plus one unanalysed article."""
    db = analysed_db
    first = db.execute("select id from articles order by source limit 1").fetchone()[0]
    text = get_article(db, first).text
    quote = find(text, "“We discussed")[0], find(text, "good tradition,”")[1]
    said = find(text, "Lavrov said")
    add_annotation(
        db,
        first,
        *quote,
        "QUOTE",
        speaker="Sergei Lavrov",
        speaker_start=said[0],
        speaker_end=said[0] + 6,
        note="long quote\nchecked twice",
    )
    add_annotation(db, first, said[0], said[0] + 6, "SOURCE")
    remark = find(text, "“We have good traditions")[0], find(text, "shared history,”")[1]
    add_annotation(db, first, *remark, "QUOTE", speaker="=Lavrov (free text)")
    # A claim running over a line break: brat splits it in fragments, and must join them again.
    claim = find(text, "India-Russia relationship.")[0], find(text, "Putin-Modi Summit")[1]
    add_annotation(db, first, *claim, "CLAIM", note="@check")
    gone = add_annotation(db, first, 0, 5, "CLAIM")
    delete_annotation(db, gone.id)
    entities = {e.text: e for e in entities_for_article(db, first)}
    reject_entity(db, entities["Sergei Lavrov"].id)
    relabel_entity(db, entities["TTP"].id, "NEWS_AGENCY")
    add_entity(db, first, *find(text, "strategic partnership"), "TOPIC")
    second, _ = ingest_text(db, PLAIN, "plain.txt", title="Plain")
    add_annotation(
        db,
        second,
        *find(PLAIN, "“Prices rose.”"),
        "QUOTE",
        speaker="Anna Ivanova",
        speaker_start=0,
        speaker_end=12,
    )
    add_annotation(db, second, 2, 4, "CLAIM")  # "na": inside a word
    add_entity(db, second, 0, 12, "PERSON")
    add_entity(db, second, 5, 9, "GIVEN_NAME", replace=True)  # "Ivan" inside "Ivanova": tokens get cut
    return db


def jsonl_text(db, **kwargs) -> str:
    out = io.StringIO()
    write_jsonl(export_items(db, **kwargs), out)
    return out.getvalue()


# --- jsonl ----------------------------------------------------------------------------------------


def test_jsonl_relations_and_quotes(tagged) -> None:
    records = [json.loads(line) for line in jsonl_text(tagged).splitlines()]
    plain = next(r for r in records if r["meta"]["source"] == "plain.txt")
    tokens = plain["tokens"]
    [relation] = plain["relations"]
    assert relation["label"] == "SPEAKER"
    assert relation["head_span"]["label"] == "QUOTE"
    assert PLAIN[relation["head_span"]["start"] : relation["head_span"]["end"]] == "“Prices rose.”"
    assert PLAIN[relation["child_span"]["start"] : relation["child_span"]["end"]] == "Anna Ivanova"
    # As in Prodigy: head and child are the last token of each span.
    assert relation["head"] == relation["head_span"]["token_end"]
    assert tokens[relation["head"]]["text"] == "”"
    assert tokens[relation["child"]]["text"] == "Ivanova"
    assert relation["child_span"]["token_start"] == 0
    assert plain["quotes"] == [
        {
            "start": 20,
            "end": 34,
            "text": "“Prices rose.”",
            "speaker": "Anna Ivanova",
            "speaker_start": 0,
            "speaker_end": 12,
            "id": plain["quotes"][0]["id"],
        }
    ]
    first = records[0]
    assert [q["speaker"] for q in first["quotes"]] == ["Sergei Lavrov", "=Lavrov (free text)"]
    # The free-text speaker has no mention: no relation; the mentioned one points at a SOURCE span.
    [relation] = first["relations"]
    assert relation["child_span"]["label"] == "SOURCE"
    ents = {(e["text"], e["label"], e["origin"]) for e in first["entities"]}
    assert ("TTP", "NEWS_AGENCY", "model") in ents and ("strategic partnership", "TOPIC", "user") in ents
    assert not any(e["text"] == "Sergei Lavrov" for e in first["entities"])


def test_jsonl_round_trip_through_an_empty_database(tagged, tmp_path: Path) -> None:
    first = jsonl_text(tagged)
    path = tmp_path / "export.jsonl"
    path.write_text(first, encoding="utf-8")
    empty = open_db(tmp_path / "empty.db")
    result = import_path(empty, path)
    assert result.errors == [] and result.notices == []
    assert (result.articles_added, result.annotations_added) == (6, 6)
    # jsonl carries no timestamps: the second export is the same, byte for byte.
    assert jsonl_text(empty) == first
    again = import_path(empty, path)
    assert (again.articles_present, again.annotations_added, again.annotations_present) == (6, 0, 6)
    assert (again.entities_added, again.entities_present) == (0, result.entities_added)
    assert jsonl_text(empty) == first


def users_work(db) -> dict[str, object]:
    """Everything the user decided, as the store holds it (ids aside: they differ between databases)."""
    by_source = "join articles a on a.id = t.article_id"
    return {
        "labels": list_labels(db),
        "statuses": db.execute("select source, status from articles order by source").fetchall(),
        "decisions": db.execute(
            f'select a.source, t.kind, t.start, t."end", t.status from suggestions t {by_source}'
            " where t.status != 'open' order by 1, 3"
        ).fetchall(),
        "said": db.execute(
            f"select a.source, t.start, t.label, t.speaker, s.name from annotations t {by_source}"
            " left join sources s on s.id = t.source_id"
            " where t.deleted = 0 and t.label in ('QUOTE', 'PARAPHRASE') order by 1, 2, 3"
        ).fetchall(),
        "rejected": db.execute(
            f'select a.source, t.start, t."end", t.label, t.origin from entities t {by_source}'
            " where t.status = 'rejected' order by 1, 2"
        ).fetchall(),
        "notes": db.execute(
            f"select a.source, t.start, t.label, t.note from annotations t {by_source}"
            " where t.deleted = 0 and t.note is not null order by 1, 2"
        ).fetchall(),
    }


def test_jsonl_round_trip_keeps_the_users_work_through_analysis(tagged, nlp, tmp_path: Path) -> None:
    """Export, import into an empty database, analyse there as the app does, export again:
    added labels, suggestion decisions (on quotes and paraphrases alike), the QUOTE and
    PARAPHRASE annotations with their speakers' sources, rejected entities, statuses and
    notes all come back."""
    from newsmark.nlp.batch import analyze_articles

    db = tagged
    add_label(db, "PLACE", description="Where it happened")
    first = db.execute("select id from articles order by source limit 1").fetchone()[0]
    add_annotation(db, first, *find(get_article(db, first).text, "Moscow"), "PLACE", note="the capital")
    first_of_kind = "select id, speaker, speaker_start, speaker_end from suggestions where article_id = ?"
    first_of_kind += " and kind = ? and speaker is not null order by start limit 1"
    paraphrase = db.execute(first_of_kind, [first, "indirect"]).fetchone()
    quote = db.execute(first_of_kind, [first, "direct"]).fetchone()
    accept_suggestion(db, *paraphrase)  # a PARAPHRASE said by its speaker, with the speaker's source
    set_suggestion_status(db, quote[0], "rejected")
    set_article_status(db, first, "done")
    analysed = [r[0] for r in db.execute("select id from articles where analysis_model is not null")]
    exported = jsonl_text(db)
    work = users_work(db)
    assert len(work["rejected"]) == 2 and len(work["notes"]) == 3
    assert [(kind, status) for _, kind, _, _, status in work["decisions"]] == [
        ("indirect", "accepted"),
        ("direct", "rejected"),
    ]
    said = {(label, speaker, source is not None) for _, _, label, speaker, source in work["said"]}
    assert ("PARAPHRASE", paraphrase[1], True) in said

    path = tmp_path / "export.jsonl"
    path.write_text(exported, encoding="utf-8")
    empty = open_db(tmp_path / "empty.db")
    result = import_path(empty, path)
    assert result.errors == [] and result.notices == []
    assert users_work(empty) == work
    # The model's suggestions and entities arrive with analysis; the decisions stay decided.
    assert analyze_articles(empty, nlp, analysed) == len(analysed)
    assert users_work(empty) == work
    assert empty.execute("select count(*) from suggestions where status = 'open'").fetchone()[0] > 0
    # jsonl has no volatile fields (no timestamps; annotation ids kept): the same, byte for byte.
    assert jsonl_text(empty) == exported


def test_jsonl_decisions_apply_to_the_same_articles_analysed_elsewhere(
    tagged, analysed_db_file: Path, tmp_path: Path
) -> None:
    """Another annotator's export into a database that has analysed the same articles, untouched:
    the decisions land on the open suggestions and model entities at the same spans."""
    import shutil

    db = tagged
    first = db.execute("select id from articles order by source limit 1").fetchone()[0]
    suggestions = [r[0] for r in db.execute("select id from suggestions where article_id = ?", [first])]
    set_suggestion_status(db, suggestions[0], "accepted")
    set_suggestion_status(db, suggestions[1], "rejected")
    set_article_status(db, first, "done")
    path = tmp_path / "export.jsonl"
    path.write_text(jsonl_text(db), encoding="utf-8")
    shutil.copyfile(analysed_db_file, tmp_path / "other.db")
    other = open_db(tmp_path / "other.db")
    open_before = other.execute("select count(*) from suggestions where status = 'open'").fetchone()[0]

    result = import_path(other, path)
    assert result.errors == []

    def without_rejected(db) -> list[dict]:
        return [{**json.loads(line), "rejected_entities": None} for line in jsonl_text(db).splitlines()]

    # The same export there, but for the rejected entities: the model's TTP (ORG) there is
    # rejected, replaced by the user's NEWS_AGENCY, where here the user relabelled it.
    assert without_rejected(other) == without_rejected(db)
    work = users_work(other)
    assert set(users_work(db)["rejected"]) < set(work["rejected"])
    # Decided in place: no second suggestion at a decided span, two fewer open.
    assert other.execute("select count(*) from suggestions").fetchone()[0] == open_before
    assert (
        other.execute("select count(*) from suggestions where status = 'open'").fetchone()[0]
        == open_before - 2
    )
    # The model's "Sergei Lavrov" there is the one rejected, not a second row beside it.
    [(lavrov,)] = other.execute("select count(*) from entities where text = 'Sergei Lavrov'").fetchall()
    assert lavrov == 1
    # Importing again changes nothing.
    again = import_path(other, path)
    assert again.errors == [] and again.annotations_added == 0 and users_work(other) == work
    assert again.entities_added == 0


def test_jsonl_import_prodigy_lines_and_bad_lines(tmp_db, tmp_path: Path) -> None:
    text = "Officials said “no comment”.\r\nThe minister, Ivan Petrov, said: “We agree.”\r\n"
    present_text = "Already here."
    present_id, _ = ingest_text(tmp_db, present_text, "here.txt")
    q2 = text.index("“We agree.”")
    lines = [
        json.dumps(
            {
                "text": text,
                "meta": {"source": "wire"},
                "_input_hash": 1,
                "spans": [
                    {"start": 15, "end": 27, "label": "quote", "text": "“no comment”"},
                    {"start": q2, "end": q2 + 11, "label": "QUOTE"},
                    {"start": 5, "end": 500, "label": "CLAIM"},
                ],
                "relations": [
                    {
                        "head": 0,
                        "child": 0,
                        "label": "SPEAKER",
                        "head_span": {"start": q2, "end": q2 + 11},
                        "child_span": {"start": text.index("Ivan"), "end": text.index("Ivan") + 11},
                    },
                    {"head": 0, "child": 0, "label": "CAUSES", "head_span": {}, "child_span": {}},
                ],
                "options": [],
            }
        ),
        "{not json",
        json.dumps({"text": "rejected by the annotator", "answer": "reject"}),
        json.dumps({"text": present_text, "spans": [{"start": 0, "end": 7, "label": "CLAIM"}]}),
        "",
        json.dumps(["a list"]),
        json.dumps(
            {"text": "Wrong text.", "spans": [{"start": 0, "end": 5, "label": "CLAIM", "text": "Right"}]}
        ),
    ]
    path = tmp_path / "prodigy.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_path(tmp_db, path)
    assert result.errors == [
        f"{path}:1: CLAIM span 5-500 is outside the text (length {len(text)}); not stored",
        f"{path}:2: not JSON (Expecting property name enclosed in double quotes at column 2)",
        f'{path}:6: not an object with a "text" string',
        f"{path}:7: CLAIM span 0-5 says 'Right' but the text there is 'Wrong'; not stored",
    ]
    assert result.notices == [
        f"{path}: skipped lines whose answer is not 'accept': 1 'reject'",
        f"{path}: fields newsmark has no place for, not stored: options",
        f"{path}: relations other than SPEAKER, not stored: CAUSES (1)",
    ]
    assert (result.articles_added, result.articles_present, result.annotations_added) == (2, 1, 3)
    stored = text.replace("\r\n", "\n")
    article_id = next(i for i in result.article_ids if get_article(tmp_db, i).text == stored)
    quotes = annotations_for_article(tmp_db, article_id)
    assert [(a.label, a.text) for a in quotes] == [("QUOTE", "“no comment”"), ("QUOTE", "“We agree.”")]
    # \r\n became \n: offsets moved with the text; the relation gave the speaker.
    assert quotes[1].start == stored.index("“We agree.”")
    assert (quotes[1].speaker, stored[quotes[1].speaker_start : quotes[1].speaker_end]) == (
        "Ivan Petrov",
        "Ivan Petrov",
    )
    assert [a.text for a in annotations_for_article(tmp_db, present_id)] == ["Already"]
    assert get_article(tmp_db, article_id).source == "wire"


# --- brat -----------------------------------------------------------------------------------------


def brat_folder(db, folder: Path) -> dict[str, str]:
    folder.mkdir()
    write_brat(export_items(db), folder)
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_brat_round_trip(tagged, tmp_path: Path) -> None:
    first = brat_folder(tagged, tmp_path / "one")
    plain_id = next(i for (i,) in tagged.execute("select id from articles where source = 'plain.txt'"))
    assert first[f"{plain_id}.txt"] == PLAIN
    ann = first[f"{plain_id}.ann"].splitlines()
    assert "T1\tCLAIM 2 4\tna" in ann
    assert "T2\tQUOTE 20 34\t“Prices rose.”" in ann
    assert "#1\tAnnotatorNotes T2\tspeaker: Anna Ivanova" in ann
    assert "T3\tSpeaker 0 12\tAnna Ivanova" in ann
    assert "R1\tSPEAKER Arg1:T2 Arg2:T3" in ann
    assert "A1\tOrigin T4 user" in ann
    lavrov_ann = next(v for k, v in first.items() if k.endswith(".ann") and "long quote" in v)
    assert "AnnotatorNotes T2\tlong quote\\nchecked twice" in lavrov_ann
    # The claim over a line break is written as two fragments, as brat needs.
    assert any(line.startswith("T") and "CLAIM" in line and ";" in line for line in lavrov_ann.splitlines())
    assert "[entities]" in first["annotation.conf"] and "Origin\tArg:<ENTITY>" in first["annotation.conf"]

    empty = open_db(tmp_path / "empty.db")
    result = import_path(empty, tmp_path / "one")
    assert result.errors == [] and result.notices == []
    assert brat_folder(empty, tmp_path / "two") == first
    again = import_path(empty, tmp_path / "one", "brat")
    assert (again.annotations_added, again.entities_added) == (0, 0)


def test_brat_from_other_tools_keeps_every_span_and_reports_the_rest(tmp_db, tmp_path: Path) -> None:
    text = "Acme Corp sued Beta Inc on Monday in Paris.\r\nIt said it would appeal.\r\n"
    (tmp_path / "doc.txt").write_bytes(text.encode("utf-8"))
    paris = text.index("Paris")
    monday = text.index("Monday")
    appeal = text.index("appeal")
    ann = (
        "\n".join(
            [
                "T1\tOrganization 0 9\tAcme Corp",
                "T2\tOrganization 15 23\tBeta Inc",
                "T3\tLawsuit 10 14\tsued",
                "E1\tLawsuit:T3 Plaintiff:T1 Defendant:T2",
                f"T4\tPlace 0 4;{monday} {monday + 6}\tAcme Monday",  # words between: two spans
                f"T5\tPlace {paris} {paris + 5};{appeal} {appeal + 6}\tParis appeal",
                "R1\tSues Arg1:T1 Arg2:T2",
                "A1\tNegated E1",
                "N1\tReference T1 Wikipedia:123\tAcme",
                "#1\tAnnotatorNotes T1\tchecked\\nby hand",
                "*\tEquiv T1 T2",
                "T6\tPlace 500 505\tnowhere",
                "T7\tPlace 0 4\tAcne",
                "garbage line",
                "T8\tPlace x y\tbad",
            ]
        )
        + "\n"
    )
    (tmp_path / "doc.ann").write_text(ann, encoding="utf-8")
    (tmp_path / "orphan.ann").write_text("", encoding="utf-8")
    result = import_path(tmp_db, tmp_path)
    ann_path = tmp_path / "doc.ann"
    assert result.errors == [
        f"{tmp_path / 'orphan.ann'}: no orphan.txt beside it; not imported",
        f"{ann_path}:12: T6 offsets 500 505 are outside the text (length {len(text)}); not stored",
        f"{ann_path}:13: T7 says 'Acne' but the text there is 'Acme'; not stored",
        f"{ann_path}:14: not a brat annotation line (T, R, E, A, M, N, # or *)",
        f"{ann_path}:15: offsets 'x y' are not 'start end[;start end...]'",
    ]
    assert result.notices == [
        f"{ann_path}:5: T4 is discontinuous; stored as 2 spans",
        f"{ann_path}:6: T5 is discontinuous; stored as 2 spans",
        f"{ann_path}: 1 attribute Negated: newsmark has no place for them; not stored",
        f"{ann_path}: 1 equivalences (* lines): newsmark has no place for them; not stored",
        f"{ann_path}: 1 events (E lines; their spans were kept): newsmark has no place for them; not stored",
        f"{ann_path}: 1 normalisations (N lines): newsmark has no place for them; not stored",
        f"{ann_path}: 1 relation Sues: newsmark has no place for them; not stored",
    ]
    [article_id] = result.article_ids
    stored = get_article(tmp_db, article_id).text
    assert stored == text.replace("\r\n", "\n")
    got = [(a.label, a.text, a.note) for a in annotations_for_article(tmp_db, article_id)]
    assert got == [
        ("PLACE", "Acme", None),
        ("ORGANIZATION", "Acme Corp", "checked\nby hand"),
        ("LAWSUIT", "sued", None),
        ("ORGANIZATION", "Beta Inc", None),
        ("PLACE", "Monday", None),
        ("PLACE", "Paris", None),
        ("PLACE", "appeal", None),  # after the \r\n: its offset moved by one
    ]


# --- doccano --------------------------------------------------------------------------------------


def test_doccano_round_trip_and_relation_format(tagged, tmp_path: Path) -> None:
    out = io.StringIO()
    assert write_doccano(export_items(tagged), out) == 6
    first = out.getvalue()
    plain = next(json.loads(line) for line in first.splitlines() if '"plain.txt"' in line)
    assert plain["text"] == PLAIN and plain["label"] == [[2, 4, "CLAIM"], [20, 34, "QUOTE"]]
    for line in first.splitlines():
        record = json.loads(line)
        assert all(isinstance(s, int) and isinstance(e, int) and s < e for s, e, _ in record["label"])
    path = tmp_path / "doccano.jsonl"
    path.write_text(first, encoding="utf-8")
    empty = open_db(tmp_path / "empty.db")
    result = import_path(empty, path, "doccano")
    assert result.errors == [] and result.notices == [] and result.annotations_added == 6
    again = io.StringIO()
    write_doccano(export_items(empty), again)
    assert again.getvalue() == first

    # doccano's own export when relation labelling is on: entities as objects, relations by id.
    text = "Mayor Lee said “we are ready”."
    line = {
        "id": 7,
        "text": text,
        "Comments": ["looks fine"],
        "entities": [
            {"id": 1, "label": "QUOTE", "start_offset": 15, "end_offset": 29},
            {"id": 2, "label": "SOURCE", "start_offset": 6, "end_offset": 9},
        ],
        "relations": [{"id": 3, "from_id": 1, "to_id": 2, "type": "speaker"}],
    }
    path2 = tmp_path / "rel.jsonl"
    path2.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = import_path(empty, path2, "doccano")
    assert result.errors == []
    assert result.notices == [f"{path2}: 1 lines with comments, which newsmark has no place for; not stored"]
    [article_id] = result.article_ids
    quote, source = sorted(annotations_for_article(empty, article_id), key=lambda a: a.label)
    assert (quote.text, quote.speaker, quote.speaker_start, quote.speaker_end) == (
        "“we are ready”",
        "Lee",
        6,
        9,
    )
    assert source.text == "Lee"


# --- spaCy ----------------------------------------------------------------------------------------


def test_spacy_docbin_read_back_span_by_span(tagged, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    from newsmark.nlp.export_spacy import write_spacy

    out = tmp_path / "train.spacy"
    assert write_spacy(export_items(tagged), out) == 6
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    items = list(export_items(tagged))
    assert len(docs) == len(items)
    for doc, item in zip(docs, items, strict=True):
        assert doc.text == item.article.text
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
            (e.start, e.end, e.label) for e in item.entities
        ]
        for label in {a.label for a in item.annotations}:
            assert [(s.start_char, s.end_char, s.label_) for s in doc.spans[label]] == [
                (a.start, a.end, a.label) for a in item.annotations if a.label == label
            ]
        meta = doc.user_data["newsmark"]
        assert (meta["article_id"], meta["source"]) == (item.article.id, item.article.source)
        speakers = {
            (r["start"], r["end"]): (r["speaker"], r["speaker_start"], r["speaker_end"], r["note"])
            for r in meta["annotations"]
        }
        assert speakers == {
            (a.start, a.end): (a.speaker, a.speaker_start, a.speaker_end, a.note) for a in item.annotations
        }
        # The stored tokens, cut only where a span starts or ends inside one.
        words = [t.text for t in doc if not t.is_space]
        assert len(words) >= len(item.tokens)
    plain = docs[-1]  # sources sort "plain.txt" last
    assert plain.text == PLAIN
    # "Anna Ivanova" is cut where the CLAIM "na" and the entity "Ivan" start and end.
    assert [t.text for t in plain][:5] == ["An", "na", "Ivan", "ova", "wrote"]
    assert [(e.text, e.label_) for e in plain.ents] == [("Ivan", "GIVEN_NAME")]
    assert [s.text for s in plain.spans["CLAIM"]] == ["na"]


def test_spacy_debug_data_and_one_training_step(tagged, tmp_path: Path) -> None:
    """The real consumer: spaCy's own checks, then one step of `spacy train` with ner and spancat."""
    from newsmark.nlp.export_spacy import write_spacy

    data = tmp_path / "train.spacy"
    write_spacy(export_items(tagged), data)
    config = tmp_path / "config.cfg"
    spacy_cli = [sys.executable, "-m", "spacy"]
    run = subprocess.run(
        [*spacy_cli, "init", "config", "-l", "en", "-p", "ner,spancat", "-F", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    paths = ["--paths.train", str(data), "--paths.dev", str(data), "--components.spancat.spans_key", "QUOTE"]
    debug = subprocess.run(
        [*spacy_cli, "debug", "data", str(config), *paths],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    report = debug.stdout
    assert "Corpus is loadable" in report, report + debug.stderr
    assert "Pipeline can be initialized with data" in report
    assert "No entities consisting of or starting/ending with whitespace" in report
    assert "6 training docs" in report
    assert "NEWS_AGENCY" in report and "TOPIC" in report
    train = subprocess.run(
        [
            *spacy_cli,
            "train",
            str(config),
            *paths,
            "--training.max_steps",
            "1",
            "--training.eval_frequency",
            "1",
            "--output",
            str(tmp_path / "model"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert train.returncode == 0, train.stdout + train.stderr
    assert (tmp_path / "model" / "model-last" / "config.cfg").exists()


# --- CoNLL ----------------------------------------------------------------------------------------


def parse_conll(content: str) -> list[list[list[tuple[str, str]]]]:
    """Documents -> sentences -> (word, tag), as a CoNLL-2003 reader sees them."""
    docs: list[list[list[tuple[str, str]]]] = []
    sentence: list[tuple[str, str]] = []
    for line in [*content.split("\n"), ""]:
        if line.startswith("-DOCSTART-"):
            docs.append([])
        elif not line.strip():
            if sentence:
                docs[-1].append(sentence)
            sentence = []
        else:
            cols = line.split()
            assert len(cols) == 4 and cols[1:3] == ["_", "_"], line
            sentence.append((cols[0], cols[3]))
    return docs


def iob_spans(words: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    spans, current = [], None
    for i, (_, tag) in enumerate(words):
        if tag.startswith("B-") or tag == "O":
            if current:
                spans.append(current)
            current = (i, i + 1, tag[2:]) if tag.startswith("B-") else None
        else:
            assert current is not None and tag[2:] == current[2], f"I- without B- at {i}"
            current = (current[0], i + 1, current[2])
    if current:
        spans.append(current)
    return spans


def test_conll_parsed_back(tagged, tmp_path: Path) -> None:
    out = io.StringIO()
    assert write_conll(export_items(tagged), out) == 6
    content = out.getvalue()
    docs = parse_conll(content)
    items = list(export_items(tagged))
    assert len(docs) == len(items) == content.count("-DOCSTART- -X- O O\n")
    for doc, item in zip(docs, items, strict=True):
        words = [w for sentence in doc for w in sentence]
        assert len(doc) > 1 or len(item.sentences) == 1
        # The words are the text's non-space characters, in order, from the stored tokens.
        assert "".join(w for w, _ in words) == "".join(item.article.text.split())
        token_texts = [item.article.text[s:e] for s, e in item.tokens]
        assert len(words) >= len(token_texts)
        text = item.article.text
        offsets, pos = [], 0
        for w, _ in words:
            start = text.index(w, pos)
            offsets.append((start, start + len(w)))
            pos = start + len(w)
        got = [(offsets[s][0], offsets[e - 1][1], label) for s, e, label in iob_spans(words)]
        assert got == [(e.start, e.end, e.label) for e in item.entities]
    # The plain article (sorted last): its tokens cut only where the entity "Ivan" starts and ends.
    assert docs[-1][0][:4] == [("Anna", "O"), ("Ivan", "B-GIVEN_NAME"), ("ova", "O"), ("wrote", "O")]
    assert [w for w, _ in docs[-1][1]][:3] == ["She", "added", "that"]


def test_conll_read_by_spacy_convert(tagged, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    conll = tmp_path / "ents.conll"
    with conll.open("w", encoding="utf-8") as f:
        write_conll(export_items(tagged), f)
    run = subprocess.run(
        [sys.executable, "-m", "spacy", "convert", str(conll), str(tmp_path), "-c", "ner"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    docs = list(DocBin().from_disk(tmp_path / "ents.spacy").get_docs(spacy.blank("en").vocab))

    # The converter joins words with single spaces: compare entities without their whitespace.
    def squeezed(text: str) -> str:
        return "".join(text.split())

    expected = [[(squeezed(e.text), e.label) for e in item.entities] for item in export_items(tagged)]
    assert [[(squeezed(e.text), e.label_) for e in doc.ents] for doc in docs] == expected
    assert len(docs) == 6


# --- csv, Label Studio ----------------------------------------------------------------------------


def test_csv_carries_speakers_and_escapes_formulas(tagged) -> None:
    out = io.StringIO()
    write_csv(export_items(tagged), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    quotes = [r for r in rows if r["label"] == "QUOTE"]
    assert [r["speaker"] for r in quotes] == ["Sergei Lavrov", "'=Lavrov (free text)", "Anna Ivanova"]
    lavrov = quotes[0]
    text = get_article(tagged, lavrov["article_id"]).text
    assert text[int(lavrov["speaker_start"]) : int(lavrov["speaker_end"])] == "Lavrov"
    assert quotes[1]["speaker_start"] == quotes[1]["speaker_end"] == ""
    assert [r["note"] for r in rows if r["label"] == "CLAIM" and r["note"]] == ["'@check"]


def test_labelstudio_tasks_and_config(tagged) -> None:
    out = io.StringIO()
    n, config = write_labelstudio(export_items(tagged), out)
    tasks = json.loads(out.getvalue())
    assert n == len(tasks) == 6
    root = ET.fromstring(config)
    declared = {el.get("name"): {c.get("value") for c in el} for el in root.iter("Labels")}
    names = {el.get("name") for el in root.iter() if el.get("name")}
    for t in tasks:
        text = t["data"]["text"]
        [annotation] = t["annotations"]
        regions = {r["id"]: r for r in annotation["result"] if r["type"] == "labels"}
        for r in annotation["result"]:
            if r["type"] == "relation":
                assert r["from_id"] in regions and r["to_id"] in regions and r["labels"] == ["SPEAKER"]
                continue
            assert r["from_name"] in names and r["to_name"] == "text"
            v = r["value"]
            if r["type"] == "labels":
                assert v["text"] == text[v["start"] : v["end"]]
                assert set(v["labels"]) <= declared[r["from_name"]]
    plain = next(t for t in tasks if t["data"]["source"] == "plain.txt")
    kinds = [(r.get("from_name"), r["type"]) for r in plain["annotations"][0]["result"]]
    assert ("speaker_name", "textarea") in kinds and (None, "relation") in kinds


# --- notes ----------------------------------------------------------------------------------------

# A note as people write them: lines, a tab, a backslash, quotes, a formula's start, and
# words that read like the speaker note brat's export writes beside it.
NOTE = "speaker: not her, the aide\tcheck the audio\nC:\\notes “as said”"


def test_notes_go_out_in_every_format_with_a_place_and_come_back(tmp_db, tmp_path: Path) -> None:
    article_id, _ = ingest_text(tmp_db, PLAIN, "plain.txt", title="Plain")
    quote = find(PLAIN, "“Prices rose.”")
    add_annotation(
        tmp_db,
        article_id,
        *quote,
        "QUOTE",
        speaker="Anna Ivanova",
        speaker_start=0,
        speaker_end=12,
        note=NOTE,
    )
    add_annotation(tmp_db, article_id, *find(PLAIN, "=SUM(A1)"), "CLAIM", note="=1+1")
    notes = [(quote[0], NOTE), (find(PLAIN, "=SUM(A1)")[0], "=1+1")]

    def exported(writer) -> str:
        out = io.StringIO()
        writer(export_items(tmp_db), out)
        return out.getvalue()

    [record] = [json.loads(line) for line in exported(write_jsonl).splitlines()]
    assert [(s["start"], s.get("note")) for s in record["spans"]] == notes
    rows = list(csv.DictReader(io.StringIO(exported(write_csv))))
    assert [(int(r["start"]), r["note"]) for r in rows] == [(notes[0][0], NOTE), (notes[1][0], "'=1+1")]
    [task] = json.loads(exported(lambda items, out: write_labelstudio(items, out)[0]))
    regions = {r["id"]: r for r in task["annotations"][0]["result"] if r["type"] == "labels"}
    assert (
        sorted(
            (regions[r["id"]]["value"]["start"], *r["value"]["text"])
            for r in task["annotations"][0]["result"]
            if r.get("from_name") == "note"
        )
        == notes
    )
    [line] = exported(write_doccano).splitlines()
    assert [(n["start"], n["note"]) for n in json.loads(line)["notes"]] == notes
    brat = brat_folder(tmp_db, tmp_path / "brat")
    # A note that reads like the speaker note is escaped, so it is read back as a note.
    assert "AnnotatorNotes T1\t\\speaker: not her" in brat[f"{article_id}.ann"]

    # Read back by every reader newsmark has: the same notes, and the speaker is still hers.
    path = tmp_path / "plain.jsonl"
    path.write_text(exported(write_jsonl), encoding="utf-8")
    doccano = tmp_path / "plain.doccano.jsonl"
    doccano.write_text(exported(write_doccano), encoding="utf-8")
    for fmt, source in (("jsonl", path), ("brat", tmp_path / "brat"), ("doccano", doccano)):
        empty = open_db(tmp_path / f"{fmt}.db")
        result = import_path(empty, source, fmt)
        assert result.errors == [], fmt
        back = annotations_for_article(empty, article_id)
        assert [(a.start, a.note) for a in back] == notes, fmt
        assert [a.speaker for a in back] == ["Anna Ivanova", None], fmt


# --- offsets are checked before anything is written ------------------------------------------------


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_every_format_refuses_a_span_that_does_not_match(tagged, tmp_path: Path, fmt: str) -> None:
    with tagged.conn:
        tagged.execute("update annotations set text = 'not it' where label = 'SOURCE'")
    runner = CliRunner(catch_exceptions=False)
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(
        main, ["export", "--db", str(tmp_path / "newsmark.db"), "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("newsmark: export stopped: annotation ")
    assert "do not match its text 'not it'" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("newsmark.db")) == []
    with pytest.raises(SpanMismatch):
        write_jsonl(export_items(tagged), io.StringIO())


# --- the command line -----------------------------------------------------------------------------


def test_cli_export_every_format_then_import(tagged, tmp_path: Path) -> None:
    runner = CliRunner(catch_exceptions=False)
    db = str(tmp_path / "newsmark.db")
    for fmt in EXPORT_FORMATS:
        out = tmp_path / f"out.{fmt}"
        result = runner.invoke(main, ["export", "--db", db, "--format", fmt, "--out", str(out)])
        unit = "annotations" if fmt == "csv" else "articles"
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0] == f"wrote 6 {unit} to {out}"
    assert (tmp_path / "out.config.xml").exists()
    assert (
        sorted(p.suffix for p in (tmp_path / "out.brat").iterdir()) == [".ann"] * 6 + [".conf"] + [".txt"] * 6
    )
    result = runner.invoke(
        main, ["export", "--db", db, "--format", "brat", "--out", str(tmp_path / "out.brat")]
    )
    assert result.exit_code == 1 and "exists already; use --force" in result.stderr
    result = runner.invoke(main, ["export", "--db", db, "--format", "spacy", "--out", "-"])
    assert result.exit_code == 1 and "give --out a path" in result.stderr

    fresh = str(tmp_path / "fresh.db")
    result = runner.invoke(main, ["import", str(tmp_path / "out.jsonl"), "--db", fresh])
    assert result.exit_code == 0 and "newsmark:" not in result.stderr  # only the analysis bar
    assert result.stdout.startswith("6 articles added, 0 already present; 6 annotations added")
    assert result.stdout.endswith("; 0 errors; 6 analysed\n")
    result = runner.invoke(main, ["import", str(tmp_path / "out.brat"), "--db", fresh])
    assert result.exit_code == 0
    assert result.stdout.startswith("0 articles added, 6 already present; 0 annotations added, 6 already")
    assert result.stdout.endswith("; 0 analysed\n")  # analysed when the jsonl brought them
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{oops\n', encoding="utf-8")
    result = runner.invoke(main, ["import", str(bad), "--db", fresh, "--no-analyze"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"newsmark: {bad}:2: not JSON (Expecting property name enclosed in double quotes at column 2)"
    ]
    assert result.stdout.startswith("1 articles added")


@pytest.mark.parametrize(
    ("fmt", "bad"),
    [
        ("doccano", {"text": "abc def", "label": [[0, 3, "X"]], "relations": [1]}),
        ("doccano", {"text": "abc def", "label": [[0, 3, "X"]], "speakers": [5]}),
        ("doccano", {"text": "abc def", "label": [[0, 3, "X"]], "notes": "str"}),
        (
            "jsonl",
            {
                "text": "abc def",
                "spans": [{"start": 0, "end": 3, "label": "Q"}],
                "relations": [{"label": "SPEAKER", "head_span": 5}],
            },
        ),
        ("jsonl", {"text": "abc def", "labels": [{"name": "PLACE"}]}),
        ("jsonl", {"text": "abc def", "decided_suggestions": "all of them"}),
    ],
)
def test_records_of_the_wrong_shape_are_line_errors(tmp_db, tmp_path: Path, fmt: str, bad: dict) -> None:
    good = (
        {"text": "a good line", "label": [[0, 1, "X"]]}
        if fmt == "doccano"
        else {"text": "a good line", "spans": [{"start": 0, "end": 1, "label": "X"}]}
    )
    path = tmp_path / f"mixed.{fmt}.jsonl"
    path.write_text(json.dumps(bad) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    result = import_path(tmp_db, path, fmt)
    assert len(result.errors) == 1 and result.errors[0].startswith(f"{path}:1: malformed record")
    texts = [r[0] for r in tmp_db.execute("select text from articles")]
    assert "a good line" in texts  # the rest of the file still comes in


def test_nothing_to_import_is_said(tmp_db, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    assert import_path(tmp_db, tmp_path / "empty").errors == [
        f"{tmp_path / 'empty'}: no .txt/.ann pairs to import as brat"
    ]
    assert import_path(tmp_db, tmp_path / "empty.jsonl").errors == [
        f"{tmp_path / 'empty.jsonl'}: no records to import as jsonl"
    ]


def test_decisions_and_labels_that_do_not_fit_are_line_errors(tmp_db, tmp_path: Path) -> None:
    record = {
        "text": "Ann said “yes”.",
        "meta": {"status": "done"},
        "labels": [{"name": "TWO WORDS", "colour": "#fff", "key": 4, "description": ""}],
        "decided_suggestions": [
            {"start": 9, "end": 14, "text": "“yes”", "status": "accepted", "score": 0.5, "cue_start": 99},
            {"start": 9, "end": 99, "status": "rejected"},
            {"start": 0, "end": 3, "text": "Ann", "status": "maybe"},
            {"start": 0, "end": 3, "text": "Ann", "status": "accepted", "kind": "hearsay"},
        ],
        "answer": "accept",
    }
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = import_path(tmp_db, path)
    assert result.errors == [
        f"{path}:1: label 'TWO WORDS': a label name is one word, not empty; not stored",
        f"{path}:1: decided suggestion span 9-99 is outside the text (length 15); not stored",
        f"{path}:1: decided suggestion status 'maybe' is not 'accepted' or 'rejected'; not stored",
        f"{path}:1: decided suggestion kind 'hearsay' is not 'direct' or 'indirect'; not stored",
    ]
    # The rest of the line is stored: the decision that fits (its cue offset, outside the text, left
    # out; with no kind, as files from before paraphrases were suggested, on a direct quote).
    rows = tmp_db.execute(
        'select kind, start, "end", text, status, cue_start, score from suggestions'
    ).fetchall()
    assert rows == [("direct", 9, 14, "“yes”", "accepted", None, 0.5)]
    assert tmp_db.execute("select status from articles").fetchall() == [("done",)]
