"""Reading sources: the list the sources screen and `newsmark sources` show, one source's
attributions across the corpus, and finding sources by any of their names.

Reads only, through sqlite3 alone as well as sqlite-utils (`Queryable`). Fast at 100,000
articles: counts are kept by triggers (schema 0006), the list is an index walk in count
or name order, paged by keyset (`after`), and search reads the aliases' folded keys.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from newsmark.store.sources.names import SOURCE_KINDS, alias_key, fold, spelling_key

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Collection

    from sqlite_utils import Database

    # As store.db.Queryable (not imported: this package never reaches store.db).
    Queryable = Database | sqlite3.Connection

SOURCE_SORTS = ("count", "name")
_CONTEXT_CHARS = 120  # of the paragraph on either side of an attribution, at most


@dataclass(frozen=True)
class SourceRow:
    """One source as the sources list shows it."""

    id: int
    name: str
    kind: str  # person | organisation | unnamed
    aliases: tuple[str, ...]  # the spellings the articles use, most used first
    roles: tuple[str, ...]
    quotes: int  # open direct suggestions and QUOTE annotations
    paraphrases: int  # open indirect suggestions and PARAPHRASE annotations
    articles: int
    user_named: bool

    @property
    def attributions(self) -> int:
        return self.quotes + self.paraphrases


@dataclass(frozen=True)
class Attribution:
    """One thing a source said somewhere: a suggestion still open, or the annotation
    a user made (or accepted)."""

    kind: str  # direct | indirect
    origin: Literal["suggestion", "annotation"]
    id: int  # the suggestion's or the annotation's
    article_id: str
    title: str
    article_status: str  # new | in progress | done
    date: str | None  # when the article was published (ISO 8601), as its input said
    outlet: str | None  # where
    start: int
    end: int
    text: str
    speaker: str | None  # as this article names the speaker
    speaker_start: int | None
    speaker_end: int | None
    context: str  # the words around it, within its paragraph
    context_start: int  # where `context` starts in the article's text


def _search_clause(query: str) -> tuple[str, list[object]]:
    """Sources whose name, or one of whose aliases, holds every word of `query`: aliases by
    their keys, so any spelling finds them; the name as written (a user's own name for a
    source is no alias)."""
    raw = query.split()
    keys = [k for k in (spelling_key(w) for w in fold(query).split()) if k]
    if not keys:
        return "", []
    in_alias = " and ".join("a.key like ?" for _ in keys)
    in_name = " and ".join("s.name like ? escape '\\'" for _ in raw)
    literal = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in raw]
    return (
        f" and (s.id in (select a.source_id from source_aliases a where {in_alias}) or ({in_name}))",
        [*(f"%{k}%" for k in keys), *(f"%{w}%" for w in literal)],
    )


def list_sources(
    conn: Queryable,
    query: str = "",
    *,
    sort: str = "count",
    kinds: Collection[str] | None = None,
    limit: int = 100,
    after: SourceRow | None = None,
) -> list[SourceRow]:
    """Sources with at least one attribution, most attributions first (`sort="count"`) or by
    name; with `query`, those with a name or alias holding its words (any spelling:
    "sergei" finds Sergey); with `kinds`, only those. The next page starts `after` the
    last row of this one."""
    if sort not in SOURCE_SORTS:
        raise ValueError(f"unknown sort {sort!r} (one of {', '.join(SOURCE_SORTS)})")
    where, params = _listed(query, kinds)
    if sort == "count":
        order = "s.quotes + s.paraphrases desc, s.id"
        if after is not None:
            where += " and (s.quotes + s.paraphrases < ? or (s.quotes + s.paraphrases = ? and s.id > ?))"
            params.extend([after.attributions, after.attributions, after.id])
    else:
        order = "s.name collate nocase, s.id"
        if after is not None:
            where += " and (s.name > ? collate nocase or (s.name = ? collate nocase and s.id > ?))"
            params.extend([after.name, after.name, after.id])
    rows = conn.execute(
        f"""select s.id, s.name, s.kind, s.roles, s.quotes, s.paraphrases, s.articles, s.user_named
            from sources s where {where} order by {order} limit ?""",
        [*params, limit],
    ).fetchall()
    aliases = _aliases_of(conn, [r[0] for r in rows])
    return [
        SourceRow(
            r[0], r[1], r[2], aliases.get(r[0], ()), tuple(json.loads(r[3])), r[4], r[5], r[6], bool(r[7])
        )
        for r in rows
    ]


def count_sources(conn: Queryable, query: str = "", *, kinds: Collection[str] | None = None) -> int:
    """How many sources list_sources lists for the same `query` and `kinds`, on every page."""
    where, params = _listed(query, kinds)
    return conn.execute(f"select count(*) from sources s where {where}", params).fetchone()[0]


def _listed(query: str, kinds: Collection[str] | None) -> tuple[str, list[object]]:
    """The `where` of the sources listed (with attributions, of these kinds, found by
    `query`) and its parameters."""
    where = "s.quotes + s.paraphrases > 0"
    params: list[object] = []
    if kinds is not None:
        where += f" and s.kind in ({_marks(kinds)})"
        params.extend(kinds)
    clause, search_params = _search_clause(query)
    return where + clause, [*params, *search_params]


def _marks(values: Collection[object]) -> str:
    """As many ? as values, for an `in (...)`."""
    return ", ".join("?" * len(values))


def _aliases_of(conn: Queryable, source_ids: list[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    if source_ids:
        for source_id, alias in conn.execute(
            # An unnamed source merged by hand has one description in several articles: listed once.
            f"select source_id, alias from source_aliases where source_id in ({_marks(source_ids)})"
            " group by source_id, alias order by source_id, sum(uses) desc, alias",
            source_ids,
        ):
            found.setdefault(source_id, []).append(alias)
    return {k: tuple(v) for k, v in found.items()}


def get_source(conn: Queryable, source_id: int) -> SourceRow | None:
    """One source, whether or not it has attributions left."""
    r = conn.execute(
        "select id, name, kind, roles, quotes, paraphrases, articles, user_named from sources where id = ?",
        [source_id],
    ).fetchone()
    if r is None:
        return None
    aliases = _aliases_of(conn, [source_id]).get(source_id, ())
    return SourceRow(r[0], r[1], r[2], aliases, tuple(json.loads(r[3])), r[4], r[5], r[6], bool(r[7]))


def sources_named(conn: Queryable, name: str) -> list[int]:
    """The sources one of whose names is `name`, in any spelling the aliases' keys fold
    together ("sergey lavrov", "Sergei Lavrov", "S. Jaishankar" for "S Jaishankar")."""
    keys = {alias_key(name, kind)[0] for kind in SOURCE_KINDS}
    rows = conn.execute(
        f"select distinct source_id from source_aliases where alias = ? or key in ({_marks(keys)})"
        " union select id from sources where name = ? collate nocase order by 1",
        [name, *keys, name],
    ).fetchall()
    return [r[0] for r in rows]


def attributions_of(
    conn: Queryable, source_id: int, *, limit: int = 500, offset: int = 0
) -> list[Attribution]:
    """What a source said across the corpus, article by article in library order, each with
    its article's title, status, date and outlet, and the words around it."""
    rows = conn.execute(
        """
        select x.kind, x.origin, x.id, x.article_id, l.title, l.status, l.date, l.outlet, x.start,
               x."end", x.text, x.speaker, x.speaker_start, x.speaker_end
        from (
          select kind, 'suggestion' as origin, id, article_id, start, "end", text,
                 speaker, speaker_start, speaker_end
          from suggestions where source_id = ? and status = 'open'
          union all
          select case label when 'QUOTE' then 'direct' else 'indirect' end, 'annotation', id, article_id,
                 start, "end", text, speaker, speaker_start, speaker_end
          from annotations where source_id = ? and deleted = 0 and label in ('QUOTE', 'PARAPHRASE')
        ) x join article_list l on l.id = x.article_id
        order by l.source, x.article_id, x.start, x.origin, x.id
        limit ? offset ?""",
        [source_id, source_id, limit, offset],
    ).fetchall()
    found = []
    for row in rows:
        kind, origin, id_, article_id, title, status, date, outlet = row[:8]
        start, end, text, speaker, s_start, s_end = row[8:]
        context_start, context = _context(conn, article_id, start, end)
        found.append(
            Attribution(
                kind,
                origin,
                id_,
                article_id,
                title,
                status,
                date,
                outlet,
                start,
                end,
                text,
                speaker,
                s_start,
                s_end,
                context,
                context_start,
            )
        )
    return found


def _context(conn: Queryable, article_id: str, start: int, end: int) -> tuple[int, str]:
    """(where it starts, the words) around [start, end): within its paragraph, at most
    _CONTEXT_CHARS either side, cut at word boundaries."""
    lo = max(0, start - _CONTEXT_CHARS)
    (window,) = conn.execute(
        "select substr(text, ?, ?) from articles where id = ?",
        [lo + 1, end + _CONTEXT_CHARS - lo, article_id],
    ).fetchone()
    left, right = window[: start - lo], window[end - lo :]
    if "\n" in left:
        left = left[left.rindex("\n") + 1 :]
    elif lo > 0 and " " in left:
        left = left[left.index(" ") + 1 :]
    if "\n" in right:
        right = right[: right.index("\n")]
    elif len(right) == _CONTEXT_CHARS and " " in right:
        right = right[: right.rindex(" ")]
    return start - len(left), left + window[start - lo : end - lo] + right
