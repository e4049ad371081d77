"""brat standoff: a folder with `<article id>.txt` and `.ann` for each article, and an annotation.conf.

In each .ann (brat and INCEpTION read these as they are):
- annotations are T lines with their label; a span running over a line break is
  written as fragments split at the break, as brat itself does;
- entities are T lines too, marked by an attribute `A<n>\\tOrigin T<k> model|user`;
- a quote's speaker mention is a T line of type `Speaker` (mixed case, so it can never
  be a newsmark label, which are upper case), linked by `R<n>\\tSPEAKER Arg1:<quote> Arg2:<mention>`;
- the speaker's name is a note `#<n>\\tAnnotatorNotes T<k>\\tspeaker: <name>` on the quote,
  and an annotation's note is another AnnotatorNotes line (line breaks written as \\n; a
  note that itself begins `speaker: ` is written `\\speaker: `, so it is read back as a note).

Where and when an article was published (`date`, ISO 8601; `url`, `outlet`, `author`, each
when known) goes in `<article id>.meta.json` beside its pair, a JSON object with those names,
written only when one is known. The standoff format has no place for it: brat reads every
line of an .ann as an annotation (a `#` line is a note on one, and brat refuses a line that
is not), and the .txt must be the text exactly, as the offsets count it. brat lists as
documents only the files whose names end in `txt`, and INCEpTION imports the files it is
given, so neither minds a .json file beside the pairs; newsmark's import reads it back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from newsmark.store.export import ExportItem, SpanMismatch, known_publication

SPEAKER_TYPE = "Speaker"
SPEAKER_NOTE = "speaker: "
SOURCE_NOTE = "source {id}: {name}"
SOURCE_NOTE_PATTERN = re.compile(r"source (?P<id>\d+): (?P<name>.+)", re.DOTALL)  # SOURCE_NOTE, read back
METADATA_SUFFIX = ".meta.json"  # beside `<article id>.txt` and `.ann`: `<article id>.meta.json`


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at line breaks into non-empty pieces (brat spans cannot hold a newline)."""
    pieces, piece_start = [], start
    for i in range(start, end):
        if text[i] == "\n":
            if i > piece_start:
                pieces.append((piece_start, i))
            piece_start = i + 1
    if end > piece_start:
        pieces.append((piece_start, end))
    return pieces


def escape_note(note: str) -> str:
    return note.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


class _Ann:
    def __init__(self, item: ExportItem) -> None:
        self.item = item
        self.lines: list[str] = []
        self.counts = {"T": 0, "R": 0, "A": 0, "#": 0}

    def next_id(self, kind: str) -> str:
        self.counts[kind] += 1
        return f"{kind}{self.counts[kind]}"

    def span(self, label: str, start: int, end: int, what: str) -> str:
        text = self.item.article.text
        pieces = fragments(text, start, end)
        if not pieces:
            raise SpanMismatch(
                f"{what} in article {self.item.article.id}: only line breaks, brat cannot hold it"
            )
        tid = self.next_id("T")
        offsets = ";".join(f"{s} {e}" for s, e in pieces)
        self.lines.append(f"{tid}\t{label} {offsets}\t{' '.join(text[s:e] for s, e in pieces)}")
        return tid

    def note(self, tid: str, escaped: str) -> None:
        self.lines.append(f"{self.next_id('#')}\tAnnotatorNotes {tid}\t{escaped}")


def ann_text(item: ExportItem) -> str:
    ann = _Ann(item)
    for a in item.annotations:
        tid = ann.span(a.label, a.start, a.end, f"annotation {a.id}")
        if a.speaker is not None:
            ann.note(tid, SPEAKER_NOTE + escape_note(a.speaker))
        if a.note:
            note = escape_note(a.note)
            # A backslash before any character reads back as that character (unescape_note).
            ann.note(tid, "\\" + note if note.startswith(SPEAKER_NOTE) else note)
        if a.speaker_start is not None and a.speaker_end is not None:
            mention = ann.span(SPEAKER_TYPE, a.speaker_start, a.speaker_end, f"speaker of annotation {a.id}")
            ann.lines.append(f"{ann.next_id('R')}\tSPEAKER Arg1:{tid} Arg2:{mention}")
            if a.source_id is not None:
                ann.note(mention, escape_note(SOURCE_NOTE.format(id=a.source_id, name=a.source_name)))
    for e in item.entities:
        tid = ann.span(e.label, e.start, e.end, f"entity {e.id}")
        ann.lines.append(f"{ann.next_id('A')}\tOrigin {tid} {e.origin}")
    return "".join(line + "\n" for line in ann.lines)


def annotation_conf(annotation_labels: set[str], entity_labels: set[str]) -> str:
    types = [*sorted(annotation_labels | entity_labels), SPEAKER_TYPE]
    return (
        "[entities]\n"
        + "".join(f"{t}\n" for t in types)
        + "\n[relations]\n"
        + f"SPEAKER\tArg1:{'|'.join(sorted(annotation_labels)) or SPEAKER_TYPE}, Arg2:{SPEAKER_TYPE}\n"
        + "\n[events]\n\n[attributes]\n"
        + "Origin\tArg:<ENTITY>, Value:model|user\n"
    )


def write_brat(items: Iterable[ExportItem], folder: Path) -> int:
    """Write every item into `folder` (which must exist); returns how many articles."""
    n = 0
    annotation_labels: set[str] = set()
    entity_labels: set[str] = set()
    for item in items:
        ann = ann_text(item)  # first: a span that cannot be written stops before any file
        (folder / f"{item.article.id}.txt").write_text(item.article.text, encoding="utf-8", newline="")
        (folder / f"{item.article.id}.ann").write_text(ann, encoding="utf-8", newline="")
        if publication := known_publication(item.article):
            (folder / f"{item.article.id}{METADATA_SUFFIX}").write_text(
                json.dumps(publication, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
        annotation_labels |= {a.label for a in item.annotations}
        entity_labels |= {e.label for e in item.entities}
        n += 1
    (folder / "annotation.conf").write_text(
        annotation_conf(annotation_labels, entity_labels), encoding="utf-8"
    )
    return n
