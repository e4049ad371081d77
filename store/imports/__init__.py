"""Importers: articles and their annotations in from other tools' formats.

Every format reader (a module each, declared once in the registry,
`newsmark.store.formats`; `reading.import_path` runs one) turns its input into
`DocumentIn`s; `store_document` stores one, in one transaction. The rules, the same
for every format:

- The article is the text: an article already stored (same text, after line
  endings are normalised as ingest does) gets the annotations, never a duplicate.
  Offsets into a text with \\r\\n line endings are moved to match.
- Identity, so re-importing a file adds nothing twice: an annotation is the same
  when article, start, end and label are (a deleted one does not count: importing
  it again brings it back); an entity is the same when article, start, end and
  label are, whatever its status (a rejected one stays rejected).
- An annotation keeps the id it had in the file when that id is free here, so an
  export imported into an empty database exports again with the same ids.
- A span outside its text, or whose text does not match the text at its offsets,
  is an error naming the file and line, and is not stored; the rest goes on.
- What newsmark has no place for is reported in `result.notices`, never dropped silently.
- The user's decisions a file carries (newsmark's jsonl does) are stored as the user's
  own, logged as their changes are, so re-analysis keeps them as it keeps corrections made
  here: rejected entities stay rejected (and the model does not find them again); a
  decided suggestion is applied to the open one at its span, or stored decided (analysis
  then leaves its span alone). A decision here is never overridden by the file's.
- A label the file defines (colour, key, description) is added as defined when it is new
  here (on its key if that is free); a label already here stays as it is.
- The file's article status is the status of an article the import adds; an article
  already here takes it only when it is further along (new, in progress, done).
- Where and when the article was published (date, url, outlet, author) is stored with an
  article the import adds; an article already here takes what it does not know yet, and
  keeps what it knows. A value newsmark cannot read (a date in no form it knows, a name that
  is not text) is an error naming the file and line, and the rest goes on.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsmark.store.annotations import Label, add_label
from newsmark.store.entities import touched_entity_ids
from newsmark.store.events import ARTICLE_STATUSES, log_event
from newsmark.store.imports.publication import PUBLICATION_FIELDS, read_publication
from newsmark.store.ingest import ingest_text
from newsmark.store.ingest.rows import Metadata
from newsmark.store.sources.resolve import restore_source
from newsmark.store.suggestions import DECIDED_FIELDS, DIRECT, SUGGESTION_KINDS
from newsmark.store.timestamps import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass
class SpanIn:
    """An annotation as read from a file, with offsets into the file's text."""

    # As the file has them, whatever JSON value that is: store_document checks that they are
    # whole numbers inside the text before anything is stored, and reports them when not.
    start: Any
    end: Any
    label: str
    text: str | None = None  # when the file says what the span covers, it is checked
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    note: str | None = None
    id: int | None = None
    # The speaker's source as the export named it (store.sources.resolve.restore_source).
    source_id: int | None = None
    source_name: str | None = None


@dataclass
class EntityIn:
    start: Any  # as the file has them, checked as SpanIn's are
    end: Any
    label: str
    text: str | None = None
    origin: str = "user"
    status: str = "accepted"  # or "rejected": the user's decision about the model's entity


@dataclass
class DecisionIn:
    """A quote suggestion the user accepted or rejected, with store.suggestions.DECIDED_FIELDS."""

    fields: dict[str, Any]  # as the file has them: checked before anything is stored


@dataclass
class DocumentIn:
    where: str  # "file:line" or "file", for messages
    text: str
    source: str
    title: str | None = None
    spans: list[SpanIn] = field(default_factory=list)
    entities: list[EntityIn] = field(default_factory=list)
    tokens: list[tuple[Any, Any]] | None = None  # kept only when they are a clean tokenisation
    status: str | None = None  # one of ARTICLE_STATUSES, when the file says
    decisions: list[DecisionIn] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)  # label definitions the file carries
    # date, url, outlet and author as the file has them (imports.publication.publication_in):
    # store_document checks them
    publication: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportResult:
    articles_added: int = 0
    articles_present: int = 0
    annotations_added: int = 0
    annotations_present: int = 0
    entities_added: int = 0
    entities_present: int = 0
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"{self.articles_added} articles added, {self.articles_present} already present; "
            f"{self.annotations_added} annotations added, {self.annotations_present} already present; "
            f"{self.entities_added} entities added, {self.entities_present} already present; "
            f"{len(self.errors)} errors"
        )


