"""The `newsmark` command line, through click's runner and as the installed script."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from newsmark.cli.main import main

SCRIPT = Path(sys.executable).parent / "newsmark"
SUMMARY_FIRST = "5 added, 0 already present, 0 skipped; 5 analysed"
SUMMARY_AGAIN = "0 added, 5 already present, 0 skipped; 0 analysed"
QUOTE_KEYS = {
    "article",
    "source",
    "start",
    "end",
    "text",
    "speaker",
    "speaker_start",
    "speaker_end",
    "cue",
    "score",
}


@pytest.fixture
def runner(tmp_path: Path, monkeypatch) -> CliRunner:
    # Never the user's real database: the default location is a file in tmp_path.
    monkeypatch.setenv("NEWSMARK_DB", str(tmp_path / "default.db"))
    return CliRunner(catch_exceptions=False)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


COMMANDS = [([], main)] + [([name], cmd) for name, cmd in sorted(main.commands.items())]


@pytest.mark.parametrize(("args", "command"), COMMANDS, ids=[" ".join(a) or "newsmark" for a, _ in COMMANDS])
def test_help_mentions_every_option(runner: CliRunner, args: list[str], command: click.Command) -> None:
    result = runner.invoke(main, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: ")
    options = [p for p in command.params if isinstance(p, click.Option) and not p.hidden]
    assert options
    for option in options:
        for opt in [*option.opts, *option.secondary_opts]:
            assert opt in result.stdout, f"{opt} missing from {' '.join(args)} --help"
    if isinstance(command, click.Group):
        for name in command.commands:
            assert name in result.stdout


def test_short_help_and_version(runner: CliRunner) -> None:
    assert runner.invoke(main, ["-h"]).exit_code == 0
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert "0.1.0" in result.stdout


def test_ingest_seeds_is_idempotent(runner, cached_pipeline, seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    result = runner.invoke(main, ["ingest", str(seeds_dir), "--db", str(db)])
    assert (result.exit_code, result.stdout) == (0, SUMMARY_FIRST + "\n")
    assert "skipped" not in result.stderr
    result = runner.invoke(main, ["ingest", str(seeds_dir), "--db", str(db)])
    assert (result.exit_code, result.stdout) == (0, SUMMARY_AGAIN + "\n")
    assert not (tmp_path / "default.db").exists()


def test_ingest_uses_newsmark_db_when_no_db_given(runner, seeds_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(main, ["ingest", "--no-analyze", str(seeds_dir / "003_ac18db9d2749b516.txt")])
    assert (result.exit_code, result.stdout) == (0, "1 added, 0 already present, 0 skipped; 0 analysed\n")
    assert (tmp_path / "default.db").is_file()


def test_ingest_bad_file_exits_1_and_adds_good_ones(runner, seeds_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    db = tmp_path / "n.db"
    result = runner.invoke(main, ["ingest", "--no-analyze", "--db", str(db), str(bad), str(seeds_dir)])
    assert result.exit_code == 1
    assert result.stdout == "5 added, 0 already present, 1 skipped; 0 analysed\n"
    assert f"newsmark: skipped {bad}: binary file, not text\n" in result.stderr
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert skipped == [f"newsmark: skipped {bad}: binary file, not text"]


def test_ingest_requires_a_path(runner) -> None:
    result = runner.invoke(main, ["ingest"])
    assert result.exit_code == 2
    assert "PATHS" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["ingest", "--no-analyze", "SEEDS"], ["analyze"], ["export", "--out", "OUT"], ["quotes"]],
    ids=["ingest", "analyze", "export", "quotes"],
)
def test_non_newsmark_db_is_refused_untouched(
    runner, seeds_dir: Path, tmp_path: Path, args: list[str]
) -> None:
    foreign = tmp_path / "notes.sqlite"
    foreign.write_bytes(b"just some notes\n")
    before = digest(foreign)
    out = tmp_path / "out.jsonl"
    args = [str(seeds_dir) if a == "SEEDS" else str(out) if a == "OUT" else a for a in args]
    result = runner.invoke(main, [*args, "--db", str(foreign)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"newsmark: {foreign}: not a SQLite database; refusing to touch it\n"
    assert digest(foreign) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def test_export_jsonl_and_csv(runner, analysed_db_file: Path, tmp_path: Path) -> None:
    # Tag something through the store, so csv has rows.
    from newsmark.store import open_db
    from newsmark.store.annotations import add_annotation

    copy = tmp_path / "n.db"
    copy.write_bytes(analysed_db_file.read_bytes())
    store = open_db(copy)
    article_id = store.execute("select id from articles order by source limit 1").fetchone()[0]
    add_annotation(store, article_id, 0, 5, "CLAIM")
    store.conn.close()
    db = str(copy)

    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["export", "--db", db, "--out", str(out)])
    assert (result.exit_code, result.stdout) == (0, f"wrote 5 articles to {out}\n")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 5
    assert [s["text"] for r in records for s in r["spans"]] == ["India"]

    out_csv = tmp_path / "out.csv"
    result = runner.invoke(main, ["export", "--db", db, "--format", "csv", "--out", str(out_csv)])
    assert (result.exit_code, result.stdout) == (0, f"wrote 1 annotation to {out_csv}\n")
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8", newline="")))
    assert [(r["article_id"], r["text"], r["label"]) for r in rows] == [(article_id, "India", "CLAIM")]

    before = digest(out)
    result = runner.invoke(main, ["export", "--db", db, "--format", "csv", "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr == f"newsmark: {out}: exists already; use --force to overwrite it\n"
    assert digest(out) == before
    result = runner.invoke(main, ["export", "--db", db, "--format", "csv", "--out", str(out), "--force"])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("article_id,source,title,")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("n.db")) == [
        "out.csv",
        "out.jsonl",
    ]


def test_export_to_stdout(runner, analysed_db_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "n.db"
    copy.write_bytes(analysed_db_file.read_bytes())
    result = runner.invoke(main, ["export", "--db", str(copy), "--out", "-"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert all(json.loads(line)["entities"] for line in lines)


def test_export_corrupt_span_stops_and_leaves_no_file(runner, analysed_db_file: Path, tmp_path: Path) -> None:
    import sqlite3

    copy = tmp_path / "n.db"
    copy.write_bytes(analysed_db_file.read_bytes())
    conn = sqlite3.connect(copy)
    entity_id = conn.execute("select max(id) from entities").fetchone()[0]
    conn.execute("update entities set text = 'not it' where id = ?", [entity_id])
    conn.commit()
    conn.close()
    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["export", "--db", str(copy), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"newsmark: export stopped: entity {entity_id} in article ")
    assert len(result.stderr.splitlines()) == 1
    assert not out.exists()
    assert not (tmp_path / "out.jsonl.partial").exists()


def test_quotes_jsonl(runner, analysed_db_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "n.db"
    copy.write_bytes(analysed_db_file.read_bytes())
    result = runner.invoke(main, ["quotes", "--db", str(copy), "--format", "jsonl"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) >= 5
    from newsmark.store import open_db
    from newsmark.store.articles import get_article

    db = open_db(copy)
    for row in rows:
        assert set(row) >= QUOTE_KEYS
        text = get_article(db, row["article"]).text
        assert row["text"] == text[row["start"] : row["end"]]
        assert 0 <= row["score"] <= 1
        if row["speaker_start"] is not None:
            assert 0 <= row["speaker_start"] < row["speaker_end"] <= len(text)
    db.conn.close()
    one = rows[0]["article"]
    result = runner.invoke(main, ["quotes", "--db", str(copy), "--format", "jsonl", "--article", one])
    assert {json.loads(line)["article"] for line in result.stdout.splitlines()} == {one}
    result = runner.invoke(main, ["quotes", "--db", str(copy), "--article", "nope"])
    assert (result.exit_code, result.stderr) == (1, "newsmark: no article nope\n")


def test_installed_script_ingests_seeds(seeds_dir: Path, tmp_path: Path) -> None:
    assert SCRIPT.is_file()
    env = {**os.environ, "NEWSMARK_DB": str(tmp_path / "default.db")}
    db = tmp_path / "n.db"
    run = subprocess.run(
        [str(SCRIPT), "ingest", str(seeds_dir), "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (run.returncode, run.stdout) == (0, SUMMARY_FIRST + "\n"), run.stderr
    run = subprocess.run(
        [str(SCRIPT), "ingest", str(seeds_dir), "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (run.returncode, run.stdout) == (0, SUMMARY_AGAIN + "\n"), run.stderr


def test_installed_script_refuses_foreign_db(tmp_path: Path) -> None:
    foreign = tmp_path / "x.db"
    foreign.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    before = digest(foreign)
    run = subprocess.run(
        [str(SCRIPT), "analyze", "--db", str(foreign)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr == f"newsmark: {foreign}: not a SQLite database; refusing to touch it\n"
    assert digest(foreign) == before


def test_the_readme_shows_every_command() -> None:
    """A command missing from the README's list is one a new user never finds (`sources` was)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    commands = readme.split("## Using it", 1)[1].split("###", 1)[0]
    assert [name for name in main.commands if f"\n    newsmark {name} " not in commands] == []
