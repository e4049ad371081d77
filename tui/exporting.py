"""Writing an export to a path: shared by `newsmark export` and the app's export dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # at run time sqlite-utils comes through store._sqlite_utils, without numpy
    from sqlite_utils import Database

import os
import shutil
import tempfile
from pathlib import Path

EXPORT_FORMATS = ["jsonl", "csv", "spacy", "conll", "brat", "doccano", "labelstudio"]
EXTENSIONS = {
    "jsonl": ".jsonl",
    "csv": ".csv",
    "spacy": ".spacy",
    "conll": ".conll",
    "brat": "",
    "doccano": ".doccano.jsonl",
    "labelstudio": ".labelstudio.json",
}


class ExportRefused(Exception):
    """The export would overwrite something, or --out is the wrong kind of path."""


def check_destination(fmt: str, out: Path, *, force: bool) -> None:
    if out.is_dir() and fmt != "brat":
        raise ExportRefused(f"{out}: is a folder; --format {fmt} writes a file")
    if out.exists() and not out.is_dir() and fmt == "brat":
        raise ExportRefused(f"{out}: is a file; --format brat writes a folder")
    if out.exists() and not force and not (out.is_dir() and not any(out.iterdir())):
        raise ExportRefused(f"{out}: exists already; use --force to overwrite it")


def run_export(
    db: Database,
    fmt: str,
    out: Path,
    *,
    force: bool = False,
    article_ids: list[str] | None = None,
    labels: set[str] | None = None,
) -> str:
    """Export to `out`; returns the one-line summary. Raises ExportRefused, SpanMismatch,
    KeyError (an unknown article id) or OSError; nothing half-written is left behind."""
    from newsmark.store.export import export_items

    check_destination(fmt, out, force=force)
    items = export_items(db, article_ids=article_ids, labels=labels)
    n = write_brat_folder(items, out) if fmt == "brat" else write_file(fmt, items, out)
    unit = "annotations" if fmt == "csv" else "articles"
    summary = f"wrote {n} {unit} to {out}"
    if fmt == "labelstudio":
        summary += f"; labeling config for Label Studio: {config_path(out)}"
    return summary


def config_path(out: Path) -> Path:
    return out.with_name(out.stem + ".config.xml")


def write_stream(fmt: str, items, stream, out: Path | None) -> int:
    from newsmark.store.export.conll import write_conll
    from newsmark.store.export.csv import write_csv
    from newsmark.store.export.doccano import write_doccano
    from newsmark.store.export.jsonl import write_jsonl
    from newsmark.store.export.labelstudio import write_labelstudio

    if fmt == "labelstudio":
        n, config = write_labelstudio(items, stream)
        if out is not None:
            config_path(out).write_text(config, encoding="utf-8")
        return n
    writer = {"jsonl": write_jsonl, "csv": write_csv, "doccano": write_doccano, "conll": write_conll}[fmt]
    return writer(items, stream)


def write_file(fmt: str, items, out: Path) -> int:
    # Written aside and renamed, so a failed export never leaves half a file.
    tmp = out.with_name(out.name + ".partial")
    try:
        if fmt == "spacy":
            from newsmark.nlp.export_spacy import write_spacy

            n = write_spacy(items, tmp)
        else:
            with tmp.open("w", encoding="utf-8", newline="") as f:
                n = write_stream(fmt, items, f, out)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return n


def write_brat_folder(items, out: Path) -> int:
    from newsmark.store.export.brat import write_brat

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
