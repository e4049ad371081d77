"""Names as articles spell them, read for resolving speakers to sources.

A speaker string is a person's name ("Sergey Lavrov", "S. Jaishankar", "EAM Jaishankar"),
an organisation's ("TASS"), or the description of a source the article does not name
("a spokesperson for HM Coastguard"). Titles and honorifics in front of a name are roles,
not part of it ("Russian Foreign Minister Sergey Lavrov": the role "Russian Foreign
Minister", the name "Sergey Lavrov").

Spellings of one name are told apart from different names by general rules, not lists of
names: a key folds accents, case and the usual transliteration variants (y/i, x/ks, kh/h,
w/v, doubled letters: Sergei/Sergey, Dmitri/Dmitry, Aleksei/Alexey), and two given names
are the same when their keys are equal, or when both are long and differ by one vowel only,
between the same first and last letter (Aleksandr/Alexander, Michail/Mikhail; not
Maria/Marta, Mario/Maria or Jon/Jan). An initial agrees with any given name it begins.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SOURCE_KINDS = ("person", "organisation", "unnamed")


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that stand before a name as a title or an office: stripped from the name, kept as
# roles. General English news usage, lower case, without dots.
TITLE_WORDS = _lexicon(
    """mr mrs ms miss mx dr prof sir dame lord lady rev fr sen rep gov gen col capt lt sgt
    president minister ministers prime premier chancellor secretary ambassador envoy chief judge
    justice mayor governor senator congressman congresswoman representative king queen prince
    princess sheikh emir pm cm eam fm mp mla mep nsa ceo cfo coo cto chairman chairwoman
    chair chairperson spokesperson spokesman spokeswoman director professor doctor general
    foreign external home interior defence defense finance affairs deputy vice acting former
    incumbent late councillor councilor councilman councilwoman alderman commissioner coach
    captain officer inspector detective sergeant constable superintendent bishop archbishop
    cardinal pope rabbi imam pastor reverend father senior assistant associate lead head
    state attorney speaker leader founder president-elect chief-executive"""
)
# Nouns for an organisation: a description headed by one ("the council", "Coastal's pilots'
# union") is an organisation the article does not name, not a person.
ORGANISATION_NOUNS = _lexicon(
    """company firm ministry agency group council department union government
    court police party committee commission organisation organization
    association bank board office authority institute university club
    campaign coalition charity team"""
)
# Honorifics: stripped from a name like titles, but no role worth keeping.
HONORIFICS = _lexicon("mr mrs ms miss mx dr prof sir dame mme m herr frau")
# Words that open a description, not a name ("a spokesperson", "one striker", "the ministry").
DETERMINERS = _lexicon(
    "a an the one two three some several many another this that these those his her their its"
)
# Lower-case words that belong inside names ("Ursula von der Leyen", "Osama bin Laden").
NAME_PARTICLES = _lexicon("von van der den de del della di da dos du le la bin ibn al el ter")
SUFFIXES = _lexicon("jr sr ii iii iv")
# Between the words of one title ("Secretary of State", "Minister for Foreign Affairs").
CONNECTORS = _lexicon("of for and")
# Capitalised at a sentence's start, but never part of a title ("In Moscow Foreign Minister").
FUNCTION_WORDS = DETERMINERS | _lexicon(
    "in on at by for with after before when as from to and but while during said says"
)
VOWELS = frozenset("aeiou")
# Transliteration variants, applied in order to a folded word.
_SPELLING_RULES = [
    (re.compile(r"x"), "ks"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"ch"), "h"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"w"), "v"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"^[iy]e"), "e"),  # Yevgeny/Evgeny
    (re.compile(r"(?<=[aeiou])j"), "i"),  # Sergej/Sergei
    (re.compile(r"y"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters: Dmitrii, Mohammed
]
_LEAD_IN_END = re.compile(r"[:()\[\]]")
_PUNCTUATION_RUN = re.compile(r"[^\w\s'’.-]+")  # where a run of title words cannot continue


def fold(text: str) -> str:
    """Lower case, without accents, letters and digits only, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^\w\s]|_", " ", plain).split())


