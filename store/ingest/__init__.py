"""Ingest: files in as articles, all in one transaction.

The parts, each its own module: walk (listing files, reporting what cannot be read),
decode (bytes to text), article_files (which files are inputs, and a text file's text),
pages (a web page's article, through trafilatura), dumps and records (JSON lines, JSON
and CSV records as articles), crawls (WARC files' pages), dates, titles, rows (what
reading gives the storing), reading (the other processes that read ahead) and
bulk_index (search indexing a batch at a time). This module is the transaction that
stores them. `newsmark import` lists and decodes its files with the same walk and decode.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from newsmark.store.articles import article_id_for
from newsmark.store.db import retry_when_locked
from newsmark.store.ingest.article_files import iter_input_files, normalise_line_endings
from newsmark.store.ingest.bulk_index import BatchSearchIndexer, bulk_page_cache
from newsmark.store.ingest.reading import read_in_order
from newsmark.store.ingest.records import FieldFinder
from newsmark.store.ingest.rows import NO_METADATA, Metadata
from newsmark.store.ingest.titles import title_for, word_count
from newsmark.store.timestamps import now_iso
from newsmark.store.versions import link_versions

if TYPE_CHECKING:
    from sqlite_utils import Database

INSERT_BATCH = 1000  # articles stored in one statement, at most,
INSERT_BATCH_CHARS = 8_000_000  # and this many characters of text (long reports)
BULK_FTS_MIN = 1000  # files from which new articles are indexed for search a batch at a time


@dataclass
class IngestResult:
    added: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # a line per file or record refused
    left_out: int = 0  # crawl records that are not pages (images, scripts, redirects)

    @property
    def summary(self) -> str:
        text = f"{len(self.added)} added, {len(self.present)} already present, {len(self.errors)} skipped"
        if self.left_out:
            text += f", {self.left_out} crawl records left out (not pages)"
        return text


INSERT_SQL = (
    "insert into articles (id, source, title, text, word_count, date, url, outlet, author, ingested_at)"
    " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@retry_when_locked
def ingest_paths(
    db: Database,
    paths: Iterable[str | Path],
    *,
    on_file: Callable[[str, int, int], None] | None = None,
    encoding: str | None = None,
    fields: Mapping[str, str] | None = None,
) -> IngestResult:
    """Add every input file under `paths` (store.ingest.article_files) as articles; one
    transaction for the whole batch.

    Files and records that cannot be read are reported in `result.errors` and skipped;
    the others are stored. `on_file(path, done, total)` reports progress, a file at a
    time. `encoding` is the text encoding of files with no byte-order mark; `fields`
    names a dump's fields ({"text": "story_body"}: records.field_names).
    """
    result = IngestResult()
    files = list(iter_input_files(paths, result.errors))
    finder = FieldFinder(fields or {})
    pending: list[tuple] = []
    pending_chars = 0
    indexer: BatchSearchIndexer | None = None

    def store() -> None:
        # Plain executemany: sqlite-utils' insert_all rebuilds dicts and SQL per batch.
        # The triggers of schema 0001/0002 fill article_list and (but in a bulk load,
        # where the indexer does it a batch at a time) index each text in FTS.
        db.conn.executemany(INSERT_SQL, pending)
        pending.clear()
        if indexer is not None:
            indexer.index_new()

    known = {r[0] for r in db.execute("select id from articles")}
    # One transaction for the whole batch (one commit, one fsync), written as it goes
    # so 100,000 texts are never all held in memory at once.
    bulk = len(files) >= BULK_FTS_MIN
    with db.atomic(), bulk_page_cache(db) if bulk else contextlib.nullcontext():
        if bulk:
            indexer = BatchSearchIndexer(db)
        stamp = now_iso()
        done = 0
        for outcome in read_in_order(files, encoding, finder):
            result.errors.extend(outcome.errors)
            result.left_out += outcome.skipped
            for article in outcome.articles:
                if article.id in known:
                    result.present.append(article.id)
                    continue
                known.add(article.id)
                result.added.append(article.id)
                pending.append((*article, stamp))
                pending_chars += len(article.text)
                if len(pending) >= INSERT_BATCH or pending_chars >= INSERT_BATCH_CHARS:
                    store()
                    pending_chars, stamp = 0, now_iso()
            if outcome.done:
                done += 1
                if on_file is not None:
                    on_file(outcome.path, done, len(files))
        store()
        if indexer is not None:
            indexer.finish()
        link_versions(db, result.added)
    return result


@retry_when_locked
def ingest_text(
    db: Database, text: str, source: str, title: str | None = None, metadata: Metadata | None = None
) -> tuple[str, bool]:
    """Store one text (from an import, say); returns (article id, whether it was new)."""
    text = normalise_line_endings(text)
    article_id = article_id_for(text)
    if db.execute("select 1 from articles where id = ?", [article_id]).fetchone():
        return article_id, False
    with db.atomic():
        db.table("articles").insert(
            {
                "id": article_id,
                "source": source,
                "title": title or title_for(text, Path(source)),
                "text": text,
                "word_count": word_count(text),
                "ingested_at": now_iso(),
                **(metadata or NO_METADATA)._asdict(),
            }
        )
    return article_id, True
