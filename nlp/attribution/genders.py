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
from newsmark.nlp.attribution.people import Person, clean_key

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Token

MALE, FEMALE = "male", "female"
PRONOUN_GENDER = {"he": MALE, "she": FEMALE}
_SUBJECT = ("nsubj", "nsubjpass")
_LOOKBACK = 50  # tokens searched back from a pronoun for the one person it can follow


def _lone_subject_before(
    tokens: list[Token], i: int, persons: dict[str, Person], quote_of_token: list[int]
) -> str | None:
    """The person in subject position between the previous sentence's start and token i, when
    no other noun is a subject there ('One nurse, who said she ...' votes for nobody)."""
    found: set[str] = set()
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
                key = clean_key(tok.text)
                found.add(key if key in persons else f"#{tok.i}")
        j -= 1
    if len(found) != 1:
        return None
    (only,) = found
    return only if only in persons else None


def person_genders(
    tokens: list[Token], persons: dict[str, Person], quote_of_token: list[int]
) -> dict[str, str]:
    """Canonical name -> MALE or FEMALE, for the people the article makes clear."""
    votes: dict[str, list[int]] = {key: [0, 0] for key in persons}
    for key, person in persons.items():
        votes[key][0] += 2 * bool(person.descriptors & MALE_TITLES)
        votes[key][1] += 2 * bool(person.descriptors & FEMALE_TITLES)
    for tok in tokens:
        pronoun_gender = PRONOUN_GENDER.get(tok.lower_)
        if pronoun_gender is None or tok.dep_ not in _SUBJECT or quote_of_token[tok.i] >= 0:
            continue
        lone = _lone_subject_before(tokens, tok.i, persons, quote_of_token)
        if lone is not None:
            votes[lone][pronoun_gender == FEMALE] += 1
    genders = {}
    for key, (male, female) in votes.items():
        if male != female:
            genders[persons[key].canonical] = MALE if male > female else FEMALE
    return genders
