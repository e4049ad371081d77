"""Importing a path in any registered format (`newsmark.store.formats`): choosing the format
when none is given, refusing a path of the wrong kind, and saying when nothing was there."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from newsmark.store.db import retry_when_locked
from newsmark.store.formats import IMPORT_FORMATS, import_format_for
from newsmark.store.imports import ImportResult

if TYPE_CHECKING:
    from sqlite_utils import Database


@retry_when_locked
def import_path(
    db: Database, path: str | Path, fmt: str | None = None, encoding: str | None = None
) -> ImportResult:
    """Import a file or a folder in format `fmt`, guessed from the path when None; `encoding`
    is the user's --encoding, for files with no byte-order mark (see ingest.decode)."""
    path = Path(path)
    result = ImportResult()
    chosen = import_format_for(path) if fmt is None else IMPORT_FORMATS.get(fmt)
    if chosen is None:
        raise ValueError(f"unknown import format {fmt!r} (one of {', '.join(IMPORT_FORMATS)})")
    try:
        path.stat()
    except FileNotFoundError:
        result.errors.append(f"{path}: no such file or folder")
        return result
    except OSError as e:  # a folder on the way that this user may not enter, say
        result.errors.append(f"{path}: cannot be read ({e.strerror or e})")
        return result
    if chosen.reads == "file" and path.is_dir():
        result.errors.append(f"{path}: is a folder; {chosen.name} import reads one file")
        return result
    chosen.load_reader()(db, path, result, encoding=encoding)
    if not result.errors and not result.article_ids and not result.articles_present:
        # Silence here would read as success: say that nothing was there to import.
        result.errors.append(f"{path}: {chosen.nothing} to import as {chosen.name}")
    return result
