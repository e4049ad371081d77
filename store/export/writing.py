"""Running an export in any registered format: to a path, or to standard output.

Shared by `newsmark export` and the app's export dialog; what each format is comes from
the registry (`newsmark.store.formats`). Nothing half-written is left behind: a file is
written aside and renamed, a folder filled aside and moved in.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from newsmark.store.export import ExportItem, export_items
from newsmark.store.formats import EXPORT_FORMATS, Companion, ExportFormat
from newsmark.store.wording import counted

if TYPE_CHECKING:
    from sqlite_utils import Database

# What a format that cannot go to standard output writes instead, as its refusal says.
NOT_A_STREAM = {"binary": "a binary file", "folder": "a folder"}


class ExportRefused(Exception):
    """The export would overwrite something, or --out is the wrong kind of path."""


def run_export(
    db: Database,
    name: str,
    out: Path,
    *,
    force: bool = False,
    article_ids: list[str] | None = None,
    labels: set[str] | None = None,
    status: str | None = None,
) -> str:
    """Export to `out` (with `status`, only the articles in it); returns the one-line summary.
    Raises ExportRefused, SpanMismatch, KeyError (an unknown article id) or OSError; nothing
    half-written is left behind."""
    fmt = _export_format(name)
    _check_destination(fmt, out, force=force)
    writer = _writer_for(fmt)
    items = export_items(db, article_ids=article_ids, labels=labels, status=status)
    n = _write_folder(writer, items, out) if fmt.writes == "folder" else _write_file(fmt, writer, items, out)
    summary = f"wrote {counted(n, fmt.counts)} to {out}"
    if fmt.companion is not None:
        summary += f"; {fmt.companion.what}: {_companion_path(fmt.companion, out)}"
    return summary


def export_to_stream(
    db: Database,
    name: str,
    stream: IO[str],
    *,
    article_ids: list[str] | None = None,
    labels: set[str] | None = None,
    status: str | None = None,
) -> int:
    """Export a text format to an open stream (standard output); returns how many were written.
    A companion file has no place to go, and is not written."""
    fmt = _export_format(name)
    if fmt.writes != "text":
        raise ExportRefused(f"--format {fmt.name} writes {NOT_A_STREAM[fmt.writes]}; give --out a path")
    items = export_items(db, article_ids=article_ids, labels=labels, status=status)
    return _write_text(fmt, _writer_for(fmt), items, stream, None)


def _export_format(name: str) -> ExportFormat:
    fmt = EXPORT_FORMATS.get(name)
    if fmt is None:
        raise ExportRefused(f"unknown export format {name!r} (one of {', '.join(EXPORT_FORMATS)})")
    return fmt


def overwrites(out: Path) -> bool:
    """Whether an export to `out` would replace what is there (a file, or a folder's files)."""
    return out.exists() and not (out.is_dir() and not any(out.iterdir()))


def _check_destination(fmt: ExportFormat, out: Path, *, force: bool) -> None:
    if out.is_dir() and fmt.writes != "folder":
        raise ExportRefused(f"{out}: is a folder; --format {fmt.name} writes a file")
    if out.exists() and not out.is_dir() and fmt.writes == "folder":
        raise ExportRefused(f"{out}: is a file; --format {fmt.name} writes a folder")
    if fmt.writes != "folder" and not out.parent.is_dir():  # a folder export makes its parents
        raise ExportRefused(f"{out.parent}: no such folder")
    if not force and overwrites(out):
        raise ExportRefused(f"{out}: exists already; use --force to overwrite it")


def _writer_for(fmt: ExportFormat) -> Callable[..., Any]:
    # Checked before anything is read or written: without spaCy, one plain line, not a traceback.
    if fmt.needs_spacy and importlib.util.find_spec("spacy") is None:
        raise ExportRefused(f"--format {fmt.name} needs spaCy, which is not installed (pip install spacy)")
    return fmt.load_writer()


def _companion_path(companion: Companion, out: Path) -> Path:
    return out.with_name(out.stem + companion.suffix)


def _write_text(
    fmt: ExportFormat,
    writer: Callable[..., Any],
    items: Iterable[ExportItem],
    stream: IO[str],
    out: Path | None,
) -> int:
    if fmt.companion is None:
        return writer(items, stream)
    n, companion_text = writer(items, stream)
    if out is not None:
        _companion_path(fmt.companion, out).write_text(companion_text, encoding="utf-8")
    return n


def _write_file(fmt: ExportFormat, writer: Callable[..., Any], items: Iterable[ExportItem], out: Path) -> int:
    # Written aside and renamed, so a failed export never leaves half a file.
    tmp = out.with_name(out.name + ".partial")
    try:
        if fmt.writes == "binary":
            n = writer(items, tmp)
        else:
            with tmp.open("w", encoding="utf-8", newline="") as f:
                n = _write_text(fmt, writer, items, f, out)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return n


def _write_folder(writer: Callable[..., Any], items: Iterable[ExportItem], out: Path) -> int:
    # Written into a fresh folder beside `out` and moved in only when complete; files in
    # `out` that the export does not write are left alone.
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".partial-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the export is an ordinary folder
    try:
        n = writer(items, tmp)
        if not out.exists():
            tmp.rename(out)
        else:
            for path in sorted(tmp.iterdir()):
                path.replace(out / path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return n
