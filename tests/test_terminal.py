"""End to end: the installed `newsmark` command in a real terminal (tmux)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
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

    def start(self, command: str) -> None:
        env_prefix = " ".join(f"{k}={v}" for k, v in self.env.items())
        subprocess.run(
            [
                TMUX,
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                "120",
                "-y",
                "40",
                f"env {env_prefix} {command}",
            ],
            check=True,
        )
        # A detached session takes tmux's default size unless told otherwise.
        subprocess.run([TMUX, "resize-window", "-t", self.name, "-x", "120", "-y", "40"], check=True)

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run([TMUX, "send-keys", "-t", self.name, key], check=True)
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
    deadline = time.monotonic() + 10
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not terminal.alive(), "newsmark did not quit on ctrl+q"

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