class OffsetMap:
    """Offsets into a text before `\\r\\n` became `\\n` (as ingest stores it) -> offsets after."""

    def __init__(self, text: str) -> None:
        self.crlf = [i for i in range(len(text) - 1) if text[i] == "\r" and text[i + 1] == "\n"]

    def __call__(self, offset: int) -> int:
        return offset - bisect.bisect_left(self.crlf, offset)


def normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _bad_span(start: object, end: object, text: str, covered: str | None) -> str | None:
    """Why a span cannot be stored, or None."""
    if (
        not (isinstance(start, int) and isinstance(end, int))
        or isinstance(start, bool)
        or isinstance(end, bool)
    ):
        return f"offsets {start!r}-{end!r} are not whole numbers"
    if not (0 <= start < end <= len(text)):
        return f"span {start}-{end} is outside the text (length {len(text)})"
    if covered is not None and normalise(covered) != normalise(text[start:end]):
        return f"span {start}-{end} says {covered!r} but the text there is {text[start:end]!r}"
    return None


def _label_name(db: Database, label: str, known: set[str]) -> str:
    """The stored label for `label`, adding it when new (labels are one upper-case word)."""
    name = str(label).strip().upper()
    if not name or any(c.isspace() for c in name):
        raise ValueError(f"label {label!r} is not one word")
    if name not in known:
        add_label(db, name)
        known.add(name)
    return name


def store_document(db: Database, doc: DocumentIn, result: ImportResult) -> str | None:
    """Store one document's text, annotations, entities and tokens; returns the article id."""
    raw = doc.text
    if not isinstance(raw, str) or not raw.strip():
        result.errors.append(f"{doc.where}: no text")
        return None
    # Check every offset against the text as the file has it, then move it to the stored text.
    move = OffsetMap(raw)
    text = normalise(raw)
    known = {r[0] for r in db.execute("select name from labels")}
    # Defined labels first: a span's label is otherwise added with the palette's colour.
    for defined in doc.labels:
        name = defined.name.strip().upper()
        if name in known:
            continue
        try:
            add_label(db, name, description=defined.description, colour=defined.colour, key=defined.key)
        except ValueError as refused:
            result.errors.append(f"{doc.where}: label {defined.name!r}: {refused}; not stored")
            continue
        known.add(name)
    spans: list[SpanIn] = []
    for s in doc.spans:
        problem = _bad_span(s.start, s.end, raw, s.text)
        if problem is None and (s.speaker_start is not None or s.speaker_end is not None):
            speaker_problem = _bad_span(s.speaker_start, s.speaker_end, raw, None)
            problem = speaker_problem and f"speaker mention: {speaker_problem}"
        if problem is None:
            try:
                s.label = _label_name(db, s.label, known)
            except ValueError as refused:
                problem = str(refused)
        if problem is not None:
            result.errors.append(f"{doc.where}: {s.label} {problem}; not stored")
            continue
        s.start, s.end = move(s.start), move(s.end)
        if s.speaker_start is not None and s.speaker_end is not None:
            s.speaker_start, s.speaker_end = move(s.speaker_start), move(s.speaker_end)
        spans.append(s)
    entities: list[EntityIn] = []
    for e in doc.entities:
        problem = _bad_span(e.start, e.end, raw, e.text)
        label = str(e.label).strip()
        if problem is None and (not label or any(c.isspace() for c in label)):
            problem = f"label {e.label!r} is not one word"
        if problem is not None:
            result.errors.append(f"{doc.where}: entity {e.label} {problem}; not stored")
            continue
        e.start, e.end, e.label = move(e.start), move(e.end), label
        e.origin = e.origin if e.origin in ("model", "user") else "user"
        entities.append(e)
    decisions: list[dict[str, Any]] = []
    for d in doc.decisions:
        decided_or_problem = _decision(d.fields, raw, move)
        if isinstance(decided_or_problem, str):
            result.errors.append(f"{doc.where}: decided suggestion {decided_or_problem}; not stored")
        else:
            decisions.append(decided_or_problem)
    tokens = _valid_tokens(doc.tokens, raw, move)
    metadata = read_publication(doc.publication, doc.where, result.errors)

    article_id, is_new = ingest_text(db, text, doc.source, doc.title, metadata)
    if article_id not in result.article_ids:
        result.article_ids.append(article_id)
        if is_new:
            result.articles_added += 1
        else:
            result.articles_present += 1
    with db.atomic():
        _store_spans(db, article_id, text, spans, result)
        _store_entities(db, article_id, text, entities, doc.where, result)
        _store_decisions(db, article_id, text, decisions)
        has_tokens = db.execute("select 1 from tokens where article_id = ?", [article_id]).fetchone()
        if tokens and not has_tokens:
            flat = [x for pair in tokens for x in pair]
            db.execute(
                "insert into tokens (article_id, model, offsets) values (?, 'import', ?)",
                [article_id, json.dumps(flat, separators=(",", ":"))],
            )
        if doc.status in ARTICLE_STATUSES:
            _store_status(db, article_id, doc.status, is_new=is_new)
        if not is_new:
            _fill_publication(db, article_id, metadata)
    return article_id


