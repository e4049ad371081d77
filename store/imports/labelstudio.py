"""Label Studio's JSON export in: a JSON array of tasks, each with `data` and `annotations`.

Read as newsmark's labelstudio export writes tasks (store.export.labelstudio) and as Label
Studio exports them again, and as any Label Studio text project exports them:
- the article is `data.text`, with `data.title` and `data.source`; where and when it was
  published is `data.date`, `data.url`, `data.outlet` and `data.author` (or the same names
  in the task's `meta`);
- every annotation of a task that was not cancelled is read (from several annotators, all
  of their regions: the same span and label twice is one annotation);
- a `labels` region is an annotation of its label (one for each label it has), but for a
  region of `from_name` `entity`, an entity, and of `speaker`, a quote's speaker mention;
- a `relation` labelled SPEAKER (or not labelled) from a region to a speaker mention (or
  another region) makes that the region's speaker mention; `textarea` results
  `speaker_name` and `note` on a region are its speaker's name and its note, and its
  `meta.source_id` and `meta.source_name` its speaker's source;
- a region id `a<n>` (as newsmark writes them) keeps annotation id n where it is free.

Offsets are code points, as Label Studio counts them (see store.export.labelstudio). Label
Studio counted UTF-16 units before it moved to code points, so an old export is recognised
region by region: when the text at a region's offsets is not the region's `text`, and the
text at those offsets counted in UTF-16 units is, the region is read that way.
Predictions (a model's regions), drafts, and results of other kinds (choices, ratings, ...)
have no place in newsmark: they are counted and reported, never stored.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsmark.store.imports import DocumentIn, EntityIn, ImportResult, SpanIn, store_document
from newsmark.store.imports.files import MALFORMED_RECORD, read_text
from newsmark.store.imports.publication import publication_in

if TYPE_CHECKING:
    from sqlite_utils import Database

ENTITY_FROM_NAME = "entity"  # the names store.export.labelstudio's labeling config declares
SPEAKER_FROM_NAME = "speaker"
SPEAKER_NAME_FROM_NAME = "speaker_name"
NOTE_FROM_NAME = "note"
SPEAKER_RELATION = "SPEAKER"
NEWSMARK_REGION_ID = re.compile(r"a(\d+)")
LAST_ONE_UNIT_CODE_POINT = 0xFFFF  # the Basic Multilingual Plane: those above take two UTF-16 units


def import_labelstudio(db: Database, path: Path, result: ImportResult, encoding: str | None = None) -> None:
    try:
        tasks = json.loads(read_text(path, encoding))
    except json.JSONDecodeError as e:
        result.errors.append(f"{path}: not JSON ({e.msg} at line {e.lineno} column {e.colno})")
        return
    except ValueError as e:  # read_text's one-line error, naming the file
        result.errors.append(str(e))
        return
    if not isinstance(tasks, list):
        result.errors.append(f"{path}: not a JSON array of Label Studio tasks")
        return
    left_out: Counter[str] = Counter()
    for number, task in enumerate(tasks, 1):
        where = f"{path}:{number}"  # the task's number, as ingest numbers the records of a JSON array
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            result.errors.append(f'{where}: not a task with a "data.text" string')
            continue
        try:
            doc = document_from_task(task, where, left_out)
        except MALFORMED_RECORD as e:
            result.errors.append(f"{where}: malformed task ({type(e).__name__}: {e})")
            continue
        store_document(db, doc, result)
    if counted := sorted((what, n) for what, n in left_out.items() if n):
        counts = ", ".join(f"{what} ({n})" for what, n in counted)
        result.notices.append(f"{path}: what newsmark has no place for, not stored: {counts}")


def document_from_task(task: dict, where: str, left_out: Counter[str]) -> DocumentIn:
    data: dict = task["data"]
    text: str = data["text"]
    meta: dict = task["meta"] if isinstance(task.get("meta"), dict) else {}
    for kind in ("predictions", "drafts"):
        left_out[kind] += len(_list(task, kind))
    spans: list[SpanIn] = []
    entities: list[EntityIn] = []
    for annotation in _list(task, "annotations"):
        if annotation.get("was_cancelled"):
            left_out["cancelled annotations"] += 1
            continue
        found_spans, found_entities = _regions(text, _list(annotation, "result"), left_out)
        spans += found_spans
        entities += found_entities
    source, title = data.get("source"), data.get("title")
    return DocumentIn(
        where,
        text,
        source if isinstance(source, str) else where,
        title if isinstance(title, str) else None,
        spans,
        entities,
        publication=publication_in(data, meta),
    )


def _regions(text: str, results: list[dict], left_out: Counter[str]) -> tuple[list[SpanIn], list[EntityIn]]:
    """One annotation's result: its annotations and entities, each quote with its speaker."""
    spans: dict[str, list[SpanIn]] = {}  # by region id: one for each of the region's labels
    mentions: dict[str, tuple[Any, Any]] = {}  # speaker mentions by region id, offsets as read
    entities: list[EntityIn] = []
    for r in results:
        if r.get("type") != "labels":
            continue
        value = r["value"]
        covered = value.get("text") if isinstance(value.get("text"), str) else None
        start, end = _code_points(text, value.get("start"), value.get("end"), covered)
        region_id = str(r.get("id"))
        if r.get("from_name") == SPEAKER_FROM_NAME:
            mentions[region_id] = (start, end)
        elif r.get("from_name") == ENTITY_FROM_NAME:
            entities += [EntityIn(start, end, str(label), covered) for label in value["labels"]]
        else:
            spans[region_id] = [_span(r, start, end, str(label), covered) for label in value["labels"]]
    linked: set[str] = set()
    for r in results:
        kind, from_name = r.get("type"), r.get("from_name")
        if kind == "labels":
            continue
        if kind == "relation":
            quote, target = str(r.get("from_id")), _speaker_target(r, mentions, spans)
            if quote not in spans or target is None:
                left_out[f"relations other than {SPEAKER_RELATION}"] += 1
                continue
            linked.add(str(r.get("to_id")))
            for span in spans[quote]:
                span.speaker_start, span.speaker_end = target
                if span.speaker is None and isinstance(target[0], int) and isinstance(target[1], int):
                    span.speaker = text[target[0] : target[1]]
        elif kind == "textarea" and from_name in (SPEAKER_NAME_FROM_NAME, NOTE_FROM_NAME):
            written = r["value"]["text"]
            words = "\n".join(written) if isinstance(written, list) else str(written)
            for span in spans.get(str(r.get("id")), []):
                if from_name == NOTE_FROM_NAME:
                    span.note = words
                else:
                    span.speaker = words
        else:
            left_out[f"{kind} results" if kind != "textarea" else f"textarea {from_name}"] += 1
    left_out["speaker mentions of no quote"] += len(mentions.keys() - linked)
    return [s for group in spans.values() for s in group], entities


