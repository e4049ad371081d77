"""`newsmark search`: full-text search over titles and texts, as the library does it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from newsmark.cli.common import db_option, open_or_fail, table_or_jsonl_option


@click.command()
@click.argument("query")
@db_option
@table_or_jsonl_option("article")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="At most this many.")
def search(query: str, db_path: Path | None, fmt: str, limit: int) -> None:
    """Find articles by words in their title or text ("quoted words" are a phrase).

    Results come best first (a title match counts most), as in the library;
    when more than 5,000 articles match they come in the order they were added.
    """
    from newsmark.store.search import count_matches
    from newsmark.store.search import search as run_search

    db = open_or_fail(db_path)
    hits = run_search(db, query, limit=limit)
    if fmt == "jsonl":
        for hit in hits:
            row = hit.row
            record = {"id": row.id, "title": row.title, "source": row.source, "words": row.word_count}
            click.echo(json.dumps(record | {"snippet": hit.snippet}, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from newsmark.tui.visible import visible_glyph

    def shown(text: str) -> Text:
        # Titles and text come from files: controls are shown, never sent to the terminal.
        return Text("".join(visible_glyph(ch) for ch in text))

    total = count_matches(db, query)
    table = Table("id", "title", "snippet", title=f"{total} articles match", show_lines=False)
    for hit in hits:
        table.add_row(hit.row.id, shown(hit.row.title), shown(hit.snippet))
    Console().print(table)
