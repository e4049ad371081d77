"""`newsmark import`: articles and annotations in from other tools' datasets, in the registry's formats."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsmark.cli.common import db_option, echo, model_option, open_or_fail, processes_option
from newsmark.cli.ingest import analyse_unanalysed, encoding_option
from newsmark.store.formats import DEFAULT_IMPORT_FORMAT, IMPORT_FORMATS


def _or_list(words: list[str]) -> str:
    return " or ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def _default_format_help() -> str:
    """How the format is chosen when --format is not given (the registry's rule, in words)."""
    rules = [
        f"{f.name} for {_or_list((['a folder'] if f.reads == 'folder' else []) + list(f.suffixes))}"
        for f in IMPORT_FORMATS.values()
        if f.reads == "folder" or f.suffixes
    ]
    return f"Default: {'; '.join([*rules, f'else {DEFAULT_IMPORT_FORMAT}'])}."


@click.command(name="import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(IMPORT_FORMATS),
    default=None,
    help=" ".join(f"{f.name}: {f.description}." for f in IMPORT_FORMATS.values())
    + f" {_default_format_help()}",
)
@db_option
@model_option
@processes_option
@click.option(
    "--no-analyze", is_flag=True, help="Only store what PATH holds; analyse later (newsmark analyze)."
)
@encoding_option
def import_(
    path: Path,
    fmt: str | None,
    db_path: Path | None,
    model: str,
    processes: int,
    no_analyze: bool,
    encoding: str | None,
) -> None:
    """Add the articles and annotations in PATH (a file or a folder), then analyse them.

    An article already stored (same text) gets the annotations, not a duplicate;
    importing the same file twice adds nothing the second time. Bad lines are
    reported one per line, naming file and line, and the rest is imported; what
    newsmark has no place for is reported too. The articles read that are not
    analysed yet are analysed as ingest analyses them (entities, sentences, quotes),
    keeping the entities and decisions the file carries. Creates the database if
    needed. The exit code is 1 when any error was reported.
    """
    from newsmark.store.imports.reading import import_path

    db = open_or_fail(db_path, create=True)
    result = import_path(db, path, fmt, encoding)
    for error in result.errors:
        echo(f"newsmark: {error}", err=True)
    for notice in result.notices:
        echo(f"newsmark: note: {notice}", err=True)
    analysed = 0 if no_analyze else analyse_unanalysed(db, model, processes, among=result.article_ids)
    echo(f"{result.summary}; {analysed} analysed")
    sys.exit(1 if result.errors else 0)
