"""The reader's search bar: find text in the article as the user types."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual import on
from textual.message import Message
from textual.widgets import Input

Span = tuple[int, int]


class SearchBar(Input):
    """Hidden until opened. Typing finds every match, in any case, and posts `Found`;
    Enter closes the bar and posts `Accepted`. The matches stay after it closes, for
    stepping through them and tagging them all, until a search is cancelled."""

    @dataclass
    class Found(Message):
        query: str
        matches: list[Span]

    @dataclass
    class Accepted(Message):
        matches: list[Span]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Search this article (Enter jumps, Esc closes)", id=id)
        self.text = ""  # the article searched
        self.matches: list[Span] = []

    def search_in(self, text: str) -> None:
        """Another article: nothing found in it yet."""
        self.text = text
        self.matches = []

    @property
    def is_open(self) -> bool:
        return self.has_class("open")

    def open(self) -> None:
        self.add_class("open")
        self.focus()

    def close(self, *, keep_matches: bool) -> None:
        self.remove_class("open")
        if not keep_matches:
            self.matches = []

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        query = event.value
        found = re.finditer(re.escape(query), self.text, re.IGNORECASE) if query else ()
        self.matches = [(m.start(), m.end()) for m in found]
        self.post_message(self.Found(query, self.matches))

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.close(keep_matches=True)
        self.post_message(self.Accepted(self.matches))

    def first_from(self, position: int) -> Span | None:
        """The first match starting at or after `position`, else the first of all."""
        if not self.matches:
            return None
        return next((m for m in self.matches if m[0] >= position), self.matches[0])

    def step_from(self, position: int, step: int) -> int | None:
        """The index of the next match starting after `position` (step > 0) or the previous
        one before it, wrapping round at either end; None when nothing was found."""
        starts = [m[0] for m in self.matches]
        if not starts:
            return None
        if step > 0:
            return next((i for i, s in enumerate(starts) if s > position), 0)
        return next((i for i in reversed(range(len(starts))) if starts[i] < position), len(starts) - 1)
