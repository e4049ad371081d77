"""Schema versions: an older database is backed up then migrated, a newer one is refused,
a file that is not newsmark's is left byte for byte as it was."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

from newsmark.store import NewerSchema, NotNewsmarkDatabase, open_db, schema_version
from newsmark.store.annotations import add_annotation, annotations_for_article
from newsmark.store.db import latest_schema_version
from newsmark.store.ingest import ingest_text
from newsmark.store.schema import migrations

TEXT = "Lavrov said: “We will talk.”\nThe minister left Moscow.\n"
FIRST = migrations._migrations[0].name
ALL = [m.name for m in migrations._migrations]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def database_before(path: Path, migration: str) -> Database:
    """A database at `path` as newsmark wrote it before `migration` (this newsmark's own
    migrations, stopped there), open, for a test to fill as that version would."""
    db = Database(sqlite3.connect(path))
    db.execute("PRAGMA journal_mode=WAL")
    migrations.apply(db, stop_before=[migration])
    return db


def old_database(path: Path) -> str:
    """A database as the first newsmark release wrote it (schema 0001 only), with an
    article and an annotation; returns the article id. Built with this newsmark's own
    0001 migration, stopped before the rest, and written the way 0001 wrote rows."""
    conn = sqlite3.connect(path)
    db = Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    migrations.apply(db, stop_before=ALL[1:])
    db["articles"].insert(
        {
            "id": "a1",
            "source": "/news/a.txt",
            "title": "A",
            "text": TEXT,
            "word_count": 9,
            "ingested_at": "2024-01-01T00:00:00.000+00:00",
        }
    )
    db["annotations"].insert(
        {
            "article_id": "a1",
            "start": 0,
            "end": 6,
            "label": "SOURCE",
            "text": "Lavrov",
            "created_at": "2024",
            "updated_at": "2024",
            "deleted": 0,
        }
    )
    conn.close()
    return "a1"


def backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.bak-*"))


def test_the_schema_has_several_migrations_so_an_older_database_exists() -> None:
    assert ALL[0] == "0001_initial"
    assert "0003_article_versions" in ALL
    assert latest_schema_version() == ALL[-1]


def test_older_database_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "newsmark.db"
    article_id = old_database(path)

    db = open_db(path)

    # The backup: one file beside the database, named for the schema it holds, exactly
    # the old content (same schema, same rows), a self-contained file (no -wal).
    (backup,) = backups(tmp_path)
    assert backup.name.startswith(f"newsmark.db.bak-{FIRST}-")
    old = sqlite3.connect(backup)
    try:
        assert [r[0] for r in old.execute("select name from _sqlite_migrations")] == [FIRST]
        assert old.execute("pragma journal_mode").fetchone()[0] == "delete"
        assert old.execute("select id, text from articles").fetchall() == [(article_id, TEXT)]
        assert old.execute("select label, text from annotations").fetchall() == [("SOURCE", "Lavrov")]
        assert "version" not in [r[1] for r in old.execute("pragma table_info(articles)")]
        assert old.execute("pragma integrity_check").fetchone()[0] == "ok"
    finally:
        old.close()

    # The database: every migration applied, the version recorded, nothing lost.
    assert [m.name for m in migrations.applied(db)] == ALL
    assert schema_version(db) == latest_schema_version()
    assert db.execute("pragma user_version").fetchone()[0] == int(ALL[-1][:4])
    assert [(a.label, a.text) for a in annotations_for_article(db, article_id)] == [("SOURCE", "Lavrov")]
    assert db.execute("select version, previous_id from articles").fetchall() == [(1, None)]
    # It works as a current database: a new annotation goes in.
    add_annotation(db, article_id, 13, 28, "QUOTE")
    db.close()

    # Opening again finds nothing pending: no second backup.
    open_db(path).close()
    assert len(backups(tmp_path)) == 1


def test_new_and_current_databases_get_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "newsmark.db"
    db = open_db(path)
    ingest_text(db, TEXT, "a.txt")
    db.close()
    open_db(path).close()
    assert backups(tmp_path) == []
    empty = tmp_path / "empty.db"
    empty.touch()
    open_db(empty).close()
    assert backups(tmp_path) == []


def test_failed_migration_leaves_the_old_schema_and_the_backup(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "newsmark.db"
    old_database(path)
    last = migrations._migrations[-1]

    def broken(db: Database) -> None:
        db.execute("alter table articles add column half_done text")
        raise sqlite3.OperationalError("disk I/O error")  # as a failing disk would

    monkeypatch.setattr(last, "fn", broken)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        open_db(path)
    conn = sqlite3.connect(path)
    try:
        # One transaction for the whole upgrade: not even the earlier steps stayed.
        assert [r[0] for r in conn.execute("select name from _sqlite_migrations")] == [FIRST]
        assert "half_done" not in [r[1] for r in conn.execute("pragma table_info(articles)")]
        assert conn.execute("select count(*) from annotations").fetchone()[0] == 1
    finally:
        conn.close()
    assert len(backups(tmp_path)) == 1


def test_two_processes_opening_an_older_database_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "newsmark.db"
    old_database(path)
    script = (
        "import sys; from store import open_db, schema_version;"
        "db = open_db(sys.argv[1]); print(schema_version(db)); db.close()"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert [(p.returncode, out.strip(), err) for p, (out, err) in zip(procs, results, strict=True)] == [
        (0, ALL[-1], ""),
        (0, ALL[-1], ""),
    ]
    assert len(backups(tmp_path)) == 1
    db = open_db(path)
    assert [m.name for m in migrations.applied(db)] == ALL  # each recorded once
    db.close()


def test_newer_database_is_refused_with_a_message_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newsmark.db"
    db = open_db(path)
    ingest_text(db, TEXT, "a.txt")
    db.execute(
        "insert into _sqlite_migrations (migration_set, name, applied_at)"
        " values ('newsmark', '9001_future', 'x')"
    )
    db.close()  # the last connection checkpoints: the file holds everything
    before = digest(path)
    with pytest.raises(NewerSchema) as e:
        open_db(path)
    message = str(e.value)
    assert message == (
        f"{path}: written by a newer newsmark (schema 9001_future; this newsmark knows up to "
        f"{ALL[-1]}); upgrade newsmark to open it"
    )
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newsmark.db"]


def foreign_files(folder: Path) -> dict[str, bytes]:
    """Files newsmark must refuse: text, a zip, SQLite from another program (both journal
    modes), and SQLite with a migrations table from another migration set."""
    files = {
        "notes.db": b"my notes, not a database\n" * 50,
        "archive.db": b"PK\x03\x04" + bytes(range(256)) * 8,
        "truncated.db": b"SQLite format 3\x00" + b"\x10\x00",
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    for name, wal in (("contacts.db", False), ("contacts-wal.db", True)):
        conn = sqlite3.connect(folder / name)
        if wal:
            conn.execute("pragma journal_mode=wal")
        conn.execute("create table contacts (name text, phone text)")
        conn.execute("insert into contacts values ('Ann', '555')")
        conn.commit()
        conn.close()
    conn = sqlite3.connect(folder / "other-app.db")
    conn.execute("create table _sqlite_migrations (migration_set text, name text, applied_at text)")
    conn.execute("insert into _sqlite_migrations values ('other-app', '0001_initial', '2024')")
    conn.commit()
    conn.close()
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_foreign_files_are_refused_byte_for_byte_untouched(tmp_path: Path) -> None:
    before = foreign_files(tmp_path)
    assert len(before) == 6
    for name in sorted(before):
        with pytest.raises(NotNewsmarkDatabase) as e:
            open_db(tmp_path / name)
        assert str(e.value).startswith(f"{tmp_path / name}: ")
        assert "\n" not in str(e.value)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # same bytes, and no -wal, -shm, -journal or backup beside them


def test_check_does_not_migrate_an_older_database(tmp_path: Path) -> None:
    from newsmark.store.check import check_database

    path = tmp_path / "newsmark.db"
    old_database(path)
    db = open_db(path, migrate=False)
    report = check_database(db)
    db.close()
    assert (report.schema, report.pending, report.ok) == (FIRST, ALL[1:], True)
    assert backups(tmp_path) == []
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("select name from _sqlite_migrations")] == [FIRST]
    conn.close()


# --- a changed file is a new version; annotations stay on their text ---------------


def test_changed_file_becomes_a_new_version_and_annotations_stay(tmp_db, tmp_path: Path, monkeypatch) -> None:
    from newsmark.store.articles import get_article
    from newsmark.store.export import export_items
    from newsmark.store.ingest import ingest_paths

    path = tmp_path / "story.txt"
    path.write_text("Talks in Moscow\nLavrov said: “We will talk.” Then he left.\n")
    (v1,) = ingest_paths(tmp_db, [path]).added
    text1 = get_article(tmp_db, v1).text
    quote = add_annotation(tmp_db, v1, text1.index("“"), text1.index("”") + 1, "QUOTE")

    # The editor fixed the story: words inserted before the quote move its offsets.
    path.write_text("Talks in Moscow\nOn Friday, Sergey Lavrov said: “We will talk.” Then he left.\n")
    again = ingest_paths(tmp_db, [path])
    (v2,) = again.added
    assert v2 != v1
    # From another folder, by a relative path: still the same source.
    monkeypatch.chdir(tmp_path)
    path.write_text("Talks in Moscow\nOn Friday, Sergey Lavrov said: “We shall talk.”\n")
    (v3,) = ingest_paths(tmp_db, ["story.txt"]).added
    # Unchanged: nothing new.
    assert ingest_paths(tmp_db, [path]).present == [v3]

    rows = tmp_db.execute("select id, version, previous_id from articles order by version").fetchall()
    # Each version points at the one it replaced: v3 -> v2 -> v1.
    assert rows == [(v1, 1, None), (v2, 2, v1), (v3, 3, v2)]
    # The annotation is where it was made: on version 1's text, with its words.
    assert [(a.id, a.text) for a in annotations_for_article(tmp_db, v1)] == [(quote.id, "“We will talk.”")]
    assert annotations_for_article(tmp_db, v2) == []
    assert annotations_for_article(tmp_db, v3) == []
    exported = {item.article.id: item for item in export_items(tmp_db)}
    a = exported[v1].annotations[0]
    assert exported[v1].article.text[a.start : a.end] == "“We will talk.”"
    from newsmark.store.check import check_database

    assert check_database(tmp_db).ok


def test_different_files_with_one_name_in_two_folders_are_not_versions(tmp_db, tmp_path: Path) -> None:
    from newsmark.store.ingest import ingest_paths

    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(f"Story from {folder}\nText.\n")
    ingest_paths(tmp_db, [tmp_path / "a", tmp_path / "b"])
    assert tmp_db.execute("select version, previous_id from articles").fetchall() == [(1, None), (1, None)]


# --- newsmark check -----------------------------------------------------------------


def check_cli(path: Path) -> tuple[int, list[str]]:
    from click.testing import CliRunner

    from newsmark.cli.main import main

    result = CliRunner().invoke(main, ["check", "--db", str(path)])
    return result.exit_code, (result.stdout + result.stderr).splitlines()


def test_check_reports_a_healthy_database(tmp_path: Path) -> None:
    path = tmp_path / "newsmark.db"
    db = open_db(path)
    article_id, _ = ingest_text(db, TEXT, "a.txt")
    a = add_annotation(db, article_id, 0, 6, "SOURCE")
    add_annotation(db, article_id, 13, 28, "QUOTE")
    from newsmark.store.annotations import delete_annotation

    delete_annotation(db, a.id)
    db.close()
    code, lines = check_cli(path)
    assert code == 0
    assert lines == [
        f"database: {path}",
        "integrity: ok",
        f"schema: {ALL[-1]} (current)",
        "contents: 1 articles, 2 annotations, 0 entities, 0 suggestions, 4 labels, 3 events"
        " (1 annotations deleted, kept for undo)",
        "spans: every annotation and entity matches its article's text",
        "all good",
    ]


def test_check_finds_an_annotation_whose_text_no_longer_matches(tmp_path: Path) -> None:
    path = tmp_path / "newsmark.db"
    db = open_db(path)
    article_id, _ = ingest_text(db, TEXT, "a.txt")
    a = add_annotation(db, article_id, 0, 6, "SOURCE")
    b = add_annotation(db, article_id, 13, 28, "QUOTE")
    db.close()
    # Damage from outside newsmark: one row's offsets moved, one pointing past the end.
    conn = sqlite3.connect(path)
    conn.execute('update annotations set start = 1, "end" = 7 where id = ?', [a.id])
    conn.execute('update annotations set "end" = 999 where id = ?', [b.id])
    conn.commit()
    conn.close()
    code, lines = check_cli(path)
    assert code == 1
    assert lines[-4:] == [
        "spans: 2 no longer match their article's text",
        f"  annotation {a.id} in article {article_id}, offsets 1-7: stored text 'Lavrov' but the article"
        " says 'avrov '",
        f"  annotation {b.id} in article {article_id}, offsets 13-999: stored text '“We will talk.”' but the"
        f" article says {TEXT[13:]!r}",
        "PROBLEMS FOUND",
    ]


def test_check_reports_sqlite_integrity_problems(tmp_path: Path) -> None:
    path = tmp_path / "newsmark.db"
    db = open_db(path)
    article_id, _ = ingest_text(db, TEXT, "a.txt")
    for i in range(5):
        add_annotation(db, article_id, i, i + 3, "CLAIM")
    db.close()
    # An index that no longer matches its table (as a torn write or a bad copy leaves it).
    conn = sqlite3.connect(path)
    conn.execute("pragma writable_schema = on")
    conn.execute(
        "update sqlite_master set sql = 'create index annotations_article on annotations(article_id, label)'"
        " where name = 'annotations_article'"
    )
    conn.commit()
    conn.close()
    code, lines = check_cli(path)
    assert code == 1
    assert lines[1:7] == [
        "integrity: 5 problem(s)",
        *[f"  row {n} missing from index annotations_article" for n in range(1, 6)],
    ]
    assert lines[-1] == "PROBLEMS FOUND"


def test_check_on_missing_foreign_and_newer_files_is_one_line(tmp_path: Path) -> None:
    code, lines = check_cli(tmp_path / "missing.db")
    assert (code, lines) == (
        1,
        [f"newsmark: {tmp_path / 'missing.db'}: no such database (newsmark ingest creates one)"],
    )
    (tmp_path / "notes.db").write_text("not a database\n")
    code, lines = check_cli(tmp_path / "notes.db")
    assert (code, len(lines)) == (1, 1)
    assert lines[0].endswith("not a SQLite database; refusing to touch it")
    newer = tmp_path / "newer.db"
    db = open_db(newer)
    db.execute(
        "insert into _sqlite_migrations (migration_set, name, applied_at) values ('newsmark', '9001_x', 'x')"
    )
    db.close()
    code, lines = check_cli(newer)
    assert (code, len(lines)) == (1, 1)
    assert "written by a newer newsmark (schema 9001_x;" in lines[0]


def test_migration_names_kept_for_the_start_match_the_schema() -> None:
    from newsmark.store.migration_names import MIGRATION_NAMES, MIGRATION_SET

    assert list(MIGRATION_NAMES) == ALL
    assert migrations.name == MIGRATION_SET


def test_open_current_reads_only_a_current_database(tmp_path: Path) -> None:
    from newsmark.store import open_current

    missing = tmp_path / "missing.db"
    assert open_current(missing) is None
    assert not missing.exists()  # nothing created: open_db does that

    old = tmp_path / "old.db"
    old_database(old)
    before = digest(old)
    assert open_current(old) is None  # needs migrating: left to open_db, untouched here
    assert digest(old) == before and backups(tmp_path) == []

    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("create table people (name text)").connection.close()
    with pytest.raises(NotNewsmarkDatabase):
        open_current(foreign)

    current = tmp_path / "current.db"
    db = open_db(current)
    ingest_text(db, TEXT, "a.txt")
    db.close()
    conn = open_current(current)
    assert conn is not None
    try:
        assert isinstance(conn, sqlite3.Connection)
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert conn.execute("pragma foreign_keys").fetchone()[0] == 1
        assert conn.execute("select count(*) from article_list").fetchone()[0] == 1
    finally:
        conn.close()


# --- 0005: article status, open suggestions, corpus totals ---------------------------


def test_article_status_migration_starts_articles_with_work_in_them(tmp_path: Path) -> None:
    from newsmark.store.articles import corpus_progress, list_page_after

    path = tmp_path / "newsmark.db"
    old_database(path)  # a1: one annotation
    conn = sqlite3.connect(path)
    db = Database(conn)
    for article_id, source in (("a2", "/news/b.txt"), ("a3", "/news/c.txt"), ("a4", "/news/d.txt")):
        db["articles"].insert(
            {
                "id": article_id,
                "source": source,
                "title": article_id,
                "text": TEXT,
                "word_count": 9,
                "ingested_at": "2024",
            }
        )
    suggestion = {"start": 13, "end": 28, "text": TEXT[13:28], "score": 0.9}
    # a2: one suggestion decided, one open; a3: two open; a4: an annotation since deleted.
    db["suggestions"].insert_all(
        [
            {"article_id": "a2", **suggestion, "status": "rejected"},
            {"article_id": "a2", **suggestion, "start": 0, "end": 6, "text": "Lavrov", "status": "open"},
            {"article_id": "a3", **suggestion, "status": "open"},
            {"article_id": "a3", **suggestion, "start": 0, "end": 6, "text": "Lavrov", "status": "open"},
        ]
    )
    db["annotations"].insert(
        {
            "article_id": "a4",
            "start": 0,
            "end": 6,
            "label": "SOURCE",
            "text": "Lavrov",
            "created_at": "2024",
            "updated_at": "2024",
            "deleted": 1,
        }
    )
    conn.close()

    db = open_db(path)
    rows = {r.id: (r.status, r.open_suggestions, r.annotation_count) for r in list_page_after(db, None, 10)}
    assert rows == {
        "a1": ("in progress", 0, 1),
        "a2": ("in progress", 1, 0),
        "a3": ("new", 2, 0),
        "a4": ("new", 0, 0),
    }
    assert dict(db.execute("select id, status from articles").fetchall()) == {
        "a1": "in progress",
        "a2": "in progress",
        "a3": "new",
        "a4": "new",
    }
    assert corpus_progress(db) == (0, 4, 1)
    db.close()


def test_sources_come_from_what_an_older_database_analysed(tmp_path: Path) -> None:
    """0006: an older database's suggestions and accepted quotes get their sources, counted;
    PARAPHRASE joins the labels, on a key the user left free."""
    path = tmp_path / "newsmark.db"
    conn = sqlite3.connect(path)
    db = Database(conn)
    migrations.apply(db, stop_before=["0006_sources"])
    text = "Sergei Lavrov said: “We will talk.” Sergey Lavrov said: “Soon.”\n"
    db["articles"].insert(
        {"id": "a1", "source": "a.txt", "title": "A", "text": text, "word_count": 9, "ingested_at": "2024"}
    )
    db["labels"].insert({"name": "PLACE", "colour": "#000000", "key": 4, "description": ""})
    for start, end, speaker, status in (
        (20, 35, "Sergei Lavrov", "open"),
        (56, 63, "Sergey Lavrov", "accepted"),
    ):
        db["suggestions"].insert(
            {
                "article_id": "a1",
                "start": start,
                "end": end,
                "text": text[start:end],
                "speaker": speaker,
                "speaker_start": start - 20,
                "speaker_end": start - 7,
                "score": 0.9,
                "status": status,
            }
        )
    db["annotations"].insert(
        {
            "article_id": "a1",
            "start": 56,
            "end": 63,
            "label": "QUOTE",
            "text": text[56:63],
            "speaker": "Sergey Lavrov",
            "created_at": "2024",
            "updated_at": "2024",
            "deleted": 0,
        }
    )
    conn.close()

    db = open_db(path)
    [(source_id, name, quotes, articles)] = db.execute(
        "select id, name, quotes, articles from sources"
    ).fetchall()
    assert (name, quotes, articles) == ("Sergey Lavrov", 2, 1)  # the open one and the accepted QUOTE
    assert db.execute("select distinct source_id from suggestions").fetchall() == [(source_id,)]
    assert db.execute("select source_id from annotations").fetchall() == [(source_id,)]
    assert db.execute("select kind from suggestions").fetchall() == [("direct",), ("direct",)]
    assert db.execute("select key from labels where name = 'PARAPHRASE'").fetchone() == (5,)
    db.close()


# --- 0007: where and when articles were published ------------------------------------


def table_rows(conn: sqlite3.Connection, columns: dict[str, list[str]] | None = None) -> dict[str, list]:
    """Every table's rows (the columns given per table, else all), in a stable order."""
    names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")]
    rows = {}
    for name in names:
        wanted = columns[name] if columns else [r[1] for r in conn.execute(f"pragma table_info('{name}')")]
        quoted = ", ".join(f'"{c}"' for c in wanted)
        rows[name] = sorted(conn.execute(f'select {quoted} from "{name}"').fetchall(), key=repr)
    return rows


