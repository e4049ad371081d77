"""The tables of `newsmark quotes`, `search` and `sources` keep one line a row at 80
columns as at 200: they wrapped a word a line at 80, and the quotes table glued each
source's id to its name. Names and ids are shown whole; long text ends in "…"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from newsmark.cli.main import main

WIDTHS = [80, 200]


@pytest.fixture(scope="module")
def seeds_db(analysed_db_file: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tables") / "n.db"
    shutil.copyfile(analysed_db_file, path)
    return path


def table_of(db: Path, command: list[str], width: int) -> tuple[list[str], list[list[str]], str]:
    """The header cells, the cells of each data row, and the whole output."""
    result = CliRunner().invoke(main, [*command, "--db", str(db)], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(cell_len(line) <= width for line in lines), result.stdout
    header = next(line for line in lines if line.startswith("┃"))
    cells = [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines if line.startswith("│")]
    return [cell.strip() for cell in header.split("┃")[1:-1]], cells, result.stdout


def records(db: Path, command: list[str]) -> list[dict]:
    result = CliRunner().invoke(main, [*command, "--db", str(db), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize("width", WIDTHS)
def test_quotes_one_line_a_quote_with_the_speaker_and_the_source_id_apart(seeds_db: Path, width: int) -> None:
    expected = records(seeds_db, ["quotes"])
    header, rows, out = table_of(seeds_db, ["quotes"], width)
    assert len(rows) == len(expected) > 20  # no row wrapped onto a second line
    for column in ("kind", "quote", "speaker", "src", "status"):
        assert column in header
    speaker, source_id, status = header.index("speaker"), header.index("src"), header.index("status")
    for row, record in zip(rows, expected, strict=True):
        assert row[speaker] == (record["speaker"] or "?")
        assert row[source_id] == ("" if record["source_id"] is None else str(record["source_id"]))
        assert row[status] == record["status"]
        quote = row[header.index("quote")]
        assert record["text"].startswith(quote.removesuffix("…"))
    if width == 200:  # every column fits
        assert header == ["article", "kind", "quote", "speaker", "src", "source", "status", "cue", "score"]
        names = [row[header.index("source")] for row in rows]
        assert names == [record["source_name"] or "" for record in expected]
        assert [row[0] for row in rows] == [record["article"] for record in expected]
        assert "Not shown" not in out
    else:
        assert "Not shown at 80 columns: article, source, cue, score" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_search_one_line_an_article_with_its_whole_id(seeds_db: Path, width: int) -> None:
    expected = records(seeds_db, ["search", "lavrov"])
    header, rows, _ = table_of(seeds_db, ["search", "lavrov"], width)
    assert header == ["id", "title", "snippet"]
    assert [row[0] for row in rows] == [record["id"] for record in expected]
    for row, record in zip(rows, expected, strict=True):
        assert record["title"].startswith(row[1].removesuffix("…"))


@pytest.mark.parametrize("width", WIDTHS)
def test_sources_one_line_a_source_with_its_whole_name(seeds_db: Path, width: int) -> None:
    expected = records(seeds_db, ["sources"])
    header, rows, out = table_of(seeds_db, ["sources"], width)
    assert [row[header.index("id")] for row in rows] == [str(record["id"]) for record in expected]
    assert [row[header.index("name")] for row in rows] == [record["name"] for record in expected]
    assert [row[header.index("paraphrases")] for row in rows] == [
        str(record["paraphrases"]) for record in expected
    ]
    if width == 200:
        assert "kind" in header and "Not shown" not in out
        assert "Sergey Lavrov, Sergei Lavrov, Lavrov" in out
