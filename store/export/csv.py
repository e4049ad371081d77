"""CSV: who said what, one row per annotation, safe to open in a spreadsheet.

Each row names the article (its file, title and status; its date, URL, outlet and author
when known), the annotation (label; for a QUOTE or PARAPHRASE its kind, direct or
indirect), who said it (the source's canonical name and id, the same whatever the
article calls them, and the name as the annotation gives it), the words and where they
are, and the note.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from newsmark.store.export import ExportItem

COLUMNS = [
    "article_id",
    "source",  # the file the article came from
    "title",
    "article_status",
    "date",  # where and when the article was published, when known
    "url",
    "outlet",
    "author",
    "annotation_id",
    "label",
    "kind",
    "source_name",
    "source_id",
    "speaker",
    "text",
    "start",
    "end",
    "speaker_start",
    "speaker_end",
    "note",
    "created_at",
    "updated_at",
]
KIND_OF_LABEL = {"QUOTE": "direct", "PARAPHRASE": "indirect"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A leading ' keeps a spreadsheet from running a cell that starts like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(items: Iterable[ExportItem], out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    n = 0
    for item in items:
        for a in item.annotations:
            row = [
                item.article.id,
                item.article.source,
                item.article.title,
                item.article.status,
                *item.article.publication().values(),
                a.id,
                a.label,
                KIND_OF_LABEL.get(a.label),
                a.source_name,
                a.source_id,
                a.speaker,
                a.text,
                a.start,
                a.end,
                a.speaker_start,
                a.speaker_end,
                a.note,
                a.created_at,
                a.updated_at,
            ]
            writer.writerow([spreadsheet_safe(v) for v in row])
            n += 1
    return n
