"""Who could have said a quote: the people and organisations an article mentions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

SPEAKER_LABELS = ("PERSON", "ORG", "NORP", "GPE")
LABEL_RANK = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}


@dataclass(frozen=True)
class SpeakerCandidate:
    name: str  # the fullest form the article uses
    label: str
    mention_start: int  # the mention nearest before the quote (else the first one)
    mention_end: int
    mentions: int


def _words(name: str) -> list[str]:
    return [w.strip(".,’'s").lower() for w in name.split() if w.strip(".,’'")]


def _is_part_of(short: list[str], full: list[str]) -> bool:
    """'Lavrov' is part of 'Sergei Lavrov'; 'Putin' of 'Vladimir Putin'."""
    return bool(short) and len(short) < len(full) and all(w in full for w in short)


def speaker_candidates(
    db: Database, article_id: str, *, near: int | None = None, guess: str | None = None
) -> list[SpeakerCandidate]:
    """Candidates best first: the guess, then people named closest before `near`, then the rest."""
    rows = list(
        db.query(
            f"""select start, "end", label, text from entities
                where article_id = ? and status = 'accepted'
                  and label in ({",".join("?" * len(SPEAKER_LABELS))})
                order by start""",
            [article_id, *SPEAKER_LABELS],
        )
    )
    text_row = db.execute("select text from articles where id = ?", [article_id]).fetchone()
    headline_end = text_row[0].find("\n") if text_row else -1
    # Group mentions under the fullest name they are part of. Headline mentions
    # come last: a headline's title case misleads NER ("Jaishankar Hold Key Talks").
    names: dict[str, dict] = {}
    for r in sorted(rows, key=lambda r: (r["start"] < headline_end, -len(_words(r["text"])))):
        text = r["text"].strip()
        words = _words(text)
        if not words:
            continue
        owner = next(
            # A mention joins a fuller name of its own label, or a person's (NER often
            # tags a lone surname as ORG); "India" never joins "India's External Affairs".
            (
                n
                for n, g in names.items()
                if (g["label"] == r["label"] or g["label"] == "PERSON")
                and (_words(n) == words or _is_part_of(words, _words(n)))
            ),
            None,
        )
        if owner is None:
            owner = text
            names[owner] = {"label": r["label"], "mentions": []}
        names[owner]["mentions"].append((r["start"], r["end"]))
    candidates = []
    for name, group in names.items():
        mentions = sorted(group["mentions"])
        before = [m for m in mentions if near is not None and m[0] < near]
        mention = before[-1] if before else mentions[0]
        candidates.append(SpeakerCandidate(name, group["label"], mention[0], mention[1], len(mentions)))

    def rank(c: SpeakerCandidate) -> tuple:
        is_guess = guess is not None and (c.name == guess or _is_part_of(_words(c.name), _words(guess)))
        distance = near - c.mention_start if near is not None and c.mention_start < near else 10**9
        return (not is_guess, LABEL_RANK.get(c.label, 9), distance, -c.mentions)

    return sorted(candidates, key=rank)
