"""CSV: one row per annotation, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from newsmark.store.export import ExportItem

COLUMNS = [
    "article_id",
    "source",
    "title",
    "annotation_id",
    "label",
    "start",
    "end",
    "text",
    "speaker",
    "speaker_start",
    "speaker_end",
    "note",
    "created_at",
    "updated_at",
]
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
                a.id,
                a.label,
                a.start,
                a.end,
                a.text,
                a.speaker,
                a.speaker_start,
                a.speaker_end,
                a.note,
                a.created_at,
                a.updated_at,
            ]
            writer.writerow([spreadsheet_safe(v) for v in row])
            n += 1
    return n
