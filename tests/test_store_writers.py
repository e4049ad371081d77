"""Every public store function that writes waits out another connection's write lock.

Another process (a second window, background analysis) often holds the write lock for
a moment. A writer that reads and then writes in a deferred transaction fails at once
with "database is locked" when that other writer commits in between (SQLITE_BUSY_SNAPSHOT
never waits): each writer must take the lock first and retry (store.db.retry_when_locked).

The writers are found by reading the store's code, so a new one that is not wrapped,
or not listed here to be called under a held lock, fails this file.
"""

from __future__ import annotations

import dis
import importlib
import inspect
import pkgutil
import re
import sqlite3
import threading
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlite_utils import Database

import newsmark.store
from newsmark.store import open_db, schema
from newsmark.store.analysis import Analysis, save_analysis
from newsmark.store.annotations import add_annotation
from newsmark.store.db import retry_when_locked
from newsmark.store.entities import add_entity
from newsmark.store.events import undo
from newsmark.store.ingest import ingest_text

TEXT = "Lavrov said: “We will talk.”\nThe minister left Moscow on Friday.\n"
OTHER_TEXT = "A second article\nWith a change undone, for redo.\n"
HOLD_S = 0.3


@dataclass
class Scene:
    """A database with one of everything a writer changes, and the ids to change."""

    db: Database
    path: Path
    folder: Path
    article: str
    undone_article: str  # its last change is undone: something to redo
    annotation: int
    entity: int
    suggestion: int
    lavrov: int  # a source with two aliases ("Sergei Lavrov", "Lavrov")
    peskov: int  # another source


@pytest.fixture
def scene(tmp_path: Path) -> Iterator[Scene]:
    path = tmp_path / "newsmark.db"
    db = open_db(path)
    article, _ = ingest_text(db, TEXT, "a.txt")
    undone, _ = ingest_text(db, OTHER_TEXT, "b.txt")
    add_annotation(db, undone, 0, 8, "QUOTE")
    undo(db, undone)
    annotation = add_annotation(db, article, 13, 28, "CLAIM")
    entity = add_entity(db, article, 0, 6, "PERSON")
    quote = {"start": 13, "end": 28, "text": TEXT[13:28], "cue": "said", "cue_start": 7, "cue_end": 11}
    said = {"speaker": "Sergei Lavrov", "speaker_start": 0, "speaker_end": 6}
    save_analysis(
        db, Analysis(article, "test-model", [], [(0, 28)], [(0, 6)], [{**quote, **said, "score": 0.9}])
    )
    suggestion = db.execute("select id from suggestions").fetchone()[0]
    other = {"start": 0, "end": 16, "text": OTHER_TEXT[:16], "cue": None, "cue_start": None, "cue_end": None}
    peskov = {"speaker": "Dmitry Peskov", "speaker_start": None, "speaker_end": None, "score": 0.5}
    save_analysis(db, Analysis(undone, "test-model", [], [(0, 16)], [(0, 1)], [{**other, **peskov}]))
    sources = dict(db.execute("select alias, source_id from source_aliases").fetchall())
    assert sources["Lavrov"] == sources["Sergei Lavrov"] != sources["Dmitry Peskov"]
    # What the other connection writes while it holds the lock: a table of the test's own.
    db.execute("create table other_writer (n integer)")
    yield Scene(
        db,
        path,
        tmp_path,
        article,
        undone,
        annotation.id,
        entity.id,
        suggestion,
        sources["Lavrov"],
        sources["Dmitry Peskov"],
    )
    db.conn.close()


def _analysis(s: Scene) -> Analysis:
    return Analysis(s.article, "test-model-2", [(38, 46, "PERSON")], [(0, 28)], [(0, 6)], [])


def _new_file(s: Scene) -> list[Path]:
    (s.folder / "new.txt").write_text("A new file\nIngested while another writer holds the lock.\n")
    return [s.folder / "new.txt"]


def _jsonl_file(s: Scene) -> Path:
    (s.folder / "in.jsonl").write_text(
        '{"text": "An imported text\\nRead while another writer holds the lock."}\n'
    )
    return s.folder / "in.jsonl"


