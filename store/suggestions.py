"""Machine quote suggestions cached by analysis: listing, accepting, rejecting."""

from __future__ import annotations

from collections.abc import Collection
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


def suggestions_as_decided(
    db: Database, article_id: str | None = None, *, statuses: Collection[str] = SUGGESTION_STATUSES
) -> list[dict]:
    """Suggestions as the user left them (the `newsmark quotes` records): each with its
    status and, once accepted, the speaker of the QUOTE it became, which the user may
    have changed since (`annotation`: that QUOTE's id; None while open or rejected, or
    when the QUOTE was deleted, and the speaker is then the model's).

    The QUOTE is the one added in the same batch as the latest accept (store.events),
    so later edits to its bounds or label keep the link; a decision that came without
    the event log (an import) takes the QUOTE on the suggestion's exact words.
    """
    unknown = set(statuses) - set(SUGGESTION_STATUSES)
    if unknown:
        raise ValueError(f"unknown suggestion status {', '.join(sorted(unknown))}")
    where = [f"s.status in ({', '.join('?' * len(statuses))})"]
    params: list[object] = list(statuses)
    if article_id is not None:
        where.append("s.article_id = ?")
        params.append(article_id)
    sql = f"""
        with quote_of as (
          select s.id as suggestion_id, coalesce(
            (select added.annotation_id from events added
             where added.kind = 'annotation.add' and added.batch = (
               select accept.batch from events accept
               where accept.article_id = s.article_id and accept.state = 'done'
                 and accept.kind = 'suggestion.accepted'
                 and json_extract(accept.after, '$.suggestion_id') = s.id
               order by accept.id desc limit 1)
             order by added.id limit 1),
            (select n.id from annotations n
             where n.article_id = s.article_id and n.start = s.start and n."end" = s."end"
               and n.label = 'QUOTE' and n.deleted = 0
             order by n.id desc limit 1)
          ) as annotation_id
          from suggestions s where s.status = 'accepted'
        )
        select s.id, s.article_id as article, a.source, s.start, s."end", s.text, s.status,
               n.id as annotation,
               case when n.id is null then s.speaker else n.speaker end as speaker,
               case when n.id is null then s.speaker_start else n.speaker_start end as speaker_start,
               case when n.id is null then s.speaker_end else n.speaker_end end as speaker_end,
               s.cue, s.cue_start, s.cue_end, s.score
        from suggestions s join articles a on a.id = s.article_id
        left join quote_of q on q.suggestion_id = s.id
        left join annotations n on n.id = q.annotation_id and n.deleted = 0
        where {" and ".join(where)}
        order by a.source, s.article_id, s.start"""
    return list(db.query(sql, params))


# What a decided suggestion is, field by field, as exports carry it and imports store it again.
DECIDED_FIELDS = (
    "start",
    "end",
    "text",
    "status",
    "speaker",
    "speaker_start",
    "speaker_end",
    "cue",
    "cue_start",
    "cue_end",
    "score",
)


def decided_suggestions(db: Database, article_id: str) -> list[dict]:
    """The article's accepted and rejected suggestions (the user's decisions), in text order."""
    columns = ", ".join(f'"{c}"' for c in DECIDED_FIELDS)
    return list(
        db.query(
            f"select {columns} from suggestions where article_id = ? and status != 'open'"
            ' order by start, "end", id',
            [article_id],
        )
    )