def test_article_metadata_migration_keeps_every_row_of_a_0006_database(tmp_path: Path) -> None:
    from newsmark.store.articles import get_article
    from newsmark.store.ingest.rows import Metadata

    path = tmp_path / "newsmark.db"
    db = database_before(path, "0007_article_metadata")
    conn = db.conn
    # A database as 0006 wrote it, something in every table: two articles (one analysed and
    # done), tokens, sentences, entities, a source with its alias, a suggestion and an
    # annotation attributed to it, an event, a label of the user's.
    for article_id, source in (("a1", "/news/a.txt"), ("a2", "/news/b.txt")):
        db["articles"].insert(
            {
                "id": article_id,
                "source": source,
                "title": article_id,
                "text": TEXT,
                "word_count": 9,
                "ingested_at": "2024-01-01T00:00:00.000+00:00",
            }
        )
    db.execute(
        "update articles set analysis_model = 'm 1', analyzed_at = '2024', status = 'done' where id = 'a1'"
    )
    db["tokens"].insert({"article_id": "a1", "model": "m 1", "offsets": "[0, 6, 7, 11]"})
    db["sentences"].insert_all(
        [{"article_id": "a1", "start": 0, "end": 29}, {"article_id": "a1", "start": 30, "end": 55}]
    )
    db["entities"].insert(
        {"article_id": "a1", "start": 0, "end": 6, "label": "PERSON", "text": "Lavrov", "created_at": "2024"}
    )
    db["sources"].insert(
        {"id": 1, "name": "Lavrov", "kind": "person", "created_at": "2024", "updated_at": "2024"}
    )
    db["source_aliases"].insert({"alias": "Lavrov", "source_id": 1, "key": "lavrov", "surname": "lavrov"})
    db["suggestions"].insert(
        {
            "article_id": "a1",
            "start": 13,
            "end": 28,
            "text": TEXT[13:28],
            "speaker": "Lavrov",
            "speaker_start": 0,
            "speaker_end": 6,
            "score": 0.9,
            "kind": "direct",
            "source_id": 1,
        }
    )
    db["annotations"].insert(
        {
            "article_id": "a2",
            "start": 13,
            "end": 28,
            "label": "QUOTE",
            "text": TEXT[13:28],
            "speaker": "Lavrov",
            "created_at": "2024",
            "updated_at": "2024",
            "deleted": 0,
        }
    )
    db["events"].insert({"at": "2024", "kind": "annotation.add", "article_id": "a2", "annotation_id": 1})
    db["labels"].insert({"name": "PLACE", "colour": "#000000", "key": 5, "description": "A place"})
    before = table_rows(conn)
    assert all(before[name] for name in ("articles", "article_list", "source_articles", "corpus_totals"))
    columns = {name: [r[1] for r in conn.execute(f"pragma table_info('{name}')")] for name in before}
    conn.close()

    db = open_db(path)
    assert [m.name for m in migrations.applied(db)] == ALL
    # Every row as it was, in every table (the new columns aside); the migration recorded.
    after = table_rows(db.conn, columns)
    migrated = before.pop("_sqlite_migrations")  # and those after 0007 recorded next
    assert after.pop("_sqlite_migrations")[: len(migrated)] == migrated
    assert after == before
    assert db.execute("select date, url, outlet, author from articles").fetchall() == [(None,) * 4] * 2
    assert db.execute("select date, outlet from article_list").fetchall() == [(None, None)] * 2
    assert get_article(db, "a1").publication() == {"date": None, "url": None, "outlet": None, "author": None}
    # New articles carry their metadata, and the library's table its date and outlet.
    meta = Metadata("2024-03-05", "https://courier.example/a", "The Daily Courier", "Anna Petrova")
    article_id, _ = ingest_text(db, "Talks in Moscow\nLavrov said so.\n", "/news/c.txt", metadata=meta)
    assert get_article(db, article_id).publication() == meta._asdict()
    row = db.execute("select date, outlet from article_list where id = ?", [article_id]).fetchone()
    assert row == ("2024-03-05", "The Daily Courier")
    db.execute("update articles set outlet = 'Courier' where id = ?", [article_id])
    assert db.execute("select outlet from article_list where id = ?", [article_id]).fetchone() == ("Courier",)
    db.close()


