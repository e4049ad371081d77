"""Turning files into articles: decode, normalise line endings, title, store once.

The stored text is the file's text exactly (line endings normalised to \\n), so
every offset newsmark writes is an offset into what the user's file says.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from store.articles import article_id_for, now_iso
from store.errors import IngestError
from store.versions import link_versions

if TYPE_CHECKING:
    from sqlite_utils import Database

TEXT_SUFFIXES = {".txt", ".md"}
# One article at most 5 MiB: a long report is 100-500 KB; the reader keeps a few
# per-character tables, so a 50 MB file would cost gigabytes on screen. Bigger
# files are refused before being read, with a message saying to split them.
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
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
MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 30
FALLBACK_TITLE_CHARS = 80
INSERT_BATCH = 1000
BULK_FTS_MIN = 1000  # files from which FTS indexing waits for the end of the load
WORD = re.compile(r"\w+(?:[’'\-]\w+)*")


@dataclass
class IngestResult:
    added: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"{len(self.added)} added, {len(self.present)} already present, {len(self.errors)} skipped"


def shown_path(path: str | Path) -> str:
    """A path as one safe line: control characters, bidi marks and undecodable bytes escaped."""
    text = str(path)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif 0xDC80 <= ord(ch) <= 0xDCFF:  # a byte the file system name did not decode
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def _name_problem(path: Path) -> str | None:
    """Why a file name cannot be stored and shown as a source, if it cannot."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8; rename the file"
    if not str(path).isprintable():
        return "file name holds control characters; rename the file"
    return None


def iter_input_files(paths: Iterable[str | Path], errors: list[str]) -> Iterator[Path]:
    """Every .txt/.md file named or under a named folder, sorted, each once, as an
    absolute path (so a file re-ingested from another folder is still the same source).

    Problems go to `errors`, one line each: missing files, symbolic link loops,
    unreadable folders, file names that cannot be stored, files over the size limit.
    """
    seen: set[Path] = set()

    def accepted(path: Path, real_folder: Path | None = None) -> bool:
        try:
            # Resolving every file costs ~60 us each; a plain file in a folder already
            # resolved is that folder's real path plus its name.
            if real_folder is not None and not path.is_symlink():
                real = real_folder / path.name
            else:
                real = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
            errors.append(f"{shown_path(path)}: symbolic link loop")
            return False
        if real in seen:
            return False
        seen.add(real)
        if problem := _name_problem(path):
            errors.append(f"{shown_path(path)}: {problem}")
            return False
        try:
            info = path.stat()
        except OSError as e:
            errors.append(f"{shown_path(path)}: cannot read ({e.strerror or e})")
            return False
        if not stat.S_ISREG(info.st_mode):  # a named pipe or device would block or never end
            errors.append(f"{shown_path(path)}: not a regular file")
            return False
        size = info.st_size
        if size > MAX_ARTICLE_BYTES:
            errors.append(
                f"{shown_path(path)}: {size / 1_000_000:.1f} MB is over the "
                f"{MAX_ARTICLE_BYTES // (1024 * 1024)} MiB limit for one article; split it into smaller files"
            )
            return False
        return True

    def unreadable_folder(e: OSError) -> None:
        # os.walk skips a folder it cannot list unless told: never lose files silently.
        errors.append(f"{shown_path(e.filename)}: cannot read folder ({e.strerror or e})")

    for raw in paths:
        path = Path(os.path.abspath(raw))  # abspath, not resolve: a symlink keeps its own name
        if not path.exists():
            problem = "broken symbolic link or link loop" if path.is_symlink() else "no such file or folder"
            errors.append(f"{shown_path(raw)}: {problem}")
            continue
        if path.is_dir():
            # followlinks=False: a symlink loop cannot make this walk forever.
            for root, dirs, files in os.walk(path, followlinks=False, onerror=unreadable_folder):
                dirs.sort()
                real_root = Path(root).resolve()
                for name in sorted(files):
                    child = Path(root) / name
                    if child.suffix.lower() in TEXT_SUFFIXES and accepted(child, real_root):
                        yield child
        elif path.suffix.lower() not in TEXT_SUFFIXES:
            errors.append(f"{shown_path(raw)}: not a .txt or .md file")
        elif accepted(path):
            yield path


