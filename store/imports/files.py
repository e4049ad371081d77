"""Reading import files: decoded as ingest decodes, one-line errors naming the file, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from newsmark.store.ingest.article_files import TEXT_SUFFIXES
from newsmark.store.ingest.decode import DecodeError, decode_text
from newsmark.store.ingest.walk import has_suffix, shown_path

# What a record of the wrong shape raises while it is read (a number where a list of
# objects belongs, say): each becomes a `file:line` error, never a traceback.
MALFORMED_RECORD = (TypeError, KeyError, ValueError, AttributeError, IndexError)


def read_text(path: Path, encoding: str | None = None) -> str:
    """The file's text, exactly (no newline translation: offsets count every character).
    Raises ValueError with a one-line message naming the file.

    Decoded as ingest decodes (decode.decode_text): a byte-order mark, else `encoding`,
    else, in a text file (.txt), what it declares, else UTF-8. In JSON lines and brat's
    .ann files a declaration in the first kilobyte would be quoted data, not the file's.
    """
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ValueError(f"{shown_path(path)}: cannot read ({e.strerror or e})") from e
    try:
        return decode_text(data, encoding, declarations=has_suffix(path.name, TEXT_SUFFIXES))
    except DecodeError as e:
        raise ValueError(f"{shown_path(path)}: {e}") from e


def json_lines(path: Path, errors: list[str], encoding: str | None = None) -> Iterator[tuple[str, dict]]:
    """(`file:line`, record) for every line that is a JSON object with a "text" string;
    every other non-blank line adds a one-line error to `errors` and is skipped."""
    try:
        content = read_text(path, encoding)
    except ValueError as e:
        errors.append(str(e))
        return
    for lineno, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"{where}: not JSON ({e.msg} at column {e.colno})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            errors.append(f'{where}: not an object with a "text" string')
            continue
        yield where, record
