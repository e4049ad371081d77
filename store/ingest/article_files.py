"""Which files ingest takes, and the text of those that are one article each.

The registry of inputs: text (.txt, .md), saved web pages (.html, .htm: store.ingest.pages),
news dumps (.jsonl, .json, .csv: store.ingest.dumps) and crawls (.warc, .warc.gz:
store.ingest.crawls). A text file is one article of at most 5 MiB, decoded, neither empty
nor binary, line endings normalised to \\n; its stored text is the file's text exactly (but
for line endings), so every offset newsmark writes is an offset into what the user's file says.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from newsmark.store.errors import IngestError
from newsmark.store.ingest.decode import DecodeError, bom_codec, decode_text
from newsmark.store.ingest.walk import InputFile, iter_files, shown_path

TEXT_SUFFIXES = (".txt", ".md")
PAGE_SUFFIXES = (".html", ".htm")
DUMP_SUFFIXES = (".jsonl", ".json", ".csv")
CRAWL_SUFFIXES = (".warc", ".warc.gz")
INPUT_SUFFIXES = (*TEXT_SUFFIXES, *PAGE_SUFFIXES, *DUMP_SUFFIXES, *CRAWL_SUFFIXES)
InputKind = Literal["text", "page", "dump", "crawl"]
# One article at most 5 MiB: a long report is 100-500 KB; the reader keeps a few
# per-character tables, so a 50 MB file would cost gigabytes on screen. Bigger
# files are refused before being read, with a message saying to split them.
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
# One web page at most 20 MiB of HTML, trafilatura's own limit (its article is far smaller).
MAX_PAGE_BYTES = 20 * 1024 * 1024
BINARY_SNIFF_BYTES = 8192  # a NUL in these, with nothing saying the encoding, means a binary file


def input_kind(path: str) -> InputKind:
    """Which kind of input a listed file (one of INPUT_SUFFIXES) is."""
    lower = path.lower()
    if lower.endswith(TEXT_SUFFIXES):
        return "text"
    if lower.endswith(PAGE_SUFFIXES):
        return "page"
    if lower.endswith(DUMP_SUFFIXES):
        return "dump"
    return "crawl"


def too_big(path: str | Path, size: int) -> str:
    return (
        f"{shown_path(path)}: {size / 1_000_000:.1f} MB is over the "
        f"{MAX_ARTICLE_BYTES // (1024 * 1024)} MiB limit for one article; split it into smaller files"
    )


def iter_input_files(paths: Iterable[str | Path], errors: list[str]) -> Iterator[InputFile]:
    """Every input file named or under a named folder (see walk.iter_files), but texts and
    pages over their size limit: each of those, like every other problem, is a line in `errors`."""
    for file in iter_files(paths, INPUT_SUFFIXES, errors):
        kind = input_kind(file.path)
        if kind == "text" and file.size > MAX_ARTICLE_BYTES:
            errors.append(too_big(file.path, file.size))
        elif kind == "page" and file.size > MAX_PAGE_BYTES:
            errors.append(
                f"{shown_path(file.path)}: {file.size / 1_000_000:.1f} MB is over the"
                f" {MAX_PAGE_BYTES // (1024 * 1024)} MiB limit for one web page"
            )
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


def page_html(path: str | Path, data: bytes, encoding: str | None = None) -> str:
    """A saved page's HTML as text (decoded as a text file is), or IngestError."""
    name = shown_path(path)
    if not data.strip():
        raise IngestError(f"{name}: {'only whitespace, no text' if data else 'empty file'}")
    if len(data) > MAX_PAGE_BYTES:
        raise IngestError(f"{name}: over the {MAX_PAGE_BYTES // (1024 * 1024)} MiB limit for one web page")
    if bom_codec(data) is None and encoding is None and b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise IngestError(f"{name}: binary file, not a web page")
    try:
        return decode_text(data, encoding)
    except DecodeError as e:
        raise IngestError(f"{name}: {e}") from e
