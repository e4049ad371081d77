"""Caching what analysis found for an article: entities, sentences, tokens, suggestions.

nlp produces an `Analysis` per article; `save_analysis` stores it. The user's own
work (entities they added, relabelled or rejected; suggestions they decided) stays.
A model entity is stored within one line (see within_one_line). Each suggestion's
speaker resolves to a source (store.sources.resolve), through the same aliases every
time, so the user's merges, splits and renames hold after re-analysis.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsmark.store.db import retry_when_locked
from newsmark.store.entities import merge_model_entities
from newsmark.store.sources.resolve import SpeakerMention, attach_sources, refresh_names, resolve_speakers
from newsmark.store.spans import trimmed
from newsmark.store.suggestions import DIRECT
from newsmark.store.timestamps import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class Analysis:
    """What nlp produces for one article, in store terms (plain offsets)."""

    article_id: str
    model: str
    entities: Sequence[tuple[int, int, str]]
    sentences: Sequence[tuple[int, int]]
    tokens: Sequence[tuple[int, int]]
    # Each with start, end, text, cue, cue_start, cue_end, speaker, speaker_start, speaker_end,
    # score; and `kind` ("direct" when left out, or "indirect") and a split quotation's `parts`
    # ([(start, end), ...], or None) when nlp gives them.
    suggestions: Sequence[dict]


def within_one_line(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A model entity cut to the first line it has words on, or None when it has none.

    A name never runs over a line break in a stored article, where a line is a headline,
    a paragraph or a caption; the small English model reads a name that ends a headline
    on into the photo credit under it ('Jaishankar\n\nImage Source' as PERSON). The part
    before the break is the name it saw; what follows is the next line's first words.
    """
    line_start = start
    while line_start < end:
        line_end = text.find("\n", line_start, end)
        line_end = end if line_end == -1 else line_end
        s, e = trimmed(text, line_start, line_end)
        if s < e:
            return s, e
        line_start = line_end + 1
    return None


@retry_when_locked
def save_analysis(db: Database, analysis: Analysis) -> None:
    """Replace the model's cached output for one article; the user's own work stays."""
    text_row = db.execute("select text from articles where id = ?", [analysis.article_id]).fetchone()
    if text_row is None:
        return
    text = text_row[0]
    now = now_iso()
    aid = analysis.article_id
    with db.atomic():
        one_line = [
            (*span, label)
            for s, e, label in analysis.entities
            if (span := within_one_line(text, s, e)) is not None
        ]
        # Model entities the user relabelled or rejected survive; new ones never contradict them.
        found = merge_model_entities(db, aid, one_line)
        db.execute("delete from sentences where article_id = ?", [aid])
        db.execute("delete from suggestions where article_id = ? and status = 'open'", [aid])
        db.conn.executemany(
            'insert into entities (article_id, start, "end", label, text, origin, status,'
            " created_at) values (?, ?, ?, ?, ?, 'model', 'accepted', ?)",
            [(aid, s, e, label, text[s:e], now) for s, e, label in found],
        )
        db.conn.executemany(
            'insert or ignore into sentences (article_id, start, "end") values (?, ?, ?)',
            [(aid, s, e) for s, e in analysis.sentences],
        )
        flat = [x for pair in analysis.tokens for x in pair]
        db.execute(
            "insert or replace into tokens (article_id, model, offsets) values (?, ?, ?)",
            [aid, analysis.model, json.dumps(flat, separators=(",", ":"))],
        )
        decided = {
            (r[0], r[1], r[2])
            for r in db.execute(
                "select start, \"end\", kind from suggestions where article_id = ? and status != 'open'",
                [aid],
            )
        }
        new = [
            s for s in analysis.suggestions if (s["start"], s["end"], s.get("kind", DIRECT)) not in decided
        ]
        sources = resolve_speakers(
            db,
            aid,
            [
                SpeakerMention(s["speaker"], s.get("speaker_start"), s.get("speaker_end"))
                for s in new
                if s.get("speaker")
            ],
        )
        db.table("suggestions").insert_all(
            [
                {
                    "article_id": aid,
                    **s,
                    "kind": s.get("kind", DIRECT),
                    "parts": json.dumps(s["parts"]) if s.get("parts") else None,
                    "source_id": sources.get(s.get("speaker") or ""),
                }
                for s in new
            ]
        )
        refresh_names(db, sources.values())
        # Decided suggestions that named a speaker before it had a source (an import brought them).
        attach_sources(db, aid)
        db.execute(
            "update articles set analysis_model = ?, analyzed_at = ? where id = ?",
            [analysis.model, now, aid],
        )
