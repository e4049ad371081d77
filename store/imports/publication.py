"""Where and when an article was published, as import files carry it: `date`, `url`, `outlet`
and `author`, the names every export writes them under (store.export.known_publication)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsmark.store.ingest.dates import DateProblem, iso_date
from newsmark.store.ingest.rows import Metadata, one_line

PUBLICATION_FIELDS = Metadata._fields  # date, url, outlet, author


def publication_in(*places: Mapping[str, Any]) -> dict[str, Any]:
    """Each of the four fields from the first of `places` (a record, its `meta`, ...) that has it,
    as the file has it: `read_publication` checks the values."""
    found: dict[str, Any] = {}
    for place in places:
        for name in PUBLICATION_FIELDS:
            if name not in found and place.get(name) is not None:
                found[name] = place[name]
    return found


def read_publication(values: Mapping[str, Any], where: str, errors: list[str]) -> Metadata:
    """The fields as stored: the date as ISO 8601 (read as ingest reads dates), the others as one
    line of text. A value that is neither is a line in `errors` and is left out; the rest is kept."""
    try:
        date = iso_date(values.get("date"))
    except DateProblem as problem:
        errors.append(f"{where}: {problem}; not stored")
        date = None
    words: dict[str, str | None] = {}
    for name in PUBLICATION_FIELDS[1:]:
        value = values.get(name)
        if value is not None and not isinstance(value, str):
            errors.append(f"{where}: {name} {value!r} is not text; not stored")
            value = None
        words[name] = (one_line(value) or None) if value is not None else None
    return Metadata(date=date, **words)
