"""End to end: the installed `newsmark` command in a real terminal (tmux)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

NEWSMARK = Path(sys.executable).parent / "newsmark"
TMUX = shutil.which("tmux")
if TMUX is None:  # the README's test command runs on machines with tmux; say so loudly if not
    pytest.fail("tmux is required for the end-to-end test (apt-get install tmux)", pytrace=False)


class Terminal:
    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.env = env

    def start(self, command: str, width: int = 120, height: int = 40) -> None:
        env_prefix = " ".join(f"{k}={v}" for k, v in self.env.items())
        size = ["-x", str(width), "-y", str(height)]
        # COLUMNS and LINES, when the tmux server was started with them, would override the
        # window's size: the app must read the terminal's own.
        command = f"env -u COLUMNS -u LINES {env_prefix} {command}"
        subprocess.run([TMUX, "new-session", "-d", "-s", self.name, *size, command], check=True)
        # A detached session takes tmux's default size unless told otherwise.
        subprocess.run([TMUX, "resize-window", "-t", self.name, *size], check=True)

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run([TMUX, "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        """Text typed as it is (tmux reads it literally, not as key names)."""
        subprocess.run([TMUX, "send-keys", "-t", self.name, "-l", text], check=True)
        time.sleep(0.15)

    def screen(self) -> str:
        return subprocess.run(
            [TMUX, "capture-pane", "-p", "-t", self.name], check=True, capture_output=True, text=True
        ).stdout

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def alive(self) -> bool:
        return subprocess.run([TMUX, "has-session", "-t", self.name], capture_output=True).returncode == 0

    def wait_until_gone(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not self.alive(), f"newsmark did not quit; the screen was:\n{self.screen()}"

    def kill(self) -> None:
        subprocess.run([TMUX, "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path):
    env = {
        "NEWSMARK_DB": str(tmp_path / "e2e.db"),
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "PATH": os.environ.get("PATH", ""),
    }
    term = Terminal(f"newsmark-e2e-{os.getpid()}", env)
    yield term
    term.kill()


def test_tag_in_real_terminal_then_export(terminal: Terminal, tmp_path: Path) -> None:
    terminal.start(str(NEWSMARK))
    # First run on an empty database: the seeds are ingested and analysed.
    terminal.wait_for("Putin invites PM Modi")
    terminal.wait_for("150", timeout=90)  # its entity count, once analysed
    terminal.keys(*"Putin invites", "Enter")
    terminal.wait_for("Annotations (0)")
    terminal.keys(")", ")", "s", "1")
    screen = terminal.wait_for("Saved QUOTE")
    assert "Annotations (1)" in screen
    terminal.keys("C-q")
    terminal.wait_until_gone()

    out = tmp_path / "export.jsonl"
    done = subprocess.run(
        [str(NEWSMARK), "export", "--format", "jsonl", "--out", str(out)],
        env={**os.environ, **terminal.env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "wrote 5 articles" in done.stdout
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    spans = [(r["meta"]["title"], s) for r in records for s in r["spans"]]
    assert len(spans) == 1
    title, span = spans[0]
    assert title == "Putin invites PM Modi to visit Russia in meeting with Jaishankar"
    assert span["label"] == "QUOTE"
    assert span["text"].startswith("In a meeting with External Affairs Minister S Jaishankar on Wednesday")


SIZES = [(80, 24), (140, 45)]


def wait_until(condition: Callable[[], bool], terminal: Terminal, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the condition never held; the screen was:\n{terminal.screen()}")
        time.sleep(0.1)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_a_new_user_s_first_ten_minutes(
    terminal: Terminal, tmp_path: Path, analysed_db_file: Path, size: tuple[int, int]
) -> None:
    """Open the library, move down, open an article, select and tag a sentence, accept one
    suggested quote and reject another, mark the article done, export from the app over
    an older export (saying yes to overwriting it), quit; then the database and
    `newsmark quotes` say what was done."""
    shutil.copyfile(analysed_db_file, terminal.env["NEWSMARK_DB"])  # the seeds, analysed
    dataset = tmp_path / "dataset.jsonl"
    dataset.write_text("an older export\n", encoding="utf-8")
    terminal.start(str(NEWSMARK), *size)
    terminal.wait_for("0/5 done · 0 annotations")
    terminal.keys("Down", "Down", "Down", "Down", "Enter")  # the fifth article
    terminal.wait_for("Putin invites PM Modi")

    def stored(sql: str) -> list[tuple]:
        """What the database holds now (a connection of the test's own, as another process)."""
        conn = sqlite3.connect(terminal.env["NEWSMARK_DB"])
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    def decided() -> dict[str, int]:
        return dict(stored("select status, count(*) from suggestions where status != 'open' group by status"))

    terminal.keys("Down", "s", "1")
    terminal.wait_for("Saved QUOTE")
    terminal.keys("n", "a")  # the first suggested quote: accepted
    wait_until(lambda: decided() == {"accepted": 1}, terminal)
    terminal.keys("n", "r")  # the next one: rejected
    wait_until(lambda: decided() == {"accepted": 1, "rejected": 1}, terminal)
    terminal.keys("D")
    terminal.wait_for("Marked done")

    terminal.keys("F4")
    terminal.wait_for("Export format")
    terminal.type("jsonl")
    terminal.keys("Enter")
    terminal.wait_for("Export as jsonl")
    terminal.keys("End", "C-u")
    terminal.type(str(dataset))
    terminal.keys("Enter")
    terminal.wait_for("Overwrite")
    terminal.keys("y")
    terminal.wait_for("Wrote 5 articles")
    terminal.keys("Escape")  # back to the library: its header counts the work
    terminal.wait_for("1/5 done · 2 annotations")
    terminal.keys("C-q")
    terminal.wait_until_gone()

    [(article_id, status)] = stored(
        "select id, status from articles where title like 'Putin invites PM Modi%'"
    )
    labels = stored(f"select label from annotations where deleted = 0 and article_id = '{article_id}'")
    assert (status, labels, decided()) == ("done", [("QUOTE",), ("QUOTE",)], {"accepted": 1, "rejected": 1})
    exported = [json.loads(line) for line in dataset.read_text(encoding="utf-8").splitlines()]
    assert len(exported) == 5 and sum(len(r["spans"]) for r in exported) == 2
    quotes = subprocess.run(
        [
            str(NEWSMARK),
            "quotes",
            "--article",
            article_id,
            "--status",
            "accepted,rejected",
            "--format",
            "jsonl",
        ],
        env={**os.environ, **terminal.env},
        capture_output=True,
        text=True,
        check=True,
    )
    listed = [json.loads(line) for line in quotes.stdout.splitlines()]
    assert sorted(q["status"] for q in listed) == ["accepted", "rejected"]
    assert all(q["speaker"] for q in listed if q["status"] == "accepted")  # who said it, as accepted
