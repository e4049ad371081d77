"""Reading import files: one-line errors naming the file, never a traceback."""

from __future__ import annotations

from pathlib import Path


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
