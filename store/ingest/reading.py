"""The reading: input files read, decoded, extracted, hashed and titled ahead of the storing.

What is read comes in units, in the files' order: a text file or saved page to read, a
crawled page to extract (store.ingest.crawls), or a dump's record already read here
(store.ingest.dumps: parsing a record costs less than sending it to another process).
Units to read go to other processes in chunks (forkserver, a few chunks ahead, bounded
by bytes) while this one does the SQLite work (storing, indexing); results come back in
the files' order. Text is cheap to read, so from PARALLEL_READ_MIN text files on one
process reads beside this one; extracting a page costs far more, so from
PARALLEL_PAGES_MIN pages on there is one per core, as many as the cores trafilatura alone
would use.
"""

from __future__ import annotations

import contextlib
import os
import sys
import types
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from newsmark.store.errors import IngestError
from newsmark.store.ingest.article_files import (
    MAX_ARTICLE_BYTES,
    MAX_PAGE_BYTES,
    article_text,
    input_kind,
    page_html,
)
from newsmark.store.ingest.crawls import PageTask, crawl_units, read_page_task
from newsmark.store.ingest.dumps import dump_outcomes
from newsmark.store.ingest.pages import NoArticle, page_article
from newsmark.store.ingest.records import FieldFinder
from newsmark.store.ingest.rows import Outcome, article_in
from newsmark.store.ingest.walk import InputFile, shown_path

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

PARALLEL_READ_MIN = 2000  # text files from which they are read in a second process
# Pages from which they are extracted in a process per core: starting those costs about
# 0.4 s here, the time this one takes to extract 150 to 300 pages.
PARALLEL_PAGES_MIN = 500
CRAWL_BYTES_PER_PAGE = 50_000  # a crawl's size over this: about how many pages it holds
READ_CHUNK = 250  # text files per task sent to a reading process, and at most
PAGE_CHUNK = 16  # pages (about a tenth of a second of extraction), and at most
READ_CHUNK_BYTES = 4 * 1024 * 1024  # this many bytes (so a folder of long reports is cut finer)
CHUNKS_AHEAD = 8  # chunks read ahead of the storing: at most 32 MiB of files (as text, up to 4x)

ToRead = str | PageTask  # a text file or saved page (its path), or a crawled page
Unit = ToRead | Outcome  # and what is already read
T = TypeVar("T")
Ahead = deque[tuple[list[Unit], "Future[list[Outcome]] | None"]]  # chunks queued, each with its reading


def read_file(path: str, encoding: str | None = None) -> Outcome:
    """A text file or saved page as its article, or the one-line reason it cannot be one."""
    page = input_kind(path) == "page"
    try:
        with open(path, "rb") as f:
            # One byte over the limit is enough to refuse a file that grew since it was listed.
            data = f.read((MAX_PAGE_BYTES if page else MAX_ARTICLE_BYTES) + 1)
        if page:
            found = page_article(page_html(path, data, encoding))
            return Outcome(path, articles=(article_in(found.text, path, found.title, found.metadata),))
        text = article_text(path, data, encoding)
    except NoArticle as e:
        return Outcome(path, errors=(f"{shown_path(path)}: {e}",))
    except IngestError as e:
        return Outcome(path, errors=(str(e),))
    except OSError as e:
        return Outcome(path, errors=(f"{shown_path(path)}: cannot read ({e.strerror or e})",))
    return Outcome(path, articles=(article_in(text, path),))


def read_units(units: list[Unit], encoding: str | None = None) -> list[Outcome]:
    """What a reading process does with a chunk (outcomes already read pass through)."""
    return [
        unit
        if isinstance(unit, Outcome)
        else read_file(unit, encoding)
        if isinstance(unit, str)
        else read_page_task(unit)
        for unit in units
    ]


def input_units(
    files: Iterable[InputFile], encoding: str | None, finder: FieldFinder
) -> Iterator[tuple[Unit, int, int]]:
    """Every file's units, in order, each with its size in bytes (what it costs to send)
    and its weight in a chunk (a text file 1; a page, costlier to read, more)."""
    page = READ_CHUNK // PAGE_CHUNK
    for file in files:
        kind = input_kind(file.path)
        if kind == "text":
            yield file.path, file.size, 1
        elif kind == "page":
            yield file.path, file.size, page
        elif kind == "dump":
            for outcome in dump_outcomes(file.path, finder, encoding):
                yield outcome, 0, 1
        else:
            for unit in crawl_units(file.path):
                yield (unit, len(unit.html), page) if isinstance(unit, PageTask) else (unit, 0, 1)


