"""`newsmark export`: datasets out of the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tui.commands.common import (
    db_option,
    fail,
    open_or_fail,
)

EXPORT_FORMATS = ["jsonl", "csv"]


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl: one line per article, Prodigy's field names. csv: one row per annotation.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write ('-' for standard output).",
)
@click.option("--labels", default=None, help="Only these annotation labels, comma-separated.")
@click.option("--articles", default=None, help="Only these article ids, comma-separated.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@db_option
def export(
    fmt: str, out: Path, labels: str | None, articles: str | None, force: bool, db_path: Path | None
) -> None:
    """Write every annotation (and the entities) as a dataset."""
    from store.export import SpanMismatch, export_items
    from store.export.csv import write_csv
    from store.export.jsonl import write_jsonl

    db = open_or_fail(db_path)
    to_stdout = str(out) == "-"
    if not to_stdout and out.exists() and not force:
        fail(f"{out}: exists already; use --force to overwrite it")
    items = export_items(
        db,
        article_ids=[a.strip() for a in articles.split(",")] if articles else None,
        labels={label.strip().upper() for label in labels.split(",")} if labels else None,
    )
    writer = {"jsonl": write_jsonl, "csv": write_csv}[fmt]
    tmp = out.with_name(out.name + ".partial")
    try:
        if to_stdout:
            n = writer(items, sys.stdout)
        else:
            # Written aside and renamed, so a failed export never leaves half a file.
            with tmp.open("w", encoding="utf-8", newline="") as f:
                n = writer(items, f)
            tmp.replace(out)
    except KeyError as e:
        tmp.unlink(missing_ok=True)
        fail(f"export stopped: {e.args[0]}")
    except SpanMismatch as e:
        tmp.unlink(missing_ok=True)
        fail(f"export stopped: {e}")
    except OSError as e:
        tmp.unlink(missing_ok=True)
        fail(f"{out}: cannot write ({e.strerror or e})")
    if not to_stdout:
        unit = "articles" if fmt == "jsonl" else "annotations"
        click.echo(f"wrote {n} {unit} to {out}")
