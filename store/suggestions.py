"""Machine attribution suggestions cached by analysis: listing, accepting, rejecting.

A suggestion is direct (a quoted run: accepted, it becomes a QUOTE) or indirect
(reported content: accepted, a PARAPHRASE); its speaker has a source (store.sources),
which the annotation it becomes carries on.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsmark.store.annotations import Annotation, add_annotation, get_annotation, update_annotation
from newsmark.store.db import retry_when_locked
from newsmark.store.events import SUGGESTION_STATUSES, event_batch, log_event
from newsmark.store.sources.resolve import SpeakerMention, refresh_names, resolve_speakers

if TYPE_CHECKING:
    from sqlite_utils import Database

DIRECT, INDIRECT = "direct", "indirect"
SUGGESTION_KINDS = (DIRECT, INDIRECT)
# The label of the annotation an accepted suggestion becomes.
LABEL_OF_KIND = {DIRECT: "QUOTE", INDIRECT: "PARAPHRASE"}


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
        select s.id, s.article_id as article, a.source, s.kind, s.start, s."end", s.text, s.speaker,
               s.speaker_start, s.speaker_end, s.source_id, s.cue, s.cue_start, s.cue_end, s.score, s.status
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
    kind: str = DIRECT  # one of SUGGESTION_KINDS
    source_id: int | None = None  # the speaker's source
    parts: tuple[tuple[int, int], ...] | None = None  # a split quotation's parts, else None


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
            r["kind"],
            r["source_id"],
            tuple((p[0], p[1]) for p in json.loads(r["parts"])) if r["parts"] else None,
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


@retry_when_locked
def accept_suggestion(
    db: Database,
    suggestion_id: int,
    speaker: str | None,
    speaker_start: int | None,
    speaker_end: int | None,
    *,
    source_id: int | None = None,
) -> Annotation:
    """The suggestion becomes a QUOTE (direct) or a PARAPHRASE (indirect) said by `speaker`,
    mentioned at the span given, in one undo. Its source: `source_id` when given, else the
    suggestion's own when the speaker is the suggestion's, else the one the speaker's name
    resolves to (store.sources.resolve)."""
    row = db.execute(
        'select article_id, start, "end", kind, speaker, source_id from suggestions where id = ?',
        [suggestion_id],
    ).fetchone()
    if row is None:
        raise ValueError(f"no suggestion {suggestion_id}")
    article_id, start, end, kind, suggested_speaker, suggested_source = row
    if source_id is None and speaker == suggested_speaker:
        source_id = suggested_source
    with event_batch(db), db.atomic():  # the annotation and the suggestion's status: one undo
        if source_id is None and speaker is not None:  # a speaker the user named
            mention = SpeakerMention(speaker, speaker_start, speaker_end)
            source_id = resolve_speakers(db, article_id, [mention])[speaker]
            refresh_names(db, [source_id])
        annotation = add_annotation(
            db,
            article_id,
            start,
            end,
            LABEL_OF_KIND[kind],
            speaker=speaker,
            speaker_start=speaker_start,
            speaker_end=speaker_end,
        )
        if source_id is not None:
            db.execute("update annotations set source_id = ? where id = ?", [source_id, annotation.id])
        set_suggestion_status(db, suggestion_id, "accepted")
    accepted = get_annotation(db, annotation.id)
    assert accepted is not None
    return accepted


@retry_when_locked
def attribute_to(
    db: Database, annotation_id: int, speaker: str, speaker_start: int | None, speaker_end: int | None
) -> Annotation:
    """A QUOTE or PARAPHRASE said by `speaker` (mentioned at the span given), in one undo.
    A name no source spells yet resolves as an accepted suggestion's does (a new source
    or an existing person's), so a typed name never leaves the annotation without one."""
    annotation = get_annotation(db, annotation_id)
    if annotation is None:
        raise ValueError(f"no annotation {annotation_id}")
    with event_batch(db), db.atomic():
        mention = SpeakerMention(speaker, speaker_start, speaker_end)
        refresh_names(db, [resolve_speakers(db, annotation.article_id, [mention])[speaker]])
        # the annotations trigger reads the source off the alias just resolved
        return update_annotation(
            db, annotation_id, speaker=speaker, speaker_start=speaker_start, speaker_end=speaker_end
        )


def suggestions_as_decided(
    db: Database,
    article_id: str | None = None,
    *,
    statuses: Collection[str] = SUGGESTION_STATUSES,
    kinds: Collection[str] = SUGGESTION_KINDS,
    source_ids: Collection[int] | None = None,
) -> list[dict]:
    """Suggestions as the user left them (the `newsmark quotes` records): each with its
    kind, status and, once accepted, the speaker and source of the annotation it became,
    which the user may have changed since (`annotation`: its id; None while open or
    rejected, or when it was deleted, and the speaker is then the model's). With
    `source_ids`, only those said by one of these sources.

    The annotation is the one added in the same batch as the latest accept (store.events),
    so later edits to its bounds or label keep the link; a decision that came without
    the event log (an import) takes the QUOTE or PARAPHRASE on the suggestion's exact words.
    """
    unknown = set(statuses) - set(SUGGESTION_STATUSES)
    if unknown:
        raise ValueError(f"unknown suggestion status {', '.join(sorted(unknown))}")
    if unknown := set(kinds) - set(SUGGESTION_KINDS):
        raise ValueError(f"unknown suggestion kind {', '.join(sorted(unknown))}")
    where = [f"s.status in ({', '.join('?' * len(statuses))})", f"s.kind in ({', '.join('?' * len(kinds))})"]
    params: list[object] = [*statuses, *kinds]
    if article_id is not None:
        where.append("s.article_id = ?")
        params.append(article_id)
    outer = ""
    if source_ids is not None:
        outer = f"where source_id in ({', '.join('?' * len(source_ids))})"
        params.extend(source_ids)
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
               and n.label in ('QUOTE', 'PARAPHRASE') and n.deleted = 0
             order by n.id desc limit 1)
          ) as annotation_id
          from suggestions s where s.status = 'accepted'
        )
        select * from (
          select s.id, s.article_id as article, a.source, s.kind, s.start, s."end", s.text, s.status,
                 n.id as annotation,
                 case when n.id is null then s.speaker else n.speaker end as speaker,
                 case when n.id is null then s.speaker_start else n.speaker_start end as speaker_start,
                 case when n.id is null then s.speaker_end else n.speaker_end end as speaker_end,
                 case when n.id is null then s.source_id else n.source_id end as source_id,
                 (select name from sources where id = case when n.id is null then s.source_id
                  else n.source_id end) as source_name,
                 s.cue, s.cue_start, s.cue_end, s.score
          from suggestions s join articles a on a.id = s.article_id
          left join quote_of q on q.suggestion_id = s.id
          left join annotations n on n.id = q.annotation_id and n.deleted = 0
          where {" and ".join(where)}
        ) {outer}
        order by source, article, start"""
    return list(db.query(sql, params))


# What a decided suggestion is, field by field, as exports carry it and imports store it again
# (an import takes a decision without `kind`, from before indirect suggestions, as direct).
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
    "kind",
)


def decided_suggestions(db: Database, article_id: str) -> list[dict]:
    """The article's accepted and rejected suggestions (the user's decisions), in text order,
    each with DECIDED_FIELDS."""
    columns = ", ".join(f'"{c}"' for c in DECIDED_FIELDS)
    return list(
        db.query(
            f"select {columns} from suggestions where article_id = ? and status != 'open'"
            ' order by start, "end", id',
            [article_id],
        )
    )
