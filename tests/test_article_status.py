"""Article status (new, in progress, done), the library's status and open-suggestion columns,
and the corpus progress the library's header shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsmark.store import open_current
from newsmark.store.analysis import Analysis, save_analysis
from newsmark.store.annotations import add_annotation, delete_annotation
from newsmark.store.articles import (
    ARTICLE_STATUSES,
    corpus_progress,
    list_page_after,
    set_article_status,
)
from newsmark.store.events import redo, undo
from newsmark.store.ingest import ingest_text
from newsmark.store.suggestions import set_suggestion_status

TEXT = "Lavrov said: “We will talk.” He added: “Soon.”\nThe minister left Moscow.\n"
OTHER = "A second article\nWith nothing in it yet.\n"


def quote(start: int, end: int) -> dict:
    return {"start": start, "end": end, "text": TEXT[start:end], "score": 0.9}


@pytest.fixture
def article(tmp_db) -> str:
    article_id, _ = ingest_text(tmp_db, TEXT, "a.txt")
    return article_id


def library(db) -> dict[str, tuple[str, int]]:
    """Each article's (status, open suggestions), as the library reads them."""
    return {row.id: (row.status, row.open_suggestions) for row in list_page_after(db, None, 100)}


def status_events(db, article_id: str) -> list[tuple[str, dict, dict, str]]:
    return [
        (r[0], json.loads(r[1]), json.loads(r[2]), r[3])
        for r in db.execute(
            "select kind, before, after, state from events where article_id = ? and kind = 'article.status'"
            " order by id",
            [article_id],
        )
    ]


def test_set_article_status_is_checked_logged_and_undone(tmp_db, article) -> None:
    assert ARTICLE_STATUSES == ("new", "in progress", "done")
    assert library(tmp_db) == {article: ("new", 0)}

    set_article_status(tmp_db, article, "done")
    assert library(tmp_db) == {article: ("done", 0)}
    assert tmp_db.execute("select status from articles").fetchall() == [("done",)]
    assert status_events(tmp_db, article) == [
        (
            "article.status",
            {"article_id": article, "status": "new"},
            {"article_id": article, "status": "done"},
            "done",
        )
    ]
    # The same status again changes nothing, and logs nothing to undo.
    set_article_status(tmp_db, article, "done")
    assert len(status_events(tmp_db, article)) == 1

    replayed = undo(tmp_db, article)
    assert replayed is not None and replayed.kind == "article.status"
    assert library(tmp_db) == {article: ("new", 0)}
    redo(tmp_db, article)
    assert library(tmp_db) == {article: ("done", 0)}

    with pytest.raises(ValueError, match="unknown article status 'finished'"):
        set_article_status(tmp_db, article, "finished")
    with pytest.raises(ValueError, match="no article nope"):
        set_article_status(tmp_db, "nope", "done")
    assert library(tmp_db) == {article: ("done", 0)}


def test_the_first_annotation_or_decision_starts_an_article(tmp_db, article) -> None:
    other, _ = ingest_text(tmp_db, OTHER, "b.txt")
    save_analysis(tmp_db, Analysis(other, "m", [], [], [], [{**quote(0, 8), "text": OTHER[0:8]}]))
    assert library(tmp_db) == {article: ("new", 0), other: ("new", 1)}

    tagged = add_annotation(tmp_db, article, 13, 28, "QUOTE")
    [suggestion] = [r[0] for r in tmp_db.execute("select id from suggestions where article_id = ?", [other])]
    set_suggestion_status(tmp_db, suggestion, "rejected")
    assert library(tmp_db) == {article: ("in progress", 0), other: ("in progress", 0)}

    # Work on an article already done leaves it done; deleting its annotations does not make it new.
    set_article_status(tmp_db, article, "done")
    delete_annotation(tmp_db, tagged.id)
    add_annotation(tmp_db, article, 0, 6, "SOURCE")
    assert library(tmp_db)[article] == ("done", 0)


def test_open_suggestions_follow_decisions_undo_and_reanalysis(tmp_db, article) -> None:
    save_analysis(tmp_db, Analysis(article, "m", [], [], [], [quote(13, 28), quote(39, 46), quote(0, 6)]))
    assert library(tmp_db)[article] == ("new", 3)
    ids = [r[0] for r in tmp_db.execute("select id from suggestions order by start")]
    set_suggestion_status(tmp_db, ids[0], "rejected")
    set_suggestion_status(tmp_db, ids[1], "accepted")
    assert library(tmp_db)[article] == ("in progress", 1)
    undo(tmp_db, article)
    assert library(tmp_db)[article] == ("in progress", 2)
    # Re-analysis replaces the open ones and keeps the decided one.
    save_analysis(tmp_db, Analysis(article, "m2", [], [], [], [quote(0, 6), quote(39, 46)]))
    assert library(tmp_db)[article] == ("in progress", 1)


def test_corpus_progress_reads_the_totals_through_sqlite3(tmp_path: Path, tmp_db, article) -> None:
    other, _ = ingest_text(tmp_db, OTHER, "b.txt")
    third, _ = ingest_text(tmp_db, "A third\nText.\n", "c.txt")
    assert corpus_progress(tmp_db) == (0, 3, 0)
    a = add_annotation(tmp_db, article, 13, 28, "QUOTE")
    add_annotation(tmp_db, article, 0, 6, "SOURCE")
    add_annotation(tmp_db, other, 0, 8, "CLAIM")
    delete_annotation(tmp_db, a.id)
    set_article_status(tmp_db, article, "done")
    set_article_status(tmp_db, third, "done")
    set_article_status(tmp_db, third, "in progress")
    # As the library's header reads it: a plain sqlite3 connection, no sqlite-utils.
    conn = open_current(tmp_path / "newsmark.db")
    assert conn is not None
    try:
        assert corpus_progress(conn) == (1, 3, 2)
    finally:
        conn.close()
    undo(tmp_db, article)  # the status
    undo(tmp_db, article)  # the delete
    assert corpus_progress(tmp_db) == (0, 3, 3)
