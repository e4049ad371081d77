"""Machine quote suggestions cached by analysis: listing, accepting, rejecting."""

from __future__ import annotations

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
