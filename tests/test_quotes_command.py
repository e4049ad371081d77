"""`newsmark quotes` shows the user's decisions (issue 12, defect 5): each line says the
suggestion's status (open, accepted, rejected) and the speaker as the user last set it (an
accepted suggestion became a QUOTE or PARAPHRASE annotation: its speaker is the user's);
--status filters. Decisions are made through the reader's own write layer (tui.article_edits)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli.main import main
from newsmark.store import open_db
from newsmark.store.annotations import add_annotation
from newsmark.store.suggestions import open_suggestions, set_suggestion_status
from newsmark.tui.article_edits import ArticleEdits

WIDE = {"COLUMNS": "250"}  # Rich wraps table cells to the terminal's width


@pytest.fixture
def decided(analysed_db_file: Path, tmp_path: Path) -> tuple[Path, dict[int, tuple[str, str | None]]]:
    """A copy of the analysed seeds where the user accepted two suggestions (and then
    changed their speakers, one also its bounds), rejected one, and left the rest open.
    Returns the path and, by suggestion id, the (status, speaker) `quotes` must show."""
    path = tmp_path / "n.db"
    shutil.copyfile(analysed_db_file, path)
    db = open_db(path)
    article_id = db.execute(
        "select article_id from suggestions group by article_id having count(*) >= 4 order by article_id"
    ).fetchone()[0]
    first, second, third, *_ = open_suggestions(db, article_id)
    edits = ArticleEdits(db, article_id)
    expected: dict[int, tuple[str, str | None]] = {}

    quote = edits.accept(first, first.speaker, first.speaker_start, first.speaker_end).annotation
    assert quote is not None
    edits.set_speaker(quote, "Maria Zakharova", None, None)
    expected[first.id] = ("accepted", "Maria Zakharova")

    quote = edits.accept(second, second.speaker, second.speaker_start, second.speaker_end).annotation
    assert quote is not None
    quote = edits.update(quote, start=quote.start + 1).annotation  # grown, shrunk: still the same QUOTE
    assert quote is not None
    edits.set_speaker(quote, "Dmitry Peskov", None, None)
    expected[second.id] = ("accepted", "Dmitry Peskov")

    edits.reject(third)
    expected[third.id] = ("rejected", third.speaker)
    for row in db.query("select id, speaker from suggestions where status = 'open'"):
        expected[row["id"]] = ("open", row["speaker"])
    db.close()
    return path, expected


def quotes_jsonl(db_path: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["quotes", "--db", str(db_path), "--format", "jsonl", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_jsonl_says_status_and_the_users_speaker(decided) -> None:
    path, expected = decided
    rows = quotes_jsonl(path)
    assert {r["id"]: (r["status"], r["speaker"]) for r in rows} == expected
    # The speaker the user named has no mention in the text: its offsets say so.
    zakharova = next(r for r in rows if r["speaker"] == "Maria Zakharova")
    assert (zakharova["speaker_start"], zakharova["speaker_end"]) == (None, None)
    assert isinstance(zakharova["annotation"], int)
    assert all(r["annotation"] is None for r in rows if r["status"] != "accepted")


def test_csv_is_who_said_what_with_each_decision_and_where_it_was_published(decided) -> None:
    """`--format csv`: every suggestion (open ones too) with its source's name first, the
    user's speaker and status, and the article's title; readable by any csv reader."""
    import csv
    import io

    path, expected = decided
    run = CliRunner().invoke(main, ["quotes", "--db", str(path), "--format", "csv"])
    assert run.exit_code == 0, run.output
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert list(rows[0])[:5] == ["source_name", "speaker", "kind", "text", "status"]
    assert {int(r["id"]): (r["status"], r["speaker"] or None) for r in rows} == expected
    by_id = {r["id"]: r for r in quotes_jsonl(path)}
    db = open_db(path)
    for row in rows:
        record = by_id[int(row["id"])]
        assert row["text"] == record["text"] and row["source_name"] == (record["source_name"] or "")
        title = db.execute("select title from articles where id = ?", [row["article"]]).fetchone()[0]
        assert row["title"] == title


@pytest.mark.parametrize(
    ("args", "statuses"),
    [
        ([], {"open", "accepted", "rejected"}),
        (["--status", "rejected"], {"rejected"}),
        (["--status", "open,accepted"], {"open", "accepted"}),
        (["--status", "accepted", "--status", "rejected"], {"accepted", "rejected"}),
    ],
    ids=["all", "rejected", "comma-list", "repeated"],
)
def test_status_filters(decided, args: list[str], statuses: set[str]) -> None:
    path, expected = decided
    rows = quotes_jsonl(path, *args)
    assert {r["id"] for r in rows} == {i for i, (status, _) in expected.items() if status in statuses}


def test_unknown_status_is_refused(decided) -> None:
    path, _ = decided
    result = CliRunner().invoke(main, ["quotes", "--db", str(path), "--status", "open,maybe"])
    assert result.exit_code == 2
    assert "maybe" in result.stderr and "open, accepted, rejected" in result.stderr


def test_table_has_a_status_column_and_the_users_speaker(decided) -> None:
    path, expected = decided
    result = CliRunner().invoke(main, ["quotes", "--db", str(path)], env=WIDE)
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "quote" in line and "speaker" in line)
    assert "status" in header
    assert "Maria Zakharova" in result.stdout and "Dmitry Peskov" in result.stdout
    # The status column, row by row (the words quoted may say "accepted" too).
    at = [cell.strip() for cell in header.split("┃")].index("status")
    rows = [
        line.split("│") for line in result.stdout.split(header, 1)[1].splitlines() if line.startswith("│")
    ]
    shown = [row[at].strip() for row in rows]
    assert len(shown) == len(expected)
    for status in ("open", "accepted", "rejected"):
        assert shown.count(status) == sum(s == status for s, _ in expected.values())
    rejected = CliRunner().invoke(main, ["quotes", "--db", str(path), "--status", "rejected"], env=WIDE)
    assert " rejected " in rejected.stdout and " open " not in rejected.stdout


def test_undone_accept_is_open_again_with_the_models_speaker(decided) -> None:
    path, expected = decided
    db = open_db(path)
    article_id, suggestion_id = db.execute(
        "select article_id, id from suggestions where status = 'rejected'"
    ).fetchone()
    edits = ArticleEdits(db, article_id)
    for _ in range(4):  # the reject, then the second QUOTE's speaker, its bounds, and its accept
        edits.undo()
    db.close()
    rows = {r["id"]: (r["status"], r["speaker"]) for r in quotes_jsonl(path)}
    second = next(i for i, (_, speaker) in expected.items() if speaker == "Dmitry Peskov")
    assert rows[suggestion_id][0] == "open"
    assert rows[second][0] == "open" and rows[second][1] != "Dmitry Peskov"


def test_decision_without_its_event_takes_the_speaker_of_the_quote_on_its_span(
    analysed_db_file: Path, tmp_path: Path
) -> None:
    """A decision that came in without the event log (an import): the QUOTE on the
    suggestion's words is where the user's speaker lives."""
    path = tmp_path / "n.db"
    shutil.copyfile(analysed_db_file, path)
    db = open_db(path)
    article_id = db.execute("select article_id from suggestions order by id limit 1").fetchone()[0]
    suggestion = open_suggestions(db, article_id)[0]
    add_annotation(db, article_id, suggestion.start, suggestion.end, "QUOTE", speaker="Imported Speaker")
    set_suggestion_status(db, suggestion.id, "accepted")
    db.close()
    row = next(r for r in quotes_jsonl(path) if r["id"] == suggestion.id)
    assert (row["status"], row["speaker"]) == ("accepted", "Imported Speaker")
