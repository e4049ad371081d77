"""What the reader shows over an article's text, as last read from the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsmark.store.annotations import Annotation, annotations_for_article
from newsmark.store.entities import Entity, entities_for_article
from newsmark.store.suggestions import Suggestion, open_suggestions

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class ArticleSpans:
    """The article's annotations, its suggestions not yet decided, and its entities;
    which of them hold a position, and where the next one starts."""

    annotations: list[Annotation] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    @classmethod
    def read(cls, db: Database, article_id: str) -> ArticleSpans:
        annotations = annotations_for_article(db, article_id)
        quotes = [a for a in annotations if a.label == "QUOTE"]
        # A suggestion already tagged as a QUOTE (or undone back to open) shows once.
        suggestions = [
            s
            for s in open_suggestions(db, article_id)
            if not any(a.start < s.end and s.start < a.end for a in quotes)
        ]
        return cls(annotations, suggestions, entities_for_article(db, article_id))

    @property
    def entity_labels(self) -> list[str]:
        return sorted({e.label for e in self.entities})

    def annotation_at(self, position: int) -> Annotation | None:
        """The innermost annotation holding `position`."""
        holding = [a for a in self.annotations if a.start <= position < a.end]
        return min(holding, key=lambda a: a.end - a.start) if holding else None

    def entity_at(self, position: int) -> Entity | None:
        """The innermost entity holding `position`."""
        holding = [e for e in self.entities if e.start <= position < e.end]
        return min(holding, key=lambda e: e.end - e.start) if holding else None

    def suggestion_at(self, position: int) -> Suggestion | None:
        return next((s for s in self.suggestions if s.start <= position < s.end), None)

    def next_suggestion(self, position: int, step: int) -> Suggestion | None:
        """The suggestion starting after `position` (step > 0), or the one before the
        suggestion holding it (step < 0); None at either end."""
        if step > 0:
            return next((s for s in self.suggestions if s.start > position), None)
        current = self.suggestion_at(position)
        before = [s for s in self.suggestions if s.start < position and s is not current]
        return before[-1] if before else None

    def next_annotation_start(self, position: int, step: int) -> int | None:
        """Where the next annotation after `position` starts (step > 0), or the previous one."""
        starts = sorted({a.start for a in self.annotations})
        if step > 0:
            return next((s for s in starts if s > position), None)
        return next((s for s in reversed(starts) if s < position), None)
