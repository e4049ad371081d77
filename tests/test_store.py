"""store.db (opening, refusing), store.annotations (annotations, labels) and store.events (undo/redo)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from newsmark.store import NewerSchema, NotNewsmarkDatabase, open_db, schema_version
from newsmark.store.annotations import (
    add_annotation,
    add_label,
    annotations_for_article,
    delete_annotation,
    get_annotation,
    label_for_key,
    list_labels,
    rename_label,
    update_annotation,
)
from newsmark.store.events import redo, undo
from newsmark.store.ingest import ingest_text
from newsmark.store.schema import migrations

TEXT = "Lavrov said: “We will talk.”\nThe minister left Moscow on Friday.\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def article(tmp_db) -> str:
    article_id, new = ingest_text(tmp_db, TEXT, "test.txt")
    assert new
    return article_id


ALL_MIGRATIONS = [m.name for m in migrations._migrations]


# --- open_db ---------------------------------------------------------------------


def test_open_db_creates_file_in_wal_mode_with_migrations(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "n.db"
    db = open_db(path)
    assert path.is_file()
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    names = [m.name for m in migrations.applied(db)]
    assert names[0] == "0001_initial"
    assert names == ALL_MIGRATIONS  # every migration, in order
    assert schema_version(db) == ALL_MIGRATIONS[-1]
    assert {
        "articles",
        "annotations",
        "labels",
        "events",
        "entities",
        "sentences",
        "suggestions",
        "tokens",
    } <= set(db.table_names())
    db.conn.close()


def test_open_db_reopens_without_reapplying(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    db = open_db(path)
    ingest_text(db, TEXT, "a.txt")
    db.conn.close()
    db = open_db(path)
    assert [m.name for m in migrations.applied(db)] == ALL_MIGRATIONS  # each once
    assert db.execute("select count(*) from articles").fetchone()[0] == 1
    db.conn.close()


def test_open_db_create_false_refuses_missing(tmp_path: Path) -> None:
    with pytest.raises(NotNewsmarkDatabase, match="no such database"):
        open_db(tmp_path / "missing.db", create=False)
    assert listing(tmp_path) == []


def test_empty_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    db = open_db(path)
    assert schema_version(db) == ALL_MIGRATIONS[-1]
    db.conn.close()


def test_text_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"my notes, not a database\n" * 100)
    before = digest(path)
    with pytest.raises(NotNewsmarkDatabase, match="not a SQLite database") as e:
        open_db(path)
    assert str(path) in str(e.value)
    assert "\n" not in str(e.value)
    assert digest(path) == before
    assert listing(tmp_path) == ["notes.db"]


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotNewsmarkDatabase, match="is a folder"):
        open_db(tmp_path)


def _foreign_db(path: Path, *, wal: bool) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("pragma journal_mode=wal")
    conn.execute("create table contacts (name text, phone text)")
    conn.execute("insert into contacts values ('Ann', '555')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_foreign_sqlite_is_refused_untouched(tmp_path: Path, wal: bool) -> None:
    path = tmp_path / "contacts.db"
    _foreign_db(path, wal=wal)
    before = digest(path)
    with pytest.raises(NotNewsmarkDatabase, match="not a newsmark one") as e:
        open_db(path)
    assert str(path) in str(e.value)
    assert digest(path) == before
    # Not even a -wal, -shm or -journal is left beside it.
    assert listing(tmp_path) == ["contacts.db"]


def test_foreign_sqlite_in_folder_with_uri_characters_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "odd?name#here%20"
    folder.mkdir()
    path = folder / "contacts.db"
    _foreign_db(path, wal=False)
    before = digest(path)
    with pytest.raises(NotNewsmarkDatabase, match="not a newsmark one"):
        open_db(path)
    assert digest(path) == before
    assert listing(folder) == ["contacts.db"]
    assert listing(tmp_path) == ["odd?name#here%20"]


def test_other_migration_set_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("create table _sqlite_migrations (migration_set text, name text, applied_at text)")
    conn.execute("insert into _sqlite_migrations values ('someone-else', '0001', '2024')")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NotNewsmarkDatabase):
        open_db(path)
    assert digest(path) == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    open_db(path).conn.close()
    conn = sqlite3.connect(path)
    conn.execute(
        "insert into _sqlite_migrations (migration_set, name, applied_at)"
        " values ('newsmark', '9999_future', '2099')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(NewerSchema, match="9999_future"):
        open_db(path)


# --- annotations -----------------------------------------------------------------


def test_add_annotation_is_committed_and_visible_to_another_connection(tmp_db, article) -> None:
    start = TEXT.index("“")
    end = TEXT.index("”") + 1
    a = add_annotation(tmp_db, article, start, end, "QUOTE", speaker="Lavrov", speaker_start=0, speaker_end=6)
    assert (a.start, a.end, a.label, a.text, a.deleted) == (start, end, "QUOTE", "“We will talk.”", 0)
    assert not tmp_db.conn.in_transaction
    other = sqlite3.connect(tmp_db.conn.execute("pragma database_list").fetchone()[2])
    try:
        row = other.execute(
            'select article_id, start, "end", label, text, speaker, deleted from annotations'
        ).fetchall()
    finally:
        other.close()
    assert row == [(article, start, end, "QUOTE", "“We will talk.”", "Lavrov", 0)]


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (3, 3), (5, 2), (0, len(TEXT) + 1)])
def test_add_annotation_bounds(tmp_db, article, start: int, end: int) -> None:
    with pytest.raises(ValueError, match="outside the article"):
        add_annotation(tmp_db, article, start, end, "QUOTE")
    assert tmp_db.execute("select count(*) from annotations").fetchone()[0] == 0
    assert tmp_db.execute("select count(*) from events").fetchone()[0] == 0


def test_add_annotation_whole_text_and_unknown_article(tmp_db, article) -> None:
    a = add_annotation(tmp_db, article, 0, len(TEXT), "CLAIM")
    assert a.text == TEXT
    with pytest.raises(ValueError, match="no article nope"):
        add_annotation(tmp_db, "nope", 0, 1, "CLAIM")


def test_delete_is_soft(tmp_db, article) -> None:
    a = add_annotation(tmp_db, article, 0, 6, "SOURCE")
    delete_annotation(tmp_db, a.id)
    assert annotations_for_article(tmp_db, article) == []
    row = get_annotation(tmp_db, a.id)
    assert row is not None
    assert (row.deleted, row.text) == (1, "Lavrov")
    with pytest.raises(ValueError, match="no annotation 999"):
        delete_annotation(tmp_db, 999)


def visible(db, article_id: str) -> list[tuple[int, int, str]]:
    return [(a.start, a.end, a.label) for a in annotations_for_article(db, article_id)]


def test_undo_redo_sequence(tmp_db, article) -> None:
    a = add_annotation(tmp_db, article, 0, 6, "SOURCE")
    b = add_annotation(tmp_db, article, 13, 28, "QUOTE")
    update_annotation(tmp_db, b.id, label="CLAIM")
    delete_annotation(tmp_db, a.id)
    assert visible(tmp_db, article) == [(13, 28, "CLAIM")]

    assert undo(tmp_db, article).target_id == a.id  # the delete
    assert visible(tmp_db, article) == [(0, 6, "SOURCE"), (13, 28, "CLAIM")]
    assert undo(tmp_db, article).target_id == b.id  # the relabel
    assert visible(tmp_db, article) == [(0, 6, "SOURCE"), (13, 28, "QUOTE")]
    assert undo(tmp_db, article).target_id == b.id  # the add of b
    assert undo(tmp_db, article).target_id == a.id  # the add of a
    assert visible(tmp_db, article) == []
    assert undo(tmp_db, article) is None

    assert redo(tmp_db, article).target_id == a.id
    assert redo(tmp_db, article).target_id == b.id
    assert visible(tmp_db, article) == [(0, 6, "SOURCE"), (13, 28, "QUOTE")]
    assert redo(tmp_db, article).target_id == b.id
    assert visible(tmp_db, article) == [(0, 6, "SOURCE"), (13, 28, "CLAIM")]
    assert redo(tmp_db, article).target_id == a.id
    assert visible(tmp_db, article) == [(13, 28, "CLAIM")]
    assert redo(tmp_db, article) is None


def test_new_change_drops_redo_chain(tmp_db, article) -> None:
    a = add_annotation(tmp_db, article, 0, 6, "SOURCE")
    add_annotation(tmp_db, article, 13, 28, "QUOTE")
    undo(tmp_db, article)
    undo(tmp_db, article)
    assert visible(tmp_db, article) == []
    c = add_annotation(tmp_db, article, 29, 32, "CLAIM")
    assert redo(tmp_db, article) is None
    assert visible(tmp_db, article) == [(29, 32, "CLAIM")]
    states = [r[0] for r in tmp_db.execute("select state from events order by id")]
    assert states == ["dropped", "dropped", "done"]  # kept for the audit trail
    assert undo(tmp_db, article).target_id == c.id
    assert get_annotation(tmp_db, a.id).deleted == 1


def test_undo_is_per_article(tmp_db, article) -> None:
    other, _ = ingest_text(tmp_db, "Another article entirely.\n", "b.txt")
    add_annotation(tmp_db, article, 0, 6, "SOURCE")
    add_annotation(tmp_db, other, 0, 7, "CLAIM")
    undo(tmp_db, article)
    assert visible(tmp_db, article) == []
    assert visible(tmp_db, other) == [(0, 7, "CLAIM")]


def test_update_bounds_refreshes_text_and_undoes(tmp_db, article) -> None:
    a = add_annotation(tmp_db, article, 0, 6, "SOURCE", note="first")
    u = update_annotation(tmp_db, a.id, start=7, end=11, note="moved")
    assert (u.start, u.end, u.text, u.note) == (7, 11, "said", "moved")
    undo(tmp_db, article)
    back = get_annotation(tmp_db, a.id)
    assert (back.start, back.end, back.text, back.note) == (0, 6, "Lavrov", "first")
    with pytest.raises(ValueError, match="outside the article"):
        update_annotation(tmp_db, a.id, end=len(TEXT) + 5)
    with pytest.raises(ValueError, match="cannot change"):
        update_annotation(tmp_db, a.id, article_id="x")
    assert get_annotation(tmp_db, a.id).text == "Lavrov"


# --- labels ----------------------------------------------------------------------


def test_default_labels(tmp_db) -> None:
    assert [(label.name, label.key) for label in list_labels(tmp_db)] == [
        ("QUOTE", 1),
        ("SOURCE", 2),
        ("CLAIM", 3),
        ("PARAPHRASE", 4),
    ]
    assert label_for_key(tmp_db, 2).name == "SOURCE"
    assert label_for_key(tmp_db, 5) is None


def test_add_label_takes_next_free_key(tmp_db) -> None:
    assert add_label(tmp_db, " person ").key == 5
    assert add_label(tmp_db, "PLACE", description="where").key == 6
    assert [(label.name, label.key) for label in list_labels(tmp_db)][-2:] == [("PERSON", 5), ("PLACE", 6)]
    with pytest.raises(ValueError, match="exists already"):
        add_label(tmp_db, "quote")
    with pytest.raises(ValueError, match="one word"):
        add_label(tmp_db, "two words")
    for name in "ABC":
        add_label(tmp_db, name)
    assert label_for_key(tmp_db, 9).name == "C"
    assert add_label(tmp_db, "TENTH").key is None


def test_rename_label_renames_annotations(tmp_db, article) -> None:
    a = add_annotation(tmp_db, article, 0, 6, "SOURCE")
    rename_label(tmp_db, "SOURCE", "speaker")
    assert [(label.name, label.key) for label in list_labels(tmp_db)] == [
        ("QUOTE", 1),
        ("SPEAKER", 2),
        ("CLAIM", 3),
        ("PARAPHRASE", 4),
    ]
    assert get_annotation(tmp_db, a.id).label == "SPEAKER"
    with pytest.raises(ValueError, match="exists already"):
        rename_label(tmp_db, "SPEAKER", "quote")
