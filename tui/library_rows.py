"""What the library lists, a page at a time: every article, a search's matches, or the
articles of one status in another order. The list widget (tui.widgets.article_list)
asks a `RowSource` for the rows on screen only, so 100,000 articles cost what a hundred do.

- `LibraryRows`: every article in (source, id) order, paged by keyset on the list's index.
- `SearchRows`: a search's matches (see store.search.Matches for their order).
- `ViewRows`: one status only, and/or another order. Newest first walks the index on
  (date, source, id); no index serves the orders by open suggestions or by status, so each
  of their pages is one scan of article_list's narrow rows (under 10 ms at 100,000
  articles). Either way a page is read by keyset from its neighbouring page.

Each row is the store's `ArticleRow`, its date and outlet included.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from newsmark.store.articles import (
    ARTICLE_STATUSES,
    ArticleRow,
    count_articles,
    list_key,
    list_page_after,
    list_page_at,
    list_page_before,
    list_position,
    list_rows_by_id,
)
from newsmark.store.search import Matches

if TYPE_CHECKING:
    from newsmark.store.db import Queryable

PAGE_SIZE = 100
CACHED_PAGES = 40  # at most 4,000 rows in memory, however long the list


class RowSource(Protocol):
    """What the list shows: a count, and rows by position."""

    def __len__(self) -> int: ...

    def row(self, index: int) -> ArticleRow: ...

    def position(self, article_id: str) -> int | None: ...


Item = TypeVar("Item")


class _PageCache(Generic[Item]):
    """The last pages read, least recently used dropped first."""

    def __init__(self) -> None:
        self.pages: OrderedDict[int, list[Item]] = OrderedDict()

    def get(self, page: int) -> list[Item] | None:
        rows = self.pages.get(page)
        if rows is not None:
            self.pages.move_to_end(page)
        return rows

    def put(self, page: int, rows: list[Item]) -> list[Item]:
        self.pages[page] = rows
        while len(self.pages) > CACHED_PAGES:
            self.pages.popitem(last=False)
        return rows


class LibraryRows:
    """Every article in (source, id) order, paged by keyset from SQLite."""

    def __init__(self, db: Queryable) -> None:
        self.db = db
        self._count = count_articles(db)
        self._cache = _PageCache[ArticleRow]()

    def __len__(self) -> int:
        return self._count

    def _page(self, page: int) -> list[ArticleRow]:
        if (rows := self._cache.get(page)) is not None:
            return rows
        before, after = self._cache.pages.get(page - 1), self._cache.pages.get(page + 1)
        if before:  # scrolling down: seek past the previous page's last row
            found = list_page_after(self.db, list_key(before[-1]), PAGE_SIZE)
        elif after:  # scrolling up
            found = list_page_before(self.db, list_key(after[0]), PAGE_SIZE)
        else:  # a jump (the end, a scrollbar drag): no neighbour to seek from
            found = list_page_at(self.db, page * PAGE_SIZE, PAGE_SIZE)
        return self._cache.put(page, found)

    def row(self, index: int) -> ArticleRow:
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self._page(index // PAGE_SIZE)[index % PAGE_SIZE]

    def position(self, article_id: str) -> int | None:
        return list_position(self.db, article_id)


class SearchRows:
    """The articles matching a search (see store.search.Matches for the order), paged."""

    def __init__(self, db: Queryable, text: str) -> None:
        self.db = db
        self.text = text
        # A long list's exact length is counted later (see LibraryScreen.count_matches).
        self.matches = Matches(db, text, prefix=True, count_later=True)
        self._keys = _PageCache[tuple[int, str]]()  # page -> (key, id) of its matches
        self._cache = _PageCache[ArticleRow]()

    def __len__(self) -> int:
        return len(self.matches)

    def row(self, index: int) -> ArticleRow:
        if not 0 <= index < len(self.matches):
            raise IndexError(index)
        page = index // PAGE_SIZE
        rows = self._cache.get(page)
        if rows is None:
            before = self._keys.pages.get(page - 1)
            if before:  # scrolling down: seek past the previous page's last match
                keys = self.matches.ids_after(before[-1][0], PAGE_SIZE)
            else:
                keys = self.matches.ids(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)
            self._keys.put(page, keys)
            found = list_rows_by_id(self.db, [i for _, i in keys])
            rows = self._cache.put(page, found)
        return rows[index % PAGE_SIZE]

    def position(self, article_id: str) -> int | None:
        return self.matches.position(article_id)


@dataclass(frozen=True)
class Run:
    """A stretch of an order: the articles that meet `where`, sorted by `keys` (SQL on
    article_list's columns, ending in source, id, so that each row's key is its own),
    from the greatest key down when `descending`."""

    where: str
    keys: tuple[str, ...]
    descending: bool = False


# The orders the library offers: name -> (what the user reads, its runs, one after the
# other). The SQL is constants of this module, never text from a user.
ORDERS: dict[str, tuple[str, tuple[Run, ...]]] = {
    "list": ("in the list's order", (Run("1", ("source", "id")),)),
    "newest": (
        "newest first",
        (
            # Down the index on (date, source, id). An undated article's NULL compares as
            # neither less nor greater than a date, so no keyset could pass it: the undated
            # come after all the dated, in the list's order (the same index, date = NULL).
            Run("date is not null", ("date", "source", "id"), descending=True),
            Run("date is null", ("source", "id")),
        ),
    ),
    "open": ("most open suggestions first", (Run("1", ("-open_suggestions", "source", "id")),)),
    "status": (
        "in progress, new, then done",
        (Run("1", ("case status when 'in progress' then 0 when 'new' then 1 else 2 end", "source", "id")),),
    ),
}


@dataclass(frozen=True)
class LibraryView:
    """Which articles the library lists, and in what order, when nothing is searched."""

    status: str | None = None  # one of ARTICLE_STATUSES; None: every article
    order: str = "list"  # a key of ORDERS

    @property
    def is_everything_in_order(self) -> bool:
        return self.status is None and self.order == "list"

    def next_status(self) -> LibraryView:
        """All, then each status in turn, then all again."""
        cycle = [None, *ARTICLE_STATUSES]
        return LibraryView(cycle[(cycle.index(self.status) + 1) % len(cycle)], self.order)

    def next_order(self) -> LibraryView:
        names = list(ORDERS)
        return LibraryView(self.status, names[(names.index(self.order) + 1) % len(names)])

    def nothing_shown(self, cycle_key: str) -> str:
        """What the list says when no article has the one status this view shows;
        `cycle_key`: the key that shows the next status."""
        missing = {
            "new": "No articles are new",
            "in progress": "No articles are in progress",
            "done": "No articles are done yet",
        }[str(self.status)]
        following = self.next_status().status
        shown_next = {None: "all", "in progress": "those in progress"}.get(following, f"the {following} ones")
        return f"{missing} — {cycle_key} shows {shown_next}"

    def describe(self) -> str:
        """'done only · most open suggestions first'; '' for every article in order."""
        parts = [f"{self.status} only"] if self.status else []
        if self.order != "list":
            parts.append(ORDERS[self.order][0])
        return " · ".join(parts)


def marks(values: tuple) -> str:
    """'?, ?, ?': a parameter for each value of a row value."""
    return ", ".join("?" * len(values))


RunKey = tuple[int, tuple]
"""A row's place in a view: (the index of its run, its key in that run)."""


