"""Choosing a source: who said a quote (SpeakerPicker), or which source to merge (SourcePicker).

Both offer the corpus's sources (store.sources), one per person, organisation or unnamed
source whatever the spelling, found as the user types in any spelling ("sergei" finds
Sergey Lavrov), a page at most: a corpus has tens of thousands of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from newsmark.store.sources.listing import SourceRow, get_source, list_sources, sources_named
from newsmark.store.speakers import SpeakerCandidate
from newsmark.store.wording import counted
from newsmark.tui.screens.picker import Choice, Picker
from newsmark.tui.visible import visible_text

if TYPE_CHECKING:
    from newsmark.store.db import Queryable

FOUND_AT_MOST = 30  # sources listed for what is typed: the best matches, most quoted first


@dataclass(frozen=True)
class SpeakerChoice:
    name: str  # the speaker as the annotation spells it
    mention_start: int | None
    mention_end: int | None
    source_id: int | None = None  # the source chosen; None for a name typed (the store resolves it)


def speaker_choice(value: object) -> SpeakerChoice | None:
    """What the picker returned, as a speaker: a source or a candidate (with its mention), or a typed name."""
    if isinstance(value, SpeakerChoice):
        return value
    if isinstance(value, SpeakerCandidate):
        return SpeakerChoice(value.name, value.mention_start, value.mention_end)
    if isinstance(value, str):
        return SpeakerChoice(value, None, None)
    return None


def source_summary(source: SourceRow) -> str:
    """'person · 8 quotes · 11 paraphrases · 3 articles'"""
    counts = [counted(source.quotes, "quote"), counted(source.paraphrases, "paraphrase")]
    return " · ".join([source.kind, *counts, counted(source.articles, "article")])


def spelling_of(source: SourceRow, preferred: str | None = None) -> str:
    """How to spell `source` as a speaker so that the store finds it again by that spelling:
    `preferred` (the article's) or its name when either is one of its aliases, else the
    spelling the articles use most."""
    for name in (preferred, source.name):
        if name is not None and name in source.aliases:
            return name
    return source.aliases[0] if source.aliases else source.name


class SourcePicker(Picker):
    """Choose one of the corpus's sources (but `leave_out`), searched as the user types;
    dismisses with its SourceRow, or None."""

    def __init__(self, db: Queryable, title: str | Text, *, leave_out: int | None = None) -> None:
        super().__init__(title, [], placeholder="a name, in any spelling", free_text=False)
        self.db = db
        self.leave_out = leave_out

    def choices_for(self, typed: str) -> list[Choice]:
        found = list_sources(self.db, typed, limit=FOUND_AT_MOST + 1)
        return [(s.name, source_summary(s), s) for s in found if s.id != self.leave_out][:FOUND_AT_MOST]


class SpeakerPicker(Picker):
    """Who said it: with the database (`db`), the corpus's sources, the guess's first, then
    those the article mentions, then any found by what is typed, then the typed name as a
    new one; without it, the article's names only."""

    def __init__(
        self, candidates: list[SpeakerCandidate], current: str | None = None, *, db: Queryable | None = None
    ) -> None:
        """`candidates`: the article's people and organisations, best first
        (store.speakers); `current`: the speaker as guessed or given."""
        self.candidates = candidates
        self.db = db
        title = "[b]Who said it?[/b]  type to filter or to name someone else; Enter picks"
        if db is None:
            choices = [(c.name, f"{c.label} · {counted(c.mentions, 'mention')}", c) for c in candidates]
        else:
            title = "[b]Who said it?[/b]  this article's sources first; type to search all"
            choices = self._article_sources(db, candidates, current)
        super().__init__(title, choices, placeholder=visible_text(current or "a name"))

    @staticmethod
    def _article_sources(
        db: Queryable, candidates: list[SpeakerCandidate], guess: str | None
    ) -> list[Choice]:
        """The sources the article names (a name with no source yet as it is), the guess's first."""
        guessed = set(sources_named(db, guess)) if guess else set()
        choices: list[Choice] = []
        listed: set[int] = set()
        for c in candidates:
            mentioned = f"{c.label} · {counted(c.mentions, 'mention')} here"
            sources = [s for i in sources_named(db, c.name) if (s := get_source(db, i)) is not None]
            if not sources:
                choices.append(
                    (
                        c.name,
                        f"{mentioned} · no source yet",
                        SpeakerChoice(c.name, c.mention_start, c.mention_end),
                    )
                )
            for s in sources:
                if s.id not in listed:
                    listed.add(s.id)
                    value = SpeakerChoice(spelling_of(s, c.name), c.mention_start, c.mention_end, s.id)
                    choices.append((s.name, f"{source_summary(s)} · {mentioned} as {c.name}", value))
        # The guess's source first, even where the article's entities missed it.
        for source_id in sorted(guessed - listed):
            if (s := get_source(db, source_id)) is not None:
                choices.insert(
                    0, (s.name, source_summary(s), SpeakerChoice(spelling_of(s, guess), None, None, s.id))
                )
        choices.sort(key=lambda choice: choice[2].source_id not in guessed)
        return choices

    def choices_for(self, typed: str) -> list[Choice]:
        if self.db is None:
            return super().choices_for(typed)
        needle = typed.strip().lower()
        article = [c for c in self.choices if needle in c[0].lower() or needle in c[2].name.lower()]
        listed = {c[2].source_id for c in article}
        found = [
            (s.name, source_summary(s), SpeakerChoice(spelling_of(s), None, None, s.id))
            for s in list_sources(self.db, typed, limit=FOUND_AT_MOST)
            if s.id not in listed
        ]
        named = {c[0].lower() for c in article + found} | {c[2].name.lower() for c in article + found}
        new = [(typed.strip(), "a new name", typed.strip())] if needle and needle not in named else []
        return article + found + new
