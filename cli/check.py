"""`newsmark check`: integrity, schema version, counts and stale spans."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsmark.cli.common import db_option, echo, fail, root_option


@click.command()
@db_option
def check(db_path: Path | None) -> None:
    """Check the database: SQLite integrity, schema version, counts, and any
    annotation or entity whose text no longer matches its offsets.

    Only reads: an older database is reported, not migrated. The exit code is 1
    when anything is wrong.
    """
    from newsmark.store import StoreError, default_db_path, open_db
    from newsmark.store.check import check_database

    path = root_option("db_path", db_path) or default_db_path()
    try:
        db = open_db(path, create=False, migrate=False)
    except StoreError as e:
        fail(str(e))
    try:
        report = check_database(db)
    except Exception as e:  # a damaged file can fail any query: still one line, exit 1
        fail(f"{path}: cannot be checked, it is damaged ({type(e).__name__}: {e})")
    finally:
        db.close()
    for line in report.lines():
        echo(line)
    sys.exit(0 if report.ok else 1)
