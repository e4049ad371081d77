"""The people an article names, each once, by the fullest form of their name.

Person names are NER PERSON spans, plus 2-3 word proper-noun chains the NER missed or took
for another kind of entity when their last word is later the subject of a sentence on its
own ("Union organizer Beth Carver" ... "Carver said": organisations are not called by their
last word alone), grouped by surname ("Lavrov" and "Sergei Lavrov" are one person, "Sergei Lavrov"). Each
person keeps the title words written around their name ("Russian Foreign Minister",
appositions such as "the Kremlin spokesperson"), so that a role mentioned later ("the
Russian minister") can be tied back to them. Leading words that are titles, or ordinary
words the article also writes in lower case ("Incumbent Maria Delgado", "challenger"), are not
part of the name. Names inside quotes are not mentions of speakers and are skipped; a
title-cased headline confuses the NER, so a name found only there is kept in its simplest form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsmark.nlp.attribution.lexicons import NAME_TITLES

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc, Span, Token


@dataclass
class Person:
    canonical: str  # the fullest form of the name the article uses
    variants: list[str] = field(default_factory=list)
    descriptors: set[str] = field(default_factory=set)


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


def after_last_comma(span: Span) -> Span:
    """An entity the NER ran on over a comma ("Riverside High, Maya Lopez"): its last part."""
    commas = [t.i for t in span if t.text == ","]
    return span.doc[commas[-1] + 1 : span.end] if commas else span


def entity_text(span: Span) -> str:
    return after_last_comma(span).text


def _name_tokens(span: Span, lower_words: frozenset[str]) -> list[Token]:
    """Tokens of a PERSON entity, without possessives and leading titles."""
    span = after_last_comma(span)
    toks = [t for t in span if not t.is_punct and t.text not in ("'s", "’s", "'", "’")]
    while toks and _is_title_word(toks[0], lower_words):
        toks = toks[1:]
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


def _add_name(persons: dict[str, Person], doc: Doc, toks: list[Token]) -> None:
    key = clean_key(toks[-1].text)
    name = _name_text(doc, toks)
    person = persons.setdefault(key, Person(canonical=name))
    person.variants.append(name)
    if len(name.split()) > len(person.canonical.split()):
        person.canonical = name  # the fullest form the article uses
    person.descriptors |= _descriptor_words(doc, toks[0].i, toks[-1].i)


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


def _unlabelled_name(
    doc: Doc, tok: Token, lower_words: frozenset[str], lone_subjects: set[str]
) -> list[Token]:
    """'Mayor Ana Ruiz' the NER missed: a speaker-like proper-noun chain of
    2-3 capitalised tokens (titles stripped) that is no other kind of entity, or is one but
    is later the subject of a sentence by its last word alone."""
    if tok.pos_ != "PROPN" or tok.dep_ not in ("nsubj", "nsubjpass", "appos", "dobj", "pobj"):
        return []
    ran_on = tok.ent_type_ != "" and tok.i > 0 and any(t.text == "," for t in _entity_before(doc, tok.i))
    if tok.ent_type_ not in ("", "PERSON") and clean_possessive(tok.text) not in lone_subjects and not ran_on:
        return []
    chain = [tok]
    j = tok.i - 1
    while j >= 0 and doc[j].pos_ == "PROPN" and doc[j].dep_ == "compound":
        if doc[j].ent_type_ != tok.ent_type_ and doc[j].ent_type_ not in ("", "PERSON"):
            break
        chain.insert(0, doc[j])
        j -= 1
    if any(t.ent_type_ == "PERSON" for t in chain):
        while chain[0].ent_type_ != "PERSON":
            chain = chain[1:]  # the NER's own bounds: "Incumbent [Maria Delgado]"
    while chain and _is_title_word(chain[0], lower_words):
        chain = chain[1:]
    if not 2 <= len(chain) <= 3 or not all(t.text[:1].isupper() and t.text[1:].islower() for t in chain):
        return []
    return chain


def build_persons(
    tokens: list[Token], ents: list[Span], in_heading: list[bool], quote_of_token: list[int]
) -> tuple[dict[str, Person], dict[str, str]]:
    """The people named outside quotes, by surname, and their given names (when unique).

    tokens and ents: a Doc's tokens and entities, as lists (a Doc makes each anew when read);
    in_heading: per token, whether it is in the headline or a subheading, where title case
    confuses the NER: a name found only there is kept in its simplest form.
    """
    if not tokens:
        return {}, {}
    doc = tokens[0].doc
    persons: dict[str, Person] = {}
    headline_only: list[Span] = []
    lower_words = frozenset(t.text for t in tokens if t.text.islower())
    lone_subjects = _lone_subjects(tokens, quote_of_token)
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
            _add_name(persons, doc, toks)
            # Title words the NER swallowed into the entity ("President Putin").
            persons[clean_key(toks[-1].text)].descriptors |= {t.text.lower() for t in ent if t.i < toks[0].i}
    for tok in tokens:
        if tok.pos_ == "PROPN" and not in_heading[tok.i] and quote_of_token[tok.i] < 0:
            toks = _unlabelled_name(doc, tok, lower_words, lone_subjects)
            if toks:
                _add_name(persons, doc, toks)
    for ent in headline_only:
        toks = _name_tokens(ent, lower_words)
        if len(toks) in (1, 2):
            key = clean_key(toks[-1].text)
            if key not in persons and toks[-1].pos_ == "PROPN":
                name = _name_text(doc, toks)
                persons[key] = Person(canonical=name, variants=[name])
    # Collect descriptors for every surname mention the NER mislabelled too.
    for tok in tokens:
        if tok.pos_ != "PROPN" or quote_of_token[tok.i] >= 0 or in_heading[tok.i]:
            continue
        key = clean_key(tok.text)
        if key in persons:
            first = tok.i
            while first > 0 and doc[first - 1].pos_ == "PROPN" and doc[first - 1].text[:1].isupper():
                if doc[first - 1].text.lower().rstrip(".") in NAME_TITLES:
                    break
                first -= 1
            persons[key].descriptors |= _descriptor_words(doc, first, tok.i)
    first_names: dict[str, str] = {}
    clash: set[str] = set()
    for key, person in persons.items():
        parts = person.canonical.split()
        if len(parts) >= 2:
            given = parts[0].lower().rstrip(".")
            if len(given) > 1:
                if given in first_names or given in persons:
                    clash.add(given)
                first_names[given] = key
    for given in clash:
        first_names.pop(given, None)
    return persons, first_names
