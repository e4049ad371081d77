"""Exporters: each reads only the store and writes one dataset format.

This package holds what every format shares (the items to export, span checks); each
format is a module of its own, declared once in the registry (`newsmark.store.formats`),
and `writing` runs an export in any of them.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from newsmark.store.annotations import Annotation, annotations_for_article
from newsmark.store.articles import Article, get_article, sentences_for_article, tokens_for_article
from newsmark.store.entities import Entity, entities_for_article
from newsmark.store.tokens import fallback_sentences, fallback_tokens

if TYPE_CHECKING:
    from sqlite_utils import Database


class SpanMismatch(Exception):
    """A stored span whose offsets no longer match its text: never written silently."""


@dataclass(frozen=True)
class ExportItem:
    article: Article
    tokens: list[tuple[int, int]]
    annotations: list[Annotation]
    entities: list[Entity]
    sentences: list[tuple[int, int]]


def export_items(
    db: Database, *, article_ids: list[str] | None = None, labels: set[str] | None = None
) -> Iterator[ExportItem]:
    """Each article (all, or the ones named) with its tokens, annotations and entities."""
    if article_ids is None:
        article_ids = [r[0] for r in db.execute("select id from articles order by source, id")]
    for article_id in article_ids:
        article = get_article(db, article_id)
        if article is None:
            raise KeyError(f"no article {article_id}")
        annotations = [
            a for a in annotations_for_article(db, article_id) if labels is None or a.label in labels
        ]
        for a in annotations:
            check_span(article, a.start, a.end, a.text, f"annotation {a.id}")
            if a.speaker_start is not None or a.speaker_end is not None:
                s, e = a.speaker_start, a.speaker_end
                if s is None or e is None or not (0 <= s < e <= len(article.text)):
                    raise SpanMismatch(
                        f"annotation {a.id} in article {article.id} ({article.source}): speaker mention "
                        f"{s}-{e} is outside the text (length {len(article.text)})"
                    )
        entities = entities_for_article(db, article_id)
        for entity in entities:
            check_span(article, entity.start, entity.end, entity.text, f"entity {entity.id}")
        tokens = tokens_for_article(db, article_id) or fallback_tokens(article.text)
        sentences = [(s.start, s.end) for s in sentences_for_article(db, article_id)]
        yield ExportItem(
            article, tokens, annotations, entities, sentences or fallback_sentences(article.text)
        )


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


def speaker_fields(a: Annotation) -> dict[str, object]:
    """Who said an annotated quote, as every export spells it: name and mention span."""
    return {"speaker": a.speaker, "speaker_start": a.speaker_start, "speaker_end": a.speaker_end}


def write_json_lines(
    items: Iterable[ExportItem], out: IO[str], record: Callable[[ExportItem], dict[str, object]]
) -> int:
    """One JSON object a line, one line an article; returns how many were written."""
    n = 0
    for item in items:
        out.write(json.dumps(record(item), ensure_ascii=False) + "\n")
        n += 1
    return n
