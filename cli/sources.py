"""`newsmark sources`: every source across the corpus, with its aliases and how much it said."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsmark.cli.common import (
    Column,
    db_option,
    echo_csv,
    json_line,
    model_option,
    open_or_fail,
    print_table,
    run_analysis,
    table_or_jsonl_option,
)
from newsmark.store.sources.names import SOURCE_KINDS

if TYPE_CHECKING:
    from newsmark.store.db import Queryable
    from newsmark.store.sources.listing import SourceRow

# The fields of each source, in the order every format writes them.
FIELDS = ("id", "name", "aliases", "kind", "quotes", "paraphrases", "articles", "roles")
_PAGE = 1000


def all_sources(conn: Queryable, query: str, sort: str, kinds: tuple[str, ...] | None) -> Iterator[SourceRow]:
    """Every matching source, a page at a time."""
    from newsmark.store.sources.listing import list_sources

    after = None
    while page := list_sources(conn, query, sort=sort, kinds=kinds, limit=_PAGE, after=after):
        yield from page
        after = page[-1]


def _record(source: SourceRow) -> dict:
    return {
        "id": source.id,
        "name": source.name,
        "aliases": list(source.aliases),
        "kind": source.kind,
        "quotes": source.quotes,
        "paraphrases": source.paraphrases,
        "articles": source.articles,
        "roles": list(source.roles),
    }


@click.command()
@db_option
@model_option
@table_or_jsonl_option("source", spreadsheet=True)
@click.option(
    "--kind",
    "kinds",
    type=click.Choice(SOURCE_KINDS),
    multiple=True,
    help="Only sources of this kind (repeat it for several). Default: all.",
)
@click.option(
    "--sort",
    type=click.Choice(["count", "name"]),
    default="count",
    show_default=True,
    help="Most attributions first, or by name.",
)
@click.argument("query", required=False, default="")
def sources(
    db_path: Path | None, model: str, fmt: str, kinds: tuple[str, ...], sort: str, query: str
) -> None:
    """List the sources: one per person, organisation or unnamed source across the corpus,
    whatever the spelling, with the aliases the articles use and how many quotes,
    paraphrases and articles each has (analysing first where needed). QUERY keeps those
    with a name or alias holding its words, in any spelling ("sergei" finds Sergey)."""
    from newsmark.store.articles import unanalyzed_article_ids

    db = open_or_fail(db_path)
    run_analysis(db, unanalyzed_article_ids(db), model, 1)
    found = all_sources(db.conn, query, sort, kinds or None)
    if fmt == "jsonl":
        for source in found:
            click.echo(json_line(_record(source)))
    elif fmt == "csv":
        echo_csv(FIELDS, map(_record, found))
    else:
        _print_table(found)


# The name whole where it fits; the aliases take what is left, and the kind goes first
# when even that does not fit (a name mostly says whether it is a person).
SOURCE_COLUMNS = (
    Column("id", justify="right"),
    Column("name", min_width=16),
    Column("aliases", min_width=10),
    Column("kind", leave_out=1),
    Column("quotes", justify="right"),
    Column("paraphrases", justify="right"),
    Column("articles", justify="right"),
)


def _print_table(found: Iterator[SourceRow]) -> None:
    rows = [
        [
            str(source.id),
            source.name,
            ", ".join(source.aliases),
            source.kind,
            str(source.quotes),
            str(source.paraphrases),
            str(source.articles),
        ]
        for source in found
    ]
    print_table(SOURCE_COLUMNS, rows)
