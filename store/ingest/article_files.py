"""Which files ingest takes as articles, and their text: .txt and .md files of at most
5 MiB, decoded, neither empty nor binary, line endings normalised to \\n.

The stored text is the file's text exactly (but for line endings), so every offset
newsmark writes is an offset into what the user's file says.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from newsmark.store.errors import IngestError
from newsmark.store.ingest.decode import DecodeError, bom_codec, decode_text
from newsmark.store.ingest.walk import InputFile, iter_files, shown_path

TEXT_SUFFIXES = (".txt", ".md")
# One article at most 5 MiB: a long report is 100-500 KB; the reader keeps a few
# per-character tables, so a 50 MB file would cost gigabytes on screen. Bigger
# files are refused before being read, with a message saying to split them.
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
BINARY_SNIFF_BYTES = 8192  # a NUL in these, with nothing saying the encoding, means a binary file


def too_big(path: str | Path, size: int) -> str:
    return (
        f"{shown_path(path)}: {size / 1_000_000:.1f} MB is over the "
        f"{MAX_ARTICLE_BYTES // (1024 * 1024)} MiB limit for one article; split it into smaller files"
    )


def iter_input_files(paths: Iterable[str | Path], errors: list[str]) -> Iterator[InputFile]:
    """Every .txt/.md file named or under a named folder (see walk.iter_files), but those
    over the size limit: each of those, like every other problem, is a line in `errors`."""
    for file in iter_files(paths, TEXT_SUFFIXES, errors):
        if file.size > MAX_ARTICLE_BYTES:
            errors.append(too_big(file.path, file.size))
        else:
            yield file


def article_text(path: str | Path, data: bytes, encoding: str | None = None) -> str:
    """The file's text as stored, or IngestError naming the file and what is wrong with it."""
    name = shown_path(path)
    if not data:
        raise IngestError(f"{name}: empty file")
    if len(data) > MAX_ARTICLE_BYTES:
        raise IngestError(too_big(path, len(data)))
    if bom_codec(data) is None and encoding is None:
        if not data.strip():
            raise IngestError(f"{name}: only whitespace, no text")
        if b"\x00" in data[:BINARY_SNIFF_BYTES]:
            raise IngestError(f"{name}: binary file, not text")
    try:
        text = decode_text(data, encoding)
    except DecodeError as e:
        raise IngestError(f"{name}: {e}") from e
    if "\x00" in text:
        raise IngestError(f"{name}: binary file, not text (it holds NUL characters)")
    text = normalise_line_endings(text)
    if not text.strip():
        raise IngestError(f"{name}: {'only whitespace, no text' if text else 'empty file'}")
    return text


def normalise_line_endings(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