def declared_encoding(data: bytes) -> str | None:
    """The encoding the file's start says it is in (HTML, XML or editor declaration)."""
    head = data[:DECLARATION_BYTES]
    match = MARKUP_ENCODING.search(head) or EDITOR_ENCODING.search(b"\n".join(head.split(b"\n", 2)[:2]))
    if match is None:
        return None
    return next(g for g in match.groups() if g).decode("ascii", "replace")


def _text_codec(name: str) -> str | None:
    """Python's name for a text encoding, or None (unknown, or bytes-to-bytes like rot13)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode_article(path: Path, data: bytes, encoding: str | None = None) -> str:
    """The file's text, or IngestError naming the file and what is wrong with it.

    The encoding is, in order: a byte-order mark, `encoding` (the user's
    --encoding), a declaration in the file's first kilobyte, else UTF-8. Nothing
    is guessed: bytes that do not decode refuse the file, they are never replaced.
    """
    name = shown_path(path)
    if not data:
        raise IngestError(f"{name}: empty file")
    if len(data) > MAX_ARTICLE_BYTES:
        raise IngestError(
            f"{name}: {len(data) / 1_000_000:.1f} MB is over the "
            f"{MAX_ARTICLE_BYTES // (1024 * 1024)} MiB limit for one article; split it into smaller files"
        )
    bom_codec = next((codec for bom, codec in BOMS if data.startswith(bom)), None)
    if bom_codec is not None:
        text = _decode(name, data, bom_codec, "its byte-order mark")
    elif encoding is not None:
        codec = _text_codec(encoding)
        if codec is None:
            raise IngestError(f"{name}: unknown text encoding {encoding!r} (given with --encoding)")
        text = _decode(name, data, codec, "--encoding")
    else:
        if not data.strip():
            raise IngestError(f"{name}: only whitespace, no text")
        if b"\x00" in data[:8192]:
            raise IngestError(f"{name}: binary file, not text")
        declared = declared_encoding(data)
        if declared is not None:
            codec = _text_codec(declared)
            if codec is None:
                raise IngestError(f"{name}: declares unknown text encoding {declared!r}")
            if codec.startswith(("utf-16", "utf-32")):
                # The declaration itself was readable as ASCII, so the file is not
                # UTF-16/32 (those would have NULs); browsers read such files as UTF-8.
                codec = "utf-8"
            if codec == "iso8859-1" and any(0x80 <= b < 0xA0 for b in data):
                # As browsers do: "latin-1" files with bytes 0x80-0x9F are Windows-1252
                # (curly quotes, dashes); in real latin-1 those are invisible controls.
                codec = "cp1252"
            text = _decode(name, data, codec, f"its declared encoding {declared}")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as e:
                raise IngestError(
                    f"{name}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})"
                ) from e
    if "\x00" in text:
        raise IngestError(f"{name}: binary file, not text (it holds NUL characters)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError(f"{name}: {'only whitespace, no text' if text else 'empty file'}")
    return text


def _decode(name: str, data: bytes, codec: str, because: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        raise IngestError(
            f"{name}: not valid {codec} text as {because} says "
            f"(byte 0x{data[e.start]:02x} at offset {e.start})"
        ) from e


def title_for(text: str, path: Path) -> str:
    """The first line when it reads as a headline, else the file's name."""
    first = text.lstrip("\n").split("\n", 1)[0].strip()
    if path.suffix.lower() == ".md":
        first = first.lstrip("#").strip()
    words = WORD.findall(first)
    looks_like_headline = (
        0 < len(first) <= MAX_TITLE_CHARS
        and 0 < len(words) <= MAX_TITLE_WORDS
        and not first.endswith((".", ",", ";", ":"))
    )
    if looks_like_headline:
        return first
    # No headline: the opening words say more in a list than a file name does.
    if len(first) > FALLBACK_TITLE_CHARS:
        first = first[:FALLBACK_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return first or path.stem


def word_count(text: str) -> int:
    """Words as `wc -w` counts them (runs of non-space): a C-speed split, where a regex
    over every word was a third of a 100,000-file ingest."""
    return len(text.split())


@dataclass(frozen=True)
class PausedFts:
    trigger_sql: str
    after_rowid: int


def pause_fts_indexing(db: Database) -> PausedFts | None:
    """Inside a transaction: set aside the trigger that indexes each new article in FTS.

    Indexing the new rows in one statement afterwards (resume_fts_indexing) takes
    less than half the time of a trigger per row (measured: 0.9 s against 2.1 s for
    10,000 articles). A rollback puts the trigger back, as SQLite's DDL is transactional.
    """
    sql = "select sql from sqlite_master where type = 'trigger' and name = 'articles_ai'"
    row = db.execute(sql).fetchone()
    if row is None:
        return None
    after = db.execute("select coalesce(max(rowid), 0) from articles").fetchone()[0]
    db.execute("drop trigger articles_ai")
    return PausedFts(row[0], after)


def resume_fts_indexing(db: Database, paused: PausedFts) -> None:
    """Index every article added since the pause, and put the trigger back."""
    db.execute(
        "insert into articles_fts (rowid, title, text)"
        " select rowid, title, text from articles where rowid > ?",
        [paused.after_rowid],
    )
    db.execute(paused.trigger_sql)


def ingest_paths(
    db: Database,
    paths: Iterable[str | Path],
    *,
    on_file: Callable[[Path, int, int], None] | None = None,
    encoding: str | None = None,
) -> IngestResult:
    """Add every file under `paths` as an article; one transaction for the whole batch.

    Files that cannot be read are reported in `result.errors` and skipped; the
    others are stored. `on_file(path, done, total)` reports progress.
    """
    result = IngestResult()
    files = list(iter_input_files(paths, result.errors))
    pending: list[tuple] = []

    def store(batch: list[tuple]) -> None:
        # Plain executemany: sqlite-utils' insert_all rebuilds dicts and SQL per batch.
        # The triggers of schema 0001/0002 index each text in FTS and fill article_list.
        db.conn.executemany(
            "insert into articles (id, source, title, text, word_count, ingested_at)"
            " values (?, ?, ?, ?, ?, ?)",
            batch,
        )
        batch.clear()

    known = {r[0] for r in db.execute("select id from articles")}
    # One transaction for the whole batch (one commit, one fsync), written as it goes
    # so 100,000 texts are never all held in memory at once.
    with db.atomic():
        fts_paused = pause_fts_indexing(db) if len(files) >= BULK_FTS_MIN else None
        for i, path in enumerate(files, 1):
            try:
                data = path.read_bytes()
                text = decode_article(path, data, encoding)
            except IngestError as e:
                result.errors.append(str(e))
            except OSError as e:
                result.errors.append(f"{path}: cannot read ({e.strerror or e})")
            else:
                article_id = article_id_for(text)
                if article_id in known:
                    result.present.append(article_id)
                else:
                    known.add(article_id)
                    result.added.append(article_id)
                    pending.append(
                        (article_id, str(path), title_for(text, path), text, word_count(text), now_iso())
                    )
                    if len(pending) >= INSERT_BATCH:
                        store(pending)
            if on_file is not None:
                on_file(path, i, len(files))
        store(pending)
        if fts_paused is not None:
            resume_fts_indexing(db, fts_paused)
        link_versions(db, result.added)
    return result


def ingest_text(db: Database, text: str, source: str, title: str | None = None) -> tuple[str, bool]:
    """Store one text (from an import, say); returns (article id, whether it was new)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    article_id = article_id_for(text)
    if db.execute("select 1 from articles where id = ?", [article_id]).fetchone():
        return article_id, False
    with db.atomic():
        db["articles"].insert(
            {
                "id": article_id,
                "source": source,
                "title": title or title_for(text, Path(source)),
                "text": text,
                "word_count": word_count(text),
                "ingested_at": now_iso(),
            }
        )
    return article_id, True
