"""The event log behind undo and redo: every change, with what it was before and after.

Each writer logs its change with `log_event` in the transaction that makes it, so
the log never disagrees with the rows. Undo replays an event's `before`, redo its
`after`, through the one handler its kind names in REPLAY; annotation, entity and
suggestion changes share the log, so one undo stack covers them all.

`before` and `after` hold the changed fields: for an annotation the fields
themselves (an add has no `before`: undoing it is a soft delete); for an entity,
a suggestion and an article's status, their id too (`entity_id`, `suggestion_id`,
`article_id`), as `annotation_id` is NULL for them. Undoing an entity's add marks
it rejected: for exports that is the same as never added.

The user's corrections to sources (store.source_corrections: merge, split, rename)
span the corpus, so they have a log of their own, SOURCES_LOG, in place of an
article's id: `undo(db, SOURCES_LOG)` undoes the last one. Their `before` and
`after` say where aliases and attributions go and what each source is then called
(see _replay_sources).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from newsmark.store.db import retry_when_locked
from newsmark.store.timestamps import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database

ENTITY_FIELDS = ("label", "status")
ENTITY_STATUSES = ("accepted", "rejected")
SUGGESTION_STATUSES = ("open", "accepted", "rejected")
ARTICLE_STATUSES = ("new", "in progress", "done")
# The undo log of source corrections, kept where an article's id goes (never a content hash).
SOURCES_LOG = "(sources)"


@dataclass(frozen=True)
class Replayed:
    """What an undo or redo changed: an annotation, an entity or a suggestion (by their
    whole-number ids), or an article's status (by the article's id)."""

    kind: str  # the event kind, e.g. "annotation.add", "entity.reject", "article.status"
    target_id: int | str
    # Every kind the action replayed, in replay order: a batch (tag all matches, accept a
    # suggestion) is one undo, and the reader says what it was.
    batch_kinds: tuple[str, ...] = ()
    # The (last) event's fields before and after the change as the user made it, whichever
    # way it was replayed, and for an annotation its label and text now: so the reader says
    # what changed ("relabel QUOTE → PARAPHRASE"), not which row.
    before: dict | None = None
    after: dict | None = None
    label: str | None = None
    text: str | None = None


# A handler applies one event's `before` (undo) or `after` (redo): it gets the
# event's annotation_id and that side decoded, and returns the id it changed.
Replay = Callable[["Database", int | None, dict | None], int | str]


def _replay_annotation(db: Database, annotation_id: int | None, change: dict | None) -> int:
    if annotation_id is None:
        raise ValueError("an annotation event without its annotation")
    # An add has no `before`: undoing it is a soft delete.
    fields = change if change is not None else {"deleted": 1}
    db.table("annotations").update(annotation_id, {**fields, "updated_at": now_iso()})
    return annotation_id


def _replay_entity(db: Database, _annotation_id: int | None, change: dict | None) -> int:
    fields = {k: v for k, v in (change or {}).items() if k != "entity_id"}
    if (
        change is None
        or "entity_id" not in change
        or not fields
        or set(fields) - set(ENTITY_FIELDS)
        or fields.get("status", "accepted") not in ENTITY_STATUSES
    ):
        raise ValueError(f"not an entity change: {change}")
    entity_id = int(change["entity_id"])
    db.table("entities").update(entity_id, fields)
    return entity_id


def _replay_suggestion(db: Database, _annotation_id: int | None, change: dict | None) -> int:
    if change is None or change.get("status") not in SUGGESTION_STATUSES or "suggestion_id" not in change:
        raise ValueError(f"not a suggestion change: {change}")
    suggestion_id = int(change["suggestion_id"])
    db.execute("update suggestions set status = ? where id = ?", [change["status"], suggestion_id])
    return suggestion_id


def _replay_article_status(db: Database, _annotation_id: int | None, change: dict | None) -> str:
    if change is None or change.get("status") not in ARTICLE_STATUSES or "article_id" not in change:
        raise ValueError(f"not an article status change: {change}")
    article_id = str(change["article_id"])
    db.execute("update articles set status = ? where id = ?", [change["status"], article_id])
    return article_id


def _replay_sources(db: Database, _annotation_id: int | None, change: dict | None) -> int:
    """A source correction's side: {"sources": {id: {"name", "user_named", "roles"}}} sets
    each source's name and roles; with "from" and "to" it first moves from one source to
    the other the aliases listed in "aliases" (all of them when it is None) and the
    suggestions and annotations spelled so or listed by id in "suggestions" and "annotations".
    An alias is listed as [spelling, article id or null]: that one row of source_aliases
    (an unnamed source's description is its article's), and what is spelled so there (or
    anywhere, for null); or as a bare spelling: every row spelled so (as events logged
    before aliases had articles list them)."""
    if change is None or not isinstance(change.get("sources"), dict) or not change["sources"]:
        raise ValueError(f"not a source correction: {change}")
    if "to" in change:
        target, origin, aliases = int(change["to"]), int(change["from"]), change.get("aliases")
        every = aliases is None
        spelled = json.dumps(aliases or [])
        db.execute(
            "update source_aliases set source_id = ? where source_id = ? and (? or exists (select 1"
            " from json_each(?) j where iif(j.type = 'array', json_extract(j.value, '$[0]') = alias"
            " and json_extract(j.value, '$[1]') is article_id, j.value = alias)))",
            [target, origin, every, spelled],
        )
        for table in ("suggestions", "annotations"):
            db.execute(
                f"update {table} set source_id = ? where source_id = ? and (? or exists (select 1"
                " from json_each(?) j where iif(j.type = 'array', json_extract(j.value, '$[0]') = speaker"
                " and coalesce(json_extract(j.value, '$[1]') = article_id, 1), j.value = speaker))"
                " or id in (select value from json_each(?)))",
                [target, origin, every, spelled, json.dumps(change.get(table, []))],
            )
    for source_id, state in change["sources"].items():
        db.execute(
            "update sources set name = ?, user_named = ?, roles = ?, updated_at = ? where id = ?",
            [
                state["name"],
                int(state["user_named"]),
                json.dumps(state["roles"], ensure_ascii=False),
                now_iso(),
                int(source_id),
            ],
        )
    return int(change.get("to", next(iter(change["sources"]))))


REPLAY: dict[str, Replay] = {
    "annotation.add": _replay_annotation,
    "annotation.delete": _replay_annotation,
    "annotation.update": _replay_annotation,
    "entity.add": _replay_entity,
    "entity.relabel": _replay_entity,
    "entity.reject": _replay_entity,
    **{f"suggestion.{status}": _replay_suggestion for status in SUGGESTION_STATUSES},
    "article.status": _replay_article_status,
    "source.merge": _replay_sources,
    "source.split": _replay_sources,
    "source.rename": _replay_sources,
}
"""Every kind of event, and how it is undone and redone: log_event refuses any other kind."""


# The batch of the action being recorded, if any (see event_batch).
_current_batch: ContextVar[int | None] = ContextVar("newsmark_event_batch", default=None)


@contextmanager
def event_batch(db: Database) -> Iterator[None]:
    """Events logged inside share one batch, so undo and redo treat them as one action."""
    if _current_batch.get() is not None:  # nested: the outer action owns the batch
        yield
        return
    batch = db.execute("select coalesce(max(batch), 0) + 1 from events").fetchone()[0]
    token = _current_batch.set(batch)
    try:
        yield
    finally:
        _current_batch.reset(token)


def log_event(
    db: Database,
    kind: str,
    article_id: str,
    annotation_id: int | None,
    before: dict | None,
    after: dict | None,
) -> None:
    """Record one change in the article's undo log; the caller holds the transaction
    that makes the change. Entity, suggestion and status changes pass annotation_id None."""
    if kind not in REPLAY:
        raise ValueError(f"unknown event kind {kind!r}: add its handler to store.events.REPLAY")
    # A new change ends the redo chain; the undone events stay for the audit trail.
    db.execute(
        "update events set state = 'dropped' where article_id = ? and state = 'undone'",
        [article_id],
    )
    db.table("events").insert(
        {
            "at": now_iso(),
            "kind": kind,
            "article_id": article_id,
            "annotation_id": annotation_id,
            "before": json.dumps(before) if before is not None else None,
            "after": json.dumps(after) if after is not None else None,
            "state": "done",
            "batch": _current_batch.get(),
        }
    )


def _replay(db: Database, article_id: str, *, undoing: bool) -> Replayed | None:
    """Undo the article's last action, or redo the one undone last; the events of one
    batch are undone (or redone) together, in one transaction."""
    state, order = ("done", "desc") if undoing else ("undone", "asc")
    first = db.execute(
        f"select id, batch from events where article_id = ? and state = ? order by id {order} limit 1",
        [article_id, state],
    ).fetchone()
    if first is None:
        return None
    event_id, batch = first
    if batch is None:
        ids = [event_id]
    else:
        ids = [
            r[0]
            for r in db.execute(
                f"select id from events where article_id = ? and state = ? and batch = ? order by id {order}",
                [article_id, state, batch],
            )
        ]
    replayed = []
    with db.atomic():
        for one in ids:
            replayed.append(_replay_event(db, one, undoing=undoing))
    return replace(replayed[-1], batch_kinds=tuple(r.kind for r in replayed))


def _replay_event(db: Database, event_id: int, *, undoing: bool) -> Replayed:
    kind, annotation_id, before, after = db.execute(
        "select kind, annotation_id, before, after from events where id = ?", [event_id]
    ).fetchone()
    if kind not in REPLAY:
        raise ValueError(f"event {event_id}: unknown kind {kind!r}; nothing undone")
    before, after = (json.loads(side) if side is not None else None for side in (before, after))
    target = REPLAY[kind](db, annotation_id, before if undoing else after)
    db.execute("update events set state = ? where id = ?", ["undone" if undoing else "done", event_id])
    label = text = None
    if annotation_id is not None:
        sql = "select label, text from annotations where id = ?"
        label, text = db.execute(sql, [annotation_id]).fetchone()
    return Replayed(kind, target, before=before, after=after, label=label, text=text)


@retry_when_locked
def undo(db: Database, article_id: str) -> Replayed | None:
    """Undo the article's last change (annotation, entity, suggestion or status), or with
    SOURCES_LOG the last source correction; None when there is none."""
    return _replay(db, article_id, undoing=True)


@retry_when_locked
def redo(db: Database, article_id: str) -> Replayed | None:
    """Redo the change undone last, or None when there is none."""
    return _replay(db, article_id, undoing=False)
