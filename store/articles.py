"""Articles: their ids, status, the library's pages, and reading their cached analysis (no NLP here)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsmark.store.db import retry_when_locked

# ARTICLE_STATUSES is declared with the other statuses undo replays; the app reads it from here.
from newsmark.store.events import ARTICLE_STATUSES, log_event

if TYPE_CHECKING:
    from sqlite_utils import Database

    from newsmark.store.db import Queryable


def article_id_for(text: str) -> str:
    """Same text, same id: ingest is idempotent by content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Article:
    id: str
    source: str
    title: str
    text: str
    word_count: int
    analysis_model: str | None
    status: str  # one of ARTICLE_STATUSES
    # Where and when it was published, as its input said (schema 0007); None when unknown.
    date: str | None = None  # ISO 8601: a date, or a date and time
    url: str | None = None
    outlet: str | None = None
    author: str | None = None

    def publication(self) -> dict[str, str | None]:
        """Its date, url, outlet and author by those names, as exports write them."""
        return {"date": self.date, "url": self.url, "outlet": self.outlet, "author": self.author}


@dataclass(frozen=True)
class ArticleRow:
    """One line of the library: what the list shows, without the text."""

    id: str
    title: str
    source: str
    word_count: int
    entity_count: int
    annotation_count: int
    analyzed: bool
    status: str  # one of ARTICLE_STATUSES
    open_suggestions: int  # suggestions not yet accepted or rejected
    # When and where it was published (schema 0007), as its input said; None when unknown.
    date: str | None = None  # ISO 8601: a date, or a date and time
    outlet: str | None = None


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


def get_article(db: Database, article_id: str) -> Article | None:
    rows = list(db.query("select * from articles where id = ?", [article_id]))
    if not rows:
        return None
    r = rows[0]
    return Article(
        r["id"],
        r["source"],
        r["title"],
        r["text"],
        r["word_count"],
        r["analysis_model"],
        r["status"],
        r["date"],
        r["url"],
        r["outlet"],
        r["author"],
    )


def count_articles(db: Queryable) -> int:
    return db.execute("select count(*) from article_list").fetchone()[0]


def corpus_progress(db: Queryable) -> tuple[int, int, int]:
    """(articles done, all articles, live annotations), for a header like "2/5 done · 37
    annotations": one row that triggers keep (schema 0005), never a count over the corpus."""
    done, articles, annotations = db.execute(
        "select done, articles, annotations from corpus_totals"
    ).fetchone()
    return done, articles, annotations


@retry_when_locked
def set_article_status(db: Database, article_id: str, status: str) -> None:
    """Mark an article new, in progress or done; logged, so undo brings the old status back.
    (The first annotation or suggestion decision on a new article starts it by itself: schema 0005.)"""
    if status not in ARTICLE_STATUSES:
        raise ValueError(f"unknown article status {status!r} (one of {', '.join(ARTICLE_STATUSES)})")
    # From article_list's copy: in an articles row the status sits after the text.
    row = db.execute("select status from article_list where id = ?", [article_id]).fetchone()
    if row is None:
        raise ValueError(f"no article {article_id}")
    before = row[0]
    if before == status:
        return
    with db.atomic():
        db.execute("update articles set status = ? where id = ?", [status, article_id])
        log_event(
            db,
            "article.status",
            article_id,
            None,
            {"article_id": article_id, "status": before},
            {"article_id": article_id, "status": status},
        )


# The library's columns, read from article_list (kept by triggers, see schema 0002):
# never from articles, whose rows carry the whole text.
LIST_COLUMNS = (
    "id, title, source, word_count, entity_count, annotation_count, analyzed, status, open_suggestions,"
    " date, outlet"
)

ListKey = tuple[str, str]
"""A row's place in the library's order: (source, id)."""


def _list_rows(cursor: Iterable[tuple]) -> list[ArticleRow]:
    return [ArticleRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), *r[7:]) for r in cursor]


def list_key(row: ArticleRow) -> ListKey:
    return row.source, row.id


def list_page_after(db: Queryable, after: ListKey | None, limit: int) -> list[ArticleRow]:
    """The `limit` rows after `after` in (source, id) order: a keyset page, one index seek."""
    if after is None:
        sql = f"select {LIST_COLUMNS} from article_list order by source, id limit ?"
        return _list_rows(db.execute(sql, [limit]))
    sql = f"select {LIST_COLUMNS} from article_list where (source, id) > (?, ?) order by source, id limit ?"
    return _list_rows(db.execute(sql, [*after, limit]))


def list_page_before(db: Queryable, before: ListKey, limit: int) -> list[ArticleRow]:
    """The `limit` rows just before `before`, in (source, id) order."""
    sql = (
        f"select {LIST_COLUMNS} from article_list where (source, id) < (?, ?)"
        " order by source desc, id desc limit ?"
    )
    return _list_rows(db.execute(sql, [*before, limit]))[::-1]


def list_page_at(db: Queryable, offset: int, limit: int) -> list[ArticleRow]:
    """Rows from position `offset`: for a jump with no neighbouring page to seek from.
    OFFSET walks the narrow index, so even the end of 100,000 rows is milliseconds."""
    sql = f"select {LIST_COLUMNS} from article_list order by source, id limit ? offset ?"
    return _list_rows(db.execute(sql, [limit, offset]))


def list_position(db: Queryable, article_id: str) -> int | None:
    """Where `article_id` sits in the library's order (to keep it selected after a reload)."""
    row = db.execute("select source from article_list where id = ?", [article_id]).fetchone()
    if row is None:
        return None
    return db.execute(
        "select count(*) from article_list where (source, id) < (?, ?)", [row[0], article_id]
    ).fetchone()[0]


def list_rows_by_id(db: Queryable, article_ids: Sequence[str]) -> list[ArticleRow]:
    """Library rows for these ids, in the order given (ids not stored are left out)."""
    if not article_ids:
        return []
    marks = ",".join("?" * len(article_ids))
    found = {
        r.id: r
        for r in _list_rows(
            db.execute(f"select {LIST_COLUMNS} from article_list where id in ({marks})", list(article_ids))
        )
    }
    return [found[i] for i in article_ids if i in found]


def unanalyzed_article_ids(db: Database, model: str | None = None) -> list[str]:
    """Articles with no cached analysis (or one from another model, when given)."""
    if model is None:
        sql, params = "select id from articles where analysis_model is null order by rowid", []
    else:
        sql = "select id from articles where analysis_model is null or analysis_model != ? order by rowid"
        params = [model]
    return [r[0] for r in db.execute(sql, params).fetchall()]


def texts_for(db: Database, article_ids: Iterable[str]) -> Iterable[tuple[str, str]]:
    for article_id in article_ids:
        row = db.execute("select text from articles where id = ?", [article_id]).fetchone()
        if row is not None:
            yield article_id, row[0]


def sentences_for_article(db: Database, article_id: str) -> list[Sentence]:
    return [
        Sentence(r[0], r[1])
        for r in db.execute(
            'select start, "end" from sentences where article_id = ? order by start', [article_id]
        ).fetchall()
    ]


def tokens_for_article(db: Database, article_id: str) -> list[tuple[int, int]]:
    row = db.execute("select offsets from tokens where article_id = ?", [article_id]).fetchone()
    if row is None:
        return []
    flat = json.loads(row[0])
    return list(zip(flat[0::2], flat[1::2], strict=True))
