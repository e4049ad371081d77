"""`newsmark quotes`: suggested attributions (direct quotes and paraphrases), what the user
decided about each, and who said it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsmark.cli.common import (
    Column,
    db_option,
    echo_csv,
    fail,
    json_line,
    model_option,
    open_or_fail,
    print_table,
    run_analysis,
    table_or_jsonl_option,
)
from newsmark.store.events import SUGGESTION_STATUSES
from newsmark.store.suggestions import SUGGESTION_KINDS

if TYPE_CHECKING:
    from sqlite_utils import Database

# At 80 columns: the quote, who said it (their source's id) and its status; the article,
# the source's name, the cue and the score come as the terminal widens.
QUOTE_COLUMNS = (
    Column("article", leave_out=1),
    Column("kind"),
    Column("quote", max_width=70, min_width=24),
    Column("speaker", min_width=16),
    Column("src", justify="right"),
    Column("source", min_width=16, leave_out=2),
    Column("status"),
    Column("cue", min_width=8, leave_out=3),
    Column("score", justify="right", leave_out=4),
)


# The csv: who said what, as decided (every suggestion, open ones too), where and when it
# was published, then what a script needs to find it again.
WHO_SAID_WHAT = (
    "source_name",
    "speaker",
    "kind",
    "text",
    "status",
    "title",
    "date",
    "outlet",
    "url",
    "article",
    "source_id",
    "id",
    "start",
    "end",
    "cue",
    "score",
)


def _with_publication(db: Database, rows: list[dict]) -> Iterator[dict]:
    """Each record with its article's title and publication (date, outlet, url)."""
    published: dict[str, dict] = {}
    for row in rows:
        if row["article"] not in published:
            found = db.execute(
                "select title, date, outlet, url from articles where id = ?", [row["article"]]
            ).fetchone()
            published[row["article"]] = dict(zip(("title", "date", "outlet", "url"), found, strict=True))
        yield {**row, **published[row["article"]]}


def _choices(
    allowed: tuple[str, ...], what: str
) -> Callable[[click.Context, click.Parameter, tuple[str, ...]], tuple[str, ...]]:
    """--status open --status accepted, or --status open,accepted; none given: all of them."""

    def chosen_values(_ctx: click.Context, param: click.Parameter, given: tuple[str, ...]) -> tuple[str, ...]:
        chosen = [s.strip().lower() for value in given for s in value.split(",") if s.strip()]
        if unknown := [s for s in chosen if s not in allowed]:
            raise click.BadParameter(
                f"{', '.join(unknown)}: a {what} is one of {', '.join(allowed)}", param=param
            )
        return tuple(dict.fromkeys(chosen)) or allowed

    return chosen_values


@click.command()
@db_option
@model_option
@click.option("--article", "article_id", default=None, help="Only this article id.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    callback=_choices(SUGGESTION_STATUSES, "status"),
    metavar="STATUS",
    help=f"Only suggestions with this status: {', '.join(SUGGESTION_STATUSES)} "
    "(repeat it, or separate with commas). Default: all.",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    callback=_choices(SUGGESTION_KINDS, "kind"),
    metavar="KIND",
    help="Only direct quotes or indirect attributions (paraphrases): direct, indirect. Default: both.",
)
@click.option(
    "--speaker",
    default=None,
    metavar="NAME",
    help="Only what this source said, by any name the articles call it "
    '("Sergei Lavrov" finds Sergey Lavrov too; see `newsmark sources`).',
)
@table_or_jsonl_option("suggestion", spreadsheet=True)
def quotes(
    db_path: Path | None,
    model: str,
    article_id: str | None,
    statuses: tuple[str, ...],
    kinds: tuple[str, ...],
    speaker: str | None,
    fmt: str,
) -> None:
    """Print the suggested attributions, each with its kind (direct quote or indirect),
    status (open, accepted, rejected), who said it and their source: for an accepted one,
    the speaker as you last set it (analysing first where needed)."""
    from newsmark.store.articles import unanalyzed_article_ids
    from newsmark.store.sources.listing import sources_named
    from newsmark.store.suggestions import suggestions_as_decided

    db = open_or_fail(db_path)
    pending = unanalyzed_article_ids(db)
    if article_id is not None:
        if db.execute("select 1 from articles where id = ?", [article_id]).fetchone() is None:
            fail(f"no article {article_id}")
        pending = [a for a in pending if a == article_id]
    run_analysis(db, pending, model, 1)
    source_ids = sources_named(db.conn, speaker) if speaker is not None else None
    rows = suggestions_as_decided(db, article_id, statuses=statuses, kinds=kinds, source_ids=source_ids)
    if fmt == "jsonl":
        for row in rows:
            click.echo(json_line(row))
        return
    if fmt == "csv":
        echo_csv(WHO_SAID_WHAT, _with_publication(db, rows))
        return
    print_table(
        QUOTE_COLUMNS,
        [
            [
                row["article"],
                row["kind"],
                row["text"],
                row["speaker"] or "?",
                "" if row["source_id"] is None else str(row["source_id"]),
                row["source_name"] or "",
                row["status"],
                row["cue"] or "",
                f"{row['score']:.2f}",
            ]
            for row in rows
        ],
    )
