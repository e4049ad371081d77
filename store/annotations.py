"""Annotations and labels.

Every change is one transaction that writes the row and its event together, so
what the screen shows as saved is on disk, and undo can always be replayed
(store.events).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from newsmark.store.db import retry_when_locked
from newsmark.store.events import log_event
from newsmark.store.spans import article_text, check_bounds
from newsmark.store.timestamps import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database

EDITABLE_FIELDS = ("start", "end", "label", "text", "speaker", "speaker_start", "speaker_end", "note")


class AlreadyTagged(ValueError):
    """The same words already carry the same label: a second copy would be a duplicate."""


@dataclass(frozen=True)
class Annotation:
    id: int
    article_id: str
    start: int
    end: int
    label: str
    text: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    note: str | None = None
    created_at: str = ""
    updated_at: str = ""
    deleted: int = 0


@dataclass(frozen=True)
class Label:
    name: str
    colour: str
    key: int | None
    description: str


def _annotation(row: dict) -> Annotation:
    return Annotation(**{k: row[k] for k in Annotation.__dataclass_fields__})


def get_annotation(db: Database, annotation_id: int) -> Annotation | None:
    rows = list(db.query("select * from annotations where id = ?", [annotation_id]))
    return _annotation(rows[0]) if rows else None


def annotations_for_article(db: Database, article_id: str) -> list[Annotation]:
    return [
        _annotation(r)
        for r in db.query(
            'select * from annotations where article_id = ? and deleted = 0 order by start, "end", id',
            [article_id],
        )
    ]


@retry_when_locked
def add_annotation(
    db: Database,
    article_id: str,
    start: int,
    end: int,
    label: str,
    *,
    speaker: str | None = None,
    speaker_start: int | None = None,
    speaker_end: int | None = None,
    note: str | None = None,
) -> Annotation:
    """Tag text[start:end] of an article with a label; committed when this returns."""
    text = article_text(db, article_id)
    check_bounds(text, start, end)
    if db.execute("select 1 from labels where name = ?", [label]).fetchone() is None:
        raise ValueError(f"no label {label} (add it first)")
    same = db.execute(
        'select id from annotations where article_id = ? and start = ? and "end" = ? and label = ? '
        "and deleted = 0",
        [article_id, start, end, label],
    ).fetchone()
    if same is not None:
        raise AlreadyTagged(f"already tagged {label} there (annotation #{same[0]})")
    now = now_iso()
    record = {
        "article_id": article_id,
        "start": start,
        "end": end,
        "label": label,
        "text": text[start:end],
        "speaker": speaker,
        "speaker_start": speaker_start,
        "speaker_end": speaker_end,
        "note": note,
        "created_at": now,
        "updated_at": now,
        "deleted": 0,
    }
    with db.atomic():
        annotation_id = db.table("annotations").insert(record).last_rowid
        assert annotation_id is not None  # an insert always gives its row a rowid
        log_event(db, "annotation.add", article_id, annotation_id, None, {"deleted": 0})
    annotation = get_annotation(db, annotation_id)
    assert annotation is not None
    return annotation


@retry_when_locked
def delete_annotation(db: Database, annotation_id: int) -> Annotation:
    """Soft-delete: the row stays, marked, so undo and the audit trail can bring it back."""
    annotation = get_annotation(db, annotation_id)
    if annotation is None:
        raise ValueError(f"no annotation {annotation_id}")
    with db.atomic():
        db.execute(
            "update annotations set deleted = 1, updated_at = ? where id = ?", [now_iso(), annotation_id]
        )
        log_event(
            db, "annotation.delete", annotation.article_id, annotation_id, {"deleted": 0}, {"deleted": 1}
        )
    return annotation


@retry_when_locked
def update_annotation(db: Database, annotation_id: int, **changes: object) -> Annotation:
    """Change fields of an annotation (speaker, bounds, note, label), undoably."""
    annotation = get_annotation(db, annotation_id)
    if annotation is None:
        raise ValueError(f"no annotation {annotation_id}")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    if "start" in changes or "end" in changes:
        text = article_text(db, annotation.article_id)
        start = changes.get("start", annotation.start)
        end = changes.get("end", annotation.end)
        if not isinstance(start, int) or not isinstance(end, int):
            raise ValueError(f"offsets are whole numbers, not {start!r}-{end!r}")
        check_bounds(text, start, end)
        changes["text"] = text[start:end]
    current = asdict(annotation)
    before = {k: current[k] for k in changes}
    with db.atomic():
        db.table("annotations").update(annotation_id, {**changes, "updated_at": now_iso()})
        log_event(db, "annotation.update", annotation.article_id, annotation_id, before, dict(changes))
    updated = get_annotation(db, annotation_id)
    assert updated is not None
    return updated


def list_labels(db: Database) -> list[Label]:
    return [
        Label(r["name"], r["colour"], r["key"], r["description"])
        for r in db.query("select * from labels order by coalesce(key, 99), name")
    ]


LABEL_PALETTE = [
    "#e5a50a",
    "#3584e4",
    "#c061cb",
    "#2ec27e",
    "#e66100",
    "#1c71d8",
    "#f66151",
    "#98c379",
    "#56b6c2",
]


@retry_when_locked
def add_label(
    db: Database, name: str, *, description: str = "", colour: str | None = None, key: int | None = None
) -> Label:
    """A new label on `key` when that is free, else on the first free key 1-9 (or none when
    all are taken); in `colour`, else the palette's colour for its key. (An import passes the
    colour and key the label had where it was exported.)"""
    name = name.strip().upper()
    if not name or any(c.isspace() for c in name):
        raise ValueError("a label name is one word, not empty")
    taken = {label.key for label in list_labels(db)}
    if any(label.name == name for label in list_labels(db)):
        raise ValueError(f"label {name} exists already")
    if key not in range(1, 10) or key in taken:
        key = next((k for k in range(1, 10) if k not in taken), None)
    colour = colour or LABEL_PALETTE[(key or 1) - 1]
    with db.atomic():
        db.table("labels").insert({"name": name, "colour": colour, "key": key, "description": description})
    return Label(name, colour, key, description)


@retry_when_locked
def rename_label(db: Database, old: str, new: str) -> None:
    """Rename a label, and every annotation that carries it, in one transaction."""
    new = new.strip().upper()
    if not new or any(c.isspace() for c in new):
        raise ValueError("a label name is one word, not empty")
    if not any(label.name == old for label in list_labels(db)):
        raise ValueError(f"no label {old}")
    if any(label.name == new for label in list_labels(db)):
        raise ValueError(f"label {new} exists already")
    with db.atomic():
        db.execute("update labels set name = ? where name = ?", [new, old])
        db.execute("update annotations set label = ? where label = ?", [new, old])


def label_for_key(db: Database, key: int) -> Label | None:
    return next((label for label in list_labels(db) if label.key == key), None)