class ViewRows:
    """The articles of a `LibraryView`, paged by keyset on each run's keys in turn."""

    def __init__(self, db: Queryable, view: LibraryView) -> None:
        self.db = db
        self.view = view
        self.runs = ORDERS[view.order][1]
        shown, self._params = ("status = ?", [view.status]) if view.status else ("1", [])
        self._wheres = [f"{shown} and {run.where}" for run in self.runs]
        self._counts: list[int] = [
            db.execute(f"select count(*) from article_list where {where}", self._params).fetchone()[0]
            for where in self._wheres
        ]
        self._keys = _PageCache[RunKey]()  # page -> where each of its rows is
        self._cache = _PageCache[ArticleRow]()

    def __len__(self) -> int:
        return sum(self._counts)

    def _select(
        self, run: int, *, past: tuple | None, backwards: bool, limit: int, offset: int = 0
    ) -> list[RunKey]:
        """Keys of run `run` in its order (`backwards`: the other way), those past the key
        `past` only when given, from `offset` on."""
        keys = ", ".join(self.runs[run].keys)
        descending = self.runs[run].descending != backwards
        order = ", ".join(f"{key} desc" if descending else key for key in self.runs[run].keys)
        sql, params = f"select {keys} from article_list where {self._wheres[run]}", list(self._params)
        if past is not None:
            sql += f" and ({keys}) {'<' if descending else '>'} ({marks(past)})"
            params.extend(past)
        rows = self.db.execute(f"{sql} order by {order} limit ? offset ?", [*params, limit, offset])
        return [(run, tuple(row)) for row in rows]

    def _after(self, run: int, past: tuple | None, limit: int) -> list[RunKey]:
        """`limit` keys after `past` in run `run` (None: from its first), on into the next runs."""
        found: list[RunKey] = []
        while run < len(self.runs) and len(found) < limit:
            found += self._select(run, past=past, backwards=False, limit=limit - len(found))
            run, past = run + 1, None
        return found

    def _before(self, run: int, past: tuple | None, limit: int) -> list[RunKey]:
        """`limit` keys before `past` in run `run`, back into the runs before it; in order."""
        found: list[RunKey] = []
        while run >= 0 and len(found) < limit:
            found += self._select(run, past=past, backwards=True, limit=limit - len(found))
            run, past = run - 1, None
        return found[::-1]

    def _at(self, start: int, limit: int) -> list[RunKey]:
        """`limit` keys from position `start`: a jump, with no neighbouring page to seek from."""
        run = 0
        while run < len(self.runs) - 1 and start >= self._counts[run]:
            start -= self._counts[run]
            run += 1
        count = self._counts[run]
        stop = min(start + limit, count)
        # OFFSET walks (or sorts) every row it skips: count from the nearer end.
        if start < count // 2:
            found = self._select(run, past=None, backwards=False, limit=stop - start, offset=start)
        else:
            found = self._select(run, past=None, backwards=True, limit=stop - start, offset=count - stop)
            found.reverse()
        return found + self._after(run + 1, None, limit - len(found))

    def _read_keys(self, page: int) -> list[RunKey]:
        before, after = self._keys.pages.get(page - 1), self._keys.pages.get(page + 1)
        if before:  # scrolling down: seek past the previous page's last row
            return self._after(*before[-1], PAGE_SIZE)
        if after:  # scrolling up
            return self._before(*after[0], PAGE_SIZE)
        return self._at(page * PAGE_SIZE, PAGE_SIZE)

    def row(self, index: int) -> ArticleRow:
        if not 0 <= index < len(self):
            raise IndexError(index)
        page = index // PAGE_SIZE
        rows = self._cache.get(page)
        if rows is None:
            keys = self._keys.put(page, self._read_keys(page))
            found = list_rows_by_id(self.db, [key[-1] for _, key in keys])
            rows = self._cache.put(page, found)
        return rows[index % PAGE_SIZE]

    def position(self, article_id: str) -> int | None:
        for run, where in enumerate(self._wheres):
            keys = ", ".join(self.runs[run].keys)
            sql = f"select {keys} from article_list where id = ? and {where}"
            key = self.db.execute(sql, [article_id, *self._params]).fetchone()
            if key is not None:
                earlier = ">" if self.runs[run].descending else "<"
                sql = f"select count(*) from article_list where {where} and ({keys}) {earlier} ({marks(key)})"
                earlier_runs = sum(self._counts[:run])
                return earlier_runs + self.db.execute(sql, [*self._params, *key]).fetchone()[0]
        return None  # not in this view (another status)
