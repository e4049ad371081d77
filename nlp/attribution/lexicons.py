"""The word lists attribution's rules read: cue verbs by class, title words, role synonyms.

Kept small and general, and apart from the rules, so the vocabulary grows without
touching them.
"""

from __future__ import annotations

from newsmark.store.sources.names import ORGANISATION_NOUNS


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
    counter begin reject dismiss
    """
)

# Cues of indirect attribution, by class (as attribution corpora annotate them). Only the lemma
# is listed: the rules in `reported` decide from the parse what content each one governs.
SPEECH_CUES = _lexicon(
    """
    say tell add note remark stress explain declare state announce insist claim argue warn
    reply respond answer write tweet post comment observe emphasize emphasise underline
    underscore point describe conclude recall admit acknowledge confirm deny suggest predict
    assert maintain report reiterate highlight testify assure accuse blame concede mention
    agree disagree complain lament boast allege contend caution counter retort disclose reveal
    signal reaffirm express question dispute dismiss reject clarify indicate hint imply protest
    object repeat quip joke inform charge estimate forecast project sum praise unveil
    """
)
THOUGHT_CUES = _lexicon(
    """
    believe think feel fear expect hope doubt suspect assume reckon suppose worry know
    understand consider imagine recognise recognize realise realize trust guess
    """
)
INTENTION_CUES = _lexicon(
    """
    want plan intend aim seek wish vow pledge promise threaten refuse urge demand ask
    call press push advocate appeal plead propose recommend order instruct lobby campaign
    """
)
REPORT_CUES = _lexicon("find show reveal indicate suggest conclude estimate report predict forecast")

# Cues whose direct object can be the content itself ("announced a ban", "stressed the need
# to ..."), where for other cues the object is the addressee ("told reporters").
OBJECT_CUES = _lexicon(
    """
    announce confirm deny reiterate stress emphasise emphasize highlight underline underscore
    note express reaffirm predict forecast find report acknowledge admit propose demand want
    plan seek describe call praise accuse blame advocate unveil recommend signal urge
    """
)

# Cues that govern their content through a preposition ("called for", "accused X of").
PREPOSITION_CUES: dict[str, frozenset[str]] = {
    "for": _lexicon("call press push advocate appeal plead argue campaign lobby ask praise blame"),
    "of": _lexicon("accuse warn speak convince"),
    "against": _lexicon("warn argue caution campaign"),
    "on": _lexicon("call"),
    "to": _lexicon("point"),
}

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
MALE_PRONOUNS = _lexicon("he him his himself")
FEMALE_PRONOUNS = _lexicon("she her hers herself")

# Honorifics and gendered title words that tell a named person's gender ("Mr Ashworth",
# "the spokeswoman"): a pronoun then goes only to a person of its gender.
MALE_TITLES = _lexicon(
    """mr sir lord king prince father brother son husband chairman spokesman councilman
    congressman businessman sportsman fr"""
)
FEMALE_TITLES = _lexicon(
    """mrs ms miss dame lady queen princess mother sister daughter wife chairwoman spokeswoman
    councilwoman congresswoman businesswoman sportswoman actress"""
)

# Determiners that make a noun phrase a group of parties already named ("both sides",
# "each team"): not an unnamed source.
GROUP_DETERMINERS = _lexicon("both each all either neither")

# Nouns for people and groups of people, for the subject of a belief or intention that no
# name resolves ("officials believe", "residents want"); words ending in -ist, -ian, -man,
# -woman, -person and -people count too.
PERSON_NOUNS = _lexicon(
    """
    official officer minister leader member worker resident voter citizen parent mother father
    child student teacher nurse doctor patient expert analyst researcher scientist author
    critic supporter opponent protester campaigner activist fan player coach manager owner
    driver farmer fisherman customer investor trader banker lawyer attorney judge juror witness
    victim survivor neighbour neighbor source aide adviser advisor spokesperson executive
    director chief head president chair founder partner employee staff union regulator
    lawmaker legislator senator representative candidate challenger incumbent governor mayor
    councillor councilor diplomat envoy ambassador prosecutor investigator inspector police
    family friend people group team side party camp community organiser organizer
    negotiator observer commentator economist historian official ministry authority
    administration government agency department council committee commission company firm
    """
)

# Nouns that, with "the", refer back to an organisation ("the company said"): the store's
# list, which also tells an organisation's description from a person's ("the council").
ORG_NOUNS = ORGANISATION_NOUNS

# Endings of nouns for a person ("organiser", "scientist", "spokeswoman").
PERSON_SUFFIXES = ("ist", "ian", "man", "woman", "person", "people", "er", "or")


def is_person_noun(lemma: str) -> bool:
    """A common noun for one person ('organiser', 'engineer', 'executive'), not for a group
    or an organisation ('union', 'team')."""
    return lemma not in ORG_NOUNS and (lemma in PERSON_NOUNS or lemma.endswith(PERSON_SUFFIXES))
