"""`newsmark ingest` and `newsmark analyze`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from newsmark.cli.common import (
    _stderr_console,
    db_option,
    echo,
    fail,
    model_option,
    open_or_fail,
    processes_option,
    run_analysis,
)


def _known_text_encoding(_ctx: click.Context, _param: click.Parameter, name: str | None) -> str | None:
    if name is None:
        return None
    # Imported here, as the commands import the store: off the start path of every command.
    from newsmark.store.ingest.decode import text_codec

    if text_codec(name) is None:
        fail(f"--encoding {name}: not a known text encoding")
    return name


def encoding_option(f: Callable) -> Callable:
    """--encoding NAME, for ingest and import: an unknown name stops the command before it starts."""
    return click.option(
        "--encoding",
        default=None,
        metavar="NAME",
        callback=_known_text_encoding,
        help="Text encoding of files with no byte-order mark (e.g. latin-1, cp1252, utf-16-le). "
        "Default: what the file declares, else UTF-8; files that do not decode are skipped.",
    )(f)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@model_option
@processes_option
@click.option("--no-analyze", is_flag=True, help="Only store the text; analyse later (newsmark analyze).")
@encoding_option
def ingest(
    paths: tuple[Path, ...],
    db_path: Path | None,
    model: str,
    processes: int,
    no_analyze: bool,
    encoding: str | None,
) -> None:
    """Add .txt and .md files (or folders of them) as articles, then analyse them.

    Ingest is idempotent: a text already stored is not added twice. A file whose
    text changed since it was ingested becomes a new version of its article (the
    old text and its annotations stay). Files that cannot be read, and files over
    5 MiB, are reported one per line and skipped; the exit code is 1 when any was.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from newsmark.store.ingest import ingest_paths

    db = open_or_fail(db_path, create=True)
    result = None
    try:
        columns = TextColumn("reading"), BarColumn(), MofNCompleteColumn()
        with Progress(*columns, console=_stderr_console()) as p:
            task = p.add_task("read", total=None)
            result = ingest_paths(
                db, paths, on_file=lambda _p, n, t: p.update(task, completed=n, total=t), encoding=encoding
            )
    except KeyboardInterrupt:
        if result is None:  # one transaction: it rolled back, whatever the bar showed
            fail("interrupted: no file was added (an ingest is stored whole or not at all)")
        fail(f"interrupted after the files were stored: {result.summary}; none analysed")
    for error in result.errors:
        echo(f"newsmark: skipped {error}", err=True)
    analysed = 0
    if not no_analyze:
        from newsmark.store.articles import unanalyzed_article_ids

        analysed = run_analysis(db, unanalyzed_article_ids(db), model, processes)
    echo(f"{result.summary}; {analysed} analysed")
    sys.exit(1 if result.errors else 0)


@click.command()
@db_option
@model_option
@processes_option
@click.option("--all", "everything", is_flag=True, help="Re-analyse every article, not only new ones.")
def analyze(db_path: Path | None, model: str, processes: int, everything: bool) -> None:
    """Analyse articles not analysed yet (entities, sentences, quotes); resumable."""
    from newsmark.store.articles import unanalyzed_article_ids

    db = open_or_fail(db_path)
    if everything:
        ids = [r[0] for r in db.execute("select id from articles order by rowid")]
    else:
        ids = unanalyzed_article_ids(db)
    done = run_analysis(db, ids, model, processes)
    click.echo(f"{done} analysed")
