"""doccano JSONL: `text` and `label: [[start, end, label], ...]`, one line per article.

`label` holds the annotations (doccano has one layer of spans; the entities go to
conll and spacy). doccano's import keeps every other top-level field of a line as the
example's metadata and writes it back on export, so the rest rides there: `article_id`,
`title`, `source`; where and when the article was published, `date` (ISO 8601), `url`,
`outlet` and `author`, each when known; and, so nothing is lost on the way back,
`speakers` (each annotation's speaker: name and mention span) and `notes`, both keyed by
the span's start, end and label.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from newsmark.store.export import ExportItem, known_publication, speaker_fields, write_json_lines


def item_record(item: ExportItem) -> dict:
    annotations = item.annotations
    return {
        "text": item.article.text,
        "label": [[a.start, a.end, a.label] for a in annotations],
        "article_id": item.article.id,
        "title": item.article.title,
        "source": item.article.source,
        **known_publication(item.article),
        "speakers": [
            {"start": a.start, "end": a.end, "label": a.label} | speaker_fields(a)
            for a in annotations
            if a.speaker is not None
        ],
        "notes": [
            {"start": a.start, "end": a.end, "label": a.label, "note": a.note} for a in annotations if a.note
        ],
    }


def write_doccano(items: Iterable[ExportItem], out: IO[str]) -> int:
    return write_json_lines(items, out, item_record)
