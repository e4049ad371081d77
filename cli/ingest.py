"""`newsmark ingest` and `newsmark analyze`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from rich.console import Console
    from sqlite_utils import Database


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


def _field_names(_ctx: click.Context, _param: click.Parameter, options: tuple[str, ...]) -> dict[str, str]:
    from newsmark.store.ingest.records import field_names

    try:
        return field_names(options)
    except ValueError as e:
        fail(str(e))


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@model_option
@processes_option
@click.option("--no-analyze", is_flag=True, help="Only store the text; analyse later (newsmark analyze).")
@encoding_option
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="NAME=FIELD",
    callback=_field_names,
    help="In .jsonl, .json and .csv dumps, the field (or column) holding an article's NAME: "
    "title, text, date, url, outlet or author (e.g. --field text=story_body). Repeatable; "
    "without it the usual names are recognised, in any case (text, body, content, article; title, "
    "headline; date, published, published_at, pubDate; url, link; outlet, source, publisher, site; "
    "author, byline).",
)
def ingest(
    paths: tuple[Path, ...],
    db_path: Path | None,
    model: str,
    processes: int,
    no_analyze: bool,
    encoding: str | None,
    fields: dict[str, str],
) -> None:
    """Add articles from files or folders of them, then analyse them.

    Text (.txt, .md): a file is an article. Saved web pages (.html, .htm): the
    article's main text, without menus, banners or footers, with its title, date,
    author, outlet and URL. Dumps (.jsonl, .json arrays, .csv): an article per
    record. Crawls (.warc, .warc.gz): an article per HTML page; other records
    (images, redirects) are left out and counted.

    Ingest is idempotent: a text already stored is not added twice. A file whose
    text changed since it was ingested becomes a new version of its article (the
    old text and its annotations stay). Files and records that cannot be read
    (pages with no article, text files over 5 MiB, bad JSON lines) are reported
    one per line, as FILE: problem or FILE:LINE: problem (for a JSON array, the
    record's number; for a crawl, the record's byte offset), and skipped; the exit
    code is 1 when any was.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from newsmark.store.ingest import ingest_paths

    db = open_or_fail(db_path, create=True)
    result = None
    console = _stderr_console()
    try:
        columns = TextColumn("reading"), BarColumn(), MofNCompleteColumn()
        with Progress(*columns, console=console) as p:
            task = p.add_task("read", total=None)
            result = ingest_paths(
                db,
                paths,
                on_file=lambda _p, n, t: p.update(task, completed=n, total=t),
                encoding=encoding,
                fields=fields,
            )
    except KeyboardInterrupt:
        _end_line(console)
        if result is None:  # one transaction: it rolled back, whatever the bar showed
            fail("interrupted: no file was added (an ingest is stored whole or not at all)")
        fail(f"interrupted after the files were stored: {result.summary}; none analysed")
    _end_line(console)
    for error in result.errors:
        echo(f"newsmark: skipped {error}", err=True)
    analysed = 0 if no_analyze else analyse_unanalysed(db, model, processes)
    echo(f"{result.summary}; {analysed} analysed")
    sys.exit(1 if result.errors else 0)


def analyse_unanalysed(db: Database, model: str, processes: int, among: list[str] | None = None) -> int:
    """Analyse, with a progress bar, the articles not analysed yet (of `among`, when given), as
    ingest and import do once they have stored what they read; returns how many."""
    from newsmark.store.articles import unanalyzed_article_ids

    ids = unanalyzed_article_ids(db)
    if among is not None:
        wanted = set(among)
        ids = [article_id for article_id in ids if article_id in wanted]
    return run_analysis(db, ids, model, processes)


def _end_line(console: Console) -> None:
    """The bar's last line written out, ended, before any other line: the summary goes to
    stdout and the bar to stderr, two streams buffered apart, and one must never be
    printed into the other's line. (Rich ends the bar's line in a terminal itself.)"""
    console.file.flush()
