"""Choose who said a quote: the article's people and organisations, or anyone typed."""

from __future__ import annotations

from dataclasses import dataclass

from newsmark.store.speakers import SpeakerCandidate
from newsmark.tui.screens.picker import Picker
from newsmark.tui.visible import visible_text


@dataclass(frozen=True)
class SpeakerChoice:
    name: str
    mention_start: int | None
    mention_end: int | None


def speaker_choice(value: object) -> SpeakerChoice | None:
    """What the picker returned, as a speaker: a candidate (with its mention) or a typed name."""
    if isinstance(value, SpeakerCandidate):
        return SpeakerChoice(value.name, value.mention_start, value.mention_end)
    if isinstance(value, str):
        return SpeakerChoice(value, None, None)
    return None


class SpeakerPicker(Picker):
    def __init__(self, candidates: list[SpeakerCandidate], current: str | None = None) -> None:
        self.candidates = candidates
        super().__init__(
            "[b]Who said it?[/b]  type to filter or to name someone else; Enter picks",
            [
                (c.name, f"{c.label} · {c.mentions} mention{'s' if c.mentions != 1 else ''}", c)
                for c in candidates
            ],
            placeholder=visible_text(current or "a name"),
        )
