"""Full-text search over titles and texts (SQLite FTS5, schema 0001/0002).

What the user types is never passed to MATCH as it is: it is cut into words and
each word (or "quoted phrase") becomes a quoted FTS5 string, so a stray quote,
bracket, star or operator word (AND, OR, NOT, NEAR) is just text and never an
FTS5 syntax error. Words are ANDed; results are ranked best first (a match in
the title counts ten times one in the text).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsmark.store.articles import ArticleRow, list_rows_by_id

if TYPE_CHECKING:
    from sqlite_utils import Database

    from newsmark.store.db import Queryable

# What FTS5's unicode61 tokenizer keeps as a token: letters and digits (of any script).
WORD = re.compile(r"[^\W_]+")
PHRASE = re.compile(r'"([^"]*)"')
SNIPPET_TOKENS = 12
MIN_PREFIX_CHARS = 2


def fts_query(text: str, *, prefix: bool = False) -> str | None:
    """A MATCH expression for what the user typed, or None when it holds no word.

    `prefix`: the last word also matches longer words (search as you type, where
    the last word is often still being typed).
    """
    parts: list[str] = []
    last_is_word = False
    pos = 0
    for m in PHRASE.finditer(text):
        words = WORD.findall(text[pos : m.start()])
        parts.extend(f'"{w}"' for w in words)
        phrase = WORD.findall(m.group(1))
        if phrase:
            parts.append('"' + " ".join(phrase) + '"')
        pos = m.end()
        last_is_word = False
    # After the last balanced pair, a lone quote is just a character.
    tail = WORD.findall(text[pos:])
    parts.extend(f'"{w}"' for w in tail)
    last_is_word = bool(tail) and not text.rstrip().endswith('"')
    if not parts:
        return None
    # One letter as a prefix matches nearly every article and is slow to count.
    if prefix and last_is_word and len(tail[-1]) >= MIN_PREFIX_CHARS:
        parts[-1] += " *"
    return " ".join(parts)


# Ranking scores every match: ~25 ms for 5,000 here, half a second for 90,000.
# Beyond this many matches the words are too common for a rank to mean much, and
# matches come in the order the articles were added, paged by rowid instead.
RANKED_MAX = 5_000
COUNT_SQL = "select count(*) from articles_fts where articles_fts match ?"


def _run(db: Queryable, sql: str, params: list) -> list:
    return db.execute(sql, params).fetchall()


class Matches:
    """The articles matching a search: best first when there are at most
    RANKED_MAX of them, else in the order they were added. Pages are read on
    demand, so a search matching 100,000 articles holds none of their rows.

    `count_later`: the exact length of a long list (past RANKED_MAX) is not
    counted here, as counting evaluates the match a second time (27 ms of a key
    press at 100,000 articles for common words); `total` is then RANKED_MAX + 1,
    a lower bound, until `set_total` gives the number `count` found elsewhere
    (the library counts in a worker, on its own connection).
    """

    def __init__(self, db: Queryable, text: str, *, prefix: bool = False, count_later: bool = False) -> None:
        self.db = db
        self.query = fts_query(text, prefix=prefix)
        self.total = 0
        self.ranked = True
        self.counted = True
        self._ranked_ids: list[str] = []
        self._head: list[int] = []  # the first RANKED_MAX + 1 matches' rowids, when not ranked
        if self.query is None:
            return
        # One evaluation tells a short list (ranked) from a long one and pages the long one's start.
        head = [
            r[0]
            for r in _run(
                db,
                "select rowid from articles_fts where articles_fts match ? order by rowid limit ?",
                [self.query, RANKED_MAX + 1],
            )
        ]
        self.ranked = len(head) <= RANKED_MAX
        if self.ranked:
            self.total = len(head)
            if head:
                # MATCH runs alone in its subquery; the join to articles only maps rowids to ids.
                sql = """
                    select a.id from (
                      select rowid, rank from articles_fts where articles_fts match ? order by rank
                    ) m join articles a on a.rowid = m.rowid
                    order by m.rank"""
                self._ranked_ids = [r[0] for r in _run(db, sql, [self.query])]
            return
        self._head = head
        if count_later:
            self.total, self.counted = len(head), False
        else:
            self.total = self.count()

    def count(self, db: Queryable | None = None) -> int:
        """The exact number of matches, through `db` (another connection) if given."""
        if self.query is None:
            return 0
        return _run(db or self.db, COUNT_SQL, [self.query])[0][0]

    def set_total(self, total: int, *, exact: bool = True) -> None:
        """The number of matches, counted (`exact`) or still a lower bound."""
        self.total, self.counted = total, exact

    def __len__(self) -> int:
        return self.total

    def _ids_of(self, rowids: list[int]) -> list[tuple[int, str]]:
        sql = "select a.rowid, a.id from json_each(?) j join articles a on a.rowid = j.value order by j.key"
        return _run(self.db, sql, [json.dumps(rowids)])

    def ids(self, start: int, stop: int) -> list[tuple[int, str]]:
        """(rowid or rank position, id) of matches [start, stop): an offset page."""
        if self.ranked:
            return list(enumerate(self._ranked_ids[start:stop], start))
        if stop <= len(self._head):
            return self._ids_of(self._head[start:stop])
        sql = """
            select m.rowid, a.id from (
              select rowid from articles_fts where articles_fts match ? order by rowid limit ? offset ?
            ) m join articles a on a.rowid = m.rowid
            order by m.rowid"""
        return _run(self.db, sql, [self.query, stop - start, start])

    def ids_after(self, key: int, limit: int) -> list[tuple[int, str]]:
        """The `limit` matches after the one whose key (from `ids`) is `key`: a keyset page."""
        if self.ranked:
            return self.ids(key + 1, key + 1 + limit)
        start = bisect.bisect_right(self._head, key)
        if start + limit <= len(self._head):
            return self._ids_of(self._head[start : start + limit])
        sql = """
            select m.rowid, a.id from (
              select rowid from articles_fts where articles_fts match ? and rowid > ?
              order by rowid limit ?
            ) m join articles a on a.rowid = m.rowid
            order by m.rowid"""
        return _run(self.db, sql, [self.query, key, limit])

    def position(self, article_id: str) -> int | None:
        """Where `article_id` is among the matches, or None."""
        if self.ranked:
            try:
                return self._ranked_ids.index(article_id)
            except ValueError:
                return None
        row = _run(self.db, "select rowid from articles where id = ?", [article_id])
        if not row:
            return None
        at = bisect.bisect_left(self._head, row[0][0])
        if at < len(self._head):  # the head holds every match up to its last
            return at if self._head[at] == row[0][0] else None
        sql = "select count(*) from articles_fts where articles_fts match ? and rowid < ?"
        found = _run(
            self.db,
            "select 1 from articles_fts where articles_fts match ? and rowid = ?",
            [self.query, row[0][0]],
        )
        return _run(self.db, sql, [self.query, row[0][0]])[0][0] if found else None


def count_matches(db: Database, text: str, *, prefix: bool = False) -> int:
    query = fts_query(text, prefix=prefix)
    if query is None:
        return 0
    return _run(db, COUNT_SQL, [query])[0][0]


@dataclass(frozen=True)
class SearchHit:
    row: ArticleRow
    snippet: str


def search(db: Database, text: str, *, limit: int = 20, prefix: bool = False) -> list[SearchHit]:
    """The first `limit` matches (in the library's order) with a snippet around the words found."""
    matches = Matches(db, text, prefix=prefix)
    found = matches.ids(0, limit)
    rows = {r.id: r for r in list_rows_by_id(db, [i for _, i in found])}
    hits = []
    for _, article_id in found:
        # snippet() needs the MATCH in the same query: one indexed look-up per hit.
        snippet = _run(
            db,
            f"""select snippet(articles_fts, 1, '[', ']', '…', {SNIPPET_TOKENS}) from articles_fts
            where articles_fts match ? and rowid = (select rowid from articles where id = ?)""",
            [matches.query, article_id],
        )
        if article_id in rows:
            hits.append(SearchHit(rows[article_id], " ".join(snippet[0][0].split()) if snippet else ""))
    return hits