def spelling_key(word: str) -> str:
    """One word folded, with its transliteration variants made one ('Sergey' -> 'sergei')."""
    key = fold(word).replace(" ", "")
    for pattern, replacement in _SPELLING_RULES:
        key = pattern.sub(replacement, key)
    return key


def _word(token: str) -> str:
    """A word without the punctuation around it nor a possessive ending; the dot of an
    initial or an abbreviation stays ("S.", "Dr.", "Jr.")."""
    token = token.strip(",;:!?()[]{}\"“”‘’'")
    for ending in ("'s", "’s"):
        if token.lower().endswith(ending):
            token = token[: -len(ending)]
    bare = token.rstrip(".")
    if len(bare) == 1 or bare.lower() in TITLE_WORDS or bare.lower() in SUFFIXES:
        return token
    return bare


def _is_title(word: str) -> bool:
    return word.lower().rstrip(".") in TITLE_WORDS


def _is_abbreviation(token: str) -> bool:
    """ "S.", "Dr.", "Jr.": a dot that ends no sentence."""
    bare = _word(token).rstrip(".").lower()
    return len(bare) == 1 or bare in TITLE_WORDS or bare in SUFFIXES


def _is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1 and word[:1].isalpha()


@dataclass(frozen=True)
class Name:
    """A speaker string read as a name: its words as spelled, without titles."""

    words: tuple[str, ...]  # the name as spelled, titles and determiners left out
    roles: tuple[str, ...]  # the titles found in front of it ("EAM", "Russian Foreign Minister")

    @property
    def display(self) -> str:
        return " ".join(self.words)

    @property
    def surname(self) -> str:
        """The family name's key: the last word not a suffix ('' for no name)."""
        words = [w for w in self.words if w.lower().rstrip(".") not in SUFFIXES] or list(self.words)
        return spelling_key(words[-1]) if words else ""

    @property
    def given(self) -> tuple[str, ...]:
        """The words before the family name, particles left out ("S.", "Sergey")."""
        words = [w for w in self.words if w.lower().rstrip(".") not in SUFFIXES] or list(self.words)
        return tuple(w for w in words[:-1] if w.lower() not in NAME_PARTICLES)

    @property
    def key(self) -> str:
        return " ".join(spelling_key(w) for w in self.words)


def read_name(speaker: str) -> Name:
    """A person's or organisation's name, its leading titles moved to roles.

    "Russian Foreign Minister Sergey Lavrov" -> words (Sergey, Lavrov), roles ("Russian
    Foreign Minister",); "EAM Jaishankar" -> (Jaishankar,), ("EAM",). Title words inside a
    name stay ("Martin Luther King Jr."): a role is a run of titles from the name's start.
    """
    raw = speaker.split()
    # A lead-in closed by punctuation is no part of the name ("Aug 21 (TTP): Russian ...").
    cut = max((i + 1 for i, t in enumerate(raw[:-1]) if _LEAD_IN_END.search(t)), default=0)
    tokens = [w for w in (_word(t) for t in raw[cut:]) if w]
    lead = 0
    while lead < len(tokens) - 1 and tokens[lead].lower() in FUNCTION_WORDS:
        lead += 1
    for end in range(len(tokens) - 2, lead - 1, -1):
        if _is_title(tokens[end]) and _title_run_start(tokens, end) <= lead:
            role = _role(tokens[lead : end + 1])
            return Name(tuple(tokens[end + 1 :]), (role,) if role else ())
    return Name(tuple(tokens[lead:]), ())


def _title_run_start(words: list[str], end: int) -> int:
    """Where the title ending at words[end] starts: back over title words, a capitalised
    word right before a title word ("Russian Foreign", "Kremlin spokesperson") and
    "of"/"for"/"and" between titles ("Secretary of State")."""
    start = end
    while start > 0:
        word = words[start - 1]
        if _is_title(word):
            start -= 1
        elif word.lower() in CONNECTORS and start >= 2 and _is_title(words[start - 2]):
            start -= 2
        elif word[:1].isupper() and word.lower() not in FUNCTION_WORDS and _is_title(words[start]):
            start -= 1
        else:
            break
    return start


