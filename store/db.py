"""Opening a newsmark database: checks, pragmas and migrations.

A file is only ever written to after it has been recognised as SQLite and as
either empty or newsmark's own, so a wrong `--db` never damages anything.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import platformdirs

from newsmark.store.errors import DatabaseBusy, NewerSchema, NotNewsmarkDatabase
from newsmark.store.migration_names import MIGRATION_NAMES, MIGRATION_SET

if TYPE_CHECKING:
    from sqlite_utils import Database

    # Reads run on either: the app's first screen reads through sqlite3 alone (open_current).
    Queryable = Database | sqlite3.Connection

BUSY_TIMEOUT_S = 10.0
# A write that still finds the database locked after the busy timeout is tried
# again this many times in all, then reported (DatabaseBusy), never dropped.
LOCK_ATTEMPTS = 3
P = ParamSpec("P")
R = TypeVar("R")


def default_db_path() -> Path:
    """`NEWSMARK_DB` if set, else newsmark.db in the platform's user data dir."""
    if env := os.environ.get("NEWSMARK_DB"):
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("newsmark")) / "newsmark.db"


def _check_existing_file(path: Path) -> set[str]:
    """Refuse anything that is not an empty file, or SQLite holding newsmark's tables;
    returns the names of the migrations applied to it."""
    if path.is_dir():
        raise NotNewsmarkDatabase(f"{path}: is a folder, not a database file")
    if path.stat().st_size == 0:
        return set()
    # The header is read by SQLite, never by opening the file here: on Linux, closing any
    # descriptor of the file drops every POSIX lock this process holds on it, so the
    # app's own open connection would lose its WAL lock and the next newsmark command
    # would delete the -wal the app is still writing to (tests/test_shared_database.py).
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
        if "not a database" in str(e):
            raise NotNewsmarkDatabase(f"{path}: not a SQLite database; refusing to touch it") from e
        raise NotNewsmarkDatabase(f"{path}: unreadable SQLite database ({e})") from e
    if tables and not applied:
        raise NotNewsmarkDatabase(f"{path}: a SQLite database, but not a newsmark one; refusing to touch it")
    if unknown := applied - set(MIGRATION_NAMES):
        raise NewerSchema(
            f"{path}: written by a newer newsmark (schema {sorted(unknown)[-1]}; this newsmark knows up "
            f"to {MIGRATION_NAMES[-1]}); upgrade newsmark to open it"
        )
    return applied


