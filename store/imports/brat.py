"""brat standoff in: a folder of .txt and .ann files (or one pair), from newsmark or any other tool.

T lines become annotations, or entities when they carry newsmark's `Origin`
attribute. A discontinuous T whose fragments are separated only by whitespace
(brat's way of spanning a line break) is one span; otherwise each fragment is
stored as its own annotation, and the split is reported. An R line `SPEAKER
Arg1:<quote> Arg2:<mention>` sets the quote's speaker mention; a T of type `Speaker`
used only as such a mention is not stored as an annotation of its own. Notes (#)
on a T are its note, or its speaker's name when they read `speaker: <name>`.
Events (E), other relations, attributes, normalisations (N) and equivalences (*)
have no place in newsmark: they are counted and reported, and their T spans kept.
Where and when the article was published is read from `<name>.meta.json` beside the
pair, when there is one (newsmark's export writes it: store.export.brat).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from newsmark.store.export.brat import METADATA_SUFFIX, SOURCE_NOTE_PATTERN, SPEAKER_NOTE, SPEAKER_TYPE
from newsmark.store.imports import DocumentIn, EntityIn, ImportResult, SpanIn, store_document
from newsmark.store.imports.files import read_text
from newsmark.store.imports.publication import publication_in
from newsmark.store.ingest.walk import iter_files

if TYPE_CHECKING:
    from sqlite_utils import Database

FRAGMENT = re.compile(r"^(\d+) (\d+)$")


@dataclass
class TextBound:
    id: str
    type: str
    fragments: list[tuple[int, int]]
    lineno: int
    notes: list[str] = field(default_factory=list)
    speaker: str | None = None
    origin: str | None = None
    mention: TextBound | None = None


def unescape_note(note: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), note)


def pairs_under(path: Path, errors: list[str]) -> list[tuple[Path, Path | None]]:
    """(text file, annotation file or None) for a folder, a .txt or a .ann.

    A folder is walked as ingest walks one: what cannot be read (a folder, a named
    pipe) is a line in `errors`, as is an .ann with no .txt beside it.
    """
    if not path.is_dir():
        txt, ann = path.with_suffix(".txt"), path.with_suffix(".ann")
        return [(txt, ann if ann.exists() else None)]
    # The walk gives absolute paths; sources and messages keep the folder as it was named.
    top = os.path.abspath(path)
    found = [path / os.path.relpath(f.path, top) for f in iter_files([path], (".txt", ".ann"), errors)]
    listed = set(found)
    for p in found:
        if p.suffix == ".ann" and not p.with_suffix(".txt").exists():
            errors.append(f"{p}: no {p.with_suffix('.txt').name} beside it; not imported")
    pairs = [(p, p.with_suffix(".ann")) for p in found if p.suffix == ".txt"]
    return [(txt, ann if ann in listed else None) for txt, ann in pairs]


def import_brat(db: Database, path: Path, result: ImportResult, encoding: str | None = None) -> None:
    for txt, ann in pairs_under(path, result.errors):
        try:
            text = read_text(txt, encoding)
            ann_content = read_text(ann, encoding) if ann is not None else ""
        except ValueError as e:
            result.errors.append(str(e))
            continue
        doc = document_from_ann(txt, text, ann or txt.with_suffix(".ann"), ann_content, result)
        doc.publication = _publication_beside(txt, encoding, result.errors)
        store_document(db, doc, result)


def _publication_beside(txt: Path, encoding: str | None, errors: list[str]) -> dict:
    """The fields of the `.meta.json` beside `txt`, as the file has them; {} when there is none
    (or it cannot be read: a line in `errors`, and the article goes in without it)."""
    path = txt.with_suffix(METADATA_SUFFIX)
    if not path.is_file():
        return {}
    try:
        found = json.loads(read_text(path, encoding))
    except json.JSONDecodeError as e:
        errors.append(f"{path}: not JSON ({e.msg} at line {e.lineno} column {e.colno}); not stored")
        return {}
    except ValueError as e:  # read_text's one-line error, naming the file
        errors.append(str(e))
        return {}
    if not isinstance(found, dict):
        errors.append(f"{path}: not a JSON object; not stored")
        return {}
    return publication_in(found)


def _parse_fragments(spec: str) -> list[tuple[int, int]]:
    pieces = []
    for piece in spec.split(";"):
        m = FRAGMENT.match(piece.strip())
        if m is None:
            raise ValueError(f"offsets {spec!r} are not 'start end[;start end...]'")
        pieces.append((int(m.group(1)), int(m.group(2))))
    return pieces


def document_from_ann(txt: Path, text: str, ann: Path, content: str, result: ImportResult) -> DocumentIn:
    bounds: dict[str, TextBound] = {}
    unplaced: Counter[str] = Counter()
    relations: list[tuple[int, str, str, str]] = []
    for lineno, line in enumerate(content.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        where = f"{ann}:{lineno}"
        fields = line.split("\t")
        kind = line[:1]
        try:
            if kind == "T":
                if len(fields) < 3:
                    raise ValueError("a T line is 'T<n>\\tTYPE start end\\ttext'")
                type_, _, spec = fields[1].partition(" ")
                t = TextBound(fields[0], type_, _parse_fragments(spec), lineno)
                covered = " ".join(text[s:e] for s, e in t.fragments)
                if any(not (0 <= s < e <= len(text)) for s, e in t.fragments):
                    result.errors.append(
                        f"{where}: {t.id} offsets {spec} are outside the text "
                        f"(length {len(text)}); not stored"
                    )
                elif covered != "\t".join(fields[2:]):
                    result.errors.append(
                        f"{where}: {t.id} says {fields[2]!r} but the text there is {covered!r}; not stored"
                    )
                else:
                    bounds[t.id] = t
            elif kind == "R":
                type_, *args = fields[1].split()
                roles = dict(a.split(":", 1) for a in args)
                relations.append((lineno, type_, roles.get("Arg1", ""), roles.get("Arg2", "")))
            elif kind in "AM":
                name, target, *value = fields[1].split()
                if name == "Origin" and target in bounds and value and value[0] in ("model", "user"):
                    bounds[target].origin = value[0]
                else:
                    unplaced[f"attribute {name}"] += 1
            elif kind == "#":
                _, target = fields[1].split()
                # As written: an escaped note that begins "speaker: " is a note, not the speaker.
                written = "\t".join(fields[2:])
                if target not in bounds:
                    unplaced["notes on something other than a span"] += 1
                elif written.startswith(SPEAKER_NOTE):
                    bounds[target].speaker = unescape_note(written[len(SPEAKER_NOTE) :])
                else:
                    bounds[target].notes.append(unescape_note(written))
            elif kind == "E":
                unplaced["events (E lines; their spans were kept)"] += 1
            elif kind == "N":
                unplaced["normalisations (N lines)"] += 1
            elif kind == "*":
                unplaced["equivalences (* lines)"] += 1
            else:
                raise ValueError("not a brat annotation line (T, R, E, A, M, N, # or *)")
        except ValueError as e:
            result.errors.append(f"{where}: {e}")
    mentions: set[str] = set()
    for lineno, type_, arg1, arg2 in relations:
        if type_.upper() == "SPEAKER" and arg1 in bounds and arg2 in bounds:
            bounds[arg1].mention = bounds[arg2]
            mentions.add(arg2)
        elif type_.upper() == "SPEAKER":
            result.errors.append(f"{ann}:{lineno}: SPEAKER relation names a span not stored ({arg1}, {arg2})")
        else:
            unplaced[f"relation {type_}"] += 1
    spans: list[SpanIn] = []
    entities: list[EntityIn] = []
    for t in bounds.values():
        if t.type == SPEAKER_TYPE and t.id in mentions and t.origin is None:
            continue  # only a speaker mention: it lives on its quote
        pieces = _joined(text, t.fragments)
        if len(pieces) > 1:
            result.notices.append(f"{ann}:{t.lineno}: {t.id} is discontinuous; stored as {len(pieces)} spans")
        for start, end in pieces:
            if t.origin is not None:
                entities.append(EntityIn(start, end, t.type, origin=t.origin))
                continue
            span = SpanIn(start, end, t.type, note="\n".join(t.notes) or None, speaker=t.speaker)
            if t.mention is not None:
                for note in t.mention.notes:
                    if found := SOURCE_NOTE_PATTERN.fullmatch(note):
                        span.source_id, span.source_name = int(found["id"]), found["name"]
                ms, me = t.mention.fragments[0][0], t.mention.fragments[-1][1]
                span.speaker_start, span.speaker_end = ms, me
                if span.speaker is None:
                    span.speaker = text[ms:me]
            spans.append(span)
        if t.origin is not None and (t.notes or t.speaker):
            unplaced["notes on entities"] += 1
    for what, n in sorted(unplaced.items()):
        result.notices.append(f"{ann}: {n} {what}: newsmark has no place for them; not stored")
    return DocumentIn(str(ann), text, str(txt), None, spans, entities)


def _joined(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fragments separated only by whitespace are one span (brat splits a span at line breaks)."""
    ordered = sorted(pieces)
    out = [ordered[0]]
    for s, e in ordered[1:]:
        last_s, last_e = out[-1]
        if s >= last_e and not text[last_e:s].strip():
            out[-1] = (last_s, max(last_e, e))
        else:
            out.append((s, e))
    return out
