"""Full-text search over titles and texts (SQLite FTS5, schema 0001/0002).

The library and `newsmark search` read what the user typed through the one parser
here (`parse_search`), so a search means the same in both. What FTS5 reads is never
the raw text: each word, or run of words joined by punctuation ("India-Russia"), and
each "quoted phrase" becomes a quoted FTS5 string, so a bracket, a star, a colon or
NEAR is just text. Words are ANDed; `OR`, `NOT` and `AND`, in capitals, are FTS5's
operators; with `prefix`, the last word also matches longer words. What FTS5 cannot
run (an unclosed quote, an operator with no words on one side) is not searched: the
query says why, in one line. Results are ranked best first (a match in the title
counts ten times one in the text). A search may also keep only the articles of one
outlet and of a range of dates (`MetadataFilter`), read from the library's table
(schema 0007), never from the articles' rows.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsmark.store.articles import ArticleRow, list_rows_by_id

if TYPE_CHECKING:
    from newsmark.store.db import Queryable

# What FTS5's unicode61 tokenizer keeps as a token: letters and digits (of any script).
WORD = re.compile(r"[^\W_]+")
# A "phrase", or a run of characters that are neither space nor quote mark.
ITEM = re.compile(r'"([^"]*)"|([^\s"]+)')
OPERATORS = ("AND", "OR", "NOT")
SNIPPET_TOKENS = 12
MIN_PREFIX_CHARS = 2


@dataclass(frozen=True)
class SearchQuery:
    """What the user typed, as FTS5 reads it."""

    match: str | None  # the MATCH expression; None when there is nothing to run (no word, or a problem)
    problem: str | None = None  # why what was typed cannot be searched, in one line


def _operator_problem(items: list[str]) -> str | None:
    """Where an operator lacks words on one side, what to write instead."""
    for i, item in enumerate(items):
        if item not in OPERATORS:
            continue
        example = f"as in 'lavrov {item} modi'"
        if i == 0:
            return f"{item} has no words before it: put words on both sides, {example}"
        if items[i - 1] in OPERATORS:
            return f"{items[i - 1]} {item}: two operators in a row; put words between them"
        if i == len(items) - 1:
            return f"{item} has no words after it: put words on both sides, {example}"
    return None


def parse_search(text: str, *, prefix: bool = False) -> SearchQuery:
    """What the user typed as an FTS5 MATCH expression, or why it is none.

    `prefix`: the last word also matches longer words (search as you type, where the
    last word is often still being typed; one letter would match nearly every article).
    """
    if text.count('"') % 2:
        return SearchQuery(None, 'a quote mark is not closed: a "phrase" needs a " at each end')
    items: list[str] = []
    last_words: list[str] = []  # the words of the last item, when it is not a phrase
    for m in ITEM.finditer(text):
        phrase, run = m.groups()
        if run in OPERATORS:
            items.append(run)
            last_words = []
            continue
        words = WORD.findall(phrase if phrase is not None else run)
        if words:
            items.append('"' + " ".join(words) + '"')
            last_words = words if run is not None else []
    if problem := _operator_problem(items):
        return SearchQuery(None, problem)
    if not items:
        return SearchQuery(None)
    if prefix and last_words and len(last_words[-1]) >= MIN_PREFIX_CHARS:
        items[-1] += " *"
    return SearchQuery(" ".join(items))


@dataclass(frozen=True)
class MetadataFilter:
    """Articles of an outlet (any part of its name, in any case: "northern gazette" finds
    "The Northern Gazette") published from `since` to `until` (ISO dates, both days
    included); an article with no date is in no range."""

    outlet: str | None = None
    since: str | None = None  # YYYY-MM-DD
    until: str | None = None

    def where(self) -> tuple[str, list[str]]:
        """SQL conditions on article_list `l`, and their parameters."""
        conditions, params = [], []
        if self.outlet is not None:
            conditions.append("instr(lower(l.outlet), lower(?)) > 0")
            params.append(self.outlet)
        # The day of a date or date and time (as given, in its own time zone).
        if self.since is not None:
            conditions.append("substr(l.date, 1, 10) >= ?")
            params.append(self.since)
        if self.until is not None:
            conditions.append("substr(l.date, 1, 10) <= ?")
            params.append(self.until)
        return " and ".join(conditions) or "1", params

    def describe(self) -> str:
        """The filter in words, for a message: 'from outlets named "x", since 2025-01-01'."""
        said = [f'from an outlet named "{self.outlet}"'] if self.outlet else []
        said += [f"since {self.since}"] if self.since else []
        said += [f"until {self.until}"] if self.until else []
        return ", ".join(said)


# Ranking scores every match: ~25 ms for 5,000 here, half a second for 90,000.
# Beyond this many matches the words are too common for a rank to mean much, and
# matches come in the order the articles were added, paged by rowid instead.
RANKED_MAX = 5_000


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

    def __init__(
        self,
        db: Queryable,
        text: str,
        *,
        prefix: bool = False,
        count_later: bool = False,
        only: MetadataFilter | None = None,
    ) -> None:
        self.db = db
        parsed = parse_search(text, prefix=prefix)
        self.query = parsed.match
        self.problem = parsed.problem  # why nothing was searched for, if it was not
        self.total = 0
        self.ranked = True
        self.counted = True
        self._ranked_ids: list[str] = []
        self._head: list[int] = []  # the first RANKED_MAX + 1 matches' rowids, when not ranked
        where, params = only.where() if only is not None else (None, [])
        self._where = where
        self._params = [self.query, *params]
        if self.query is None:
            return
        # One evaluation tells a short list (ranked) from a long one and pages the long one's start.
        head = [
            r[0]
            for r in _run(
                db,
                f"select rowid from ({self._matches()}) order by rowid limit ?",
                [*self._params, RANKED_MAX + 1],
            )
        ]
        self.ranked = len(head) <= RANKED_MAX
        if self.ranked:
            self.total = len(head)
            if head:
                # The join to articles only maps rowids to ids.
                sql = f"""
                    select a.id from ({self._matches(rank=True)} order by rank) m
                    join articles a on a.rowid = m.rowid
                    order by m.rank"""
                self._ranked_ids = [r[0] for r in _run(db, sql, self._params)]
            return
        self._head = head
        if count_later:
            self.total, self.counted = len(head), False
        else:
            self.total = self.count()

    def _matches(self, *, rank: bool = False) -> str:
        """SQL for the matches' rowids (and their rank), taking self._params: MATCH alone in its
        own subquery; a filter keeps those whose library row passes (rowid -> id through the
        articles' primary key, which sits before the text in each row)."""
        fts = f"select rowid{', rank' if rank else ''} from articles_fts where articles_fts match ?"
        if self._where is None:
            return fts
        return (
            f"select m.rowid as rowid{', m.rank as rank' if rank else ''} from ({fts}) m"
            f" join articles a on a.rowid = m.rowid join article_list l on l.id = a.id where {self._where}"
        )

    def count(self, db: Queryable | None = None) -> int:
        """The exact number of matches, through `db` (another connection) if given."""
        if self.query is None:
            return 0
        return _run(db or self.db, f"select count(*) from ({self._matches()})", self._params)[0][0]

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
        sql = f"""
            select m.rowid, a.id from (
              select rowid from ({self._matches()}) order by rowid limit ? offset ?
            ) m join articles a on a.rowid = m.rowid
            order by m.rowid"""
        return _run(self.db, sql, [*self._params, stop - start, start])

    def ids_after(self, key: int, limit: int) -> list[tuple[int, str]]:
        """The `limit` matches after the one whose key (from `ids`) is `key`: a keyset page."""
        if self.ranked:
            return self.ids(key + 1, key + 1 + limit)
        start = bisect.bisect_right(self._head, key)
        if start + limit <= len(self._head):
            return self._ids_of(self._head[start : start + limit])
        sql = f"""
            select m.rowid, a.id from (
              select rowid from ({self._matches()}) where rowid > ? order by rowid limit ?
            ) m join articles a on a.rowid = m.rowid
            order by m.rowid"""
        return _run(self.db, sql, [*self._params, key, limit])

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
        matches = self._matches()
        found = _run(self.db, f"select 1 from ({matches}) where rowid = ?", [*self._params, row[0][0]])
        sql = f"select count(*) from ({matches}) where rowid < ?"
        return _run(self.db, sql, [*self._params, row[0][0]])[0][0] if found else None


@dataclass(frozen=True)
class SearchHit:
    row: ArticleRow
    snippet: str


def search_hits(matches: Matches, limit: int) -> list[SearchHit]:
    """The first `limit` matches (in the library's order) with a snippet around the words found."""
    found = matches.ids(0, limit)
    rows = {r.id: r for r in list_rows_by_id(matches.db, [i for _, i in found])}
    hits = []
    for _, article_id in found:
        # snippet() needs the MATCH in the same query: one indexed look-up per hit.
        snippet = _run(
            matches.db,
            f"""select snippet(articles_fts, 1, '[', ']', '…', {SNIPPET_TOKENS}) from articles_fts
            where articles_fts match ? and rowid = (select rowid from articles where id = ?)""",
            [matches.query, article_id],
        )
        if article_id in rows:
            hits.append(SearchHit(rows[article_id], " ".join(snippet[0][0].split()) if snippet else ""))
    return hits
