"""JSONL with Prodigy's field names: one line per article."""

from __future__ import annotations

import json
from typing import IO

from store.export import ExportItem
from store.tokens import token_span


def item_record(item: ExportItem) -> dict:
    text = item.article.text
    tokens = [
        {
            "text": text[s:e],
            "start": s,
            "end": e,
            "id": i,
            # Followed by whitespace: true for the last token too when the text goes on with some.
            "ws": text[e : e + 1].isspace(),
        }
        for i, (s, e) in enumerate(item.tokens)
    ]
    spans = []
    for a in item.annotations:
        span = {"start": a.start, "end": a.end}
        if (ts := token_span(item.tokens, a.start, a.end)) is not None:
            span["token_start"], span["token_end"] = ts
        span |= {"label": a.label, "text": a.text, "id": a.id}
        if a.speaker is not None:
            span["speaker"] = a.speaker
            span["speaker_start"], span["speaker_end"] = a.speaker_start, a.speaker_end
        if a.note:
            span["note"] = a.note
        spans.append(span)
    return {
        "text": text,
        "meta": {"id": item.article.id, "title": item.article.title, "source": item.article.source},
        "tokens": tokens,
        "spans": spans,
        "entities": [
            {"start": e.start, "end": e.end, "label": e.label, "text": e.text} for e in item.entities
        ],
        "answer": "accept",
    }


def write_jsonl(items, out: IO[str]) -> int:
    n = 0
    for item in items:
        out.write(json.dumps(item_record(item), ensure_ascii=False) + "\n")
        n += 1
    return n
