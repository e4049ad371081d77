"""Reading import files: one-line errors naming the file, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

# What a record of the wrong shape raises while it is read (a number where a list of
# objects belongs, say): each becomes a `file:line` error, never a traceback.
MALFORMED_RECORD = (TypeError, KeyError, ValueError, AttributeError, IndexError)


def read_text(path: Path) -> str:
    """The file's text, exactly (no newline translation: offsets count every character).
    Raises ValueError with a one-line message naming the file."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ValueError(f"{path}: cannot read ({e.strerror or e})") from e
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from e


def json_lines(path: Path, errors: list[str]) -> Iterator[tuple[str, dict]]:
    """(`file:line`, record) for every line that is a JSON object with a "text" string;
    every other non-blank line adds a one-line error to `errors` and is skipped."""
    try:
        content = read_text(path)
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
