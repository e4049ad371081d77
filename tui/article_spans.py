"""What the reader shows over an article's text, as last read from the store."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from newsmark.store.annotations import Annotation, annotations_for_article
from newsmark.store.entities import Entity, entities_for_article
from newsmark.store.suggestions import LABEL_OF_KIND, Suggestion, open_suggestions, suggestions_for

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class ArticleSpans:
    """The article's annotations, its suggestions not yet decided, and its entities;
    which of them hold a position, and where the next one starts.

    Suggestions nest: a quoted run inside a paraphrase is a direct suggestion of its own.
    At a position, the suggestion is the shortest one holding it, so each suggestion has
    a place of its own (`place_of`) where the cursor picks it out, and n and N go by those."""

    annotations: list[Annotation] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    # Every suggestion's id, decided or not, in text order: "Suggestion 4 of 12".
    all_suggestion_ids: list[int] = field(default_factory=list)

    @classmethod
    def read(cls, db: Database, article_id: str) -> ArticleSpans:
        annotations = annotations_for_article(db, article_id)
        # A suggestion already tagged as what accepting it makes (or undone back to open) shows
        # once; a quote inside an accepted paraphrase is still to decide, and so is the other way.
        suggestions = [
            s
            for s in open_suggestions(db, article_id)
            if not any(
                a.label == LABEL_OF_KIND[s.kind] and a.start < s.end and s.start < a.end for a in annotations
            )
        ]
        every = [s["id"] for s in suggestions_for(db, article_id)]
        return cls(annotations, suggestions, entities_for_article(db, article_id), every)

    @property
    def decided(self) -> str:
        """How far the suggestions are decided: "3 of 12 decided". Decided: accepted,
        rejected, or covered by the QUOTE or PARAPHRASE accepting it would make (the user
        tagged it), so no longer shown."""
        total = len(self.all_suggestion_ids)
        return f"{total - len(self.suggestions)} of {total} decided"

    def number_of(self, suggestion: Suggestion) -> int:
        """Where `suggestion` is among all of them, decided or not (from 1): a number that
        stays the same as others are decided."""
        return self.all_suggestion_ids.index(suggestion.id) + 1

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
        """The innermost suggestion holding `position` (the first, of two as long)."""
        holding = [s for s in self.suggestions if s.start <= position < s.end]
        return min(holding, key=lambda s: s.end - s.start) if holding else None

    def passage_end(self, position: int) -> int:
        """Where the attribution at `position` ends (an annotation, else a suggestion), its
        speaker's mention included when it comes after; `position` itself when there is none."""
        at = self.annotation_at(position) or self.suggestion_at(position)
        if at is None:
            return position
        return max(at.end, at.speaker_end or 0)

    def place_of(self, suggestion: Suggestion) -> int:
        """Where the cursor picks `suggestion` out: its first position that no shorter
        suggestion holds (its start, unless a quote it begins with starts there too)."""
        return self._places[suggestion.id]

    @cached_property
    def _places(self) -> dict[int, int]:
        places: dict[int, int] = {}
        for suggestion in self.suggestions:
            position = suggestion.start
            while position < suggestion.end and (inner := self.suggestion_at(position)) is not suggestion:
                assert inner is not None  # `suggestion` itself holds the position
                position = inner.end  # a shorter one holds it: look past that one
            # Shorter ones hold all of it (another on the same words holds it first): its start.
            places[suggestion.id] = position if position < suggestion.end else suggestion.start
        return places

    @cached_property
    def _in_order(self) -> list[tuple[int, Suggestion]]:
        """(place, suggestion) for every suggestion, in the order of their places."""
        return sorted(((self.place_of(s), s) for s in self.suggestions), key=lambda pair: pair[0])

    def next_suggestion(self, position: int, step: int, *, wrap: bool = False) -> Suggestion | None:
        """The suggestion placed after `position` (step > 0), or the one before the
        suggestion holding it (step < 0); at either end, None, or with `wrap` the one at
        the other end."""
        in_order = self._in_order
        if step > 0:
            found = next((s for place, s in in_order if place > position), None)
        else:
            current = self.suggestion_at(position)
            before = [s for place, s in in_order if place < position and s is not current]
            found = before[-1] if before else None
        if found is None and wrap and in_order:
            return in_order[0][1] if step > 0 else in_order[-1][1]
        return found

    def current_suggestion(self, position: int) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """The span of the suggestion holding `position` and of its speaker's mention
        (None for either when there is none): what the view picks out."""
        suggestion = self.suggestion_at(position)
        if suggestion is None:
            return None, None
        mention = None
        if suggestion.speaker_start is not None and suggestion.speaker_end is not None:
            mention = (suggestion.speaker_start, suggestion.speaker_end)
        return (suggestion.start, suggestion.end), mention

    def next_annotation_start(self, position: int, step: int) -> int | None:
        """Where the next annotation after `position` starts (step > 0), or the previous one."""
        starts = sorted({a.start for a in self.annotations})
        if step > 0:
            return next((s for s in starts if s > position), None)
        return next((s for s in reversed(starts) if s < position), None)


# A paragraph break: a line with nothing (or only spaces) on it.
BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def adjusted_bounds(text: str, start: int, end: int, edge: str, step: int) -> tuple[int, int]:
    """[start, end) with its `edge` ("start" or "end") moved a word out (step -1 for the
    start, +1 for the end) or in; the same bounds when it cannot move.

    A word here is what spaces delimit, with the quote marks and punctuation that cling to
    it (`"We`, `tradition,"`), so a mark is never left on its own at an edge, and a move
    undone by the opposite move gives the span back exactly. An edge never crosses a
    blank line: a paragraph's quote does not grow into the caption above it."""
    if edge == "start":
        if step < 0:
            i = start
            while i > 0 and text[i - 1].isspace():
                i -= 1
            if i == 0 or BLANK_LINE.search(text, i, start):
                return start, end
            while i > 0 and not text[i - 1].isspace():
                i -= 1
            return i, end
        i = start
        while i < end and not text[i].isspace():
            i += 1
        while i < end and text[i].isspace():
            i += 1
        return (i, end) if i < end else (start, end)
    if step > 0:
        i = end
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text) or BLANK_LINE.search(text, end, i):
            return start, end
        while i < len(text) and not text[i].isspace():
            i += 1
        return start, i
    i = end
    while i > start and not text[i - 1].isspace():
        i -= 1
    while i > start and text[i - 1].isspace():
        i -= 1
    return (start, i) if i > start else (start, end)
