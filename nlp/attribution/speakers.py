"""Step 4b: resolve a speaker mention to the name of who spoke.

Names go to the fullest form the article uses (people.py); "he"/"she" go to the
nearest earlier person subject outside quotes whose gender (genders.py) does not clash;
role nouns ("the Russian minister") go to the already-named person whose title words best
match; organisations keep their fullest ORG form, and "the company" or "it" the last one
named (for "the union", not one whose name says it is another kind, "Kessler Council", nor
one only spoken to, "told the Courier"). A family name several people of the article have,
where nothing tells which (people.py), is no speaker rather than the wrong one. A source the
article does not name ("a spokesperson for the agency", "one striker") is kept by its
description (`describe`); groups of parties already named ("both sides", "the two ministers")
and pronouns nothing resolves stay None.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from newsmark.nlp.attribution.article import Article, starts_paragraph
from newsmark.nlp.attribution.genders import PRONOUN_GENDER
from newsmark.nlp.attribution.lexicons import (
    GROUP_DETERMINERS,
    NAME_TITLES,
    ORG_NOUNS,
    PERSON_PRONOUNS,
    ROLE_SYNONYMS,
    SPEECH_LEMMAS,
)
from newsmark.nlp.attribution.people import Person, clean_key, clean_possessive, entity_text

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Span, Token


_PRONOUN_LOOKBACK = 400  # tokens searched back for a pronoun's antecedent


def _propn_name(tok: Token) -> str:
    """A proper-noun phrase the NER did not tag as a person."""
    parts = [t for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [tok]
    words = [clean_possessive(t.text) for t in parts]
    while len(words) > 1 and words[0].lower().rstrip(".") in NAME_TITLES:
        words = words[1:]
    return " ".join(words)


def _role_words(tok: Token) -> tuple[str, set[str]]:
    mods = set()
    for c in tok.subtree:
        if c.i < tok.i and c.pos_ in ("ADJ", "NOUN", "PROPN"):
            mods.add(c.lemma_.lower())
            mods.add(c.text.lower())
    return tok.lemma_.lower(), mods


def _last_mention_before(person: Person, pos: int) -> int:
    """Char offset of the last mention of a person before pos (or -1)."""
    i = bisect.bisect_left(person.mentions, pos)
    return person.mentions[i - 1] if i > 0 else -1


def _is_role(tok: Token) -> bool:
    """'the Russian President', 'his counterpart', 'the minister': singular and definite
    ('some lawmakers' and 'a spokesman' refer back to nobody)."""
    if tok.pos_ not in ("NOUN", "PROPN") or tok.tag_ in ("NNS", "NNPS") or tok.lemma_.lower() in ORG_NOUNS:
        return False
    definite = any(c.dep_ == "poss" or c.lower_ in ("the", "this", "that") for c in tok.lefts)
    indefinite = any(
        c.dep_ in ("det", "nummod") and c.lower_ not in ("the", "this", "that") for c in tok.lefts
    )
    return (tok.lower_ in NAME_TITLES and not indefinite) or definite


def _resolve_role(art: Article, tok: Token) -> str | None:
    """'the Russian minister' -> the person already named whose title words
    match best (head noun required, modifiers break ties, then recency)."""
    head, mods = _role_words(tok)
    wanted = ROLE_SYNONYMS.get(head, frozenset()) | {head, tok.lower_}
    best: tuple[int, int, str] | None = None
    for person in art.people:
        desc = person.descriptors
        if not (wanted & desc):
            continue
        last = _last_mention_before(person, tok.idx)
        if last < 0:
            continue  # a role refers back to someone already named
        cand = (2 + len(mods & desc), last, person.canonical)
        if best is None or cand[:2] > best[:2]:
            best = cand
    return best[2] if best is not None else None


def _after_comma(tok: Token) -> bool:
    """Is the token right after a comma (an apposition set off as one)?"""
    return tok.left_edge.i > 0 and tok.doc[tok.left_edge.i - 1].text == ","


def appos_name(tok: Token) -> Token | None:
    """'the group's director, Omar Haddad,' -> Haddad; also when the parser hangs the name
    from the phrase's last noun ('A junior at Riverside High, Maya Lopez,')."""
    for child in tok.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN":
            return child
        if child.dep_ == "prep" and child.i > tok.i:
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    found = appos_name(grandchild)
                    if found is not None and _after_comma(found):
                        return found
    return None


def resolve_person(art: Article, tok: Token) -> str | None:
    """Resolve a mention to a person's fullest name, or None."""
    if tok.pos_ == "PRON":
        return _resolve_pronoun(art, tok) if tok.lower_ in PERSON_PRONOUNS else None
    person = art.people.named_by(tok)
    if person is not None:
        return person.canonical
    appos = appos_name(tok)
    appos_person = art.people.named_by(appos) if appos is not None else None
    if appos_person is not None:
        return appos_person.canonical
    if _is_role(tok):
        return _resolve_role(art, tok)
    return None


