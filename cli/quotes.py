"""`newsmark quotes`: suggested quotes, what the user decided about each, and who said it."""

from __future__ import annotations

from pathlib import Path

import click

from newsmark.cli.common import (
    db_option,
    fail,
    json_line,
    model_option,
    open_or_fail,
    run_analysis,
    table_or_jsonl_option,
)
from newsmark.store.events import SUGGESTION_STATUSES


def _statuses(_ctx: click.Context, param: click.Parameter, given: tuple[str, ...]) -> tuple[str, ...]:
    """--status open --status accepted, or --status open,accepted; none given: all of them."""
    chosen = [s.strip().lower() for value in given for s in value.split(",") if s.strip()]
    if unknown := [s for s in chosen if s not in SUGGESTION_STATUSES]:
        raise click.BadParameter(
            f"{', '.join(unknown)}: a status is one of {', '.join(SUGGESTION_STATUSES)}", param=param
        )
    return tuple(dict.fromkeys(chosen)) or SUGGESTION_STATUSES


@click.command()
@db_option
@model_option
@click.option("--article", "article_id", default=None, help="Only this article id.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    callback=_statuses,
    metavar="STATUS",
    help=f"Only suggestions with this status: {', '.join(SUGGESTION_STATUSES)} "
    "(repeat it, or separate with commas). Default: all.",
)
@table_or_jsonl_option("suggestion")
def quotes(
    db_path: Path | None, model: str, article_id: str | None, statuses: tuple[str, ...], fmt: str
) -> None:
    """Print the suggested quotes, each with its status (open, accepted, rejected) and
    who said it: for an accepted one, the speaker as you last set it (analysing first
    where needed)."""
    from newsmark.store.articles import unanalyzed_article_ids
    from newsmark.store.suggestions import suggestions_as_decided

    db = open_or_fail(db_path)
    pending = unanalyzed_article_ids(db)
    if article_id is not None:
        if db.execute("select 1 from articles where id = ?", [article_id]).fetchone() is None:
            fail(f"no article {article_id}")
        pending = [a for a in pending if a == article_id]
    run_analysis(db, pending, model, 1)
    rows = suggestions_as_decided(db, article_id, statuses=statuses)
    if fmt == "jsonl":
        for row in rows:
            click.echo(json_line(row))
        return
    from rich.console import Console
    from rich.table import Table

    from newsmark.tui.visible import literal

    table = Table("article", "quote", "speaker", "status", "cue", "score", show_lines=False)
    for row in rows:
        text = row["text"] if len(row["text"]) <= 70 else row["text"][:69] + "…"
        # Quotes, names and cues come from files: literal text, never markup.
        table.add_row(
            row["article"],
            literal(text),
            literal(row["speaker"] or "?"),
            row["status"],
            literal(row["cue"] or ""),
            f"{row['score']:.2f}",
        )
    Console().print(table)
