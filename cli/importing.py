"""`newsmark import`: articles and annotations in from other tools' datasets."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsmark.cli.common import db_option, open_or_fail

IMPORT_FORMATS = ["jsonl", "brat", "doccano"]


@click.command(name="import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(IMPORT_FORMATS),
    default=None,
    help="jsonl: newsmark's export or Prodigy-style lines. brat: a folder of .txt/.ann (or one pair). "
    "doccano: doccano's JSONL. Default: brat for a folder, .ann or .txt; else jsonl.",
)
@db_option
def import_(path: Path, fmt: str | None, db_path: Path | None) -> None:
    """Add the articles and annotations in PATH (a file, or a brat folder).

    An article already stored (same text) gets the annotations, not a duplicate;
    importing the same file twice adds nothing the second time. Bad lines are
    reported one per line, naming file and line, and the rest is imported; what
    newsmark has no place for is reported too. Creates the database if needed.
    The exit code is 1 when any error was reported.
    """
    from newsmark.store.imports import import_path

    db = open_or_fail(db_path, create=True)
    result = import_path(db, path, fmt)
    for error in result.errors:
        click.echo(f"newsmark: {error}", err=True)
    for notice in result.notices:
        click.echo(f"newsmark: note: {notice}", err=True)
    click.echo(result.summary)
    sys.exit(1 if result.errors else 0)
