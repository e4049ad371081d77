"""Turning files into articles: decode, normalise line endings, title, store once.

The stored text is the file's text exactly (line endings normalised to \\n), so
every offset newsmark writes is an offset into what the user's file says.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from store.articles import article_id_for, now_iso
from store.errors import IngestError

TEXT_SUFFIXES = {".txt", ".md"}
MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 30
FALLBACK_TITLE_CHARS = 80
WORD = re.compile(r"\w+(?:[’'\-]\w+)*")


@dataclass
class IngestResult:
    added: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"{len(self.added)} added, {len(self.present)} already present, {len(self.errors)} skipped"


def iter_input_files(paths: Iterable[str | Path], errors: list[str]) -> Iterator[Path]:
    """Every .txt/.md file named or under a named folder, sorted, each once."""
    seen: set[Path] = set()

    def first_time(path: Path) -> bool:
        try:
            real = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
            errors.append(f"{path}: symbolic link loop")
            return False
        if real in seen:
            return False
        seen.add(real)
        return True

    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problem = "broken symbolic link or link loop" if path.is_symlink() else "no such file or folder"
            errors.append(f"{path}: {problem}")
            continue
        if path.is_dir():
            # followlinks=False: a symlink loop cannot make this walk forever.
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    child = Path(root) / name
                    if child.suffix.lower() in TEXT_SUFFIXES and first_time(child):
                        yield child
        elif path.suffix.lower() not in TEXT_SUFFIXES:
            errors.append(f"{path}: not a .txt or .md file")
        elif first_time(path):
            yield path


def decode_article(path: Path, data: bytes) -> str:
    """The file's text, or IngestError naming the file and what is wrong with it."""
    if not data:
        raise IngestError(f"{path}: empty file")
    if not data.strip():
        raise IngestError(f"{path}: only whitespace, no text")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(f"{path}: binary file, not text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise IngestError(f"{path}: not valid UTF-16 despite its byte-order mark ({e.reason})") from e
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise IngestError(
                f"{path}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})"
            ) from e
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError(f"{path}: {'only whitespace, no text' if text else 'empty file'}")
    return text


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
    return len(WORD.findall(text))


def ingest_paths(
    db: Database,
    paths: Iterable[str | Path],
    *,
    on_file: Callable[[Path, int, int], None] | None = None,
) -> IngestResult:
    """Add every file under `paths` as an article; one transaction for the whole batch.

    Files that cannot be read are reported in `result.errors` and skipped; the
    others are stored. `on_file(path, done, total)` reports progress.
    """
    result = IngestResult()
    files = list(iter_input_files(paths, result.errors))
    rows = []
    known = {r[0] for r in db.execute("select id from articles")}
    for i, path in enumerate(files, 1):
        try:
            data = path.read_bytes()
            text = decode_article(path, data)
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
                rows.append(
                    {
                        "id": article_id,
                        "source": str(path),
                        "title": title_for(text, path),
                        "text": text,
                        "word_count": word_count(text),
                        "ingested_at": now_iso(),
                    }
                )
        if on_file is not None:
            on_file(path, i, len(files))
    with db.atomic():
        db["articles"].insert_all(rows, batch_size=500)
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
