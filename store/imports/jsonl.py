"""JSONL in: newsmark's own export, and Prodigy-style lines (`text`, `meta`, `spans`).

`spans` become annotations; `entities` (newsmark's export) become entities.
The quote-speaker link is read from a span's `speaker`, `speaker_start` and
`speaker_end`, or else from a `relations` entry labelled SPEAKER whose head is
the quote span and whose child is the speaker's mention (as newsmark writes it).
newsmark's own lines also carry the user's other work, read back too: `meta.status`,
`labels`, `rejected_entities` and `decided_suggestions` (see store.export.jsonl); and where
and when the article was published, `meta.date`, `meta.url`, `meta.outlet`, `meta.author`.
Lines whose Prodigy `answer` is not "accept" are skipped and counted, but for
newsmark's own unfinished articles: "ignore" with a `meta.status` that is not done.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from newsmark.store.annotations import Label
from newsmark.store.events import ARTICLE_STATUSES
from newsmark.store.imports import DecisionIn, DocumentIn, EntityIn, ImportResult, SpanIn, store_document
from newsmark.store.imports.files import MALFORMED_RECORD, json_lines
from newsmark.store.imports.publication import publication_in

if TYPE_CHECKING:
    from sqlite_utils import Database

# Fields newsmark reads, or writes itself and derives again (token indices, quotes, relations).
KNOWN_FIELDS = {
    "text",
    "meta",
    "tokens",
    "spans",
    "relations",
    "entities",
    "quotes",
    "answer",
    "rejected_entities",
    "decided_suggestions",
    "labels",
}


def import_jsonl(db: Database, path: Path, result: ImportResult, encoding: str | None = None) -> None:
    skipped: Counter[str] = Counter()
    unknown_fields: Counter[str] = Counter()
    other_relations: Counter[str] = Counter()
    for where, record in json_lines(path, result.errors, encoding):
        answer = record.get("answer", "accept")
        if answer != "accept" and not (answer == "ignore" and _newsmark_status(record) is not None):
            skipped[str(answer)] += 1
            continue
        unknown_fields.update(k for k in record if k not in KNOWN_FIELDS and not k.startswith("_"))
        try:
            doc = document_from_record(record, where, path, other_relations)
        except MALFORMED_RECORD as e:
            result.errors.append(f"{where}: malformed record ({type(e).__name__}: {e})")
            continue
        store_document(db, doc, result)
    if skipped:
        counts = ", ".join(f"{n} {answer!r}" for answer, n in sorted(skipped.items()))
        result.notices.append(f"{path}: skipped lines whose answer is not 'accept': {counts}")
    if unknown_fields:
        names = ", ".join(sorted(unknown_fields))
        result.notices.append(f"{path}: fields newsmark has no place for, not stored: {names}")
    if other_relations:
        names = ", ".join(f"{label} ({n})" for label, n in sorted(other_relations.items()))
        result.notices.append(f"{path}: relations other than SPEAKER, not stored: {names}")


def _newsmark_status(record: dict) -> str | None:
    """The article status newsmark's export wrote in `meta`, if any."""
    meta = record.get("meta")
    status = meta.get("status") if isinstance(meta, dict) else None
    return status if status in ARTICLE_STATUSES else None


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def document_from_record(record: dict, where: str, path: Path, other_relations: Counter[str]) -> DocumentIn:
    meta: dict = record["meta"] if isinstance(record.get("meta"), dict) else {}
    source = meta["source"] if isinstance(meta.get("source"), str) else f"{path}:{where.rsplit(':', 1)[1]}"
    title = meta.get("title") if isinstance(meta.get("title"), str) else None
    spans: list[SpanIn] = []
    for s in _list(record, "spans"):
        if "label" not in s:
            raise ValueError(f"span {s.get('start')}-{s.get('end')} has no label")
        spans.append(
            SpanIn(
                start=s.get("start"),
                end=s.get("end"),
                label=str(s["label"]),
                text=s.get("text") if isinstance(s.get("text"), str) else None,
                speaker=s.get("speaker") if isinstance(s.get("speaker"), str) else None,
                speaker_start=_int_or_none(s.get("speaker_start")),
                speaker_end=_int_or_none(s.get("speaker_end")),
                note=s.get("note") if isinstance(s.get("note"), str) else None,
                id=_int_or_none(s.get("id")),
                source_id=_int_or_none(s.get("source_id")),
                source_name=s.get("source_name") if isinstance(s.get("source_name"), str) else None,
            )
        )
    by_bounds = {(s.start, s.end): s for s in spans}
    for rel in _list(record, "relations"):
        if str(rel.get("label", "")).upper() != "SPEAKER":
            other_relations[str(rel.get("label"))] += 1
            continue
        head, child = rel.get("head_span") or {}, rel.get("child_span") or {}
        quote = by_bounds.get((head.get("start"), head.get("end")))
        if quote is None:
            raise ValueError(f"SPEAKER relation's head {head.get('start')}-{head.get('end')} is not a span")
        if quote.speaker_start is None:
            quote.speaker_start, quote.speaker_end = (
                _int_or_none(child.get("start")),
                _int_or_none(child.get("end")),
            )
            if quote.speaker is None and quote.speaker_start is not None and quote.speaker_end is not None:
                quote.speaker = record["text"][quote.speaker_start : quote.speaker_end] or None
    entities = [
        EntityIn(
            start=e.get("start"),
            end=e.get("end"),
            label=str(e.get("label", "")),
            text=e.get("text") if isinstance(e.get("text"), str) else None,
            origin=e["origin"] if e.get("origin") in ("model", "user") else "user",
            status=status,
        )
        for key, status in (("entities", "accepted"), ("rejected_entities", "rejected"))
        for e in _list(record, key)
    ]
    tokens = [(t.get("start"), t.get("end")) for t in _list(record, "tokens")] or None
    decisions = [DecisionIn(d) for d in _list(record, "decided_suggestions")]
    labels = [_label(d) for d in _list(record, "labels")]
    return DocumentIn(
        where,
        record["text"],
        source,
        title,
        spans,
        entities,
        tokens,
        _newsmark_status(record),
        decisions,
        labels,
        publication_in(meta),
    )


def _label(definition: dict) -> Label:
    name, colour, key = definition.get("name"), definition.get("colour"), definition.get("key")
    description = definition.get("description", "")
    if not isinstance(name, str) or not isinstance(colour, str) or not isinstance(description, str):
        raise ValueError(f"label {definition!r} is not a name, colour and description")
    return Label(name, colour, _int_or_none(key), description)


def _list(record: dict, key: str) -> list[dict]:
    value = record.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError(f'"{key}" is not a list of objects')
    return value
