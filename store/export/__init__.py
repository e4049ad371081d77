"""Exporters: each reads only the store and writes one dataset format.

This package holds what every format shares (the items to export, span checks); each
format is a module of its own, declared once in the registry (`newsmark.store.formats`),
and `writing` runs an export in any of them.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import IO, TYPE_CHECKING

from newsmark.store.annotations import Annotation, Label, annotations_for_article, list_labels
from newsmark.store.articles import (
    ARTICLE_STATUSES,
    Article,
    get_article,
    sentences_for_article,
    tokens_for_article,
)
from newsmark.store.entities import Entity, entities_for_article
from newsmark.store.suggestions import decided_suggestions
from newsmark.store.tokens import fallback_sentences, fallback_tokens

if TYPE_CHECKING:
    from sqlite_utils import Database


class SpanMismatch(Exception):
    """A stored span whose offsets no longer match its text: never written silently."""


@dataclass(frozen=True)
class ExportedAnnotation(Annotation):
    """An annotation as exports write it: with its speaker's source (store.sources), the
    one identity behind every spelling of a name, when it has one."""

    source_id: int | None = None
    source_name: str | None = None  # the source's canonical name


@dataclass(frozen=True)
class ExportItem:
    article: Article
    tokens: list[tuple[int, int]]
    annotations: list[ExportedAnnotation]
    entities: list[Entity]  # the corrected entities: accepted ones, from the model or the user
    sentences: list[tuple[int, int]]
    # The rest of the user's work, for formats that carry it back to newsmark (jsonl):
    rejected_entities: list[Entity]  # so re-analysis never brings them back
    decided_suggestions: list[dict]  # accepted and rejected, with store.suggestions.DECIDED_FIELDS
    labels: list[Label]  # the label set (colour, key, description), the same for every article


def export_items(
    db: Database,
    *,
    article_ids: list[str] | None = None,
    labels: set[str] | None = None,
    status: str | None = None,
) -> Iterator[ExportItem]:
    """Each article (all, or the ones named; with `status`, only those in it) with its
    tokens, annotations and entities."""
    if status is not None and status not in ARTICLE_STATUSES:
        raise ValueError(f"unknown article status {status!r} (one of {', '.join(ARTICLE_STATUSES)})")
    if article_ids is None:
        sql, params = "select id from article_list order by source, id", []
        if status is not None:
            sql, params = "select id from article_list where status = ? order by source, id", [status]
        article_ids = [r[0] for r in db.execute(sql, params)]
    label_set = [label for label in list_labels(db) if labels is None or label.name in labels]
    for article_id in article_ids:
        article = get_article(db, article_id)
        if article is None:
            raise KeyError(f"no article {article_id}")
        if status is not None and article.status != status:
            continue
        annotations = _with_sources(
            db,
            article_id,
            [a for a in annotations_for_article(db, article_id) if labels is None or a.label in labels],
        )
        for a in annotations:
            check_span(article, a.start, a.end, a.text, f"annotation {a.id}")
            if a.speaker_start is not None or a.speaker_end is not None:
                s, e = a.speaker_start, a.speaker_end
                if s is None or e is None or not (0 <= s < e <= len(article.text)):
                    raise SpanMismatch(
                        f"annotation {a.id} in article {article.id} ({article.source}): speaker mention "
                        f"{s}-{e} is outside the text (length {len(article.text)})"
                    )
        every_entity = entities_for_article(db, article_id, include_rejected=True)
        for entity in every_entity:
            check_span(article, entity.start, entity.end, entity.text, f"entity {entity.id}")
        tokens = tokens_for_article(db, article_id) or fallback_tokens(article.text)
        sentences = [(s.start, s.end) for s in sentences_for_article(db, article_id)]
        yield ExportItem(
            article,
            tokens,
            annotations,
            [e for e in every_entity if e.status == "accepted"],
            sentences or fallback_sentences(article.text),
            [e for e in every_entity if e.status == "rejected"],
            decided_suggestions(db, article_id),
            label_set,
        )


def _with_sources(db: Database, article_id: str, annotations: list[Annotation]) -> list[ExportedAnnotation]:
    sources = {
        r[0]: (r[1], r[2])
        for r in db.execute(
            "select n.id, s.id, s.name from annotations n join sources s on s.id = n.source_id"
            " where n.article_id = ?",
            [article_id],
        )
    }
    exported = []
    for a in annotations:
        source_id, source_name = sources.get(a.id, (None, None))
        exported.append(ExportedAnnotation(**asdict(a), source_id=source_id, source_name=source_name))
    return exported


def check_span(article: Article, start: int, end: int, text: str, what: str) -> None:
    if not (0 <= start < end <= len(article.text)) or article.text[start:end] != text:
        raise SpanMismatch(
            f"{what} in article {article.id} ({article.source}): offsets {start}-{end} "
            f"do not match its text {text!r}"
        )


def split_tokens_at(tokens: list[tuple[int, int]], cuts: Iterable[int]) -> list[tuple[int, int]]:
    """The tokens, cut further at every offset in `cuts` that falls strictly inside one, so
    that a span a user drew inside a word still lines up with token boundaries."""
    inside = sorted(set(cuts))
    out: list[tuple[int, int]] = []
    for s, e in tokens:
        lo = bisect.bisect_right(inside, s)
        hi = bisect.bisect_left(inside, e)
        start = s
        for cut in inside[lo:hi]:
            out.append((start, cut))
            start = cut
        out.append((start, e))
    return out


def known_publication(article: Article) -> dict[str, str]:
    """The article's `date` (ISO 8601), `url`, `outlet` and `author`, each only when known:
    what every format with a place for them writes, under those names."""
    return {name: value for name, value in article.publication().items() if value is not None}


def speaker_fields(a: ExportedAnnotation) -> dict[str, object]:
    """Who said an annotated quote, as every export spells it: name and mention span, and
    the speaker's source (its id and canonical name) when the speaker has one."""
    fields: dict[str, object] = {
        "speaker": a.speaker,
        "speaker_start": a.speaker_start,
        "speaker_end": a.speaker_end,
    }
    if a.source_id is not None:
        fields |= {"source_id": a.source_id, "source_name": a.source_name}
    return fields


def write_json_lines(
    items: Iterable[ExportItem], out: IO[str], record: Callable[[ExportItem], dict[str, object]]
) -> int:
    """One JSON object a line, one line an article; returns how many were written."""
    n = 0
    for item in items:
        out.write(json.dumps(record(item), ensure_ascii=False) + "\n")
        n += 1
    return n
