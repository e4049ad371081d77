"""Step 4a: the speaker mention, the words in the text that name who spoke.

With a cue, it is the cue verb's subject; participles and coordinated verbs
("adding", "noting", "and promised") borrow the subject of the clause they hang from,
and an inverted `,” said Lavrov` takes the name after the verb. A quote with no cue
takes the subject of what introduces it (`X was blunt: “...”`, `Putin: “...”`, the
previous sentence, the previous paragraph); a subject is never taken across a colon (a
headline's "Barrier collapse: engineers disagree"). `speaker_of` turns a mention into the
speaker shown: a resolved name, else an unnamed source's description, with its span in the
text (a name's with the role set off before or after it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsmark.nlp.attribution.article import SENTENCE_END, Article, previous_word, same_sentence
from newsmark.nlp.attribution.lexicons import NAME_TITLES, PERSON_PRONOUNS
from newsmark.nlp.attribution.marks import QUOTE_MARKS
from newsmark.nlp.attribution.people import clean_possessive
from newsmark.nlp.attribution.speakers import (
    appos_name,
    describe,
    description_end,
    resolve_mention,
    resolve_person,
)

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Token


def _own_subject(art: Article, tok: Token) -> Token | None:
    """The verb's subject outside quotes; not across a colon, where the parser makes a label
    the subject of the clause after it ("Barrier collapse: engineers disagree")."""
    for child in tok.children:
        if child.dep_ in ("nsubj", "nsubjpass") and art.quote_of_token[child.i] < 0:
            lo, hi = sorted((child.i, tok.i))
            if not any(t.text == ":" and art.quote_of_token[t.i] < 0 for t in art.tokens[lo:hi]):
                return child
    return None


def _relative_antecedent(subj: Token) -> Token:
    """'Keep Kessler Clean, which campaigned ...' -> the noun 'which' stands for."""
    verb = subj.head
    if subj.tag_ in ("WP", "WDT") and verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    return subj


def subject_of(art: Article, verb: Token) -> Token | None:
    """The verb's subject; participles and coordinated verbs ("adding",
    "noting", "and promised") borrow the subject of the clause they hang from. Never from
    another paragraph: the parser runs a headline or subheading into the line after it."""
    tok = verb
    para = art.para_of_token[verb.i]
    for _ in range(4):
        subj = _own_subject(art, tok)
        if subj is not None:
            if art.para_of_token[subj.i] != para:
                break
            return _relative_antecedent(subj)
        participle = tok.dep_ == "acl" and tok.tag_ == "VBG" and tok.head.pos_ in ("NOUN", "PROPN")
        if participle and art.quote_of_token[tok.head.i] < 0:
            return tok.head  # "with the minister declaring"
        head = tok.head
        if tok.dep_ in ("advcl", "xcomp", "conj", "pcomp", "ccomp") and head.i != tok.i:
            if art.quote_of_token[head.i] >= 0 or art.para_of_token[head.i] != para:
                break  # attached into a quote or another paragraph: the parse is unreliable here
            tok = head
            continue
        break
    # Inverted order right after a quote: ',” said Lavrov.' / ',” said lead author Dr. Hannah Cole'
    before = previous_word(art, verb.i)
    after_quote = before >= 0 and (
        art.doc[before].text in QUOTE_MARKS
        or (art.doc[before].text == "," and art.quote_of_token[before] >= 0)
    )
    if verb.lemma_ != "tell" and after_quote:
        for child in verb.rights:
            if (
                child.pos_ in ("PROPN", "NOUN")
                and child.dep_ in ("dobj", "attr", "npadvmod", "appos", "dative", "nsubj")
                and art.quote_of_token[child.i] < 0
                and same_sentence(art, verb.i, child.i)
            ):
                return child
    return _nearest_subject_left(art, verb)


def _nearest_subject_left(art: Article, verb: Token) -> Token | None:
    """Fallback for a broken parse: the closest subject, then the closest
    named entity, to the left of the verb in its sentence and outside quotes."""
    doc = art.tokens
    entity: Token | None = None
    j = verb.i - 1
    while j >= 0 and verb.i - j <= 30:
        tok = doc[j]
        if tok.is_space:
            j -= 1
            continue
        outside = art.quote_of_token[j] < 0
        if art.para_of_token[j] != art.para_of_token[verb.i] or (tok.text in SENTENCE_END and outside):
            break
        if outside and tok.dep_ in ("nsubj", "nsubjpass"):
            return _relative_antecedent(tok)
        if (
            outside
            and tok.pos_ in ("NOUN", "PROPN")
            and art.para_of_token[tok.head.i] != art.para_of_token[j]
        ):
            return tok  # the parser hung this paragraph's subject from the line before it
        if outside and entity is None and tok.ent_type_ in ("PERSON", "ORG") and tok.ent_iob_ != "O":
            ends_entity = tok.i + 1 >= len(doc) or doc[tok.i + 1].ent_iob_ != "I"
            if ends_entity:
                entity = tok
        elif outside and entity is None and tok.pos_ == "PROPN" and art.people.has_surname(tok.text):
            entity = tok  # a person the NER missed here
        j -= 1
    return entity


def animate(art: Article, tok: Token) -> bool:
    """Can this subject be a speaker we can name? ('which', 'tradition': no)."""
    if tok.pos_ == "PRON":
        return tok.lower_ in PERSON_PRONOUNS
    return resolve_mention(art, tok) is not None


def mention_span(art: Article, head: Token) -> tuple[int, int]:
    """Char span of the noun phrase headed by `head`, up to the head."""
    doc = art.doc
    i = head.left_edge.i
    # Keep the mention outside quotes and on the head's line.
    while i < head.i and (art.quote_of_token[i] >= 0 or "\n" in doc[i : head.i + 1].text or doc[i].is_punct):
        i += 1
    right = head.i
    if head.ent_iob_ != "O":
        # Extend over the rest of a multi-token name ("Sergei Lavrov").
        while right + 1 < len(doc) and doc[right + 1].ent_iob_ == "I" and doc[right + 1].pos_ == "PROPN":
            right += 1
    end_tok = doc[right]
    return doc[i].idx, end_tok.idx + len(clean_possessive(end_tok.text))


def _apposition_after(art: Article, name: Token) -> Token | None:
    """'David Brennan, the port's chief executive, said': the noun phrase set off after a
    name that says who they are."""
    for child in name.rights:
        if child.dep_ == "appos" and child.pos_ == "NOUN" and art.quote_of_token[child.i] < 0:
            return child
    return None


def speaker_of(art: Article, mention: Token) -> tuple[str | None, int, int]:
    """(speaker, start, end): the name the mention resolves to, else the description of an
    unnamed source, else None; with the char span of the words that say who it is: the whole
    phrase, with the role set off before or after a name ("The port's chief executive, David
    Brennan", "David Brennan, the port's chief executive")."""
    described_by = mention
    if mention.pos_ == "NOUN" or mention.lower_ in NAME_TITLES:
        mention = appos_name(mention) or mention  # "the group's director, Omar Haddad"
    if any(c.dep_ == "conj" for c in mention.children):
        return (None, *mention_span(art, mention))  # "Lavrov and Jaishankar": no one speaker
    name = resolve_mention(art, mention)
    if name is None and mention.pos_ == "PROPN" and art.people.is_ambiguous(mention):
        return (None, *mention_span(art, mention))  # one of several people: better none than a guess
    if name is None:
        described = describe(art, mention)
        if described is not None:
            first, last = art.doc[described[0]], art.doc[described[1]]
            span_text = art.text[first.idx : last.idx + len(last.text)]
            return " ".join(span_text.split()), first.idx, last.idx + len(last.text)
    start, end = mention_span(art, mention)
    if name is not None and mention.pos_ == "PROPN":
        if described_by is not mention:
            start = min(start, mention_span(art, described_by)[0])
        elif (role := _apposition_after(art, mention)) is not None:
            last = art.doc[description_end(role)]
            end = max(end, last.idx + len(last.text))
    return name, start, end


def _clause_subject(art: Article, tok: Token) -> Token | None:
    """Subject of the clause that contains tok."""
    root = tok
    for _ in range(50):
        if root.pos_ in ("VERB", "AUX") or root.head.i == root.i or art.quote_of_token[root.head.i] >= 0:
            break
        root = root.head
    return subject_of(art, root) if root.pos_ in ("VERB", "AUX") else None


def context_speaker(art: Article, first_tok: int) -> Token | None:
    """Speaker of a quote with no cue, from what introduces it:
    'Collins was more cautious: “...”', 'Putin: “...”', the previous
    sentence ('“A,” he said. “B.”'), or the paragraph before a quote paragraph."""
    doc = art.doc
    j = previous_word(art, first_tok)
    if j < 0 or (art.quote_of_token[j] >= 0 and art.quote_of_token[j] not in art.titles):
        return None
    if doc[j].text == ":":
        k = previous_word(art, j)
        before = previous_word(art, k) if k >= 0 else -1
        starts_line = before < 0 or doc[before].is_punct or art.para_of_token[before] != art.para_of_token[k]
        if k >= 0 and doc[k].pos_ == "PROPN" and starts_line:
            return doc[k]  # headline style 'Putin: “...”'
        # The colon itself may hang from the quote; climb from the word before it.
        return _clause_subject(art, doc[k]) if k >= 0 else None
    if doc[j].is_punct:
        j = previous_word(art, j)
    if j < 0:
        return None
    if art.quote_of_token[j] >= 0:
        return None
    subj = _clause_subject(art, doc[j])
    if subj is None:
        return None
    if art.para_of_token[j] != art.para_of_token[first_tok] and resolve_person(art, subj) is None:
        return None  # across paragraphs only a person subject is a safe guess
    return subj