def connect(path: Path, *, busy_timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """A sqlite3 connection to `path` with newsmark's pragmas (no checks: see open_db)."""
    # check_same_thread=False: workers get their own connection, but the app
    # hands its connection between the event loop and short thread workers.
    conn = sqlite3.connect(str(path), timeout=busy_timeout, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    # FULL: an annotation shown as saved must survive power loss, not only a crash.
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    # As sqlite-utils sets it on every Database it wraps, so reads before the wrap agree.
    conn.execute("PRAGMA recursive_triggers=on")
    return conn


def as_database(conn: sqlite3.Connection) -> Database:
    """The sqlite-utils Database over an open connection (imports sqlite-utils)."""
    from newsmark.store._sqlite_utils import Database  # here: sqlite-utils stays off the start path

    # execute_plugins=False: no sqlite-utils plugins are wanted, and finding them scans every
    # installed package at start.
    return Database(conn, execute_plugins=False)


def open_current(path: str | Path, *, busy_timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection | None:
    """A connection to the newsmark database at `path` when it exists with every
    migration applied, through the sqlite3 module alone; else None (open_db then
    creates or migrates it). Raises as open_db does for a file that is not newsmark's.

    For the app's start: its first screen only reads, and sqlite-utils' import
    (a fifth of the start) can wait until after the first paint (as_database).
    """
    path = Path(path).expanduser()
    # A folder or a foreign file is refused here as open_db would refuse it.
    if not path.exists() or _check_existing_file(path) != set(MIGRATION_NAMES):
        return None
    return connect(path, busy_timeout=busy_timeout)


def open_db(
    path: str | Path, *, create: bool = True, migrate: bool = True, busy_timeout: float = BUSY_TIMEOUT_S
) -> Database:
    """Open (creating and migrating if needed) the newsmark database at `path`.

    An existing database with migrations pending is first copied to
    `<name>.bak-<schema>-<timestamp>` beside it. `migrate=False` opens an older
    database as it is (for `newsmark check`, which only reads).
    """
    path = Path(path).expanduser()
    if path.exists():
        _check_existing_file(path)
    elif not create:
        raise NotNewsmarkDatabase(f"{path}: no such database (newsmark ingest creates one)")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    db = as_database(connect(path, busy_timeout=busy_timeout))
    if migrate:
        from newsmark.store.schema import migrations  # imports sqlite-utils: off the start path

        if migrations.pending(db):
            _migrate(db, path)
    return db


def _migrate(db: Database, path: Path) -> Path | None:
    """Apply pending migrations in one transaction, after a backup of an existing
    database; returns the backup's path (None for a new database).

    BEGIN IMMEDIATE takes the write lock first, so of two processes opening an
    older database at once one migrates and the other then finds nothing to do.
    One transaction for the whole set: a crash mid-upgrade leaves the old schema.
    """
    from newsmark.store.schema import migrations  # imports sqlite-utils: off the start path

    backup = None
    with immediate_transaction(db):
        if migrations.pending(db):
            if migrations.applied(db):
                backup = backup_database(path, schema_version(db))
            migrations.apply(db)  # each migration nests as a savepoint
            db.conn.execute(f"PRAGMA user_version = {_version_number(schema_version(db))}")
    return backup


def backup_database(path: Path, version: str) -> Path:
    """A consistent copy of `path` beside it, through SQLite's backup API.

    Read through a second connection: in WAL mode it sees the last commit while
    the caller holds the write lock, so the copy is exactly the pre-migration state.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.bak-{version}-{stamp}")
    n = 1
    while target.exists():  # two upgrades in one second must not overwrite a backup
        n += 1
        target = path.with_name(f"{path.name}.bak-{version}-{stamp}-{n}")
    source = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            # A self-contained single file: no -wal beside the backup.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()
    return target


def _version_number(name: str) -> int:
    """0003_article_versions -> 3, for PRAGMA user_version (readable by any SQLite tool)."""
    match = re.match(r"(\d+)", name)
    return int(match.group(1)) if match else 0


def schema_version(db: Database) -> str:
    """The name of the last migration applied to `db`."""
    from newsmark.store.schema import migrations  # imports sqlite-utils: off the start path

    applied = migrations.applied(db)
    return applied[-1].name if applied else "none"


def latest_schema_version() -> str:
    """The newest schema this newsmark knows."""
    return MIGRATION_NAMES[-1]


def database_file(db: Database) -> str:
    """The file behind a connection, for messages."""
    return db.conn.execute("PRAGMA database_list").fetchone()[2] or ":memory:"


@contextlib.contextmanager
def immediate_transaction(db: Database) -> Iterator[None]:
    """A transaction that takes the write lock at its start (BEGIN IMMEDIATE), committed
    when the block ends, rolled back when it raises."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


def _is_lock_error(error: sqlite3.OperationalError) -> bool:
    message = str(error).lower()
    return "locked" in message or "busy" in message


def retrying(
    db: Database,
    fn: Callable[[], R],
    *,
    attempts: int = LOCK_ATTEMPTS,
    on_retry: Callable[[int, sqlite3.OperationalError], None] | None = None,
) -> R:
    """Run the write `fn` in one transaction that holds the write lock from its start;
    when the lock cannot be had, try again; DatabaseBusy after `attempts` tries.

    BEGIN IMMEDIATE, not the deferred BEGIN that `db.atomic()` issues: a deferred
    transaction that reads first and writes later fails at once (SQLITE_BUSY_SNAPSHOT,
    no busy wait) when another process commits in between, which two newsmark
    processes tagging at once would hit. Taking the lock first, the busy timeout
    waits for the other writer, and `fn`'s reads and writes see one state.
    `fn`'s own `db.atomic()` blocks nest inside as savepoints. A failed try has
    rolled back everything, so running `fn` again is safe. Inside a caller's open
    transaction nothing is retried: the caller owns it.
    """
    if db.conn.in_transaction:
        return fn()
    for attempt in range(1, attempts + 1):
        try:
            with immediate_transaction(db):
                return fn()
        except sqlite3.OperationalError as e:
            if not _is_lock_error(e):
                raise
            if attempt == attempts:
                raise DatabaseBusy(
                    f"{database_file(db)}: database is locked by another process (another newsmark "
                    f"writing?); not saved after {attempts} tries ({e})"
                ) from e
            if on_retry is not None:
                on_retry(attempt, e)
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def retry_when_locked(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator for store writers whose first argument is the Database: see `retrying`."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from newsmark.store._sqlite_utils import Database  # at the call: importing a writer stays cheap

        db = args[0] if args else kwargs["db"]
        assert isinstance(db, Database), "retry_when_locked: the first argument must be the Database"
        return retrying(db, lambda: fn(*args, **kwargs))

    return wrapper
