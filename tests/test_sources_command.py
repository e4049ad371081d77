"""`newsmark sources` (every source, as a table, jsonl or csv) and what `newsmark quotes`
gained with sources: each line's kind and source, and --speaker and --kind filters."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli.main import main
from newsmark.store import open_db

WIDE = {"COLUMNS": "250"}  # Rich wraps table cells to the terminal's width


@pytest.fixture
def seeds_db(analysed_db_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "n.db"
    shutil.copyfile(analysed_db_file, path)
    return path


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=WIDE)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_sources_jsonl_one_line_per_source(seeds_db: Path) -> None:
    lines = [
        json.loads(line) for line in run("sources", "--db", str(seeds_db), "--format", "jsonl").splitlines()
    ]
    assert all(
        list(line) == ["id", "name", "aliases", "kind", "quotes", "paraphrases", "articles", "roles"]
        for line in lines
    )
    lavrov = next(line for line in lines if line["name"] == "Sergey Lavrov")
    assert {"Sergei Lavrov", "Sergey Lavrov"} <= set(lavrov["aliases"]) and lavrov["kind"] == "person"
    assert lavrov["articles"] == 3 and lavrov["quotes"] >= 8
    assert [line["quotes"] + line["paraphrases"] for line in lines] == sorted(
        (line["quotes"] + line["paraphrases"] for line in lines), reverse=True
    )
    by_name = [
        json.loads(x)["name"]
        for x in run("sources", "--db", str(seeds_db), "--format", "jsonl", "--sort", "name").splitlines()
    ]
    assert by_name == sorted(by_name, key=str.lower) and set(by_name) == {line["name"] for line in lines}
    # QUERY keeps the sources a name or alias of which holds its words, in any spelling.
    found = run("sources", "--db", str(seeds_db), "--format", "jsonl", "sergei lav").splitlines()
    assert [json.loads(x)["name"] for x in found] == ["Sergey Lavrov"]
    assert run("sources", "--db", str(seeds_db), "--format", "jsonl", "--kind", "unnamed", "lavrov") == ""


def test_sources_csv_opens_in_a_spreadsheet(seeds_db: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run("sources", "--db", str(seeds_db), "--format", "csv"))))
    assert list(rows[0]) == ["id", "name", "aliases", "kind", "quotes", "paraphrases", "articles", "roles"]
    lavrov = next(r for r in rows if r["name"] == "Sergey Lavrov")
    assert {"Sergei Lavrov", "Sergey Lavrov"} <= set(lavrov["aliases"].split("; "))


def test_sources_table(seeds_db: Path) -> None:
    out = run("sources", "--db", str(seeds_db))
    header = next(line for line in out.splitlines() if "name" in line and "aliases" in line)
    for column in ("id", "kind", "quotes", "paraphrases", "articles"):
        assert column in header
    assert "Sergey Lavrov" in out and "Sergei Lavrov" in out


def test_sources_help_and_a_bad_kind() -> None:
    assert "aliases" in run("sources", "--help")
    result = CliRunner().invoke(main, ["sources", "--kind", "planet"])
    assert result.exit_code == 2 and "planet" in result.stderr


def quotes(db: Path, *args: str) -> list[dict]:
    return [
        json.loads(line) for line in run("quotes", "--db", str(db), "--format", "jsonl", *args).splitlines()
    ]


def test_quotes_carry_kind_and_source_and_filter_by_speaker(seeds_db: Path) -> None:
    rows = quotes(seeds_db)
    assert all(r["kind"] in ("direct", "indirect") for r in rows)
    db = open_db(seeds_db)
    lavrov = db.execute("select source_id from source_aliases where alias = 'Sergey Lavrov'").fetchone()[0]
    db.close()
    his = {r["id"] for r in rows if r["source_id"] == lavrov}
    assert {r["speaker"] for r in rows if r["id"] in his} == {"Sergei Lavrov", "Sergey Lavrov"}
    assert {r["source_name"] for r in rows if r["id"] in his} == {"Sergey Lavrov"}
    # Any of his names finds all of them, whichever spelling each article used.
    for name in ("Sergei Lavrov", "sergey lavrov", "Lavrov"):
        assert {r["id"] for r in quotes(seeds_db, "--speaker", name)} == his, name
    assert quotes(seeds_db, "--speaker", "Nobody Atall") == []
    direct = quotes(seeds_db, "--kind", "direct")
    assert {r["id"] for r in direct} == {r["id"] for r in rows if r["kind"] == "direct"}
    assert {r["kind"] for r in quotes(seeds_db, "--kind", "indirect")} <= {"indirect"}
    result = CliRunner().invoke(main, ["quotes", "--db", str(seeds_db), "--kind", "hearsay"])
    assert result.exit_code == 2 and "direct, indirect" in result.stderr


def test_quotes_table_shows_kind_and_source(seeds_db: Path) -> None:
    out = run("quotes", "--db", str(seeds_db), "--speaker", "S Jaishankar")
    header = next(line for line in out.splitlines() if "quote" in line and "speaker" in line)
    assert "kind" in header and "source" in header
    assert "S. Jaishankar" in out and "direct" in out
