"""Nothing shown as saved is ever lost: SIGKILL mid-session, two writers, locks, full disks.

Every check reads the database through a fresh connection after the writer is
gone, as the next newsmark run would.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsmark.store import open_db
from newsmark.store.annotations import add_annotation
from newsmark.store.check import check_database
from newsmark.store.db import retrying
from newsmark.store.errors import DatabaseBusy
from newsmark.store.ingest import ingest_text

TEXT = "".join(f"Sentence {i} says “quote number {i}” and goes on.\n" for i in range(200))
KILL_ROUNDS = 20

# A scripted tagging session: adds, relabels, deletes and undoes annotations as fast
# as it can, and prints each change only after the call (and so its commit) returned.
SESSION = textwrap.dedent(
    """
    import random, sys
    from newsmark.store import open_db
    from newsmark.store.annotations import AlreadyTagged, add_annotation, delete_annotation, update_annotation
    from newsmark.store.events import undo

    db = open_db(sys.argv[1], create=False)
    article_id = db.execute("select id from articles").fetchone()[0]
    length = db.execute("select length(text) from articles").fetchone()[0]
    rng = random.Random(int(sys.argv[2]))
    ids = []
    print("ready", flush=True)
    while True:
        roll = rng.random()
        if ids and roll < 0.15:
            a = delete_annotation(db, rng.choice(ids))
            print("del", a.id, flush=True)
        elif ids and roll < 0.3:
            a = update_annotation(db, rng.choice(ids), label="CLAIM")
            print("upd", a.id, flush=True)
        elif ids and roll < 0.35:
            undo(db, article_id)
            print("undo", flush=True)
        else:
            start = rng.randrange(length - 40)
            try:
                a = add_annotation(db, article_id, start, start + rng.randrange(1, 40), "QUOTE")
            except AlreadyTagged:  # the same words drawn twice: refused, nothing written
                continue
            ids.append(a.id)
            print("add", a.id, a.start, a.end, flush=True)
    """
)


def run(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def article_db(tmp_path: Path) -> Path:
    path = tmp_path / "newsmark.db"
    db = open_db(path)
    ingest_text(db, TEXT, "long.txt")
    db.close()
    return path


def test_sigkill_at_random_moments_loses_nothing_shown_as_saved(article_db: Path, tmp_path: Path) -> None:
    script = tmp_path / "session.py"
    script.write_text(SESSION)
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    added: dict[int, tuple[int, int]] = {}
    kills = 0
    for round_ in range(KILL_ROUNDS):
        child = subprocess.Popen(
            [sys.executable, str(script), str(article_db), str(seed + round_)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n", child.stderr.read() if child.stderr else ""
        # Anywhere from mid-first-write to a few hundred commits in.
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, err
        kills += 1
        lines = out.split("\n")[:-1]  # only whole lines: the last may have been cut by the kill
        for line in lines:
            if line.startswith("add "):
                _, aid, start, end = line.split()
                added[int(aid)] = (int(start), int(end))
        # Everything printed (so committed) is there, with the offsets and text it was given.
        stored = {r[0]: (r[1], r[2]) for r in run(article_db, 'select id, start, "end" from annotations')}
        missing = {aid for aid in added if aid not in stored}
        assert not missing, f"seed {seed}, round {round_}: lost {sorted(missing)}"
        assert all(stored[aid] == span for aid, span in added.items()), f"seed {seed}"
        assert run(article_db, "pragma integrity_check") == [("ok",)], f"seed {seed}, round {round_}"
    assert kills == KILL_ROUNDS
    assert len(added) > KILL_ROUNDS  # the session really was writing when it was killed
    db = open_db(article_db)
    report = check_database(db)
    db.close()
    assert report.ok, report.lines()
    # Each event row belongs to a change that committed with it: none is half there.
    orphans = run(
        article_db,
        "select count(*) from events e left join annotations a on a.id = e.annotation_id where a.id is null",
    )
    assert orphans == [(0,)]


WRITER = textwrap.dedent(
    """
    import sys
    from newsmark.store import open_db
    from newsmark.store.annotations import add_annotation

    db = open_db(sys.argv[1], create=False)
    article_id = db.execute("select id from articles").fetchone()[0]
    offset = int(sys.argv[2])
    print("ready", flush=True)
    sys.stdin.readline()  # both start writing together
    for i in range(int(sys.argv[3])):
        a = add_annotation(db, article_id, offset + i, offset + i + 5, "QUOTE")
        print(a.id, flush=True)
    """
)


def test_two_processes_writing_one_database_lose_nothing(article_db: Path, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    per_writer = 150
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), str(article_db), str(offset), str(per_writer)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for offset in (0, 1000)
    ]
    for w in writers:
        assert w.stdout is not None and w.stdout.readline() == "ready\n"
    for w in writers:
        assert w.stdin is not None
        w.stdin.write("go\n")
        w.stdin.flush()
    results = [w.communicate(timeout=120) for w in writers]
    assert [(w.returncode, err) for w, (_, err) in zip(writers, results, strict=True)] == [(0, ""), (0, "")]
    printed = [int(line) for out, _ in results for line in out.split()]
    assert len(printed) == 2 * per_writer == len(set(printed))
    stored = run(article_db, 'select id, start, "end" from annotations order by id')
    assert sorted(printed) == [r[0] for r in stored]
    assert sorted(r[1] for r in stored) == sorted([*range(per_writer), *range(1000, 1000 + per_writer)])
    assert run(article_db, "pragma integrity_check") == [("ok",)]
    assert run(article_db, "select count(*) from events") == [(2 * per_writer,)]


LOCK_HOLDER = textwrap.dedent(
    """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")  # the write lock, held until told to let go
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute("ROLLBACK")
    print("released", flush=True)
    sys.stdin.readline()
    """
)


@pytest.fixture
def lock_holder(article_db: Path, tmp_path: Path):
    """Another process holding the database's write lock; `.release()` lets it go."""
    script = tmp_path / "hold.py"
    script.write_text(LOCK_HOLDER)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(article_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "locked\n"

    def release() -> None:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.stdout.readline() == "released\n"

    proc.release = release  # type: ignore[attr-defined]
    yield proc
    proc.kill()
    proc.wait()


def test_write_that_cannot_get_the_lock_is_retried_then_reported(article_db: Path, lock_holder) -> None:
    db = open_db(article_db)
    db.execute("PRAGMA busy_timeout = 50")  # the 10 s default, shortened for the test
    article_id = db.execute("select id from articles").fetchone()[0]
    with pytest.raises(DatabaseBusy) as e:
        add_annotation(db, article_id, 0, 8, "QUOTE")
    assert str(e.value).startswith(f"{article_db}: database is locked by another process")
    assert "not saved after 3 tries" in str(e.value)
    assert "\n" not in str(e.value)
    assert not db.conn.in_transaction
    lock_holder.release()
    assert run(article_db, "select count(*) from annotations") == [(0,)]
    # The lock gone, the same call goes through.
    a = add_annotation(db, article_id, 0, 8, "QUOTE")
    assert run(article_db, "select id, text from annotations") == [(a.id, "Sentence")]
    db.close()


def test_retry_succeeds_once_the_lock_is_released(article_db: Path, lock_holder) -> None:
    db = open_db(article_db)
    db.execute("PRAGMA busy_timeout = 50")
    retries: list[int] = []

    def release_on_retry(attempt: int, error: sqlite3.OperationalError) -> None:
        assert "locked" in str(error)
        retries.append(attempt)
        lock_holder.release()

    def write():
        with db.atomic():
            db.execute("insert into labels (name, colour, key) values ('PLACE', '#fff', 7)")
        return "written"

    assert retrying(db, write, on_retry=release_on_retry) == "written"
    assert retries == [1]
    assert run(article_db, "select name from labels where key = 7") == [("PLACE",)]
    # Other errors are not retried: they are not about the lock.
    with pytest.raises(sqlite3.IntegrityError):
        retrying(db, write, on_retry=release_on_retry)
    assert retries == [1]
    db.close()


def test_many_threads_with_their_own_connections_all_get_their_writes_in(article_db: Path) -> None:
    """The app's pattern (a connection per worker) under contention: every write lands."""
    errors: list[BaseException] = []
    ids: list[int] = []

    def worker(n: int) -> None:
        db = open_db(article_db)
        article_id = db.execute("select id from articles").fetchone()[0]
        try:
            for i in range(25):
                ids.append(add_annotation(db, article_id, n * 100 + i, n * 100 + i + 3, "CLAIM").id)
        except BaseException as e:  # reported by the assertion below
            errors.append(e)
        finally:
            db.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(ids) == [r[0] for r in run(article_db, "select id from annotations order by id")]
    assert len(ids) == 100


# --- The real app ------------------------------------------------------------------

NEWSMARK = Path(sys.executable).parent / "newsmark"
TMUX = shutil.which("tmux")


def tmux(*args: str) -> str:
    assert TMUX is not None, "tmux is required (apt-get install tmux)"
    return subprocess.run([TMUX, *args], check=True, capture_output=True, text=True).stdout


def newsmark_pid(pane_pid: int) -> int:
    """The newsmark process in the pane: the pane's shell itself or one of its children."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for pid in [pane_pid, *_children(pane_pid)]:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if any(part.endswith(b"/newsmark") for part in cmdline):
                return pid
        time.sleep(0.1)
    raise AssertionError(f"no newsmark process under pane {pane_pid}")


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        out += [int(c) for c in children]
    return out


def screen_of(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_until_shown(session: str, shown: Callable[[str], bool], what: str, timeout: float = 30.0) -> str:
    """The screen, once `shown(screen)` holds: polled, so a loaded machine only makes it slower."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = screen_of(session)
        if shown(screen):
            return screen
        time.sleep(0.05)
    raise AssertionError(f"{what} never happened; the screen was:\n{screen_of(session)}")


def wait_for(session: str, text: str) -> str:
    return wait_until_shown(session, lambda screen: text in screen, f"{text!r} appearing")


def press(session: str, key: str) -> None:
    """Type `key` and wait until the screen shows it was taken (each key here moves the
    cursor, selects or tags)."""
    before = screen_of(session)
    tmux("send-keys", "-t", session, "-l", key)
    wait_until_shown(session, lambda screen: screen != before, f"the screen changing after {key!r}")


def test_sigkill_of_the_real_app_after_saved_keeps_the_tags(analysed_db_file: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "app.db"
    shutil.copy(analysed_db_file, db_path)
    session = f"newsmark-kill-{os.getpid()}"
    # COLUMNS and LINES, when the tmux server was started with them, would override the
    # window's size (as in test_terminal): the app must read the terminal's own.
    env = f"env -u COLUMNS -u LINES TERM=xterm-256color HOME={tmp_path} NEWSMARK_DB={db_path}"
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", f"{env} {NEWSMARK}")
    try:
        tmux("resize-window", "-t", session, "-x", "120", "-y", "40")
        pid = newsmark_pid(int(tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()))
        screen = wait_for(session, "Putin invites PM Modi")
        # The search box's border runs across the whole window.
        assert max(len(line) for line in screen.splitlines()) > 100, screen
        tmux("send-keys", "-t", session, "-l", "Putin invites")
        wait_for(session, " match")  # "2 matches", the best first, on the search box's border
        tmux("send-keys", "-t", session, "Enter")
        wait_for(session, "Annotations (0)")
        saved_ids = []
        for n, (keys, label) in enumerate([("))s1", "QUOTE"), (")s2", "SOURCE"), (")s3", "CLAIM")], 1):
            for key in keys:
                press(session, key)
            screen = wait_for(session, f"Saved {label} #")
            assert f"Annotations ({n})" in screen
            saved_ids.append(int(re.search(rf"Saved {label} #(\d+)", screen).group(1)))
        # The moment the third tag shows as saved: no quit, no flush, no atexit.
        os.kill(pid, signal.SIGKILL)
    finally:
        # The session may be gone already: it ends when its process is killed.
        subprocess.run([TMUX or "tmux", "kill-session", "-t", session], capture_output=True)
    stored = run(db_path, "select id, label, deleted from annotations order by id")
    assert stored == [(saved_ids[0], "QUOTE", 0), (saved_ids[1], "SOURCE", 0), (saved_ids[2], "CLAIM", 0)]
    assert run(db_path, "pragma integrity_check") == [("ok",)]


# --- The app tells the user when a tag is not saved ------------------------------------


async def _tag_first_sentence(app, pilot) -> None:
    await pilot.press(*"Putin invites")
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("right_parenthesis", "s")
    await pilot.press("1")
    await pilot.pause()


def _messages(app) -> list[str]:
    # Textual is pinned exactly; its notifications are read from the app's own list.
    return [n.message for n in app._notifications]


async def test_read_only_database_tag_is_not_shown_saved(analysed_db_file: Path, tmp_path: Path) -> None:
    """A database newsmark may not write: PRAGMA query_only makes SQLite refuse every write
    on the app's connection with the same error a read-only file gives ("attempt to write
    a readonly database"); chmod would not do, the tests run as root, which ignores it."""
    from newsmark.tui.app import NewsmarkApp
    from newsmark.tui.keymap import load_keymap

    db_path = tmp_path / "ro.db"
    shutil.copy(analysed_db_file, db_path)
    app = NewsmarkApp(db_path, keymap=load_keymap("default"), seed_if_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        app.db.execute("PRAGMA query_only = ON")
        await _tag_first_sentence(app, pilot)
        status = str(app.screen.query_one("#status").content)
        assert "Saved" not in status
        assert [m for m in _messages(app) if m.startswith("Not saved: ")] == [
            "Not saved: attempt to write a readonly database"
        ]
        assert app.screen.annotations == []
    assert run(db_path, "select count(*) from annotations") == [(0,)]


FULL_DISK_APP = textwrap.dedent(
    """
    import asyncio, json, resource, signal, sys
    from pathlib import Path
    from newsmark.tui.app import NewsmarkApp
    from newsmark.tui.keymap import load_keymap

    async def main() -> None:
        app = NewsmarkApp(Path(sys.argv[1]), keymap=load_keymap("default"), seed_if_empty=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press(*"Putin invites")
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("right_parenthesis", "s")
            # The disk fills up: from here this process cannot grow any file past 16 bytes
            # (the write-ahead log is empty after the checkpoint, so the first commit needs
            # to grow it). SIGXFSZ ignored: the write fails with an error, as on a full disk.
            app.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (16, resource.RLIM_INFINITY))
            await pilot.press("1")
            await pilot.pause()
            full = {
                "status": str(app.screen.query_one("#status").content),
                "messages": [n.message for n in app._notifications],
                "shown": len(app.screen.annotations),
            }
            # Space freed: the same tag, tried again, is saved.
            resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            await pilot.press("s", "1")
            await pilot.pause()
            again = {
                "status": str(app.screen.query_one("#status").content),
                "shown": len(app.screen.annotations),
            }
            print(json.dumps({"full": full, "again": again}))

    asyncio.run(main())
    """
)


def test_full_disk_tag_is_not_shown_saved(analysed_db_file: Path, tmp_path: Path) -> None:
    import json

    db_path = tmp_path / "full.db"
    shutil.copy(analysed_db_file, db_path)
    script = tmp_path / "full_disk_app.py"
    script.write_text(FULL_DISK_APP)
    done = subprocess.run(
        [sys.executable, str(script), str(db_path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    full, again = result["full"], result["again"]
    assert "Saved" not in full["status"]
    refused = [m for m in full["messages"] if m.startswith("Not saved: ")]
    # The write fails with EFBIG, which SQLite reports as an I/O error (ENOSPC, a disk
    # really full, is "database or disk is full"); either way the reader says "Not saved".
    assert refused == ["Not saved: disk I/O error"], result
    assert full["shown"] == 0
    assert again["status"].startswith("Saved QUOTE #"), result
    assert again["shown"] == 1
    stored = run(db_path, "select label, deleted from annotations")
    assert stored == [("QUOTE", 0)]  # the retry after space was freed, nothing from the failed one
    assert run(db_path, "pragma integrity_check") == [("ok",)]


async def test_locked_database_tag_is_reported_not_saved(analysed_db_file: Path, tmp_path: Path) -> None:
    from newsmark.tui.app import NewsmarkApp
    from newsmark.tui.keymap import load_keymap

    db_path = tmp_path / "locked.db"
    shutil.copy(analysed_db_file, db_path)
    holder = tmp_path / "hold.py"
    holder.write_text(LOCK_HOLDER)
    proc = subprocess.Popen(
        [sys.executable, str(holder), str(db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
        app = NewsmarkApp(db_path, keymap=load_keymap("default"), seed_if_empty=False)
        async with app.run_test(size=(120, 40)) as pilot:
            app.db.execute("PRAGMA busy_timeout = 50")  # not the 10 s a user would wait
            await _tag_first_sentence(app, pilot)
            assert "Saved" not in str(app.screen.query_one("#status").content)
            refused = [m for m in _messages(app) if m.startswith("Not saved: ")]
            assert len(refused) == 1
            assert f"{db_path}: database is locked by another process" in refused[0]
            assert app.screen.annotations == []
    finally:
        proc.kill()
        proc.wait()
    assert run(db_path, "select count(*) from annotations") == [(0,)]