def _speaker_target(
    relation: dict, mentions: dict[str, tuple[Any, Any]], spans: dict[str, list[SpanIn]]
) -> tuple[Any, Any] | None:
    """The speaker mention a relation points at: a speaker region, or another region when the
    relation is labelled SPEAKER; None for any other relation."""
    to_id = str(relation.get("to_id"))
    labels = [str(label).upper() for label in relation.get("labels") or []]
    if to_id in mentions and labels in ([], [SPEAKER_RELATION]):
        return mentions[to_id]
    if to_id in spans and labels == [SPEAKER_RELATION]:
        return spans[to_id][0].start, spans[to_id][0].end
    return None


def _span(region: dict, start: Any, end: Any, label: str, covered: str | None) -> SpanIn:
    span = SpanIn(start, end, label, covered)
    if found := NEWSMARK_REGION_ID.fullmatch(str(region.get("id"))):
        span.id = int(found[1])
    meta = region.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("source_name"), str):
        source_id = meta.get("source_id")
        span.source_id = source_id if isinstance(source_id, int) and not isinstance(source_id, bool) else None
        span.source_name = meta["source_name"]
    return span


def _code_points(text: str, start: Any, end: Any, covered: Any) -> tuple[Any, Any]:
    """A region's offsets in code points: as they are, unless only reading them as UTF-16
    units (an export from before Label Studio counted code points) gives the region's text.
    Offsets that are not numbers are given back as they are, for store_document to report."""
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(covered, str)):
        return start, end
    if text[start:end] == covered:
        return start, end
    moved = _from_utf16(text, start), _from_utf16(text, end)
    if moved[0] is not None and moved[1] is not None and text[moved[0] : moved[1]] == covered:
        return moved
    return start, end


def _from_utf16(text: str, units: int) -> int | None:
    """The code point offset `units` UTF-16 units into `text`; None inside a character or past the end."""
    counted = 0
    for index, char in enumerate(text):
        if counted >= units:
            return index if counted == units else None
        counted += 2 if ord(char) > LAST_ONE_UNIT_CODE_POINT else 1
    return len(text) if counted == units else None


def _list(record: dict, key: str) -> list[dict]:
    value = record.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError(f'"{key}" is not a list of objects')
    return value
