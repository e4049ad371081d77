"""doccano JSONL in: sequence labelling (`text`, `label: [[start, end, label], ...]`),
also doccano's relation export (`entities` as objects, `relations` with from_id/to_id/type).

Every span becomes an annotation. A SPEAKER relation from a quote span to another span
makes that span the quote's speaker mention. newsmark's own doccano export also
writes `speakers` and `notes`, read back here, and `title`/`source`/`article_id`; and
where and when the article was published, `date`, `url`, `outlet` and `author` (doccano
keeps them as the example's metadata, top-level fields of its lines; they are also read
from a `meta` object, as older doccano exports write metadata).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from newsmark.store.imports import DocumentIn, ImportResult, SpanIn, store_document
from newsmark.store.imports.files import MALFORMED_RECORD, json_lines
from newsmark.store.imports.publication import PUBLICATION_FIELDS, publication_in

if TYPE_CHECKING:
    from sqlite_utils import Database

KNOWN_FIELDS = {
    "text",
    "label",
    "labels",
    "entities",
    "relations",
    "speakers",
    "notes",
    "title",
    "source",
    "article_id",
    "id",
    "meta",
    "comments",
    "Comments",
    *PUBLICATION_FIELDS,
}


def import_doccano(db: Database, path: Path, result: ImportResult, encoding: str | None = None) -> None:
    unknown: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    for where, record in json_lines(path, result.errors, encoding):
        unknown.update(k for k in record if k not in KNOWN_FIELDS)
        if record.get("comments") or record.get("Comments"):
            dropped["comments"] += 1
        try:
            doc = document_from_record(record, where, path, dropped)
        except MALFORMED_RECORD as e:
            result.errors.append(f"{where}: malformed record ({type(e).__name__}: {e})")
            continue
        store_document(db, doc, result)
    if unknown:
        result.notices.append(
            f"{path}: fields newsmark has no place for, not stored: {', '.join(sorted(unknown))}"
        )
    for what, n in sorted(dropped.items()):
        result.notices.append(f"{path}: {n} lines with {what}, which newsmark has no place for; not stored")


def _spans(record: dict) -> tuple[list[SpanIn], dict[object, SpanIn]]:
    spans: list[SpanIn] = []
    by_id: dict[object, SpanIn] = {}
    raw = record.get("label", record.get("labels")) or []
    if not isinstance(raw, list):
        raise ValueError('"label" is not a list')
    for item in raw:
        if isinstance(item, list) and len(item) == 3:
            spans.append(SpanIn(item[0], item[1], str(item[2])))
        elif isinstance(item, dict) and {"start_offset", "end_offset", "label"} <= set(item):
            spans.append(SpanIn(item["start_offset"], item["end_offset"], str(item["label"])))
        else:
            raise ValueError(f"label entry {item!r} is not [start, end, label]")
    entities = record.get("entities") or []
    if not isinstance(entities, list):
        raise ValueError('"entities" is not a list')
    for item in entities:
        if not (isinstance(item, dict) and {"start_offset", "end_offset", "label"} <= set(item)):
            raise ValueError(f"entity {item!r} has no start_offset, end_offset and label")
        span = SpanIn(item["start_offset"], item["end_offset"], str(item["label"]))
        spans.append(span)
        by_id[item.get("id")] = span
    return spans, by_id


def document_from_record(record: dict, where: str, path: Path, dropped: Counter[str]) -> DocumentIn:
    spans, by_id = _spans(record)
    meta: dict = record["meta"] if isinstance(record.get("meta"), dict) else {}
    source = record.get("source", meta.get("source"))
    title = record.get("title", meta.get("title"))
    text = record["text"]
    for rel in record.get("relations") or []:
        head, child = by_id.get(rel.get("from_id")), by_id.get(rel.get("to_id"))
        if str(rel.get("type", "")).upper() != "SPEAKER" or head is None or child is None:
            dropped[f"relations of type {rel.get('type')!r}"] += 1
            continue
        head.speaker_start, head.speaker_end = child.start, child.end
        if isinstance(child.start, int) and isinstance(child.end, int):
            head.speaker = text[child.start : child.end]
    by_bounds = {(s.start, s.end, s.label): s for s in spans}
    for key, fields in (
        ("speakers", ("speaker", "speaker_start", "speaker_end", "source_id", "source_name")),
        ("notes", ("note",)),
    ):
        for extra in record.get(key) or []:
            span = by_bounds.get((extra.get("start"), extra.get("end"), extra.get("label")))
            if span is None:
                raise ValueError(f'{key} entry {extra!r} matches no span in "label"')
            for name in fields:
                setattr(span, name, extra.get(name))
    return DocumentIn(
        where,
        text,
        source if isinstance(source, str) else f"{path}:{where.rsplit(':', 1)[1]}",
        title if isinstance(title, str) else None,
        spans,
        publication=publication_in(record, meta),
    )
