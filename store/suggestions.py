"""Machine quote suggestions cached by analysis: listing, accepting, rejecting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsmark.store.db import retry_when_locked
from newsmark.store.events import SUGGESTION_STATUSES, log_event

if TYPE_CHECKING:
    from sqlite_utils import Database


def suggestions_for(db: Database, article_id: str | None = None, *, status: str | None = None) -> list[dict]:
    """Suggestions as plain records (the `newsmark quotes` jsonl fields)."""
    where, params = [], []
    if article_id is not None:
        where.append("s.article_id = ?")
        params.append(article_id)
    if status is not None:
        where.append("s.status = ?")
        params.append(status)
    clause = ("where " + " and ".join(where)) if where else ""
    sql = f"""
        select s.id, s.article_id as article, a.source, s.start, s."end", s.text, s.speaker,
               s.speaker_start, s.speaker_end, s.cue, s.cue_start, s.cue_end, s.score, s.status
        from suggestions s join articles a on a.id = s.article_id
        {clause}
        order by a.source, s.article_id, s.start"""
    return list(db.query(sql, params))


@dataclass(frozen=True)
class Suggestion:
    id: int
    start: int
    end: int
    text: str
    cue: str | None
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    score: float
    status: str


def open_suggestions(db: Database, article_id: str) -> list[Suggestion]:
    """The article's suggestions not yet rejected, in text order."""
    return [
        Suggestion(
            r["id"],
            r["start"],
            r["end"],
            r["text"],
            r["cue"],
            r["speaker"],
            r["speaker_start"],
            r["speaker_end"],
            r["score"],
            r["status"],
        )
        for r in db.query(
            "select * from suggestions where article_id = ? and status != 'rejected' order by start",
            [article_id],
        )
    ]


@retry_when_locked
def set_suggestion_status(db: Database, suggestion_id: int, status: str) -> None:
    """Accept or reject a suggestion; logged, so undo brings a rejected one back."""
    if status not in SUGGESTION_STATUSES:
        raise ValueError(f"unknown suggestion status {status}")
    row = db.execute("select article_id, status from suggestions where id = ?", [suggestion_id]).fetchone()
    if row is None:
        raise ValueError(f"no suggestion {suggestion_id}")
    article_id, before = row
    with db.atomic():
        db.execute("update suggestions set status = ? where id = ?", [status, suggestion_id])
        log_event(
            db,
            f"suggestion.{status}",
            article_id,
            None,
            {"suggestion_id": suggestion_id, "status": before},
            {"suggestion_id": suggestion_id, "status": status},
        )
