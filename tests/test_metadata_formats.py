"""Where and when an article was published (date, url, outlet, author) in every export format
that has a place for it, read back by what reads each format, and by newsmark's imports."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsmark.store import open_db
from newsmark.store.annotations import add_annotation, annotations_for_article
from newsmark.store.articles import get_article
from newsmark.store.entities import add_entity
from newsmark.store.export import export_items
from newsmark.store.export.brat import write_brat
from newsmark.store.export.conll import write_conll
from newsmark.store.export.doccano import write_doccano
from newsmark.store.export.jsonl import write_jsonl
from newsmark.store.export.labelstudio import write_labelstudio
from newsmark.store.imports.reading import import_path
from newsmark.store.ingest import ingest_text
from newsmark.store.ingest.rows import Metadata

PUBLISHED = Metadata(
    date="2024-03-05T10:30:00+00:00",
    url="https://courier.example/lavrov-talks",
    outlet="The Daily Courier",
    author="Anna Petrova",
)
PUBLICATION = PUBLISHED._asdict()
UNKNOWN = {"date": None, "url": None, "outlet": None, "author": None}
TALKS = "Sergei Lavrov met Jaishankar. “We agreed,” Lavrov said.\n"
BRIEF = "Rates held. The bank said nothing.\n"


@pytest.fixture
def published(tmp_db):
    """Two articles: one whose date, URL, outlet and author are known, with a quote, its speaker
    and an entity; one of which nothing is known."""
    talks, _ = ingest_text(tmp_db, TALKS, "talks.html", "Talks", PUBLISHED)
    quote_start = TALKS.index("“")
    add_annotation(
        tmp_db,
        talks,
        quote_start,
        TALKS.index("”") + 1,
        "QUOTE",
        speaker="Sergei Lavrov",
        speaker_start=TALKS.index("Lavrov said"),
        speaker_end=TALKS.index("Lavrov said") + 6,
    )
    add_entity(tmp_db, talks, 0, 13, "PERSON")
    brief, _ = ingest_text(tmp_db, BRIEF, "brief.txt", "Brief")
    add_annotation(tmp_db, brief, 0, 11, "CLAIM")
    return tmp_db, talks, brief


def written(writer, db) -> str:
    out = io.StringIO()
    writer(export_items(db), out)
    return out.getvalue()


def imported(tmp_path: Path, fmt: str, path: Path):
    """`path` imported into a new database, which is returned with the import's result."""
    db = open_db(tmp_path / f"back-{fmt}.db")
    return db, import_path(db, path, fmt)


# --- each format -----------------------------------------------------------------------------------


def test_jsonl_meta_is_read_back(published, tmp_path: Path) -> None:
    db, talks, brief = published
    path = tmp_path / "out.jsonl"
    path.write_text(written(write_jsonl, db), encoding="utf-8")
    back, result = imported(tmp_path, "jsonl", path)
    assert result.errors == []
    assert get_article(back, talks).publication() == PUBLICATION
    assert get_article(back, brief).publication() == UNKNOWN


def test_doccano_lines_carry_it_as_top_level_fields_and_read_them_back(published, tmp_path: Path) -> None:
    db, talks, brief = published
    lines = written(write_doccano, db)
    records = {r["article_id"]: r for r in map(json.loads, lines.splitlines())}
    # doccano keeps every field but text and label as the example's metadata: top-level fields.
    assert {k: records[talks][k] for k in PUBLICATION} == PUBLICATION
    assert not set(PUBLICATION) & set(records[brief])  # nothing unknown is written
    path = tmp_path / "out.doccano.jsonl"
    path.write_text(lines, encoding="utf-8")
    back, result = imported(tmp_path, "doccano", path)
    assert result.errors == [] and result.notices == []
    assert get_article(back, talks).publication() == PUBLICATION
    assert get_article(back, brief).publication() == UNKNOWN


def test_doccano_metadata_in_a_meta_object_is_read_too(tmp_db, tmp_path: Path) -> None:
    line = {"text": BRIEF, "label": [[0, 11, "CLAIM"]], "meta": {"outlet": "Wire", "date": "5 March 2024"}}
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert import_path(tmp_db, path, "doccano").errors == []
    [article_id] = [r[0] for r in tmp_db.execute("select id from articles")]
    assert get_article(tmp_db, article_id).publication() == UNKNOWN | {"outlet": "Wire", "date": "2024-03-05"}


def test_labelstudio_task_data_carries_it(published) -> None:
    db, talks, brief = published
    out = io.StringIO()
    write_labelstudio(export_items(db), out)
    tasks = {t["data"]["article_id"]: t["data"] for t in json.loads(out.getvalue())}
    assert {k: tasks[talks][k] for k in PUBLICATION} == PUBLICATION
    assert not set(PUBLICATION) & set(tasks[brief])


