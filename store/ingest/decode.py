"""Decoding: a file's bytes as text, as ingest and import both read them.

The encoding is, in order: a byte-order mark, the user's --encoding, a declaration
at the file's start, else UTF-8. Nothing is guessed: bytes that do not decode
refuse the file, they are never replaced.
"""

from __future__ import annotations

import codecs
import re

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


def decode_text(data: bytes, encoding: str | None = None, *, declarations: bool = True) -> str:
    """The data as text, or DecodeError saying why not.

    The encoding is a byte-order mark, else `encoding` (the user's --encoding), else
    (when `declarations`) what the data's start declares, else UTF-8. Data files
    (JSON lines, brat's .ann) pass declarations=False: a declaration quoted in their
    first kilobyte is data, and the formats are UTF-8.
    """
    codec = bom_codec(data)
    if codec is not None:
        return _decode(data, codec, "its byte-order mark")
    if encoding is not None:
        codec = text_codec(encoding)
        if codec is None:
            raise DecodeError(f"unknown text encoding {encoding!r} (given with --encoding)")
        return _decode(data, codec, "--encoding")
    declared = declared_encoding(data) if declarations else None
    if declared is not None:
        codec = text_codec(declared)
        if codec is None:
            raise DecodeError(f"declares unknown text encoding {declared!r}")
        if codec.startswith(("utf-16", "utf-32")):
            # The declaration itself was readable as ASCII, so the file is not
            # UTF-16/32 (those would have NULs); browsers read such files as UTF-8.
            codec = "utf-8"
        if codec == "iso8859-1" and any(0x80 <= b < 0xA0 for b in data):
            # As browsers do: "latin-1" files with bytes 0x80-0x9F are Windows-1252
            # (curly quotes, dashes); in real latin-1 those are invisible controls.
            codec = "cp1252"
        return _decode(data, codec, f"its declared encoding {declared}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DecodeError(f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from e


def _decode(data: bytes, codec: str, because: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        raise DecodeError(
            f"not valid {codec} text as {because} says (byte 0x{data[e.start]:02x} at offset {e.start})"
        ) from e