# Every public writer, by the module that defines it, and the arguments it is called with.
WRITERS: dict[str, Callable[[Scene], tuple]] = {
    "newsmark.store.analysis.save_analysis": lambda s: (s.db, _analysis(s)),
    "newsmark.store.annotations.add_annotation": lambda s: (s.db, s.article, 29, 41, "CLAIM"),
    "newsmark.store.annotations.delete_annotation": lambda s: (s.db, s.annotation),
    "newsmark.store.annotations.update_annotation": lambda s: (s.db, s.annotation),
    "newsmark.store.annotations.add_label": lambda s: (s.db, "PLACE"),
    "newsmark.store.annotations.rename_label": lambda s: (s.db, "CLAIM", "CHECK"),
    "newsmark.store.articles.set_article_status": lambda s: (s.db, s.article, "done"),
    "newsmark.store.entities.add_entity": lambda s: (s.db, s.article, 38, 46, "PERSON"),
    "newsmark.store.entities.relabel_entity": lambda s: (s.db, s.entity, "ORG"),
    "newsmark.store.entities.reject_entity": lambda s: (s.db, s.entity),
    "newsmark.store.events.undo": lambda s: (s.db, s.article),
    "newsmark.store.events.redo": lambda s: (s.db, s.undone_article),
    "newsmark.store.suggestions.set_suggestion_status": lambda s: (s.db, s.suggestion, "rejected"),
    "newsmark.store.suggestions.accept_suggestion": lambda s: (s.db, s.suggestion, "Sergei Lavrov", 0, 6),
    "newsmark.store.suggestions.attribute_to": lambda s: (s.db, s.annotation, "Maria Delgado", None, None),
    "newsmark.store.source_corrections.merge_sources": lambda s: (s.db, s.lavrov, s.peskov),
    "newsmark.store.source_corrections.split_alias": lambda s: (s.db, s.lavrov, "Lavrov"),
    "newsmark.store.source_corrections.rename_source": lambda s: (s.db, s.peskov, "D. Peskov"),
    "newsmark.store.ingest.ingest_text": lambda s: (s.db, "A new text\nStored under a lock.\n", "new.txt"),
    "newsmark.store.ingest.ingest_paths": lambda s: (s.db, _new_file(s)),
    "newsmark.store.imports.reading.import_path": lambda s: (s.db, _jsonl_file(s)),
}
# Writers that reach their writes through a registry, which reading the code cannot follow.
WRITE_THROUGH_A_REGISTRY = {"newsmark.store.imports.reading.import_path"}
KEYWORDS: dict[str, dict] = {"newsmark.store.annotations.update_annotation": {"note": "checked"}}

# Writers that never open a transaction of their own: the caller holds it (and retries).
# (Migrations too: open_db applies them all under one BEGIN IMMEDIATE.)
CALLER_HOLDS_THE_TRANSACTION: dict[str, str] = {
    "newsmark.store.events.log_event": "logs a change in the transaction that makes it",
    "newsmark.store.entities.merge_model_entities": "part of save_analysis",
    "newsmark.store.versions.link_versions": "part of ingest_paths",
    "newsmark.store.db.immediate_transaction": "the transaction itself: retrying runs writers in it",
    "newsmark.store.db.retrying": "the retry itself",
    "newsmark.store.db.retry_when_locked": "the retry itself",
    # Opens by path, not an open Database; migrating takes the lock first (BEGIN
    # IMMEDIATE, so the busy timeout waits for another writer) and reads nothing before.
    "newsmark.store.db.open_db": "migrates under BEGIN IMMEDIATE, waiting out the busy timeout",
    "newsmark.store.imports.store_document": "part of an import, inside import_path's transaction",
    "newsmark.store.imports.brat.import_brat": "part of an import, inside import_path's transaction",
    "newsmark.store.imports.doccano.import_doccano": "part of an import, inside import_path's transaction",
    "newsmark.store.imports.jsonl.import_jsonl": "part of an import, inside import_path's transaction",
    "newsmark.store.imports.labelstudio.import_labelstudio": "part of an import, inside import_path's transaction",
    "newsmark.store.sources.resolve.resolve_speakers": "part of save_analysis and accept_suggestion",
    "newsmark.store.sources.resolve.refresh_names": "part of save_analysis and accept_suggestion",
    "newsmark.store.sources.resolve.attach_sources": "part of save_analysis",
    "newsmark.store.sources.resolve.attach_sources_everywhere": "part of migration 0006",
    "newsmark.store.sources.resolve.restore_source": "part of an import, inside import_path's transaction",
}

# --- finding the writers by reading the code ------------------------------------------

# SQL that changes the database, in any string a function holds.
WRITE_SQL = re.compile(
    r"\b(insert\s+(or\s+\w+\s+)?into|update\s+\w+\s+set|delete\s+from|replace\s+into"
    r"|alter\s+table|create\s+(table|index|trigger)|drop\s+(table|index|trigger)|begin)\b",
    re.IGNORECASE,
)
# sqlite-utils and sqlite3 calls that write (or open a transaction to).
WRITE_CALLS = {
    "atomic",
    "insert",
    "insert_all",
    "upsert",
    "upsert_all",
    "update",
    "executemany",
    "executescript",
}


