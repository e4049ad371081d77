"""JSONL with Prodigy's field names: one line per article.

Besides Prodigy's `text`, `meta`, `tokens` and `spans` (the annotations), each line
has `entities` (the corrected entities: accepted ones, from the model or the user),
`quotes` (the QUOTE annotations with their speakers) and `relations`: one
Prodigy-style relation per annotation whose speaker has a mention in the text,
labelled SPEAKER, with the quote span as head and the speaker's mention as child.
As in Prodigy, `head` and `child` are the index of the last token of each span
(its `token_end`), and `head_span`/`child_span` carry both spans in full. The
child span's label is that of an annotation with exactly its bounds (a SOURCE,
say), else that of an entity with exactly its bounds, else null.

The rest of the user's work rides along, so an import gives all of it back:
`meta.status` (new, in progress, done), `labels` (the label set: name, colour, key,
description), `rejected_entities` (kept, so re-analysis never brings them back) and
`decided_suggestions` (the quote suggestions accepted or rejected). `meta` also has
the article's `date` (ISO 8601), `url`, `outlet` and `author`, each when known.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from newsmark.store.entities import Entity
from newsmark.store.export import ExportItem, known_publication, speaker_fields, write_json_lines
from newsmark.store.tokens import token_span


def _tokens(item: ExportItem) -> list[dict]:
    text = item.article.text
    return [
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


def _span_ref(item: ExportItem, start: int, end: int, label: str | None) -> dict | None:
    ts = token_span(item.tokens, start, end)
    if ts is None:
        return None
    return {"start": start, "end": end, "token_start": ts[0], "token_end": ts[1], "label": label}


def relations(item: ExportItem) -> list[dict]:
    labels_at = {(e.start, e.end): e.label for e in item.entities}
    labels_at |= {(a.start, a.end): a.label for a in item.annotations}
    found = []
    for a in item.annotations:
        if a.speaker_start is None or a.speaker_end is None:
            continue
        head = _span_ref(item, a.start, a.end, a.label)
        child = _span_ref(
            item, a.speaker_start, a.speaker_end, labels_at.get((a.speaker_start, a.speaker_end))
        )
        if head is None or child is None:
            continue
        found.append(
            {
                "head": head["token_end"],
                "child": child["token_end"],
                "head_span": head,
                "child_span": child,
                "label": "SPEAKER",
            }
        )
    return found


def item_record(item: ExportItem) -> dict[str, object]:
    spans = []
    for a in item.annotations:
        span: dict[str, object] = {"start": a.start, "end": a.end}
        if (ts := token_span(item.tokens, a.start, a.end)) is not None:
            span["token_start"], span["token_end"] = ts
        span |= {"label": a.label, "text": a.text, "id": a.id}
        if a.speaker is not None:
            span |= speaker_fields(a)
        if a.note:
            span["note"] = a.note
        spans.append(span)
    quotes = [
        {"start": a.start, "end": a.end, "text": a.text} | speaker_fields(a) | {"id": a.id}
        for a in item.annotations
        if a.label == "QUOTE"
    ]
    article = item.article
    return {
        "text": article.text,
        "meta": {
            "id": article.id,
            "title": article.title,
            "source": article.source,
            "status": article.status,
            **known_publication(article),
        },
        "tokens": _tokens(item),
        "spans": spans,
        "relations": relations(item),
        "entities": [_entity(e) for e in item.entities],
        "quotes": quotes,
        "rejected_entities": [_entity(e) for e in item.rejected_entities],
        "decided_suggestions": item.decided_suggestions,
        "labels": [
            {"name": label.name, "colour": label.colour, "key": label.key, "description": label.description}
            for label in item.labels
        ],
        # Prodigy trains on "accept" and leaves "ignore" out, as a task the annotator skipped:
        # an article the user has not marked done is not yet a complete example, and "reject"
        # would tell Prodigy its spans are wrong. (newsmark's own import reads these back.)
        "answer": "accept" if article.status == "done" else "ignore",
    }


def _entity(e: Entity) -> dict[str, object]:
    return {"start": e.start, "end": e.end, "label": e.label, "text": e.text, "origin": e.origin}


def write_jsonl(items: Iterable[ExportItem], out: IO[str]) -> int:
    return write_json_lines(items, out, item_record)
