"""Correcting the model's entities, as Prodigy's ner.correct does: add, relabel, reject, restore.

The corrected entities (accepted ones, from the model or the user; never rejected
ones) are what every export calls the entities. A rejected entity stays in the
table, marked, so the decision survives re-analysis and stays in the audit trail.

Each change is one transaction that writes the row and an event together. Entity
events use the events table like annotation events do, with `annotation_id` left
NULL and the entity's id inside the JSON: `before` and `after` are both
`{"entity_id": id, <field>: <value>, ...}`, so undo is `apply_entity_change(db,
before)` and redo is `apply_entity_change(db, after)`, for every kind
(`entity.add`, `entity.relabel`, `entity.reject`, `entity.restore`). Undoing an
add marks the entity rejected: for exports that is the same as never added.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newsmark.store.annotations import event_batch, log_event
from newsmark.store.articles import Entity, now_iso
from newsmark.store.db import retry_when_locked
from newsmark.store.spans import article_text, check_bounds, trimmed

if TYPE_CHECKING:
    from sqlite_utils import Database

CHANGEABLE_FIELDS = ("label", "status")
STATUSES = ("accepted", "rejected")


class EntityOverlap(ValueError):
    """The span overlaps an accepted entity: doc.ents and IOB allow one entity per token."""


def get_entity(db: Database, entity_id: int) -> Entity | None:
    rows = list(db.query("select * from entities where id = ?", [entity_id]))
    if not rows:
        return None
    r = rows[0]
    return Entity(r["id"], r["start"], r["end"], r["label"], r["text"], r["origin"], r["status"])


def article_id_of(db: Database, entity_id: int) -> str:
    row = db.execute("select article_id from entities where id = ?", [entity_id]).fetchone()
    if row is None:
        raise ValueError(f"no entity {entity_id}")
    return row[0]


def check_label(label: str) -> str:
    label = label.strip()
    if not label or any(c.isspace() for c in label):
        raise ValueError(f"an entity label is one word, not empty: {label!r}")
    return label


def overlapping(
    db: Database, article_id: str, start: int, end: int, *, but: int | None = None
) -> list[Entity]:
    """Accepted entities of the article that share at least one character with [start, end)."""
    rows = db.query(
        "select * from entities where article_id = ? and status = 'accepted' "
        'and start < ? and "end" > ? and id is not ? order by start',
        [article_id, end, start, but],
    )
    return [
        Entity(r["id"], r["start"], r["end"], r["label"], r["text"], r["origin"], r["status"]) for r in rows
    ]


def _refuse_or_reject(db: Database, article_id: str, clashes: list[Entity], replace: bool) -> None:
    if not clashes:
        return
    if not replace:
        named = ", ".join(f"{e.id} {e.text!r} {e.label}" for e in clashes)
        raise EntityOverlap(f"overlaps accepted entit{'y' if len(clashes) == 1 else 'ies'} {named}")
    for e in clashes:
        _change(db, article_id, e.id, "entity.reject", {"status": "rejected"})


def _change(db: Database, article_id: str, entity_id: int, kind: str, fields: dict) -> None:
    """Set fields of one entity and log the event; the caller holds the transaction."""
    row = db.execute(
        f"select {', '.join(fields)} from entities where id = ?",  # fields are checked names
        [entity_id],
    ).fetchone()
    before = {"entity_id": entity_id, **dict(zip(fields, row, strict=True))}
    db["entities"].update(entity_id, fields)
    log_event(db, kind, article_id, None, before, {"entity_id": entity_id, **fields})


@retry_when_locked
def add_entity(
    db: Database, article_id: str, start: int, end: int, label: str, *, replace: bool = False
) -> Entity:
    """A user entity on text[start:end]. An overlap with an accepted entity is refused
    (EntityOverlap), or with replace=True those entities are rejected in the same transaction."""
    label = check_label(label)
    text = article_text(db, article_id)
    check_bounds(text, start, end)
    # A selection's stray spaces are not part of the name (and no token holds whitespace).
    start, end = trimmed(text, start, end)
    if start == end:
        raise ValueError("an entity needs some text, not only whitespace")
    # Rejecting what it replaces and adding it are one action: one undo.
    with event_batch(db), db.atomic():
        _refuse_or_reject(db, article_id, overlapping(db, article_id, start, end), replace)
        entity_id = (
            db["entities"]
            .insert(
                {
                    "article_id": article_id,
                    "start": start,
                    "end": end,
                    "label": label,
                    "text": text[start:end],
                    "origin": "user",
                    "status": "accepted",
                    "created_at": now_iso(),
                }
            )
            .last_pk
        )
        log_event(
            db,
            "entity.add",
            article_id,
            None,
            {"entity_id": entity_id, "status": "rejected"},
            {"entity_id": entity_id, "status": "accepted"},
        )
    entity = get_entity(db, entity_id)
    assert entity is not None
    return entity


@retry_when_locked
def relabel_entity(db: Database, entity_id: int, label: str) -> Entity:
    label = check_label(label)
    article_id = article_id_of(db, entity_id)
    with db.atomic():
        _change(db, article_id, entity_id, "entity.relabel", {"label": label})
    entity = get_entity(db, entity_id)
    assert entity is not None
    return entity


@retry_when_locked
def reject_entity(db: Database, entity_id: int) -> Entity:
    """Mark an entity rejected: it stays in the table, and exports leave it out."""
    article_id = article_id_of(db, entity_id)
    with db.atomic():
        _change(db, article_id, entity_id, "entity.reject", {"status": "rejected"})
    entity = get_entity(db, entity_id)
    assert entity is not None
    return entity


@retry_when_locked
def restore_entity(db: Database, entity_id: int, *, replace: bool = False) -> Entity:
    """Accept a rejected entity again (overlaps are handled as in add_entity)."""
    entity = get_entity(db, entity_id)
    if entity is None:
        raise ValueError(f"no entity {entity_id}")
    article_id = article_id_of(db, entity_id)
    with event_batch(db), db.atomic():
        clashes = overlapping(db, article_id, entity.start, entity.end, but=entity_id)
        _refuse_or_reject(db, article_id, clashes, replace)
        _change(db, article_id, entity_id, "entity.restore", {"status": "accepted"})
    restored = get_entity(db, entity_id)
    assert restored is not None
    return restored


@retry_when_locked
def apply_entity_change(db: Database, change: dict) -> int:
    """Apply an entity event's `before` (undo) or `after` (redo); returns the entity id.
    For store.annotations.undo/redo to call on events whose kind starts with 'entity.'."""
    fields = {k: v for k, v in change.items() if k != "entity_id"}
    if set(fields) - set(CHANGEABLE_FIELDS) or fields.get("status", "accepted") not in STATUSES:
        raise ValueError(f"not an entity change: {change}")
    entity_id = int(change["entity_id"])
    with db.atomic():
        db["entities"].update(entity_id, fields)
    return entity_id


def touched_entity_ids(db: Database, article_id: str) -> set[int]:
    """Entities of the article the user has changed in any way (relabel, reject, restore)."""
    rows = db.execute(
        "select distinct json_extract(after, '$.entity_id') from events "
        "where article_id = ? and kind like 'entity.%'",
        [article_id],
    )
    return {r[0] for r in rows if r[0] is not None}


def merge_model_entities(
    db: Database, article_id: str, found: Sequence[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """On re-analysis: drop the model entities the user never touched, and return the
    newly found ones that do not contradict a user decision. The caller holds the transaction.

    Kept: every user entity, and every model entity the user relabelled, rejected or
    restored. A new model entity is skipped when a kept entity has exactly its span
    (the user decided about that span) or when it overlaps a kept accepted one.
    """
    touched = touched_entity_ids(db, article_id)
    model_rows = db.execute(
        "select id from entities where article_id = ? and origin = 'model'", [article_id]
    ).fetchall()
    drop = [r[0] for r in model_rows if r[0] not in touched]
    db.conn.executemany("delete from entities where id = ?", [(i,) for i in drop])
    kept = db.execute(
        'select start, "end", status from entities where article_id = ?', [article_id]
    ).fetchall()
    decided = {(s, e) for s, e, _ in kept}
    accepted = [(s, e) for s, e, status in kept if status == "accepted"]
    return [
        (s, e, label)
        for s, e, label in found
        if (s, e) not in decided and not any(ks < e and ke > s for ks, ke in accepted)
    ]


def entity_events(db: Database, article_id: str) -> list[dict]:
    """The article's entity events, oldest first, with before/after decoded (for audit and tests)."""
    return [
        {**r, "before": json.loads(r["before"]), "after": json.loads(r["after"])}
        for r in db.query(
            "select id, kind, state, before, after from events "
            "where article_id = ? and kind like 'entity.%' order by id",
            [article_id],
        )
    ]