def _fill_publication(db: Database, article_id: str, metadata: Metadata) -> None:
    """What the article here does not know yet of where and when it was published."""
    db.execute(
        f"update articles set {', '.join(f'{name} = coalesce({name}, ?)' for name in PUBLICATION_FIELDS)}"
        " where id = ?",
        [*metadata, article_id],
    )


def _store_status(db: Database, article_id: str, status: str, *, is_new: bool) -> None:
    current = db.execute("select status from article_list where id = ?", [article_id]).fetchone()[0]
    if is_new or ARTICLE_STATUSES.index(status) > ARTICLE_STATUSES.index(current):
        db.execute("update articles set status = ? where id = ?", [status, article_id])


def _store_decisions(db: Database, article_id: str, text: str, decisions: list[dict[str, Any]]) -> None:
    """Each decision onto the open suggestion of its kind at its span, or onto a new one stored
    for it; logged as set_suggestion_status logs a decision. A suggestion decided here stays as it is."""
    for decided in decisions:
        row = db.execute(
            'select id, status from suggestions where article_id = ? and start = ? and "end" = ? and kind = ?'
            " order by status != 'open', id limit 1",
            [article_id, decided["start"], decided["end"], decided["kind"]],
        ).fetchone()
        if row is not None and row[1] != "open":
            continue
        if row is None:
            fields = {**decided, "text": text[decided["start"] : decided["end"]], "status": "open"}
            suggestion_id = db.table("suggestions").insert({"article_id": article_id, **fields}).last_rowid
        else:
            suggestion_id = row[0]
        status = decided["status"]
        db.execute("update suggestions set status = ? where id = ?", [status, suggestion_id])
        log_event(
            db,
            f"suggestion.{status}",
            article_id,
            None,
            {"suggestion_id": suggestion_id, "status": "open"},
            {"suggestion_id": suggestion_id, "status": status},
        )


def _decision(fields: dict[str, Any], raw: str, move: OffsetMap) -> dict[str, Any] | str:
    """A decided suggestion as store.suggestions.DECIDED_FIELDS (its kind "direct" when the
    file gives none), offsets moved to the stored text; or why it cannot be stored. A cue or
    speaker offset that is no place in the text is left out (None), as the model leaves out
    one it did not find."""
    covered = fields.get("text")
    problem = _bad_span(
        fields.get("start"), fields.get("end"), raw, covered if isinstance(covered, str) else None
    )
    if problem is None and fields.get("status") not in ("accepted", "rejected"):
        problem = f"status {fields.get('status')!r} is not 'accepted' or 'rejected'"
    # A file from before indirect suggestions carries no kind: its decisions are on direct quotes.
    kind = DIRECT if fields.get("kind") is None else fields["kind"]
    if problem is None and kind not in SUGGESTION_KINDS:
        problem = f"kind {kind!r} is not {' or '.join(repr(k) for k in SUGGESTION_KINDS)}"
    if problem is not None:
        return problem
    decided = {k: fields.get(k) for k in DECIDED_FIELDS} | {"kind": kind}
    for key in ("start", "end", "cue_start", "cue_end", "speaker_start", "speaker_end"):
        offset = decided[key]
        decided[key] = None
        if isinstance(offset, int) and not isinstance(offset, bool) and 0 <= offset <= len(raw):
            decided[key] = move(offset)
    for key in ("cue", "speaker"):
        decided[key] = decided[key] if isinstance(decided[key], str) else None
    score = decided["score"]
    decided["score"] = float(score) if isinstance(score, int | float) and not isinstance(score, bool) else 0.0
    return decided


def _valid_tokens(
    tokens: list[tuple[Any, Any]] | None, raw: str, move: OffsetMap
) -> list[tuple[int, int]] | None:
    """The file's tokens when they are a clean tokenisation of the text, else None."""
    if not tokens:
        return None
    last = 0
    for s, e in tokens:
        if not (isinstance(s, int) and isinstance(e, int) and last <= s < e <= len(raw)):
            return None
        if raw[last:s].strip():  # a gap with text in it: not a tokenisation
            return None
        if not raw[s:e].strip():
            return None
        last = e
    return [(move(s), move(e)) for s, e in tokens]


