"""Crawls: WARC files (.warc, .warc.gz), read with warcio, each HTML page an article.

Each response record that is a page (HTTP 200, HTML) becomes a PageTask: its HTML,
extracted like a saved page's (store.ingest.pages), in the reading processes; its URL
is the record's WARC-Target-URI and its source `file:offset` (the record's byte offset,
as WARC indexes name records). Other responses (images, scripts, redirects, errors) and
revisit records are left out and counted; records about records (requests, warcinfo,
metadata) are neither. A truncated or unreadable record is one `file:offset: problem`
line, and what came before it goes in.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from typing import Any, NamedTuple

from newsmark.store.ingest.article_files import MAX_PAGE_BYTES
from newsmark.store.ingest.decode import DecodeError, decode_text
from newsmark.store.ingest.pages import NoArticle, page_article
from newsmark.store.ingest.rows import Outcome, article_in
from newsmark.store.ingest.walk import shown_path

PAGE_TYPES = ("text/html", "application/xhtml+xml")
CONTENT_RECORDS = ("response", "resource", "revisit")  # the rest describe other records
READ_BYTES = 64 * 1024


class PageTask(NamedTuple):
    """A crawled page, to be extracted in a reading process."""

    path: str  # the WARC file
    offset: int  # the record's
    html: bytes
    url: str | None
    charset: str | None  # from the HTTP Content-Type header


def read_page_task(task: PageTask) -> Outcome:
    """The article in a crawled page, or the one line saying why there is none."""
    place = f"{shown_path(task.path)}:{task.offset}"
    try:
        page = page_article(decode_text(task.html, header_charset=task.charset), task.url)
    except (DecodeError, NoArticle) as e:
        return Outcome(task.path, errors=(f"{place}: {e}",), done=False)
    article = article_in(page.text, f"{task.path}:{task.offset}", page.title, page.metadata)
    return Outcome(task.path, articles=(article,), done=False)


def crawl_units(path: str) -> Iterator[PageTask | Outcome]:
    """The WARC file's pages to extract, with an Outcome for each record left out or
    unreadable, then one that marks the file done."""
    try:
        with open(path, "rb") as f:
            yield from _records(f, path, os.fstat(f.fileno()).st_size)
    except OSError as e:
        yield Outcome(path, errors=(f"{shown_path(path)}: cannot read ({e.strerror or e})",), done=False)
    yield Outcome(path)


@contextlib.contextmanager
def _warnings_kept(warnings: io.StringIO) -> Iterator[None]:
    """warcio writes a warning about a malformed record to stderr, where it would land in the
    middle of a progress bar: kept to be reported as a line of its own. Only around warcio's
    own calls, never across a yield, so nothing else's output is caught."""
    with contextlib.redirect_stderr(warnings):
        yield


def _records(f: io.BufferedReader, path: str, size: int) -> Iterator[PageTask | Outcome]:
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(f)
    offset = 0
    while True:
        warnings = io.StringIO()
        try:
            with _warnings_kept(warnings):
                record = next(records, None)  # after reading past the previous record's end
        # Anything: warcio raises whatever its parsing meets in bad bytes (AttributeError, say).
        except Exception as e:
            yield _unreadable(path, records.offset, e)
            return
        if warnings.getvalue():
            yield _problem(path, offset, "no blank line after the record (its Content-Length may be wrong)")
        if record is None:
            break
        offset = records.offset
        try:
            unit = _unit(record, path, offset)
        except Exception as e:  # as above; a page's gzip or chunked encoding broken: that page only
            unit = _problem(path, offset, f"cannot decode the page ({_one_line(e)})")
        try:
            while record.raw_stream.read(READ_BYTES):  # the rest, to see it is all there
                pass
        except Exception as e:  # as above: the record itself unreadable, so is what follows it
            yield _problem(path, offset, f"unreadable record ({_one_line(e)})")
            return
        if record.raw_stream.limit > 0:
            yield _problem(path, offset, "truncated record (the file ends inside it)")
            return
        if unit is not None:
            yield unit
    if records.offset < size:  # warcio stops quietly at a record it cannot start
        yield _problem(path, records.offset, "truncated record (the file ends inside it)")


def _unit(record: Any, path: str, offset: int) -> PageTask | Outcome | None:
    """A page record's task; an Outcome counting any other content record; None for the rest."""
    if record.rec_type not in CONTENT_RECORDS:
        return None
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or http.get_statuscode() != "200":
            return Outcome(path, skipped=1, done=False)
        content_type = http.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return Outcome(path, skipped=1, done=False)
    mime, _, params = content_type.partition(";")
    if mime.strip().lower() not in PAGE_TYPES:
        return Outcome(path, skipped=1, done=False)
    html = record.content_stream().read(MAX_PAGE_BYTES + 1)
    if len(html) > MAX_PAGE_BYTES:
        return _problem(path, offset, f"page over the {MAX_PAGE_BYTES // (1024 * 1024)} MiB limit")
    charset = next(
        (
            v.strip().strip("\"'")
            for k, _, v in (p.partition("=") for p in params.split(";"))
            if k.strip().lower() == "charset"
        ),
        None,
    )
    url = record.rec_headers.get_header("WARC-Target-URI")
    return PageTask(path, offset, html, url or None, charset or None)


def _problem(path: str, offset: int, problem: str) -> Outcome:
    return Outcome(path, errors=(f"{shown_path(path)}:{offset}: {problem}",), done=False)


def _unreadable(path: str, offset: int, error: Exception) -> Outcome:
    """Why the record at `offset` cannot be read, as one line."""
    from warcio.exceptions import ArchiveLoadFailed

    if not isinstance(error, ArchiveLoadFailed):  # a header cut short, as a truncated file ends
        return _problem(path, offset, "truncated or malformed record header")
    if "non-chunked gzip" in str(error):
        return Outcome(
            path,
            errors=(
                f"{shown_path(path)}: compressed whole, where a WARC has one gzip member per record;"
                " `warcio recompress` writes it as one",
            ),
            done=False,
        )
    problem = "not a WARC file" if offset == 0 else "unreadable record"
    return _problem(path, offset, f"{problem} ({_one_line(error)})")


def _one_line(error: Exception) -> str:
    """An error's message, its first line (warcio's run to several), else its kind."""
    return next((line.strip() for line in str(error).splitlines() if line.strip()), type(error).__name__)
