"""`newsmark export`: datasets out of the store, in any format of the registry."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsmark.cli.common import db_option, echo, fail, open_or_fail
from newsmark.store.formats import EXPORT_FORMATS

FOLDER_FORMATS = " and ".join(f.name for f in EXPORT_FORMATS.values() if f.writes == "folder")


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="jsonl",
    show_default=True,
    help=" ".join(f"{f.name}: {f.description}." for f in EXPORT_FORMATS.values()),
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="File to write ('-' for standard output)"
    + (f"; for {FOLDER_FORMATS}, a folder." if FOLDER_FORMATS else "."),
)
@click.option("--labels", default=None, help="Only these annotation labels, comma-separated.")
@click.option("--articles", default=None, help="Only these article ids, comma-separated.")
@click.option(
    "--status",
    type=click.Choice(["done", "all"]),
    default="all",
    show_default=True,
    help="done: only the articles marked done; all: every article (jsonl marks the others 'ignore').",
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@db_option
def export(
    fmt: str,
    out: Path,
    labels: str | None,
    articles: str | None,
    status: str,
    force: bool,
    db_path: Path | None,
) -> None:
    """Write every annotation and the corrected entities as a dataset."""
    from newsmark.store.export import SpanMismatch
    from newsmark.store.export.writing import ExportRefused, export_to_stream, run_export

    db = open_or_fail(db_path)
    article_ids = [a.strip() for a in articles.split(",")] if articles else None
    label_set = {label.strip().upper() for label in labels.split(",")} if labels else None
    only = None if status == "all" else status
    try:
        if str(out) == "-":
            export_to_stream(db, fmt, sys.stdout, article_ids=article_ids, labels=label_set, status=only)
            return
        summary = run_export(
            db, fmt, out, force=force, article_ids=article_ids, labels=label_set, status=only
        )
    except ExportRefused as e:
        fail(str(e))
    except KeyError as e:
        fail(f"export stopped: {e.args[0]}")
    except SpanMismatch as e:
        fail(f"export stopped: {e}")
    except OSError as e:
        fail(f"{out}: cannot write ({e.strerror or e})")
    for line in summary.split("; "):
        echo(line)