def _role(role_words: list[str]) -> str | None:
    kept = [w for w in role_words if w.lower().rstrip(".") not in HONORIFICS]
    while kept and kept[0].lower() in FUNCTION_WORDS:
        kept = kept[1:]
    return " ".join(kept) if kept else None


def role_before(text: str) -> str | None:
    """The title right before a name in running text: "... said Russian Foreign Minister "
    -> "Russian Foreign Minister"; "US Secretary of State " -> itself. None when the
    words before the name end in no title word, or a punctuation mark comes first."""
    tail = _PUNCTUATION_RUN.split(text.split("\n")[-1])[-1].split()
    # A sentence that ended before the name ("... Sergey Lavrov. Peskov") says nothing of it.
    ends = [i + 1 for i, t in enumerate(tail) if t.endswith((".", "!", "?")) and not _is_abbreviation(t)]
    words = [w for w in (_word(t) for t in tail[max(ends, default=0) :]) if w]
    while words and not _is_title(words[-1]) and words[-1][:1].isupper():
        words.pop()  # the name's own first words ("Minister Sergey" before "Lavrov")
    if not words or not _is_title(words[-1]):
        return None
    return _role(words[_title_run_start(words, len(words) - 1) :])


def is_description(speaker: str) -> bool:
    """A source the article does not name, kept by its description ("a spokesperson for
    HM Coastguard", "one striker", "Residents on Mill Lane"): it opens with a determiner or a
    lower-case word, or has a lower-case word inside that no name has ("on", not "von")."""
    words = speaker.split()
    if not words:
        return True
    first = words[0]
    if first.lower() in DETERMINERS or first[:1].islower():
        return True
    return any(w[:1].islower() and w not in NAME_PARTICLES for w in words[1:])


_PREPOSITIONS = _lexicon("for of at in from with on by to about over near outside inside")


def description_kind(description: str) -> str:
    """organisation when the description's head noun names one ("the council", "Coastal's
    pilots' union", "a coalition of barge operators"), else unnamed ("a spokesperson for the
    ministry", "Officials"): the head is its last word before a preposition."""
    words = fold(description).split()
    cut = next((i for i, w in enumerate(words) if i and w in _PREPOSITIONS), len(words))
    head = words[cut - 1] if cut else ""
    return "organisation" if head in ORGANISATION_NOUNS else "unnamed"


def is_person_role(role: str, title_only: bool = False) -> bool:
    """A role a person holds ("union organiser", "Engineer"), not a kind of organisation
    ("environmental group"). With `title_only`, one that ends in a title ("Mayor", "party
    leader"): an organisation is described by such words too ("Discount grocer Fairmart")."""
    words = fold(role).split()
    if not words or words[-1] in ORGANISATION_NOUNS:
        return False
    return not title_only or words[-1] in TITLE_WORDS


_MAX_ROLE_WORDS = 8


def _mention_role(words: list[str]) -> str | None:
    """A role as a mention writes it around a name, without determiners, honorifics and
    the commas that set it off ("The port's chief executive," -> "port's chief executive")."""
    words = [w for w in (t.strip(",;:()") for t in words) if w]
    while words and words[0].lower() in DETERMINERS:
        words = words[1:]
    if not words or len(words) > _MAX_ROLE_WORDS:
        return None
    return _role(words)


