"""`newsmark quotes`: suggested quotes and their speakers."""

from __future__ import annotations

import json
from pathlib import Path

import click

from newsmark.cli.common import (
    db_option,
    fail,
    model_option,
    open_or_fail,
    run_analysis,
    table_or_jsonl_option,
)


@click.command()
@db_option
@model_option
@click.option("--article", "article_id", default=None, help="Only this article id.")
@table_or_jsonl_option("suggestion")
def quotes(db_path: Path | None, model: str, article_id: str | None, fmt: str) -> None:
    """Print the suggested direct quotes and who said them (analysing first where needed)."""
    from newsmark.store.articles import unanalyzed_article_ids
    from newsmark.store.suggestions import suggestions_for

    db = open_or_fail(db_path)
    pending = unanalyzed_article_ids(db)
    if article_id is not None:
        if db.execute("select 1 from articles where id = ?", [article_id]).fetchone() is None:
            fail(f"no article {article_id}")
        pending = [a for a in pending if a == article_id]
    run_analysis(db, pending, model, 1)
    rows = suggestions_for(db, article_id)
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("article", "quote", "speaker", "cue", "score", show_lines=False)
    for row in rows:
        text = row["text"] if len(row["text"]) <= 70 else row["text"][:69] + "…"
        table.add_row(row["article"], text, row["speaker"] or "?", row["cue"] or "", f"{row['score']:.2f}")
    Console().print(table)