def _code_objects(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _called_store_functions(fn: types.FunctionType, code: types.CodeType) -> Iterator[types.FunctionType]:
    """The store's functions `code` names: globals, and names imported inside a function."""
    for name in code.co_names:
        other = fn.__globals__.get(name)
        if inspect.isfunction(other) and other.__module__.startswith("newsmark.store"):
            yield other
    module = None
    for instruction in dis.get_instructions(code):
        if instruction.opname == "IMPORT_NAME":
            module = instruction.argval
        elif instruction.opname == "IMPORT_FROM" and module and module.startswith("newsmark.store"):
            other = getattr(importlib.import_module(module), instruction.argval, None)
            if inspect.isfunction(other):
                yield other


def writes(fn: types.FunctionType, seen: set | None = None) -> bool:
    """Whether `fn`, or a store function it calls, writes to the database."""
    seen = set() if seen is None else seen
    fn = inspect.unwrap(fn)
    if fn in seen:
        return False
    seen.add(fn)
    for code in _code_objects(fn.__code__):
        if any(isinstance(c, str) and WRITE_SQL.search(c) for c in code.co_consts):
            return True
        if WRITE_CALLS & set(code.co_names):
            return True
        if any(writes(other, seen) for other in _called_store_functions(fn, code)):
            return True
    return False


def store_functions() -> dict[str, types.FunctionType]:
    """Every public function of every store module, by the module that defines it."""
    found = {}
    for info in pkgutil.walk_packages(newsmark.store.__path__, "newsmark.store."):
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_"):
                found[f"{module.__name__}.{name}"] = fn
    return found


def migrations() -> set:
    """The schema's migrations (every one is pending on an empty database)."""
    return {m.fn for m in schema.migrations.pending(Database(memory=True))}


def retries_when_locked(fn: Callable) -> bool:
    # Every function retry_when_locked returns runs its one inner wrapper's code.
    return getattr(fn, "__code__", None) is retry_when_locked(lambda db: None).__code__


def test_every_public_writer_in_the_store_retries_when_locked() -> None:
    functions = store_functions()
    listed = set(WRITERS) | set(CALLER_HOLDS_THE_TRANSACTION)
    assert sorted(listed - set(functions)) == [], "listed here, but no such function in the store (moved?)"
    writers = {name for name, fn in functions.items() if writes(fn) and fn not in migrations()}
    writers |= WRITE_THROUGH_A_REGISTRY
    wrapped = {name for name, fn in functions.items() if retries_when_locked(fn)}
    assert len(writers) > 15 and wrapped  # the search itself works
    assert sorted(writers - listed) == [], (
        "writers this file does not know: wrap each in retry_when_locked and add it to WRITERS "
        "(or, if its caller always holds the transaction, to CALLER_HOLDS_THE_TRANSACTION)"
    )
    assert sorted(wrapped - set(WRITERS)) == [], "wrapped, so add it to WRITERS to be called under a lock"
    assert sorted(listed - writers - wrapped) == [], "listed here, but no longer a writer in the store"
    assert sorted(set(WRITERS) - wrapped) == [], "not wrapped in retry_when_locked"


# --- calling each one while another connection holds the write lock --------------------


class LockHolder(threading.Thread):
    """Another connection that takes the write lock, writes, and commits after HOLD_S:
    anything read meanwhile is then out of date, as when background analysis writes."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.locked = threading.Event()
        self.committed_at = 0.0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("insert into other_writer values (1)")
                self.locked.set()
                time.sleep(HOLD_S)
                conn.execute("COMMIT")
                self.committed_at = time.monotonic()
            finally:
                conn.close()
        except BaseException as e:  # reported by the test
            self.error = e
            self.locked.set()


def _resolve(name: str) -> Callable:
    module, _, function = name.rpartition(".")
    return getattr(importlib.import_module(module), function)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_writer_waits_out_another_connections_write_lock(scene: Scene, name: str) -> None:
    writer = _resolve(name)
    args = WRITERS[name](scene)
    holder = LockHolder(scene.path)
    holder.start()
    assert holder.locked.wait(5) and holder.error is None, holder.error
    try:
        writer(*args, **KEYWORDS.get(name, {}))
        returned_at = time.monotonic()
    finally:
        holder.join(5)
    assert holder.error is None, holder.error
    # It really ran into the lock: it could only finish after the other writer committed.
    assert returned_at >= holder.committed_at > 0
    assert not scene.db.conn.in_transaction
