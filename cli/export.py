"""`newsmark export`: datasets out of the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsmark.cli.common import (
    db_option,
    fail,
    open_or_fail,
)
from newsmark.tui.exporting import EXPORT_FORMATS

FORMAT_HELP = (
    "jsonl: one line per article, Prodigy's field names (spans, relations, entities, quotes). "
    "csv: one row per annotation. spacy: a DocBin (.spacy) for spacy train. "
    "conll: CoNLL-2003 IOB for the entities. brat: a folder of .txt/.ann files. "
    "doccano: doccano's JSONL. labelstudio: Label Studio tasks JSON (and its labeling config)."
)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="jsonl",
    show_default=True,
    help=FORMAT_HELP,
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="File to write ('-' for standard output); for brat, a folder.",
)
@click.option("--labels", default=None, help="Only these annotation labels, comma-separated.")
@click.option("--articles", default=None, help="Only these article ids, comma-separated.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@db_option
def export(
    fmt: str, out: Path, labels: str | None, articles: str | None, force: bool, db_path: Path | None
) -> None:
    """Write every annotation and the corrected entities as a dataset."""
    from newsmark.store.export import SpanMismatch, export_items
    from newsmark.tui.exporting import ExportRefused, run_export, write_stream

    db = open_or_fail(db_path)
    article_ids = [a.strip() for a in articles.split(",")] if articles else None
    label_set = {label.strip().upper() for label in labels.split(",")} if labels else None
    try:
        if str(out) == "-":
            if fmt in ("spacy", "brat"):
                kind = "a folder" if fmt == "brat" else "a binary file"
                fail(f"--format {fmt} writes {kind}; give --out a path")
            write_stream(fmt, export_items(db, article_ids=article_ids, labels=label_set), sys.stdout, None)
            return
        summary = run_export(db, fmt, out, force=force, article_ids=article_ids, labels=label_set)
    except ExportRefused as e:
        fail(str(e))
    except KeyError as e:
        fail(f"export stopped: {e.args[0]}")
    except SpanMismatch as e:
        fail(f"export stopped: {e}")
    except OSError as e:
        fail(f"{out}: cannot write ({e.strerror or e})")
    for line in summary.split("; "):
        click.echo(line)
