"""Opening a newsmark database: checks, pragmas and migrations.

A file is only ever written to after it has been recognised as SQLite and as
either empty or newsmark's own, so a wrong `--db` never damages anything.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import platformdirs
from sqlite_utils import Database

from store.errors import NewerSchema, NotNewsmarkDatabase
from store.schema import MIGRATION_SET, migrations

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0


def default_db_path() -> Path:
    """`NEWSMARK_DB` if set, else newsmark.db in the platform's user data dir."""
    if env := os.environ.get("NEWSMARK_DB"):
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("newsmark")) / "newsmark.db"


def _check_existing_file(path: Path) -> None:
    """Refuse anything that is not an empty file, or SQLite holding newsmark's tables."""
    if path.is_dir():
        raise NotNewsmarkDatabase(f"{path}: is a folder, not a database file")
    if path.stat().st_size == 0:
        return
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise NotNewsmarkDatabase(f"{path}: not a SQLite database; refusing to touch it")
    # Read-only look, so even a lock or journal is never created on a foreign file.
    # as_uri() percent-encodes the path: a '?' or '#' in a folder name would
    # otherwise end the path early and open (creating it) some other file.
    # With no -wal or -journal beside it the file holds everything, and
    # immutable=1 reads it without creating a -shm/-wal even for a WAL database.
    uri = path.resolve().as_uri() + "?mode=ro"
    if not any(path.with_name(path.name + suffix).exists() for suffix in ("-wal", "-journal")):
        uri += "&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
            applied: set[str] = set()
            if "_sqlite_migrations" in tables:
                applied = {
                    r[0]
                    for r in conn.execute(
                        "select name from _sqlite_migrations where migration_set = ?",
                        [MIGRATION_SET],
                    )
                }
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise NotNewsmarkDatabase(f"{path}: unreadable SQLite database ({e})") from e
    if tables and not applied:
        raise NotNewsmarkDatabase(f"{path}: a SQLite database, but not a newsmark one; refusing to touch it")
    known = {m.name for m in migrations._migrations}
    if unknown := applied - known:
        raise NewerSchema(
            f"{path}: written by a newer newsmark (schema {sorted(unknown)[-1]}); upgrade newsmark"
        )


def open_db(path: str | Path, *, create: bool = True) -> Database:
    """Open (creating and migrating if needed) the newsmark database at `path`."""
    path = Path(path).expanduser()
    if path.exists():
        _check_existing_file(path)
    elif not create:
        raise NotNewsmarkDatabase(f"{path}: no such database (newsmark ingest creates one)")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    # check_same_thread=False: workers get their own connection, but the app
    # hands its connection between the event loop and short thread workers.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    db = Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    # FULL: an annotation shown as saved must survive power loss, not only a crash.
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    migrations.apply(db)
    return db


def schema_version(db: Database) -> str:
    """The name of the last migration applied to `db`."""
    applied = migrations.applied(db)
    return applied[-1].name if applied else "none"
