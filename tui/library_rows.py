"""What the library lists, a page at a time: every article, a search's matches, or the
articles of one status in another order. The list widget (tui.widgets.article_list)
asks a `RowSource` for the rows on screen only, so 100,000 articles cost what a hundred do.

- `LibraryRows`: every article in (source, id) order, paged by keyset on the list's index.
- `SearchRows`: a search's matches (see store.search.Matches for their order).
- `ViewRows`: one status only, and/or sorted by open suggestions or by status. No index
  serves these orders, so each page is one scan of article_list's narrow rows (under
  10 ms at 100,000 articles), still read by keyset from its neighbouring page.
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
            rows = list_page_after(self.db, list_key(before[-1]), PAGE_SIZE)
        elif after:  # scrolling up
            rows = list_page_before(self.db, list_key(after[0]), PAGE_SIZE)
        else:  # a jump (the end, a scrollbar drag): no neighbour to seek from
            rows = list_page_at(self.db, page * PAGE_SIZE, PAGE_SIZE)
        return self._cache.put(page, rows)

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
            rows = self._cache.put(page, list_rows_by_id(self.db, [i for _, i in keys]))
        return rows[index % PAGE_SIZE]

    def position(self, article_id: str) -> int | None:
        return self.matches.position(article_id)


# The orders the library offers: name -> (what the user reads, the SQL sort key before
# (source, id)). The keys are constants of this module, never text from a user.
ORDERS: dict[str, tuple[str, str | None]] = {
    "list": ("in the list's order", None),
    "open": ("most open suggestions first", "-open_suggestions"),
    "status": (
        "in progress, new, then done",
        "case status when 'in progress' then 0 when 'new' then 1 else 2 end",
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


class ViewRows:
    """The articles of a `LibraryView`, paged by keyset on (its sort key, source, id)."""

    def __init__(self, db: Queryable, view: LibraryView) -> None:
        self.db = db
        self.view = view
        sort_key = ORDERS[view.order][1]
        self._key_columns = ", ".join([*([sort_key] if sort_key else []), "source", "id"])
        self._where, self._params = ("status = ?", [view.status]) if view.status else ("1", [])
        sql = f"select count(*) from article_list where {self._where}"
        self._count: int = db.execute(sql, self._params).fetchone()[0]
        self._keys = _PageCache[tuple]()  # page -> the sort keys of its rows
        self._cache = _PageCache[ArticleRow]()

    def __len__(self) -> int:
        return self._count

    def _read_keys(self, page: int) -> list[tuple]:
        keys, where, params = self._key_columns, self._where, self._params
        descending = ", ".join(f"{k} desc" for k in keys.split(", "))
        before, after = self._keys.pages.get(page - 1), self._keys.pages.get(page + 1)
        if before:  # scrolling down: seek past the previous page's last row
            sql = f"select {keys} from article_list where {where} and ({keys}) > ({marks(before[-1])})"
            return list(self.db.execute(f"{sql} order by {keys} limit ?", [*params, *before[-1], PAGE_SIZE]))
        if after:  # scrolling up
            sql = f"select {keys} from article_list where {where} and ({keys}) < ({marks(after[0])})"
            rows = self.db.execute(f"{sql} order by {descending} limit ?", [*params, *after[0], PAGE_SIZE])
            return list(rows)[::-1]
        start = page * PAGE_SIZE
        sql = f"select {keys} from article_list where {where}"
        if start < self._count // 2:  # a jump: OFFSET sorts every row it skips, so count from
            rows = self.db.execute(f"{sql} order by {keys} limit ? offset ?", [*params, PAGE_SIZE, start])
            return list(rows)
        stop = min(start + PAGE_SIZE, self._count)  # the nearer end
        rows = self.db.execute(
            f"{sql} order by {descending} limit ? offset ?", [*params, stop - start, self._count - stop]
        )
        return list(rows)[::-1]

    def row(self, index: int) -> ArticleRow:
        if not 0 <= index < self._count:
            raise IndexError(index)
        page = index // PAGE_SIZE
        rows = self._cache.get(page)
        if rows is None:
            keys = self._keys.put(page, self._read_keys(page))
            rows = self._cache.put(page, list_rows_by_id(self.db, [key[-1] for key in keys]))
        return rows[index % PAGE_SIZE]

    def position(self, article_id: str) -> int | None:
        keys = self._key_columns
        sql = f"select {keys} from article_list where id = ? and {self._where}"
        key = self.db.execute(sql, [article_id, *self._params]).fetchone()
        if key is None:  # not in this view (another status)
            return None
        sql = f"select count(*) from article_list where {self._where} and ({keys}) < ({marks(key)})"
        return self.db.execute(sql, [*self._params, *key]).fetchone()[0]