def _resolve_pronoun(art: Article, tok: Token) -> str | None:
    """'he'/'she' -> the nearest earlier person in subject position outside
    quotes whose gender does not clash; failing that, the last such quote speaker."""
    if tok.i in art.pronoun_cache:
        return art.pronoun_cache[tok.i]
    art.pronoun_cache[tok.i] = None  # guards against cycles
    tokens = art.tokens  # walked back token by token
    gender = PRONOUN_GENDER[tok.lower_]
    result: str | None = None
    j = tok.i - 1
    while j >= 0 and tok.i - j <= _PRONOUN_LOOKBACK and result is None:
        cand = tokens[j]
        # A subject; or a name opening a paragraph, where the parser ran a subheading into it.
        subject = cand.dep_ in ("nsubj", "nsubjpass") or (cand.pos_ == "PROPN" and starts_paragraph(art, j))
        if art.quote_of_token[j] < 0 and subject and not art.in_heading[j]:
            if cand.pos_ == "PRON":
                if cand.lower_ == tok.lower_:
                    result = _resolve_pronoun(art, cand)
            else:
                result = resolve_person(art, cand)
                if result is not None and art.genders.get(result, gender) != gender:
                    result = None  # "she" after a man: keep looking
        j -= 1
    if result is None:
        result = _nearest_of_gender(art, tok, gender)
    if result is None:
        earlier = [
            name
            for pos, name in art.quote_speakers
            if pos < tok.idx and art.genders.get(name, gender) == gender
        ]
        result = earlier[-1] if earlier else None
    art.pronoun_cache[tok.i] = result
    return result


def _nearest_of_gender(art: Article, tok: Token, gender: str) -> str | None:
    """'Mr Ashworth met Ms Pryce. She said': the nearest person named before the pronoun, in
    any position, that the article gives the pronoun's gender."""
    j = tok.i - 1
    while j >= 0 and tok.i - j <= _PRONOUN_LOOKBACK:
        cand = art.tokens[j]
        if cand.pos_ == "PROPN" and art.quote_of_token[j] < 0 and not art.in_heading[j]:
            person = art.people.named_by(cand)
            if person is not None and art.genders.get(person.canonical) == gender:
                return person.canonical
        j -= 1
    return None


def _org_fullest(art: Article, name: str) -> str:
    """'Brightline' -> 'Brightline Software' when the article uses that."""
    words = name.lower().split()
    best = name
    for ent in art.ents:
        if ent.label_ != "ORG" or "\n" in ent.text:
            continue
        full = _strip_det(ent.text)
        fw = full.lower().split()
        if fw[: len(words)] == words and len(fw) > len(best.split()):
            best = full
    return best


def _org_type(ent: Span) -> str | None:
    """The kind of organisation an entity's own words, or the noun beside it, say it is
    ('Kessler District Council': a council; 'the environmental group Clearwater': a group)."""
    head = ent.root.head
    if ent.root.dep_ in ("appos", "compound") and head.lemma_.lower() in ORG_NOUNS:
        return head.lemma_.lower()
    return next((t.lower_ for t in reversed(ent) if t.lower_ in ORG_NOUNS), None)


def _last_org_before(art: Article, tok: Token, noun: str | None = None) -> str | None:
    """The organisation named last before tok; for 'the union' (noun), not one whose name
    says it is another kind ('Kessler Council'), nor one only spoken to ('told the Courier')."""
    found = None
    for ent in art.ents:
        if ent.start_char >= tok.idx:
            break
        # An ORG, or a name the noun beside it calls one ("the environmental group Clearwater").
        kind = _org_type(ent)
        called_one = ent.root.dep_ in ("appos", "compound") and ent.root.head.lemma_.lower() in ORG_NOUNS
        # Who is spoken to ("told the Courier") is not who speaks later.
        addressee = ent.root.dep_ in ("dobj", "dative") and ent.root.head.lemma_.lower() in SPEECH_LEMMAS
        if (
            (ent.label_ == "ORG" or called_one)
            and not addressee
            and art.quote_of_token[ent.start] < 0
            and ent.start_char >= art.headline_end
            and (noun is None or kind is None or kind == noun)
        ):
            # "State Representative X", "Beth Carver" (a person the NER took for one): no organisation
            people = art.people.by_surname.get(clean_key(ent[-1].text), [])
            if ent.text.lower() not in NAME_TITLES and not any(" " in p.canonical for p in people):
                found = _strip_det(ent.text)
    return _org_fullest(art, found) if found else None


