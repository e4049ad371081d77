"""The gender an article gives the people it names, so that "he" and "she" go to a person of
their gender.

Evidence, in the article only: an honorific or gendered title word written with the name
("Mr Ashworth", "Ms Pryce", "the spokeswoman, Ana Ruiz"), and subject pronouns whose clause
follows one person alone in subject position ("Hartley said ... He added ..."), counted over
the article. A person with no evidence, or as much for both, has no gender and any pronoun
may still go to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsmark.nlp.attribution.lexicons import FEMALE_TITLES, MALE_TITLES
from newsmark.nlp.attribution.people import People, Person

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Token

MALE, FEMALE = "male", "female"
PRONOUN_GENDER = {"he": MALE, "she": FEMALE}
_SUBJECT = ("nsubj", "nsubjpass")
_LOOKBACK = 50  # tokens searched back from a pronoun for the one person it can follow


def _lone_subject_before(
    tokens: list[Token], i: int, people: People, quote_of_token: list[int]
) -> Person | None:
    """The person in subject position between the previous sentence's start and token i, when
    no other noun is a subject there ('One nurse, who said she ...' votes for nobody)."""
    found: set[Person | int] = set()
    sentence_ends = 0
    j = i - 1
    while j >= 0 and i - j <= _LOOKBACK:
        tok = tokens[j]
        if quote_of_token[j] < 0:
            if tok.text in (".", "!", "?") or "\n" in tok.text:
                sentence_ends += 1
                if sentence_ends == 2:
                    break
            if tok.dep_ in _SUBJECT and tok.pos_ in ("PROPN", "NOUN"):
                found.add(people.named_by(tok) or tok.i)
        j -= 1
    if len(found) != 1:
        return None
    (only,) = found
    return only if isinstance(only, Person) else None


def person_genders(tokens: list[Token], people: People, quote_of_token: list[int]) -> dict[str, str]:
    """Canonical name -> MALE or FEMALE, for the people the article makes clear."""
    # Titles are evidence worth two pronouns.
    votes = {p: [2 * bool(p.descriptors & titles) for titles in (MALE_TITLES, FEMALE_TITLES)] for p in people}
    for tok in tokens:
        pronoun_gender = PRONOUN_GENDER.get(tok.lower_)
        if pronoun_gender is None or tok.dep_ not in _SUBJECT or quote_of_token[tok.i] >= 0:
            continue
        lone = _lone_subject_before(tokens, tok.i, people, quote_of_token)
        if lone is not None:
            votes[lone][pronoun_gender == FEMALE] += 1
    genders = {}
    for person, (male, female) in votes.items():
        if male != female:
            genders[person.canonical] = MALE if male > female else FEMALE
    return genders
