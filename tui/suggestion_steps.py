"""Going through an article's open suggestions: `n`/`N`, and on to the next after a decision.

At the last suggestion (or the first, going back) the key says so and stays; the same key
pressed again at the same place goes round. That offer is the only state, kept here so
the reader's actions only move the cursor and say what this decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsmark.tui.article_spans import ArticleSpans
from newsmark.tui.widgets.status_line import no_further_suggestion


@dataclass(frozen=True)
class Step:
    place: int | None  # where the cursor goes; None: it stays
    message: str = ""  # what the status line says; "" for nothing


class SuggestionSteps:
    def __init__(self) -> None:
        self._wrap_offer: tuple[int, int] | None = None  # (step, position) the offer was made at
        # Where a decision moved the cursor on to: `n` there stays, so "n a n a" decides
        # every suggestion in turn rather than every other one.
        self._landed: int | None = None

    def forget(self) -> None:
        """Anything else happened (an edit, another article): the offer to go round lapses."""
        self._wrap_offer = None
        self._landed = None

    def step(self, spans: ArticleSpans, cursor: int, step: int, key: str) -> Step:
        """`n` (step 1) or `N` (-1), pressed as `key`, with the cursor at `cursor`."""
        if not spans.suggestions:
            decided = f"Every suggestion is decided ({spans.decided})"
            return Step(None, decided if spans.all_suggestion_ids else "No suggestions")
        if step > 0 and self._landed == cursor:
            self._landed = None
            return Step(cursor)
        self._landed = None
        target = spans.next_suggestion(cursor, step)
        message = ""
        if target is None and self._wrap_offer == (step, cursor):
            target = spans.next_suggestion(cursor, step, wrap=True)
            message = "Round to the first suggestion" if step > 0 else "Round to the last suggestion"
        if target is None:
            self._wrap_offer = (step, cursor)
            return Step(None, no_further_suggestion(spans, cursor, step, key))
        self._wrap_offer = None
        return Step(spans.place_of(target), message)

    def after_decision(self, spans: ArticleSpans, cursor: int, said: str, next_key: str) -> Step:
        """A suggestion at `cursor` was just decided (accepted or rejected alike) and `said`
        says how: on to the next open one; after the last, stay, and `next_key` goes round."""
        # The decided one is gone: one placed where it was (a longer one it began) is next.
        target = spans.next_suggestion(cursor - 1, 1)
        if target is not None:
            self._landed = spans.place_of(target)
            return Step(self._landed, said)
        if spans.suggestions:
            self._wrap_offer = (1, cursor)
            return Step(None, f"{said} · none after this: {next_key} goes to the first")
        return Step(None, f"{said} · every suggestion is decided")