def _it(art: Article, tok: Token) -> str | None:
    """'it said': the nearest earlier subject in the paragraph that names an organisation or a
    country ('India has not condemned ..., and it has maintained'), else the last organisation."""
    tokens = art.tokens  # walked back token by token
    j = tok.i - 1
    while j >= 0 and tok.i - j <= _PRONOUN_LOOKBACK and art.para_of_token[j] == art.para_of_token[tok.i]:
        cand = tokens[j]
        if cand.dep_ in ("nsubj", "nsubjpass") and art.quote_of_token[j] < 0 and cand.pos_ != "PRON":
            cand = appos_name(cand) or cand  # "One of the companies, Bexter Beverages, said"
            if (
                cand.pos_ == "PROPN"
                or cand.ent_type_ in ("ORG", "GPE", "NORP")
                or cand.lemma_.lower() in ORG_NOUNS
            ):
                return resolve_mention(art, cand)
        j -= 1
    return _last_org_before(art, tok)


def _latter(art: Article, tok: Token) -> str | None:
    """'the latter': the person named last before it."""
    j = tok.i - 1
    while j >= 0 and tok.i - j <= _PRONOUN_LOOKBACK:
        cand = art.tokens[j]
        if art.quote_of_token[j] < 0 and cand.pos_ == "PROPN":
            person = art.people.named_by(cand)
            if person is not None:
                return person.canonical
        j -= 1
    return None


def _strip_det(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", text, flags=re.IGNORECASE)


def resolve_mention(art: Article, tok: Token) -> str | None:
    """Resolve a speaker mention to a person, else an organisation or a
    proper name as written, else None ('one resident', 'both sides')."""
    if tok.lower_ == "it":
        return _it(art, tok)
    if tok.lower_ == "latter":
        return _latter(art, tok)
    person = resolve_person(art, tok)
    if person is not None or tok.pos_ == "PRON":
        return person
    if tok.pos_ == "PROPN" and art.people.is_ambiguous(tok):
        return None  # "Fischer" where the article names two: neither, rather than the wrong one
    if tok.pos_ == "PROPN":
        ent = next((e for e in art.ents if e.start <= tok.i < e.end), None)
        if ent is not None and ent.label_ in ("ORG", "NORP", "GPE", "FAC", "PERSON"):
            return _org_fullest(art, _strip_det(entity_text(ent)))
        if not _is_role(tok):
            return _propn_name(tok)
        return None
    if tok.pos_ == "NOUN":
        org_noun = tok.lemma_.lower() in ORG_NOUNS
        # "TASS news agency": a proper name inside a common-noun phrase for an organisation
        # (not "the Kremlin's spokesman" or "a Justice Department official").
        for child in tok.lefts:
            if org_noun and child.dep_ == "compound" and child.pos_ == "PROPN" and child.ent_type_ == "ORG":
                return resolve_mention(art, child)
        if org_noun and any(c.lower_ == "the" for c in tok.lefts):
            return _last_org_before(art, tok, tok.lemma_.lower())  # "the company said"
    return None


_NOT_DESCRIPTION = ("relcl", "acl", "punct", "cc", "conj", "advcl", "parataxis")


def description_end(tok: Token) -> int:
    """Last token of tok's phrase without clauses or what follows a comma (an apposition)."""
    end = tok.i
    for child in tok.rights:
        if child.dep_ in _NOT_DESCRIPTION or "\n" in child.text:
            break
        end = max(end, description_end(child))
    return end


def describe(art: Article, tok: Token) -> tuple[int, int] | None:
    """Token range [first, last] of an unnamed source's description ('a spokesperson for the
    agency', 'One Rovers supporter', 'Residents on Mill Lane'), or None when the phrase is not
    one: a pronoun, a group of parties already named ('both sides', 'the two ministers'), a
    coordination, or a relative ('whose campaign')."""
    if tok.pos_ not in ("NOUN", "PROPN") or any(c.dep_ == "conj" for c in tok.children):
        return None
    lefts = list(tok.lefts)
    if any(c.lower_ in GROUP_DETERMINERS or c.tag_ in ("WDT", "WP", "WP$") for c in lefts):
        return None
    if any(c.lower_ == "the" for c in lefts) and any(c.dep_ == "nummod" for c in lefts):
        return None  # "the two sides"
    first = tok.left_edge.i
    while first < tok.i and (
        art.doc[first].is_punct or art.doc[first].is_space or art.quote_of_token[first] >= 0
    ):
        first += 1
    last = description_end(tok)
    if "\n" in art.doc[first : last + 1].text:
        return None
    return first, last
