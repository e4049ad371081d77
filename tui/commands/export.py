"""`newsmark export`: datasets out of the store."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import click

from tui.commands.common import (
    db_option,
    fail,
    open_or_fail,
)

EXPORT_FORMATS = ["jsonl", "csv", "spacy", "conll", "brat", "doccano", "labelstudio"]
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
    from store.export import SpanMismatch, export_items

    db = open_or_fail(db_path)
    to_stdout = str(out) == "-"
    if to_stdout and fmt in ("spacy", "brat"):
        fail(f"--format {fmt} writes {'a folder' if fmt == 'brat' else 'a binary file'}; give --out a path")
    if not to_stdout:
        if out.is_dir() and fmt != "brat":
            fail(f"{out}: is a folder; --format {fmt} writes a file")
        if out.exists() and not out.is_dir() and fmt == "brat":
            fail(f"{out}: is a file; --format brat writes a folder")
        if out.exists() and not force and not (out.is_dir() and not any(out.iterdir())):
            fail(f"{out}: exists already; use --force to overwrite it")
    items = export_items(
        db,
        article_ids=[a.strip() for a in articles.split(",")] if articles else None,
        labels={label.strip().upper() for label in labels.split(",")} if labels else None,
    )
    try:
        if to_stdout:
            n = _write_stream(fmt, items, sys.stdout, None)
        elif fmt == "brat":
            n = _write_brat(items, out)
        else:
            n = _write_file(fmt, items, out)
    except KeyError as e:
        fail(f"export stopped: {e.args[0]}")
    except SpanMismatch as e:
        fail(f"export stopped: {e}")
    except OSError as e:
        fail(f"{out}: cannot write ({e.strerror or e})")
    if not to_stdout:
        unit = "annotations" if fmt == "csv" else "articles"
        click.echo(f"wrote {n} {unit} to {out}")
        if fmt == "labelstudio":
            click.echo(f"labeling config for Label Studio: {_config_path(out)}")


def _config_path(out: Path) -> Path:
    return out.with_name(out.stem + ".config.xml")


def _write_stream(fmt: str, items, stream, out: Path | None) -> int:
    from store.export.conll import write_conll
    from store.export.csv import write_csv
    from store.export.doccano import write_doccano
    from store.export.jsonl import write_jsonl
    from store.export.labelstudio import write_labelstudio

    if fmt == "labelstudio":
        n, config = write_labelstudio(items, stream)
        if out is not None:
            _config_path(out).write_text(config, encoding="utf-8")
        return n
    writer = {"jsonl": write_jsonl, "csv": write_csv, "doccano": write_doccano, "conll": write_conll}[fmt]
    return writer(items, stream)


def _write_file(fmt: str, items, out: Path) -> int:
    # Written aside and renamed, so a failed export never leaves half a file.
    tmp = out.with_name(out.name + ".partial")
    try:
        if fmt == "spacy":
            from nlp.export_spacy import write_spacy

            n = write_spacy(items, tmp)
        else:
            with tmp.open("w", encoding="utf-8", newline="") as f:
                n = _write_stream(fmt, items, f, out)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return n


def _write_brat(items, out: Path) -> int:
    from store.export.brat import write_brat

    # Written into a fresh folder beside --out and moved in only when complete; files in
    # --out that the export does not write are left alone.
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".partial-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the export is an ordinary folder
    try:
        n = write_brat(items, tmp)
        if not out.exists():
            tmp.rename(out)
        else:
            for path in sorted(tmp.iterdir()):
                path.replace(out / path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return n
