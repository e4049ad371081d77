"""News dumps: JSON lines (.jsonl), JSON arrays (.json) and CSV (.csv), one article per record.

Each record's fields are found as store.ingest.records says. A record that cannot be an
article is one `file:line: problem` line (the line of a JSON line or CSV row; for a JSON
array, the record's number, from 1) and the others go in. Each article's source is
`file:line` (or `file:number`), so a record that changed in a re-ingested dump becomes a
new version of the article from the same place. JSON lines and CSV are read a line at a
time (a dump may be larger than memory); a JSON array is read whole.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

from newsmark.store.ingest.article_files import MAX_ARTICLE_BYTES
from newsmark.store.ingest.decode import DecodeError, data_lines, decode_text
from newsmark.store.ingest.records import FieldFinder, RecordProblem, record_article
from newsmark.store.ingest.rows import Outcome
from newsmark.store.ingest.walk import shown_path

if TYPE_CHECKING:
    from _csv import _reader as CsvReader


def dump_outcomes(path: str, finder: FieldFinder, encoding: str | None = None) -> Iterator[Outcome]:
    """An Outcome per record of the dump at `path` (its article, or its problem), then one
    that marks the file done."""
    suffix = path.lower().rsplit(".", 1)[-1]
    read = _json_lines if suffix == "jsonl" else _csv if suffix == "csv" else _json
    try:
        with open(path, "rb") as f:
            yield from read(f, path, finder, encoding)
    except OSError as e:
        yield _problem(path, None, f"cannot read ({e.strerror or e})")
    yield Outcome(path)


def _problem(path: str, where: int | None, problem: str) -> Outcome:
    place = shown_path(path) if where is None else f"{shown_path(path)}:{where}"
    return Outcome(path, errors=(f"{place}: {problem}",), done=False)


def _not_json(error: json.JSONDecodeError) -> str:
    # Some of json's messages end in "at" ("Invalid control character at").
    return f"not JSON ({error.msg.removesuffix(' at')} at column {error.colno})"


def _record(path: str, where: int, record: object, finder: FieldFinder) -> Outcome:
    if not isinstance(record, dict):
        return _problem(path, where, f"not a JSON object (a {type(record).__name__})")
    fields = finder.fields_of(record)
    if "text" not in fields:
        return _problem(path, where, finder.missing_text(record))
    try:
        article = record_article(record, fields, f"{path}:{where}")
    except RecordProblem as e:
        return _problem(path, where, str(e))
    return Outcome(path, articles=(article,), done=False)


def _json_lines(f: BinaryIO, path: str, finder: FieldFinder, encoding: str | None) -> Iterator[Outcome]:
    for number, line in enumerate(data_lines(f, encoding), 1):
        if isinstance(line, DecodeError):
            yield _problem(path, number, str(line))
        elif line.strip():  # blank lines between records are no records, as JSON lines readers take them
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                yield _problem(path, number, _not_json(e))
                continue
            yield _record(path, number, record, finder)


def _json(f: BinaryIO, path: str, finder: FieldFinder, encoding: str | None) -> Iterator[Outcome]:
    try:
        value = json.loads(decode_text(f.read(), encoding, declarations=False))
    except DecodeError as e:
        yield _problem(path, None, str(e))
        return
    except json.JSONDecodeError as e:
        yield _problem(path, e.lineno, _not_json(e))
        return
    if isinstance(value, dict):  # a news API's answer: {"status": "ok", "articles": [...]}
        lists = [v for v in value.values() if isinstance(v, list)]
        value = lists[0] if len(lists) == 1 else value
    if not isinstance(value, list):
        yield _problem(path, None, "not a JSON array of articles (nor an object holding one)")
        return
    for number, record in enumerate(value, 1):
        yield _record(path, number, record, finder)


def _csv(f: BinaryIO, path: str, finder: FieldFinder, encoding: str | None) -> Iterator[Outcome]:
    # Process-wide, and only ever raised: a long report is longer than csv's default 128 KiB field.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_ARTICLE_BYTES))
    undecoded: list[DecodeError] = []

    def text_lines() -> Iterator[str]:
        """The lines up to one that does not decode: a row after it could start mid-cell."""
        for line in data_lines(f, encoding):
            if isinstance(line, DecodeError):
                undecoded.append(line)
                return
            yield line

    rows = csv.reader(text_lines())
    try:
        yield from _csv_rows(rows, path, finder, undecoded)
    except csv.Error as e:
        yield _problem(path, rows.line_num, f"not CSV ({e})")
    if undecoded:
        yield _problem(path, rows.line_num + 1, str(undecoded[0]))


def _csv_rows(
    rows: CsvReader, path: str, finder: FieldFinder, undecoded: list[DecodeError]
) -> Iterator[Outcome]:
    """Each row after the header as an Outcome."""
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        if not undecoded:  # a first line that does not decode says so itself
            problem = "no header row (the first line names the columns)" if header else "empty file"
            yield _problem(path, None, problem)
        return
    fields = finder.fields_of(header)
    if "text" not in fields:
        columns = ", ".join(header)
        if "text" in finder.chosen:
            named = finder.chosen["text"]
            yield _problem(path, None, f"no column {named!r} (named with --field text=); columns: {columns}")
        else:
            yield _problem(
                path, None, f"no text column (columns: {columns}); name it with --field text=COLUMN"
            )
        return
    start = rows.line_num + 1
    for row in rows:
        if not any(cell.strip() for cell in row):
            yield _problem(path, start, "empty row")
        elif len(row) != len(header):
            yield _problem(path, start, f"{len(row)} fields where the header has {len(header)}")
        else:
            try:
                article = record_article(dict(zip(header, row, strict=True)), fields, f"{path}:{start}")
                yield Outcome(path, articles=(article,), done=False)
            except RecordProblem as e:
                yield _problem(path, start, str(e))
        start = rows.line_num + 1
