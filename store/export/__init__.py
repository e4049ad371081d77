"""Exporters: each reads only the store and writes one dataset format."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlite_utils import Database

from store.annotations import Annotation, annotations_for_article
from store.articles import Article, Entity, entities_for_article, get_article, tokens_for_article
from store.tokens import fallback_tokens


class SpanMismatch(Exception):
    """A stored span whose offsets no longer match its text: never written silently."""


@dataclass(frozen=True)
class ExportItem:
    article: Article
    tokens: list[tuple[int, int]]
    annotations: list[Annotation]
    entities: list[Entity]


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
        entities = entities_for_article(db, article_id)
        for e in entities:
            check_span(article, e.start, e.end, e.text, f"entity {e.id}")
        tokens = tokens_for_article(db, article_id) or fallback_tokens(article.text)
        yield ExportItem(article, tokens, annotations, entities)


def check_span(article: Article, start: int, end: int, text: str, what: str) -> None:
    if not (0 <= start < end <= len(article.text)) or article.text[start:end] != text:
        raise SpanMismatch(
            f"{what} in article {article.id} ({article.source}): offsets {start}-{end} "
            f"do not match its text {text!r}"
        )