def _store_spans(db: Database, article_id: str, text: str, spans: list[SpanIn], result: ImportResult) -> None:
    present = {
        (r[0], r[1], r[2])
        for r in db.execute(
            'select start, "end", label from annotations where article_id = ? and deleted = 0', [article_id]
        )
    }
    now = now_iso()
    for s in spans:
        key = (s.start, s.end, s.label)
        if key in present:
            result.annotations_present += 1
            continue
        present.add(key)
        record = {
            "article_id": article_id,
            "start": s.start,
            "end": s.end,
            "label": s.label,
            "text": text[s.start : s.end],
            "speaker": s.speaker,
            "speaker_start": s.speaker_start,
            "speaker_end": s.speaker_end,
            "note": s.note,
            "created_at": now,
            "updated_at": now,
            "deleted": 0,
        }
        if (
            isinstance(s.id, int)
            and not db.execute("select 1 from annotations where id = ?", [s.id]).fetchone()
        ):
            record["id"] = s.id
        annotation_id = db.table("annotations").insert(record).last_rowid
        assert annotation_id is not None  # an insert always has a rowid
        if isinstance(s.source_name, str) and s.source_name.strip():
            restore_source(
                db, annotation_id, s.source_id if isinstance(s.source_id, int) else None, s.source_name
            )
        log_event(db, "annotation.add", article_id, annotation_id, None, {"deleted": 0})
        result.annotations_added += 1


def _store_entities(
    db: Database, article_id: str, text: str, entities: list[EntityIn], where: str, result: ImportResult
) -> None:
    """Each entity, unless the same (span and label) is here already. The file's decisions win
    over the model's guesses here, never over a decision made here: a rejection applies to the
    same entity, an entity replaces the model's that overlap it (they are rejected, logged)."""
    rows = db.execute(
        'select id, start, "end", label, status, origin from entities where article_id = ?', [article_id]
    ).fetchall()
    touched = touched_entity_ids(db, article_id)
    present = {(s, e, label): (entity_id, status) for entity_id, s, e, label, status, _ in rows}
    # Accepted entities here, and whether each is the model's guess that nobody here decided about.
    accepted = {
        (s, e, label): (entity_id, origin == "model" and entity_id not in touched)
        for entity_id, s, e, label, status, origin in rows
        if status == "accepted"
    }
    now = now_iso()
    for ent in entities:
        key = (ent.start, ent.end, ent.label)
        rejecting = ent.status == "rejected"
        if key in present:
            entity_id, status = present[key]
            if rejecting and status == "accepted" and accepted[key][1]:
                _reject_model_entity(db, article_id, entity_id)
                del accepted[key]
            result.entities_present += 1
            continue
        clashes = [k for k in accepted if k[0] < ent.end and k[1] > ent.start] if not rejecting else []
        decided = next((k for k in clashes if not accepted[k][1]), None)
        if decided is not None:
            result.errors.append(
                f"{where}: entity {ent.label} {ent.start}-{ent.end} overlaps entity {decided[2]} "
                f"{decided[0]}-{decided[1]} already stored; not stored (an entity per token at most)"
            )
            continue
        for k in clashes:
            _reject_model_entity(db, article_id, accepted.pop(k)[0])
        entity_id = (
            db.table("entities")
            .insert(
                {
                    "article_id": article_id,
                    "start": ent.start,
                    "end": ent.end,
                    "label": ent.label,
                    "text": text[ent.start : ent.end],
                    "origin": ent.origin,
                    "status": ent.status,
                    "created_at": now,
                }
            )
            .last_rowid
        )
        assert entity_id is not None  # an insert always gives its row a rowid
        present[key] = (entity_id, ent.status)
        if not rejecting:
            accepted[key] = (entity_id, False)
        _log_entity(db, article_id, entity_id, rejecting=rejecting)
        result.entities_added += 1


def _reject_model_entity(db: Database, article_id: str, entity_id: int) -> None:
    db.execute("update entities set status = 'rejected' where id = ?", [entity_id])
    _log_entity(db, article_id, entity_id, rejecting=True)


def _log_entity(db: Database, article_id: str, entity_id: int, *, rejecting: bool) -> None:
    """Logged as the user's own add or reject (store.entities), so re-analysis keeps the entity."""
    accepted, rejected = (
        {"entity_id": entity_id, "status": "accepted"},
        {"entity_id": entity_id, "status": "rejected"},
    )
    if rejecting:
        log_event(db, "entity.reject", article_id, None, accepted, rejected)
    else:
        log_event(db, "entity.add", article_id, None, rejected, accepted)
