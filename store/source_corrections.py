"""The user's corrections to sources: merge two, split a spelling off, rename.

Each is one transaction and one event in the sources' own undo log (store.events:
`undo(db, SOURCES_LOG)`). A merge or a split moves aliases from one source to another,
and every attribution spelled so with them; as analysis resolves speakers through the
aliases (store.sources.resolve), a correction holds for every later analysis. A rename
marks the name the user's, which analysis never changes. A source left with nothing
(the one merged away) stays, empty, so that undo can fill it again; lists leave out
sources with no attributions.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from newsmark.store.db import retry_when_locked
from newsmark.store.events import REPLAY, SOURCES_LOG, log_event
from newsmark.store.sources.names import read_name
from newsmark.store.sources.resolve import best_name
from newsmark.store.timestamps import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database


def _state(db: Database, source_id: int) -> dict:
    row = db.execute("select name, user_named, roles, kind from sources where id = ?", [source_id]).fetchone()
    if row is None:
        raise ValueError(f"no source {source_id}")
    return {"name": row[0], "user_named": bool(row[1]), "roles": json.loads(row[2]), "kind": row[3]}


def _aliases(db: Database, source_id: int) -> list[tuple[str, int]]:
    """(spelling, uses): an unnamed source merged by hand has one description in several articles."""
    return [
        (r[0], r[1])
        for r in db.execute(
            "select alias, sum(uses) from source_aliases where source_id = ? group by alias", [source_id]
        )
    ]


def _alias_rows(db: Database, source_id: int) -> list[list[str | None]]:
    """[spelling, article id or None] of each alias row (store.events._replay_sources)."""
    return [
        [r[0], r[1]]
        for r in db.execute("select alias, article_id from source_aliases where source_id = ?", [source_id])
    ]


def _ids(db: Database, table: str, source_id: int) -> list[int]:
    return [r[0] for r in db.execute(f"select id from {table} where source_id = ?", [source_id])]


def _public(state: dict) -> dict:
    return {k: state[k] for k in ("name", "user_named", "roles")}


@retry_when_locked
def merge_sources(db: Database, keep_id: int, other_id: int) -> None:
    """One source of two: `other_id`'s aliases, roles and attributions join `keep_id`,
    which keeps its name: the user chose what to merge into, so the name they merged into
    is the one they see (and, as a name the user settled, analysis no longer changes it)."""
    if keep_id == other_id:
        raise ValueError("a source cannot be merged with itself")
    keep, other = _state(db, keep_id), _state(db, other_id)
    roles = keep["roles"] + [r for r in other["roles"] if r.lower() not in {k.lower() for k in keep["roles"]}]
    merged = {"name": keep["name"], "user_named": True, "roles": roles}
    before = {
        "from": keep_id,
        "to": other_id,
        "aliases": _alias_rows(db, other_id),
        "suggestions": _ids(db, "suggestions", other_id),
        "annotations": _ids(db, "annotations", other_id),
        "sources": {str(keep_id): _public(keep), str(other_id): _public(other)},
    }
    after = {"from": other_id, "to": keep_id, "aliases": None, "sources": {str(keep_id): merged}}
    _apply(db, "source.merge", before, after)


@retry_when_locked
def split_alias(db: Database, source_id: int, alias: str) -> int:
    """A source of its own for one spelling: `alias` and the attributions spelled so leave
    `source_id`; returns the new source's id. Its name comes from that spelling."""
    state = _state(db, source_id)
    aliases = _aliases(db, source_id)
    if alias not in {a for a, _ in aliases}:
        raise ValueError(f"source {source_id} has no alias {alias!r}")
    if len(aliases) == 1:
        raise ValueError(f"{alias!r} is the only alias of source {source_id}: nothing to split it from")
    now = now_iso()
    name = read_name(alias).display if state["kind"] == "person" else alias
    new_id = (
        db.table("sources")
        .insert(
            {
                "name": name or alias,
                "kind": state["kind"],
                "roles": "[]",
                "created_at": now,
                "updated_at": now,
            }
        )
        .last_rowid
    )
    assert new_id is not None  # an insert always gives its row a rowid
    new = {"name": name or alias, "user_named": False, "roles": []}
    rest = [(a, uses) for a, uses in aliases if a != alias]
    left = {
        **_public(state),
        "name": state["name"] if state["user_named"] else best_name(state["kind"], rest) or state["name"],
    }
    before = {"from": new_id, "to": source_id, "aliases": None, "sources": {str(source_id): _public(state)}}
    after = {
        "from": source_id,
        "to": new_id,
        "aliases": [alias],
        "sources": {str(source_id): left, str(new_id): new},
    }
    _apply(db, "source.split", before, after)
    return new_id


@retry_when_locked
def rename_source(db: Database, source_id: int, name: str) -> None:
    """The source's name becomes the user's: analysis never renames it."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("a source's name cannot be empty")
    state = _state(db, source_id)
    after = {**_public(state), "name": name, "user_named": True}
    _apply(
        db,
        "source.rename",
        {"sources": {str(source_id): _public(state)}},
        {"sources": {str(source_id): after}},
    )


def _apply(db: Database, kind: str, before: dict, after: dict) -> None:
    """Make the correction (its `after`, exactly as redo replays it) and log it, in one transaction."""
    with db.atomic():
        REPLAY[kind](db, None, after)
        log_event(db, kind, SOURCES_LOG, None, before, after)
