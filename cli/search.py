"""`newsmark search`: full-text search over titles and texts, as the library does it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from newsmark.cli.common import (
    Column,
    db_option,
    echo,
    fail,
    json_line,
    open_or_fail,
    print_table,
    table_or_jsonl_option,
)
from newsmark.store.wording import counted

# The id whole (`newsmark quotes --article ID` takes it); the title and snippet share the rest.
SEARCH_COLUMNS = (
    Column("id"),
    Column("title", min_width=20),
    Column("snippet", min_width=20),
)


def matching(total: int) -> str:
    """'1 article matches', '5 articles match': the same counting as the app's."""
    return f"{counted(total, 'article')} {'matches' if total == 1 else 'match'}"


@click.command()
@click.argument("query")
@db_option
@table_or_jsonl_option("article")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="At most this many.")
@click.option("--outlet", default=None, help="Only articles from an outlet whose name holds this (any case).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published from this day on.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published by this day.")
def search(
    query: str,
    db_path: Path | None,
    fmt: str,
    limit: int,
    outlet: str | None,
    since: datetime | None,
    until: datetime | None,
) -> None:
    """Find articles by words in their title or text, as the library's search box does:
    every word must be there, the last one may be the start of a longer word, "quoted
    words" are a phrase, and OR and NOT (in capitals) go between words
    (lavrov OR putin, lavrov NOT modi).

    Results come best first (a title match counts most), as in the library;
    when more than 5,000 articles match they come in the order they were added.
    """
    from newsmark.store.search import Matches, MetadataFilter, search_hits

    db = open_or_fail(db_path)
    # prefix: as in the library, where the last word is often still being typed.
    days = [day.date().isoformat() if day else None for day in (since, until)]
    only = MetadataFilter(outlet, *days) if outlet or since or until else None
    matches = Matches(db, query, prefix=True, only=only)
    if matches.problem is not None:
        fail(f"cannot search for '{query}': {matches.problem}")
    if matches.query is None:
        fail(f"nothing to search for in '{query}': it holds no word")
    hits = search_hits(matches, limit)
    if fmt == "jsonl":
        for hit in hits:
            row = hit.row
            record = {"id": row.id, "title": row.title, "source": row.source, "words": row.word_count}
            click.echo(json_line(record | {"snippet": hit.snippet}))
        return
    if not hits:
        among = f" {only.describe()}" if only else ""
        echo(f"No articles match '{query}'{among}.")
        return
    title = matching(len(matches))
    if len(matches) > len(hits):
        title += f" (the first {len(hits)} shown)"
    print_table(SEARCH_COLUMNS, [[hit.row.id, hit.row.title, hit.snippet] for hit in hits], title=title)
