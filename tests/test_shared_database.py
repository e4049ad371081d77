"""Two processes on one database while the app keeps its connection open: what the app
saves after another process came and went must be in the file (WAL kept, not unlinked).

On Linux, closing ANY descriptor of the database file releases every POSIX lock the
process holds on it, the shared lock SQLite keeps in WAL mode included: a check that
opened the file itself let the next command think it was alone, delete the -wal and
-shm, and the app went on saving into a deleted log.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from newsmark.store import open_db
from newsmark.store.annotations import add_annotation
from newsmark.store.ingest import ingest_text

TEXT = "A title\nLavrov said the talks went well. The minister left on Friday.\n"


def count_in_a_fresh_process(path: Path) -> int:
    """What another process (a `newsmark` command) sees, opening and closing the file."""
    code = (
        "import sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1])\n"
        "print(conn.execute('select count(*) from annotations').fetchone()[0])\n"
        "conn.close()\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return int(run.stdout)


def test_a_second_open_in_the_same_process_keeps_the_first_ones_locks(tmp_path: Path) -> None:
    path = tmp_path / "newsmark.db"
    app = open_db(path)  # the app's connection, open all session
    article, _ = ingest_text(app, TEXT, "a.txt")
    add_annotation(app, article, 8, 40, "QUOTE")
    # A background task of the app opens the same database (seeding, analysis, export).
    worker = open_db(path)
    worker.conn.close()
    assert count_in_a_fresh_process(path) == 1  # a command comes and goes
    add_annotation(app, article, 41, 65, "CLAIM")  # "Saved"
    assert path.with_name("newsmark.db-wal").exists()
    assert count_in_a_fresh_process(path) == 2
    app.conn.close()
    check = sqlite3.connect(path)
    assert check.execute("select count(*) from annotations").fetchone()[0] == 2
    check.close()