# --- 0008: an unnamed source is one per article ----------------------------------------


def test_unnamed_sources_shared_by_articles_become_one_per_article(tmp_path: Path) -> None:
    from newsmark.store.annotations import add_annotation

    path = tmp_path / "newsmark.db"
    db = database_before(path, "0008_unnamed_sources_per_article")
    conn = db.conn
    # As 0007 stored it: one "spokesperson for the council" across three articles (two
    # councils), an unnamed source the user merged by hand across two, one Sergey Lavrov,
    # and an unnamed spelling no attribution uses any more.
    spokesperson, striker = "A spokesperson for the council", "one striker"
    text = f"{spokesperson} said bins would go. Sergey Lavrov said so. {striker} said no.\n"
    for article_id in ("a1", "a2", "a3"):
        db["articles"].insert(
            {"id": article_id, "source": f"{article_id}.txt", "title": article_id, "text": text}
            | {"word_count": 14, "ingested_at": "2024"}
        )
    for source_id, name, kind, user_named in (
        (1, spokesperson, "unnamed", 0),
        (2, "Sergey Lavrov", "person", 0),
        (3, striker, "unnamed", 1),
        (4, "a source close to the talks", "unnamed", 0),
    ):
        db["sources"].insert(
            {"id": source_id, "name": name, "kind": kind, "user_named": user_named}
            | {"created_at": "2024", "updated_at": "2024"}
        )
    for alias, source_id, key in (
        (spokesperson, 1, "spokesperson for the cuncil"),
        ("Sergey Lavrov", 2, "sergei lavrov"),
        (striker, 3, "one striker"),
        ("one of the strikers", 3, "one of the strikers"),
        ("a source close to the talks", 4, "source close to the talks"),
    ):
        db["source_aliases"].insert({"alias": alias, "source_id": source_id, "key": key})

    def said(article_id: str, speaker: str, source_id: int, kind: str = "indirect", status: str = "open"):
        start = text.index(speaker)
        db["suggestions"].insert(
            {"article_id": article_id, "start": start, "end": start + 5, "text": text[start : start + 5]}
            | {"speaker": speaker, "score": 0.9, "kind": kind, "status": status, "source_id": source_id}
        )

    for article_id in ("a1", "a2", "a3"):
        said(article_id, spokesperson, 1)
        said(article_id, "Sergey Lavrov", 2)
    said("a2", spokesperson, 1, "direct", "accepted")
    said("a1", striker, 3)
    said("a3", striker, 3)
    db["annotations"].insert(
        {"article_id": "a2", "start": 0, "end": 5, "label": "QUOTE", "text": text[:5]}
        | {"speaker": spokesperson, "source_id": 1, "created_at": "2024", "updated_at": "2024"}
    )
    assert db.execute("select quotes, paraphrases, articles from sources where id = 1").fetchone() == (
        1,
        3,
        3,
    )
    attributed = db.execute(
        "select 'suggestion', id, article_id, speaker from suggestions"
        " union all select 'annotation', id, article_id, speaker from annotations order by 1, 2"
    ).fetchall()
    conn.close()

    db = open_db(path)
    assert [m.name for m in migrations.applied(db)] == ALL
    # Each article's spokesperson is a source of its own; the first keeps the old one.
    spokespeople = db.execute(
        "select article_id, source_id from suggestions where speaker = ? and status = 'open' order by 1",
        [spokesperson],
    ).fetchall()
    assert [a for a, _ in spokespeople] == ["a1", "a2", "a3"]
    assert spokespeople[0][1] == 1 and len({s for _, s in spokespeople}) == 3
    a2 = dict(spokespeople)["a2"]
    assert db.execute(
        "select distinct source_id from suggestions where article_id = 'a2' and speaker = ?", [spokesperson]
    ).fetchall() == [(a2,)]
    assert db.execute("select source_id from annotations").fetchall() == [(a2,)]
    for _, source_id in spokespeople:
        row = db.execute("select name, kind, roles from sources where id = ?", [source_id]).fetchone()
        assert row == (spokesperson, "unnamed", "[]")
    assert db.execute(
        "select alias, article_id, source_id, uses from source_aliases where alias = ? order by 2",
        [spokesperson],
    ).fetchall() == [(spokesperson, a, s, 2 if a == "a2" else 1) for a, s in spokespeople]
    # A name stays one source across the corpus; what the user merged stays merged, its
    # spellings now each article's; a spelling nothing uses stays as it was.
    assert db.execute(
        "select distinct source_id from suggestions where speaker = 'Sergey Lavrov'"
    ).fetchall() == [(2,)]
    assert db.execute(
        "select article_id, source_id from source_aliases where alias = 'Sergey Lavrov'"
    ).fetchall() == [(None, 2)]
    assert db.execute(
        "select alias, article_id from source_aliases where source_id = 3 order by 1, 2"
    ).fetchall() == [("one of the strikers", None), (striker, "a1"), (striker, "a3")]
    assert db.execute("select article_id from source_aliases where source_id = 4").fetchall() == [(None,)]
    # Nothing lost: every attribution is where it was, with a source; every count recounts.
    assert (
        db.execute(
            "select 'suggestion', id, article_id, speaker from suggestions"
            " union all select 'annotation', id, article_id, speaker from annotations order by 1, 2"
        ).fetchall()
        == attributed
    )
    assert db.execute(
        "select count(*) from suggestions where source_id is null"
        " union all select count(*) from annotations where source_id is null"
    ).fetchall() == [(0,), (0,)]
    recounted = db.execute(
        """select s.id, coalesce(sum(x.kind = 'direct'), 0), coalesce(sum(x.kind = 'indirect'), 0),
             count(distinct x.article_id)
           from sources s left join (
             select source_id, kind, article_id from suggestions where status = 'open'
             union all select source_id, case label when 'QUOTE' then 'direct' else 'indirect' end, article_id
             from annotations where deleted = 0 and label in ('QUOTE', 'PARAPHRASE')
           ) x on x.source_id = s.id group by s.id order by s.id"""
    ).fetchall()
    assert (
        db.execute("select id, quotes, paraphrases, articles from sources order by id").fetchall()
        == recounted
    )
    assert [r[1:] for r in recounted if r[0] in (1, a2)] == [(0, 1, 1), (1, 1, 1)]
    # The triggers read an article's own alias first: a new annotation in a3 spelled so is a3's.
    added = add_annotation(db, "a3", 0, 5, "QUOTE", speaker=spokesperson)
    source_id = db.execute("select source_id from annotations where id = ?", [added.id]).fetchone()[0]
    assert source_id == dict(spokespeople)["a3"]
    db.close()
