"""The word lists attribution's rules read: speech verbs, title words, role synonyms.

Kept small and general, and apart from the rules, so the vocabulary grows without
touching them.
"""

from __future__ import annotations


def _lexicon(words: str) -> frozenset[str]:
    """A word set written as a whitespace-separated block (easier to read and extend)."""
    return frozenset(words.split())


SPEECH_LEMMAS = _lexicon(
    """
    say tell add note remark stress explain declare state announce insist claim
    argue warn ask reply respond answer write tweet post comment observe
    emphasize emphasise underline underscore point describe call conclude
    continue recall admit acknowledge confirm deny suggest predict promise
    pledge vow urge caution joke quip complain concede agree mention assert
    maintain report reiterate highlight shout whisper cry exclaim lament boast
    murmur recount testify sum put characterise characterize assure accuse
    criticise criticize praise hail thank recommend demand proclaim retort
    counter begin
    """
)

# Particles that belong to the cue ("pointed out", "summed up").
CUE_PARTICLES = _lexicon("out up on")

# Words that introduce a name or title in quotes rather than a quotation.
NAMING_WORDS = _lexicon("so-called dubbed titled entitled named nicknamed labelled labeled branded styled")

# Function words ignored by the title-case test ("Toward a New Agenda").
FUNCTION_WORDS = _lexicon(
    """a an the and or but nor of in on at to for from by with as into onto
    upon vs via per than over under about"""
)

# Leading words stripped from person names ("EAM Jaishankar" -> "Jaishankar").
NAME_TITLES = _lexicon(
    """mr mrs ms miss dr prof sir dame lord lady rev fr sen rep gov gen col
    capt lt sgt president minister prime premier chancellor secretary
    ambassador chief judge justice mayor governor senator king queen prince
    princess pm cm eam mp mla nsa ceo cfo coo chairman chairwoman chair
    spokesperson spokesman spokeswoman director professor doctor general
    foreign external affairs deputy vice acting former late councillor
    councilor councilman councilwoman alderman commissioner coach captain
    officer inspector detective sergeant constable superintendent bishop
    archbishop cardinal rabbi imam pastor reverend father senior assistant
    associate lead head state attorney"""
)

# Role nouns that stand for several concrete titles.
_SPOKES = "spokesperson spokesman spokeswoman"

_LEGISLATOR = "senator representative lawmaker mp legislator"

ROLE_SYNONYMS: dict[str, frozenset[str]] = {
    "leader": _lexicon("president premier prime chancellor king queen leader head chief"),
    "diplomat": _lexicon("minister ambassador envoy counterpart diplomat secretary"),
    "official": _lexicon(f"minister secretary official director {_SPOKES}"),
    "spokesman": _lexicon(_SPOKES),
    "spokeswoman": _lexicon(_SPOKES),
    "spokesperson": _lexicon(_SPOKES),
    "premier": _lexicon("premier prime"),
    "counterpart": _lexicon("counterpart minister"),
    "executive": _lexicon("ceo executive chief"),
    "boss": _lexicon("ceo executive chief head director"),
    "lawmaker": _lexicon(_LEGISLATOR),
    "legislator": _lexicon(_LEGISLATOR),
    "coach": _lexicon("coach manager"),
    "manager": _lexicon("coach manager"),
}

PERSON_PRONOUNS = _lexicon("he she")

# Nouns that, with "the", refer back to an organisation ("the company said").
ORG_NOUNS = _lexicon(
    """company firm ministry agency group council department union government
    court police party committee commission organisation organization
    association bank board office authority institute university club
    campaign coalition charity team"""
)
