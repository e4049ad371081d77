"""Entities: the model's, and the user's corrections to them, as Prodigy's ner.correct
does: add, relabel, reject.

The corrected entities (accepted ones, from the model or the user; never rejected
ones) are what every export calls the entities. A rejected entity stays in the
table, marked, so the decision survives re-analysis and stays in the audit trail.

Each change is one transaction that writes the row and its event together (store.events
undoes and redoes them): `before` and `after` are both `{"entity_id": id, <field>: <value>}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsmark.store.db import retry_when_locked
from newsmark.store.events import event_batch, log_event
from newsmark.store.spans import article_text, check_bounds, trimmed
from newsmark.store.timestamps import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class Entity:
    id: int
    start: int
    end: int
    label: str
    text: str
    origin: str  # model | user
    status: str  # accepted | rejected


def _entity(row: dict) -> Entity:
    return Entity(**{k: row[k] for k in Entity.__dataclass_fields__})


class EntityOverlap(ValueError):
    """The span overlaps an accepted entity: doc.ents and IOB allow one entity per token."""


def entities_for_article(db: Database, article_id: str, *, include_rejected: bool = False) -> list[Entity]:
    status = "" if include_rejected else "and status = 'accepted'"
    return [
        _entity(r)
        for r in db.query(
            f'select * from entities where article_id = ? {status} order by start, "end"',
            [article_id],
        )
    ]


def get_entity(db: Database, entity_id: int) -> Entity | None:
    rows = list(db.query("select * from entities where id = ?", [entity_id]))
    return _entity(rows[0]) if rows else None


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


def overlapping(db: Database, article_id: str, start: int, end: int) -> list[Entity]:
    """Accepted entities of the article that share at least one character with [start, end)."""
    rows = db.query(
        "select * from entities where article_id = ? and status = 'accepted' "
        'and start < ? and "end" > ? order by start',
        [article_id, end, start],
    )
    return [_entity(r) for r in rows]


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
    db.table("entities").update(entity_id, fields)
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
            db.table("entities")
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
            .last_rowid
        )
        assert entity_id is not None  # an insert always gives its row a rowid
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


def touched_entity_ids(db: Database, article_id: str) -> set[int]:
    """Entities of the article the user has changed in any way (added, relabelled, rejected)."""
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

    Kept: every user entity, and every model entity the user relabelled or rejected
    (even when that was undone). A new model entity is skipped when a kept entity has exactly its span
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
