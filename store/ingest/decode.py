"""Decoding: a file's bytes as text, as ingest and import both read them.

The encoding is, in order: a byte-order mark, the user's --encoding (for a page in a
crawl: its HTTP header's charset), a declaration at the file's start, else UTF-8.
Nothing is guessed: bytes that do not decode refuse the file, they are never replaced.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

# Where a declared encoding is looked for: an HTML <meta charset> or an XML
# declaration in the first kilobyte, or an editor's `-*- coding: X -*-` or
# `vim: fileencoding=X` on one of the first two lines (as PEP 263 has it, so
# prose that happens to say "coding:" further down declares nothing).
DECLARATION_BYTES = 1024
MARKUP_ENCODING = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([-\w.:]+)|<\?xml[^>]*?encoding\s*=\s*["']([-\w.:]+)["']""",
    re.IGNORECASE,
)
EDITOR_ENCODING = re.compile(rb"(?:-\*-|\bvim?:).*?\b(?:file)?(?:en)?coding[:=]\s*([-\w.]+)", re.IGNORECASE)
BOMS = [  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


class DecodeError(ValueError):
    """Bytes that are not text in the encoding chosen; the message is one line, without the file's name."""


def bom_codec(data: bytes) -> str | None:
    """The codec the data's byte-order mark names (one that drops the mark), if it starts with one."""
    return next((codec for bom, codec in BOMS if data.startswith(bom)), None)


def declared_encoding(data: bytes) -> str | None:
    """The encoding the data's start says it is in (HTML, XML or editor declaration)."""
    head = data[:DECLARATION_BYTES]
    match = MARKUP_ENCODING.search(head) or EDITOR_ENCODING.search(b"\n".join(head.split(b"\n", 2)[:2]))
    if match is None:
        return None
    return next(g for g in match.groups() if g).decode("ascii", "replace")


def text_codec(name: str) -> str | None:
    """Python's name for a text encoding, or None (unknown, or bytes-to-bytes like rot13)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode_text(
    data: bytes, encoding: str | None = None, *, declarations: bool = True, header_charset: str | None = None
) -> str:
    """The data as text, or DecodeError saying why not.

    The encoding is a byte-order mark, else `encoding` (the user's --encoding), else
    `header_charset` (a crawled page's HTTP Content-Type charset, when it names a known
    encoding), else (when `declarations`) what the data's start declares, else UTF-8.
    Data files (JSON lines, brat's .ann) pass declarations=False: a declaration quoted
    in their first kilobyte is data, and the formats are UTF-8.
    """
    codec = bom_codec(data)
    if codec is not None:
        return _decode(data, codec, "its byte-order mark")
    if encoding is not None:
        codec = text_codec(encoding)
        if codec is None:
            raise DecodeError(f"unknown text encoding {encoding!r} (given with --encoding)")
        return _decode(data, codec, "--encoding")
    if header_charset is not None and (codec := text_codec(header_charset)) is not None:
        return _decode(
            data, _latin1_as_browsers_read(codec, data), f"its HTTP header's charset {header_charset}"
        )
    declared = declared_encoding(data) if declarations else None
    if declared is not None:
        codec = text_codec(declared)
        if codec is None:
            raise DecodeError(f"declares unknown text encoding {declared!r}")
        if codec.startswith(("utf-16", "utf-32")):
            # The declaration itself was readable as ASCII, so the file is not
            # UTF-16/32 (those would have NULs); browsers read such files as UTF-8.
            codec = "utf-8"
        return _decode(data, _latin1_as_browsers_read(codec, data), f"its declared encoding {declared}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DecodeError(f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from e


def _latin1_as_browsers_read(codec: str, data: bytes) -> str:
    """As browsers do: "latin-1" data with bytes 0x80-0x9F is Windows-1252 (curly quotes,
    dashes); in real latin-1 those are invisible controls."""
    if codec == "iso8859-1" and any(0x80 <= b < 0xA0 for b in data):
        return "cp1252"
    return codec


def _decode(data: bytes, codec: str, because: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        raise DecodeError(
            f"not valid {codec} text as {because} says (byte 0x{data[e.start]:02x} at offset {e.start})"
        ) from e


def data_lines(f: BinaryIO, encoding: str | None = None) -> Iterator[str | DecodeError]:
    """A data file's lines (JSON lines, CSV), each with its line end, decoded one at a time:
    a line that does not decode is a DecodeError in its place, and the next lines are read.

    The encoding is a byte-order mark, else `encoding`, else UTF-8 (data declares nothing).
    UTF-16 and UTF-32, whose line ends are several bytes, are decoded as one stream, where
    the first byte that does not decode ends the file. Nothing is read all at once: a dump
    may be larger than memory.
    """
    head = f.read(4)
    codec = bom_codec(head)
    if codec is None and encoding is not None:
        codec = text_codec(encoding)
        if codec is None:
            yield DecodeError(f"unknown text encoding {encoding!r} (given with --encoding)")
            return
    because = "its byte-order mark" if bom_codec(head) else "--encoding" if encoding else None
    if codec is not None and codec.startswith(("utf-16", "utf-32")):
        f.seek(0)
        stream = io.TextIOWrapper(f, encoding=codec, newline="")
        try:
            yield from stream
        except UnicodeDecodeError as e:
            yield DecodeError(f"not valid {codec} text as {because} says (byte 0x{e.object[e.start]:02x})")
        finally:
            stream.detach()  # the caller closes the file
        return
    if codec == "utf-8-sig":
        codec = "utf-8"
        f.seek(3)
    else:
        f.seek(0)
    codec = codec or "utf-8"
    for raw in f:
        try:
            yield raw.decode(codec)
        except UnicodeDecodeError as e:
            where = f"byte 0x{raw[e.start]:02x} at offset {e.start} of the line"
            yield DecodeError(
                f"not valid {codec} text as {because} says ({where})"
                if because
                else f"not UTF-8 text ({where})"
            )