def test_spacy_docbin_user_data_carries_it(published, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    from newsmark.nlp.export_spacy import write_spacy

    db, talks, brief = published
    out = tmp_path / "out.spacy"
    assert write_spacy(export_items(db), out) == 2
    docs = {
        d.user_data["newsmark"]["article_id"]: d
        for d in DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    }
    assert {k: docs[talks].user_data["newsmark"][k] for k in PUBLICATION} == PUBLICATION
    assert not set(PUBLICATION) & set(docs[brief].user_data["newsmark"])
    assert [(e.text, e.label_) for e in docs[talks].ents] == [("Sergei Lavrov", "PERSON")]


def test_brat_writes_a_meta_json_beside_the_pair_and_reads_it_back(published, tmp_path: Path) -> None:
    db, talks, brief = published
    folder = tmp_path / "brat"
    folder.mkdir()
    write_brat(export_items(db), folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [
            f"{talks}.txt",
            f"{talks}.ann",
            f"{talks}.meta.json",
            f"{brief}.txt",
            f"{brief}.ann",
            "annotation.conf",
        ]
    )
    assert json.loads((folder / f"{talks}.meta.json").read_text(encoding="utf-8")) == PUBLICATION
    # The standoff files themselves are as before: the .txt the text, every .ann line an annotation.
    assert (folder / f"{talks}.txt").read_text(encoding="utf-8") == TALKS
    assert all(line[:1] in "TRA#" for line in (folder / f"{talks}.ann").read_text().splitlines())
    back, result = imported(tmp_path, "brat", folder)
    assert result.errors == []
    assert get_article(back, talks).publication() == PUBLICATION
    assert get_article(back, brief).publication() == UNKNOWN
    assert [a.speaker for a in annotations_for_article(back, talks)] == ["Sergei Lavrov"]


def test_brat_meta_json_that_cannot_be_read_is_one_line_and_the_article_goes_in(
    published, tmp_path: Path
) -> None:
    db, talks, _ = published
    folder = tmp_path / "brat"
    folder.mkdir()
    write_brat(export_items(db), folder)
    meta = folder / f"{talks}.meta.json"
    meta.write_text('{"date": "2024-03-05",', encoding="utf-8")
    back, result = imported(tmp_path, "brat", folder)
    assert result.errors == [
        f"{meta}: not JSON (Expecting property name enclosed in double quotes at line 1 column 23); not stored"
    ]
    assert result.articles_added == 2
    assert get_article(back, talks).publication() == UNKNOWN


def test_conll_has_no_place_for_it_and_stays_readable_by_spacy_convert(published, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    db, _, _ = published
    conll = tmp_path / "ents.conll"
    conll.write_text(written(write_conll, db), encoding="utf-8")
    content = conll.read_text(encoding="utf-8")
    for value in PUBLICATION.values():
        assert value not in content
    run = subprocess.run(
        [sys.executable, "-m", "spacy", "convert", str(conll), str(tmp_path), "-c", "ner"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    docs = list(DocBin().from_disk(tmp_path / "ents.spacy").get_docs(spacy.blank("en").vocab))
    assert [[(e.text, e.label_) for e in d.ents] for d in docs] == [[], [("Sergei Lavrov", "PERSON")]]


# --- import: metadata kept, filled in, refused ------------------------------------------------------


def test_import_fills_in_what_an_article_here_does_not_know_and_keeps_what_it_knows(
    tmp_db, tmp_path: Path
) -> None:
    article_id, _ = ingest_text(tmp_db, TALKS, "talks.txt", metadata=Metadata(url="https://here.example/"))
    line = {"text": TALKS, "meta": {"date": "2024-03-05", "url": "https://there.example/", "author": "A. P."}}
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    result = import_path(tmp_db, path)
    assert (result.errors, result.articles_present) == ([], 1)
    assert get_article(tmp_db, article_id).publication() == {
        "date": "2024-03-05",
        "url": "https://here.example/",
        "outlet": None,
        "author": "A. P.",
    }
    # The library's copy, which it shows and sorts by, follows.
    assert tmp_db.execute("select date, outlet from article_list").fetchall() == [("2024-03-05", None)]


def test_a_date_or_name_newsmark_cannot_read_is_a_line_error_and_the_rest_goes_in(
    tmp_db, tmp_path: Path
) -> None:
    line = {
        "text": BRIEF,
        "spans": [{"start": 0, "end": 11, "label": "CLAIM"}],
        "meta": {
            "date": "05/03/2024",
            "outlet": ["Wire"],
            "author": "  Jane\n Doe ",
            "url": "https://w.example/",
        },
    }
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = import_path(tmp_db, path)
    assert result.errors == [
        f"{path}:1: date '05/03/2024' is not one newsmark reads (ISO 8601 like 2024-03-05, RFC 2822, "
        "a Unix time, or 5 March 2024); not stored",
        f"{path}:1: outlet ['Wire'] is not text; not stored",
    ]
    [article_id] = result.article_ids
    assert get_article(tmp_db, article_id).publication() == {
        "date": None,
        "url": "https://w.example/",
        "outlet": None,
        "author": "Jane Doe",  # one line, as ingest stores names
    }
    assert result.annotations_added == 1
