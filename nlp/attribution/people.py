"""The people an article names, each once, by the fullest form of their name.

Person names are NER PERSON spans, plus 2-3 word proper-noun chains the NER missed or took
for another kind of entity when their last word is later the subject of a sentence on its
own ("Union organizer Beth Carver" ... "Carver said": organisations are not called by their
last word alone) or a title for a person stands right before them ("union organiser Rachel
Okafor": an organiser is a person, whatever the NER made of the name). Each person keeps the
title words written around their name ("Russian Foreign Minister", appositions such as "the
Kremlin spokesperson"), so that a role mentioned later ("the Russian minister") can be tied
back to them. Leading words that are titles, or ordinary words the article also writes in
lower case ("Incumbent Maria Delgado", "challenger"), are not part of the name, nor is a
noun for a person that opens a sentence before a full name ("Headteacher Paul Lindqvist said"),
whatever span the NER gave it. Names inside
quotes are not mentions of speakers and are skipped; a title-cased headline confuses the
NER, so a name found only there is kept in its simplest form.

People who share a family name are as many people as the given names the article writes
with it ("Ann Fischer" and "Tom Fischer"; "M. Kelly" is "Mark Kelly", an initial agreeing
with the name it begins). A name with its given name is that person; the family name alone
is the one person of that name, or, when there are several, the one the article last named
in full before it ("Tom Fischer said ... Fischer added"; a possessive such as "Tom Fischer's
sister" names him only in passing), and nobody when it named none of them yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsmark.nlp.attribution.lexicons import NAME_TITLES, is_person_noun
from newsmark.store.sources.names import given_names_agree

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc, Span, Token


@dataclass(eq=False)  # one object per person: hashed and compared by identity
class Person:
    canonical: str  # the fullest form of the name the article uses
    given: str = ""  # the first given name, as written ("Sergei", "S."); "" when none is
    given_words: set[str] = field(default_factory=set)  # every word written before the family name
    variants: list[str] = field(default_factory=list)
    descriptors: set[str] = field(default_factory=set)
    mentions: list[int] = field(default_factory=list)  # char offsets of the family name, outside quotes
    named_in_full: list[int] = field(default_factory=list)  # offsets where a given name goes with it


_POSSESSIVES = ("'s", "’s", "'", "’")


def clean_possessive(word: str) -> str:
    if not word.endswith(("s", "'", "’")):
        return word  # most words: the one test this costs, run for every token of an article
    for ending in _POSSESSIVES:
        if word.endswith(ending):
            return word[: -len(ending)]
    return word


def clean_key(word: str) -> str:
    """The key people are found by: a surname or given name, lower case, without a possessive."""
    return clean_possessive(word).lower()


def _is_title_word(tok: Token, lower_words: frozenset[str]) -> bool:
    """A title ('Minister', 'Dr.'), or a word outside the NER's person names that the article
    also writes in lower case ('Challenger' opening a sentence, 'challenger' elsewhere)."""
    word = tok.text.lower().rstrip(".")
    return word in NAME_TITLES or (tok.ent_type_ != "PERSON" and word in lower_words)


def _is_role_at_sentence_start(tok: Token) -> bool:
    """A common noun for a person opening a sentence before a full name ("Headteacher Paul
    Lindqvist said", "Campaigner Morag Stewart said"): capitalised only by where it stands,
    so the NER reads it as a first name; it is the person's role."""
    before = tok.doc[tok.i - 1] if tok.i > 0 else None
    opens = (
        before is None
        or tok.is_sent_start is True
        or before.text in (".", "!", "?")
        or (before.is_space and "\n" in before.text)  # the parser runs a headline on
    )
    return opens and is_person_noun(tok.text.lower())


def _is_possessive(tok: Token) -> bool:
    """'Tom Fischer's sister': the name as a possessive, naming the person only in passing."""
    after = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return tok.dep_ == "poss" or (after is not None and after.text in _POSSESSIVES)


class People:
    """The people an article names: by family name (several may share one) and by given name."""

    def __init__(self, lower_words: frozenset[str]) -> None:
        self.by_surname: dict[str, list[Person]] = {}
        self.by_given: dict[str, Person] = {}  # a given name (lower) only one person has
        self._lower_words = lower_words

    def has_surname(self, word: str) -> bool:
        return clean_key(word) in self.by_surname

    def __iter__(self) -> Iterator[Person]:
        for people in self.by_surname.values():
            yield from people

    def add(self, doc: Doc, toks: list[Token]) -> Person | None:
        """A name as written (titles stripped): the person it names, made when new. A family
        name alone that several people have, none of them named in full before it, is None."""
        key = clean_key(toks[-1].text)
        name = _name_text(doc, toks)
        people = self.by_surname.setdefault(key, [])
        given = toks[0].text if len(toks) > 1 else ""
        if given:
            person = next((p for p in people if _agree(given, p.given)), None)
        else:
            person = self.named_by(toks[-1]) if people else None
            if person is None and people:
                return None
        if person is None:
            person = Person(canonical=name, given=given)
            people.append(person)
        person.variants.append(name)
        person.given_words.update(t.text for t in toks[:-1])
        if _fullness(name) > _fullness(person.canonical):
            person.canonical = name  # the fullest form the article uses
        if given and not _is_possessive(toks[-1]):
            person.named_in_full.append(toks[-1].idx)
        return person

    def given_at(self, tok: Token) -> list[str]:
        """The words written before a family name as its given names ('Ann' in 'Ann Fischer')."""
        words = []
        j = tok.i - 1
        while j >= 0 and tok.i - j <= 3:
            prev = tok.doc[j]
            if prev.pos_ != "PROPN" or not prev.text[:1].isupper() or _is_title_word(prev, self._lower_words):
                break
            words.append(prev.text)
            j -= 1
        return words

    def named_by(self, tok: Token) -> Person | None:
        """The person a word names: by family name (with the given names written before it),
        by a given name only one person has, or through a name compounded into it."""
        key = clean_key(tok.text)
        people = self.by_surname.get(key)
        if people:
            return self._one_of(people, tok)
        if key in self.by_given:
            return self.by_given[key]
        for child in tok.children:
            if child.dep_ == "compound" and clean_key(child.text) in self.by_surname:
                return self.named_by(child)
        return None

    def is_ambiguous(self, tok: Token) -> bool:
        """A family name the article gives, written where nothing tells which of its people
        it is (several share it, none named in full yet), or with another given name."""
        people = self.by_surname.get(clean_key(tok.text), [])
        return bool(people) and self._one_of(people, tok) is None

    def _one_of(self, people: list[Person], tok: Token) -> Person | None:
        given = self.given_at(tok)
        if given:
            agreeing = [
                p for p in people if not p.given or any(_agree(g, w) for g in given for w in p.given_words)
            ]
            if agreeing:
                people = agreeing
            elif tok.ent_type_ == "PERSON" and tok.ent_iob_ == "I":
                return None  # the NER reads the words before it as its given name: someone else
        if len(people) == 1:
            return people[0]
        latest: tuple[int, Person] | None = None
        for person in people:
            before = [at for at in person.named_in_full if at <= tok.idx]
            if before and (latest is None or before[-1] > latest[0]):
                latest = (before[-1], person)
        return latest[1] if latest is not None else None

    def index_given_names(self) -> None:
        """By given name, once everyone is known: a given name two people have, or that is
        someone's family name, finds nobody."""
        clash: set[str] = set()
        for person in self:
            parts = person.canonical.split()
            if len(parts) >= 2:
                given = parts[0].lower().rstrip(".")
                if len(given) > 1:
                    if given in self.by_given or given in self.by_surname:
                        clash.add(given)
                    self.by_given[given] = person
        for given in clash:
            self.by_given.pop(given, None)


def _fullness(name: str) -> tuple[int, bool]:
    """How full a form of a name is: its words, then a given name written out ('Mark Kelly'
    over 'M. Kelly')."""
    words = name.split()
    return len(words), len(words[0].rstrip(".")) > 1


def _agree(a: str, b: str) -> bool:
    return bool(a) and bool(b) and given_names_agree(a, b)


def after_last_comma(span: Span) -> Span:
    """An entity the NER ran on over a comma ("Riverside High, Maya Lopez"): its last part."""
    commas = [t.i for t in span if t.text == ","]
    return span.doc[commas[-1] + 1 : span.end] if commas else span


def entity_text(span: Span) -> str:
    return after_last_comma(span).text


def _name_tokens(span: Span, lower_words: frozenset[str]) -> list[Token]:
    """Tokens of a PERSON entity, without possessives and leading titles."""
    span = after_last_comma(span)
    toks = [t for t in span if not t.is_punct and t.text not in _POSSESSIVES]
    while toks and _is_title_word(toks[0], lower_words):
        toks = toks[1:]
    if len(toks) >= 3 and _is_role_at_sentence_start(toks[0]):
        toks = toks[1:]  # "[Headteacher] Paul Lindqvist said": the NER took the role in
    if not toks or len(toks) > 4:
        return []
    if not all(t.text[:1].isupper() for t in toks):
        return []
    return toks


def _descriptor_words(doc: Doc, first: int, last: int) -> set[str]:
    """Title words around a name: 'Russian Foreign Minister' in front of it,
    or an apposition ('Dmitry Peskov, the Kremlin spokesperson')."""
    words: set[str] = set()
    i = first - 1
    while i >= 0 and first - i <= 6:
        t = doc[i]
        if t.pos_ in ("PROPN", "NOUN", "ADJ") and "\n" not in t.text_with_ws and t.ent_type_ != "PERSON":
            words.add(t.lemma_.lower())
            words.add(t.text.lower())
            i -= 1
            continue
        break
    root = doc[last]
    for child in root.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN":
            words.update(w.lemma_.lower() for w in child.subtree if w.pos_ in ("NOUN", "ADJ", "PROPN"))
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        head = root.head
        words.update(w.lemma_.lower() for w in head.lefts if w.pos_ in ("NOUN", "ADJ", "PROPN"))
        words.add(head.lemma_.lower())
    # Title words inside the entity itself ("President Putin" tagged as one).
    return words


def _name_text(doc: Doc, toks: list[Token]) -> str:
    """The name as written ('Jean-Luc Moreau'), without a possessive ending."""
    last = toks[-1]
    # Join token texts and their own whitespace: doc.text would copy the whole article.
    parts = [t.text_with_ws for t in doc[toks[0].i : last.i]] + [clean_possessive(last.text)]
    return " ".join("".join(parts).split())


def _lone_subjects(tokens: list[Token], quote_of_token: list[int]) -> set[str]:
    """Proper nouns that are a sentence's subject on their own ('Carver said'), outside quotes."""
    return {
        t.text
        for t in tokens
        if t.pos_ == "PROPN"
        and t.dep_ in ("nsubj", "nsubjpass")
        and quote_of_token[t.i] < 0
        and not any(c.dep_ == "compound" for c in t.lefts)
    }


def _entity_before(doc: Doc, i: int) -> list[Token]:
    """The tokens of token i's entity before it."""
    start = i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    return list(doc[start:i])


def _after_person_title(doc: Doc, first: int, title_only: bool) -> bool:
    """Is the word right before a name a common noun for a person ('union organiser [Rachel
    Okafor]', 'Engineer [Tom Fischer]'), its title? With `title_only` (a name the NER calls an
    organisation, which is described by such nouns too: 'carmaker [Volta Motors]'), a title."""
    j = first - 1
    if j < 0 or doc[j].pos_ != "NOUN" or doc[j].dep_ != "compound":
        return False
    lemma = doc[j].lemma_.lower()
    return lemma in NAME_TITLES if title_only else is_person_noun(lemma)


def _unlabelled_name(
    doc: Doc, tok: Token, lower_words: frozenset[str], lone_subjects: set[str]
) -> list[Token]:
    """'Mayor Ana Ruiz' the NER missed: a speaker-like proper-noun chain of
    2-3 capitalised tokens (titles stripped) that is no other kind of entity, or is one but
    is later the subject of a sentence by its last word alone, or has a person's title."""
    if tok.pos_ != "PROPN" or tok.dep_ not in ("nsubj", "nsubjpass", "appos", "dobj", "pobj"):
        return []
    ran_on = tok.ent_type_ != "" and tok.i > 0 and any(t.text == "," for t in _entity_before(doc, tok.i))
    chain = [tok]
    j = tok.i - 1
    while j >= 0 and doc[j].pos_ == "PROPN" and doc[j].dep_ == "compound":
        if doc[j].ent_type_ != tok.ent_type_ and doc[j].ent_type_ not in ("", "PERSON"):
            break
        chain.insert(0, doc[j])
        j -= 1
    # Another kind of entity is a name only when something shows it to be a person's.
    shown = clean_possessive(tok.text) in lone_subjects or ran_on
    if tok.ent_type_ not in ("", "PERSON") and not shown:
        shown = _after_person_title(doc, chain[0].i, title_only=tok.ent_type_ == "ORG")
        if not shown and len(chain) == 3 and _is_role_at_sentence_start(chain[0]):
            shown, chain = True, chain[1:]  # "[Swimmer] Hugo Lindahl said", all read as a firm
        if not shown:
            return []
    if any(t.ent_type_ == "PERSON" for t in chain):
        while chain[0].ent_type_ != "PERSON":
            chain = chain[1:]  # the NER's own bounds: "Incumbent [Maria Delgado]"
    while chain and _is_title_word(chain[0], lower_words):
        chain = chain[1:]
    if len(chain) == 3 and _is_role_at_sentence_start(chain[0]):
        chain = chain[1:]
    if not 2 <= len(chain) <= 3 or not all(t.text[:1].isupper() and t.text[1:].islower() for t in chain):
        return []
    return chain


def build_people(
    tokens: list[Token], ents: list[Span], in_heading: list[bool], quote_of_token: list[int]
) -> People:
    """The people named outside quotes.

    tokens and ents: a Doc's tokens and entities, as lists (a Doc makes each anew when read);
    in_heading: per token, whether it is in the headline or a subheading, where title case
    confuses the NER: a name found only there is kept in its simplest form.
    """
    lower_words = frozenset(t.text for t in tokens if t.text.islower())
    people = People(lower_words)
    if not tokens:
        return people
    doc = tokens[0].doc
    headline_only: list[Span] = []
    lone_subjects = _lone_subjects(tokens, quote_of_token)
    # By the token the name ends on: the NER's span and a proper-noun chain ending on the same
    # word are two readings of one mention, of one person ("Keep Kessler Clean", "Kessler Clean").
    names: dict[int, tuple[list[Token], set[str]]] = {}
    for ent in ents:
        if ent.label_ != "PERSON" or "\n" in ent.text:
            continue
        if in_heading[ent.start]:
            headline_only.append(ent)  # title-case headlines confuse the NER
            continue
        if quote_of_token[ent.start] >= 0:
            continue  # names inside quotes are not article mentions of speakers
        toks = _name_tokens(ent, lower_words)
        if toks:
            # Title words the NER swallowed into the entity ("President Putin").
            swallowed = {t.text.lower() for t in ent if t.i < toks[0].i}
            names[toks[-1].i] = (toks, swallowed)
    for tok in tokens:
        if tok.pos_ == "PROPN" and not in_heading[tok.i] and quote_of_token[tok.i] < 0:
            toks = _unlabelled_name(doc, tok, lower_words, lone_subjects)
            known = names.get(toks[-1].i) if toks else None
            if toks and (known is None or len(toks) > len(known[0])):
                names[toks[-1].i] = (toks, known[1] if known else set())
    # Full names first, in text order, so that a family name alone finds who it names.
    for toks, swallowed in sorted(names.values(), key=lambda n: (len(n[0]) == 1, n[0][0].i)):
        person = people.add(doc, toks)
        if person is not None:
            person.descriptors |= swallowed | _descriptor_words(doc, toks[0].i, toks[-1].i)
    for ent in headline_only:
        toks = _name_tokens(ent, lower_words)
        if len(toks) in (1, 2):
            key = clean_key(toks[-1].text)
            if key not in people.by_surname and toks[-1].pos_ == "PROPN":
                name = _name_text(doc, toks)
                given = toks[0].text if len(toks) > 1 else ""
                person = Person(canonical=name, given=given, given_words={t.text for t in toks[:-1]})
                person.variants.append(name)
                people.by_surname[key] = [person]
    # Collect descriptors for every surname mention the NER mislabelled too.
    for tok in tokens:
        if tok.pos_ != "PROPN" or quote_of_token[tok.i] >= 0 or in_heading[tok.i]:
            continue
        if people.has_surname(tok.text) and (person := people.named_by(tok)) is not None:
            first = tok.i
            while first > 0 and doc[first - 1].pos_ == "PROPN" and doc[first - 1].text[:1].isupper():
                if doc[first - 1].text.lower().rstrip(".") in NAME_TITLES:
                    break
                first -= 1
            person.descriptors |= _descriptor_words(doc, first, tok.i)
    people.index_given_names()
    return people