def read_mention(mention: str, name: Name) -> tuple[Name, tuple[str, ...]] | None:
    """A mention of the person `name` read around their name in it: the name as the mention
    writes it, and the roles it gives them, before the name ("council leader Maria Delgado",
    "Engineer Tom Fischer", "The port's chief executive, David Brennan") or set off after it
    ("David Brennan, the port's chief executive"). None when it does not name them: a
    pronoun or a role alone ("he", "the Russian minister"), or another given name with the
    same family name ("Ann Fischer" for Tom Fischer)."""
    raw = mention.split()
    keys = [spelling_key(_word(t)) for t in raw]
    if not name.surname or name.surname not in keys:
        return None
    last = keys.index(name.surname)
    first = last
    while first > 0 and raw[first - 1][:1].isupper() and not raw[first - 1].endswith((",", ";", ":")):
        if _is_title(_word(raw[first - 1])) or raw[first - 1].lower() in FUNCTION_WORDS:
            break
        first -= 1
    written = [_word(t) for t in raw[first:last]]
    if written and name.given:
        # The given name is the first word that agrees; capitalised words before it are a
        # title the lexicon lacks ("Engineer Tom Fischer"); none agreeing: someone else.
        agreeing = [i for i, w in enumerate(written) if given_names_agree(w, name.given[0])]
        if not agreeing:
            return None
        first += agreeing[0]
    before = _mention_role(raw[:first]) if first else None
    after = _mention_role(raw[last + 1 :]) if raw[last].endswith(",") else None
    return read_name(" ".join(raw[first : last + 1])), tuple(r for r in (before, after) if r)


def honoured(mention: str, name: Name) -> bool:
    """Does the mention write an honorific right before the name ("committee chair Dr Grace
    Obi", "Mr Lavrov")? Only a person is so addressed."""
    keys = [spelling_key(_word(t)) for t in mention.split()]
    first = spelling_key(name.words[0]) if name.words else ""
    if first not in keys:
        return False
    at = keys.index(first)
    return at > 0 and _word(mention.split()[at - 1]).lower().rstrip(".") in HONORIFICS


def description_key(speaker: str) -> str:
    """One key for one description or organisation, whatever its article, case or spelling
    ("A spokesperson" = "the spokesperson")."""
    words = fold(speaker).split()
    while words and words[0] in DETERMINERS:
        words = words[1:]
    return " ".join(spelling_key(w) for w in words)


def given_names_agree(a: str, b: str) -> bool:
    """Could two given names be one person's, spelled two ways? An initial agrees with a
    name it begins; full names agree by key, or by one vowel between the same ends."""
    if _is_initial(a) or _is_initial(b):
        return spelling_key(a)[:1] == spelling_key(b)[:1] or fold(a)[:1] == fold(b)[:1]
    ka, kb = spelling_key(a), spelling_key(b)
    if ka == kb:
        return True
    if min(len(ka), len(kb)) < 5 or ka[0] != kb[0] or ka[-1] != kb[-1]:
        return False
    return _one_vowel_apart(ka, kb)


def _one_vowel_apart(a: str, b: str) -> bool:
    """One vowel inserted, deleted or changed for another vowel."""
    if len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        return len(diff) == 1 and diff[0][0] in VOWELS and diff[0][1] in VOWELS
    short, long = sorted((a, b), key=len)
    if len(long) - len(short) != 1:
        return False
    return any(c in VOWELS and long[:i] + long[i + 1 :] == short for i, c in enumerate(long))


def same_person(a: Name, b: Name) -> bool:
    """Two full names that could be one person: one family name, given names that agree.
    A bare family name has no given name to disagree with."""
    if not a.words or not b.words or a.surname != b.surname:
        return False
    if not a.given or not b.given:
        return True
    return given_names_agree(a.given[0], b.given[0])


def is_full(name: Name) -> bool:
    """A given name written out, not an initial nor missing: the best form to show."""
    return bool(name.given) and not _is_initial(name.given[0])


def alias_key(speaker: str, kind: str) -> tuple[str, str | None]:
    """(key, family name) an alias is looked up by; the family name only for a person."""
    if kind == "unnamed":
        return description_key(speaker), None
    name = read_name(speaker)
    if kind == "organisation":
        return description_key(name.display or speaker), None
    return (name.key or fold(speaker)), (name.surname or None)
