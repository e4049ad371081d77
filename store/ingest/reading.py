"""The reading process: files read, decoded, hashed and titled ahead of the storing.

From PARALLEL_READ_MIN files on, the reading runs in a second process (forkserver,
a few chunks ahead, bounded by bytes) beside this one's SQLite work (storing,
indexing), on another core; results come back in the files' order.
"""

from __future__ import annotations

import contextlib
import os
import sys
import types
from collections import deque
from collections.abc import Iterator

from newsmark.store.articles import article_id_for
from newsmark.store.errors import IngestError
from newsmark.store.ingest.article_files import MAX_ARTICLE_BYTES, article_text
from newsmark.store.ingest.titles import title_for, word_count
from newsmark.store.ingest.walk import InputFile, shown_path

PARALLEL_READ_MIN = 2000  # files from which they are read in a second process
READ_CHUNK = 250  # files per task sent to that process, and at most
READ_CHUNK_BYTES = 4 * 1024 * 1024  # this many bytes (so a folder of long reports is cut finer)
CHUNKS_AHEAD = 8  # chunks read ahead of the storing: at most 32 MiB of files (as text, up to 4x)

# An article read from its file, as stored: (id, source, title, text, word count).
ArticleRowIn = tuple[str, str, str, str, int]
# A file read: (its path, why it was refused or None, its article or None).
FileRead = tuple[str, str | None, ArticleRowIn | None]


def read_file(path: str, encoding: str | None = None) -> FileRead:
    """One file as an article row, or the one-line reason it cannot be one."""
    try:
        with open(path, "rb") as f:
            # One byte over the limit is enough to refuse a file that grew since it was listed.
            data = f.read(MAX_ARTICLE_BYTES + 1)
        text = article_text(path, data, encoding)
    except IngestError as e:
        return path, str(e), None
    except OSError as e:
        return path, f"{shown_path(path)}: cannot read ({e.strerror or e})", None
    return path, None, (article_id_for(text), path, title_for(text, path), text, word_count(text))


def read_files(files: list[str], encoding: str | None = None) -> list[FileRead]:
    return [read_file(path, encoding) for path in files]


def read_in_order(files: list[InputFile], encoding: str | None) -> Iterator[FileRead]:
    """Every file read, in order; from PARALLEL_READ_MIN files on, in a second process.

    A few chunks are read ahead, no more, so the corpus is never all in memory.
    Where no second process can be had (no forkserver, the process killed), the
    files not yet read are read here.
    """
    chunks = deque(chunked(files))
    if len(files) >= PARALLEL_READ_MIN and (os.cpu_count() or 1) > 1:
        import multiprocessing
        from concurrent.futures import Future, ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        ahead: deque[tuple[list[str], Future[list[FileRead]]]] = deque()
        try:
            # forkserver: a fresh, single-threaded process to fork from; forking the caller
            # (a Textual app's worker thread, say) could copy a lock another thread holds.
            context = multiprocessing.get_context("forkserver")
            pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_leave_ctrl_c_to_parent)
            try:
                with _caller_script_hidden():  # the first submit starts the process
                    ahead.append((chunks[0], pool.submit(read_files, chunks[0], encoding)))
                    chunks.popleft()
                while chunks or ahead:
                    while chunks and len(ahead) < CHUNKS_AHEAD:
                        # Taken off the queue only once submitted: a submit that fails
                        # (the process already gone) leaves the chunk to be read here.
                        future = pool.submit(read_files, chunks[0], encoding)
                        ahead.append((chunks.popleft(), future))
                    read = ahead[0][1].result()
                    ahead.popleft()
                    yield from read
            finally:  # on Ctrl+C too: the chunks read ahead are not waited for
                pool.shutdown(wait=True, cancel_futures=True)
        except (OSError, ValueError, BrokenProcessPool):  # ValueError: no forkserver here
            chunks.extendleft(reversed([chunk for chunk, _ in ahead]))
    for chunk in chunks:
        yield from read_files(chunk, encoding)


def chunked(files: list[InputFile]) -> Iterator[list[str]]:
    """The files' paths in runs of at most READ_CHUNK files and READ_CHUNK_BYTES bytes (or one file)."""
    chunk: list[str] = []
    size = 0
    for file in files:
        if chunk and (len(chunk) == READ_CHUNK or size + file.size > READ_CHUNK_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(file.path)
        size += file.size
    if chunk:
        yield chunk


def _leave_ctrl_c_to_parent() -> None:
    """In the reading process: Ctrl+C reaches the whole process group, and the parent
    stops the reading (and rolls the ingest back); the child has nothing to report."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def _caller_script_hidden() -> Iterator[None]:
    """While the reading process starts, a bare `__main__` module.

    multiprocessing runs the caller's script again in the new process (and in its
    forkserver) to find the script's functions. A script calling ingest_paths with
    no `if __name__ == "__main__":` guard would then ingest again in there, and
    `python -` has no script file at all. read_files is found by its module's name.
    """
    caller = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if caller is not None:
            sys.modules["__main__"] = caller
