"""Records of news dumps (a JSON object, a CSV row) as articles: which field is which.

Common field names are recognised whatever their case and separators (pubDate, publishedAt,
published_at); `--field NAME=FIELD` names another (`--field text=story_body`). Values are
taken as news APIs give them: an outlet as {"name": ...} (NewsAPI's source), authors as a
list, dates as store.ingest.dates reads them. A record that cannot be an article (no text,
a date that is not one) is one problem line; its dump goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from newsmark.store.ingest.article_files import MAX_ARTICLE_BYTES, normalise_line_endings
from newsmark.store.ingest.dates import DateProblem, iso_date
from newsmark.store.ingest.rows import ArticleIn, Metadata, article_in, one_line

# The article's fields and the record fields recognised for each, in order of preference
# (as `usual_name` writes them: "published_at" is also publishedAt and Published-At).
RECOGNISED_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "text": ("text", "body", "content", "article"),
    "date": ("date", "published", "published_at", "pubdate"),
    "url": ("url", "link"),
    "outlet": ("outlet", "source", "publisher", "site"),
    "author": ("author", "byline"),
}


def usual_name(field: str) -> str:
    """A field's name as RECOGNISED_FIELDS is matched: lower case, without _ - or spaces."""
    return "".join(ch for ch in field.lower() if ch not in "_- ")


class RecordProblem(ValueError):
    """Why a record is not an article, in one line (without the file and line)."""


def field_names(options: Iterable[str]) -> dict[str, str]:
    """--field NAME=FIELD options as {article field: record field}; ValueError names a bad one."""
    chosen: dict[str, str] = {}
    for option in options:
        name, equals, field = option.partition("=")
        name, field = name.strip().lower(), field.strip()
        if not equals or not field:
            raise ValueError(f"--field {option}: write NAME=FIELD, as in --field text=story_body")
        if name not in RECOGNISED_FIELDS:
            raise ValueError(f"--field {option}: {name!r} is not one of {', '.join(RECOGNISED_FIELDS)}")
        chosen[name] = field
    return chosen


class FieldFinder:
    """Which of a record's fields (a CSV header's columns, a JSON object's keys) holds each
    article field: the one named with --field (exactly, else as its usual_name), else the
    first recognised name."""

    def __init__(self, chosen: Mapping[str, str]) -> None:
        self.chosen = chosen

    def fields_of(self, keys: Iterable[str]) -> dict[str, str]:
        """{article field: the key holding it} for a record with these keys."""
        keys = list(keys)
        by_name: dict[str, str] = {}
        for each in keys:
            by_name.setdefault(usual_name(each), each)
        found = {}
        for name, usual in RECOGNISED_FIELDS.items():
            key: str | None
            if name in self.chosen:
                field = self.chosen[name]
                key = field if field in keys else by_name.get(usual_name(field))
            else:
                key = next((by_name[usual_name(u)] for u in usual if usual_name(u) in by_name), None)
            if key is not None:
                found[name] = key
        return found

    def missing_text(self, keys: Iterable[str]) -> str:
        """Why a record with these keys has no text field, in one line."""
        if "text" in self.chosen:
            return f"no field {self.chosen['text']!r} (named with --field text=)"
        usual = RECOGNISED_FIELDS["text"]
        shown = ", ".join(repr(k) for k in keys) or "none"
        return (
            f"no text field (one of {', '.join(usual)}; name another with --field text=FIELD);"
            f" its fields: {shown}"
        )


def record_article(record: Mapping[str, object], fields: Mapping[str, str], source: str) -> ArticleIn:
    """The article a record holds, its fields found by FieldFinder.fields_of; RecordProblem if none."""
    value = record.get(fields["text"]) if "text" in fields else None
    if not isinstance(value, str):
        kind = "empty" if value is None else f"a {type(value).__name__}, not text"
        raise RecordProblem(f"text is {kind}")
    text = normalise_line_endings(value)
    if not text.strip():
        raise RecordProblem("text is empty")
    if "\x00" in text:
        raise RecordProblem("text holds NUL characters (binary data, not text)")
    if len(text) > MAX_ARTICLE_BYTES // 4 and len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
        raise RecordProblem(
            f"text is over the {MAX_ARTICLE_BYTES // (1024 * 1024)} MiB limit for one article; split it"
        )
    try:
        date = iso_date(record.get(fields["date"])) if "date" in fields else None
    except DateProblem as e:
        raise RecordProblem(str(e)) from e
    meta = Metadata(
        date=date,
        url=_words(record, fields, "url"),
        outlet=_words(record, fields, "outlet"),
        author=_words(record, fields, "author"),
    )
    return article_in(text, source, _words(record, fields, "title"), meta)


def _words(record: Mapping[str, object], fields: Mapping[str, str], name: str) -> str | None:
    """A field's value as one line of text: a name from {"name": ...}, names from a list joined
    with commas, numbers as written; None when empty or of no such kind."""
    if name not in fields:
        return None
    value = record.get(fields[name])
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
        readable = isinstance(item, str | int | float) and not isinstance(item, bool)
        if readable and (shown := one_line(str(item))):
            names.append(shown)
    return ", ".join(names) or None