def reading_processes(files: list[InputFile]) -> int:
    """How many processes read beside this one: none for a few files (starting one costs
    more than it saves), one for many text files, one per core for many pages."""
    cores = os.cpu_count() or 1
    if cores == 1:
        return 0
    kinds = [(input_kind(f.path), f.size) for f in files]
    pages = sum(1 for kind, _ in kinds if kind == "page")
    pages += sum(size for kind, size in kinds if kind == "crawl") // CRAWL_BYTES_PER_PAGE
    if pages >= PARALLEL_PAGES_MIN:
        return cores
    return 1 if len(files) >= PARALLEL_READ_MIN else 0


class NoReadingProcess(Exception):
    """The reading processes cannot be had (no forkserver here), or have gone (killed)."""


def read_in_order(files: list[InputFile], encoding: str | None, finder: FieldFinder) -> Iterator[Outcome]:
    """What every file gives, in order; read in other processes (reading_processes).

    A few chunks are read ahead, no more, so the corpus is never all in memory.
    Where no other process can be had (no forkserver, a process killed), the
    units not yet read are read here.
    """
    chunks = chunked(input_units(files, encoding, finder))
    processes = reading_processes(files)
    ahead: Ahead = deque()
    if processes:
        try:
            with _reading_pool(processes) as pool:
                for chunk in chunks:
                    while len(ahead) >= CHUNKS_AHEAD:
                        yield from _result(ahead, encoding)
                    # Queued before it is submitted: a submit that fails (the processes
                    # already gone) leaves the chunk to be read here.
                    ahead.append((chunk, None))
                    if not isinstance(chunk[0], Outcome):
                        ahead[-1] = (chunk, _submit(pool, chunk, encoding))
                while ahead:
                    yield from _result(ahead, encoding)
        except NoReadingProcess:
            for chunk, _ in ahead:
                yield from read_units(chunk, encoding)
    for chunk in chunks:
        yield from read_units(chunk, encoding)


@contextlib.contextmanager
def _reading_pool(processes: int) -> Iterator[ProcessPoolExecutor]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        # forkserver: a fresh, single-threaded process to fork from; forking the caller
        # (a Textual app's worker thread, say) could copy a lock another thread holds.
        context = multiprocessing.get_context("forkserver")
        pool = ProcessPoolExecutor(
            max_workers=processes, mp_context=context, initializer=_leave_ctrl_c_to_parent
        )
    except (OSError, ValueError) as e:  # ValueError: no forkserver here
        raise NoReadingProcess from e
    try:
        yield pool
    finally:  # on Ctrl+C too: the chunks read ahead are not waited for
        pool.shutdown(wait=True, cancel_futures=True)


def _submit(pool: ProcessPoolExecutor, chunk: list[Unit], encoding: str | None) -> Future[list[Outcome]]:
    from concurrent.futures.process import BrokenProcessPool

    try:
        with _caller_script_hidden():  # a submit may start a process
            return pool.submit(read_units, chunk, encoding)
    except (OSError, BrokenProcessPool) as e:
        raise NoReadingProcess from e


def _result(ahead: Ahead, encoding: str | None) -> list[Outcome]:
    """The first chunk's outcomes, taken off the queue once they are there."""
    from concurrent.futures.process import BrokenProcessPool

    chunk, future = ahead[0]
    try:
        outcomes = read_units(chunk, encoding) if future is None else future.result()
    except (OSError, BrokenProcessPool) as e:
        raise NoReadingProcess from e
    ahead.popleft()
    return outcomes


def chunked(units: Iterable[tuple[T, int, int]]) -> Iterator[list[T]]:
    """(unit, size, weight) in runs of either units to read or outcomes already read, each
    of at most READ_CHUNK in weight and READ_CHUNK_BYTES in size (or one unit)."""
    chunk: list[T] = []
    weight = size = 0
    for unit, unit_size, unit_weight in units:
        if chunk and (
            isinstance(unit, Outcome) != isinstance(chunk[0], Outcome)
            or weight + unit_weight > READ_CHUNK
            or size + unit_size > READ_CHUNK_BYTES
        ):
            yield chunk
            chunk, weight, size = [], 0, 0
        chunk.append(unit)
        weight += unit_weight
        size += unit_size
    if chunk:
        yield chunk


def _leave_ctrl_c_to_parent() -> None:
    """In a reading process: Ctrl+C reaches the whole process group, and the parent
    stops the reading (and rolls the ingest back); the child has nothing to report."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def _caller_script_hidden() -> Iterator[None]:
    """While the reading processes start, a bare `__main__` module.

    multiprocessing runs the caller's script again in a new process (and in its
    forkserver) to find the script's functions. A script calling ingest_paths with
    no `if __name__ == "__main__":` guard would then ingest again in there, and
    `python -` has no script file at all. read_units is found by its module's name.
    """
    caller = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if caller is not None:
            sys.modules["__main__"] = caller
