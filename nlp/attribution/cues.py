"""Step 3: the cue of a quotation, the words that report it.

In order of preference: a speech verb right after the quote (`,” Lavrov said`, or after a
question that ends with its mark: `?” Grant asked.`), a
speech verb that governs the quote in the parse (`described ties as “...”`), the
nearest speech verb before it in its sentence (`declaring, “...”`, `said: “...”`, a
previous paragraph ending with a colon), or "according to". A partial quote prefers the
verb that governs it. An unclosed quote followed by ', said X' is cut before that comma.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsmark.nlp.attribution.article import SENTENCE_END, Article, same_sentence, tokens_in
from newsmark.nlp.attribution.lexicons import CUE_PARTICLES, SPEECH_LEMMAS
from newsmark.nlp.attribution.marks import RawQuote
from newsmark.nlp.attribution.mentions import animate, subject_of
from newsmark.nlp.attribution.quotations import inner_text

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc, Token


_MAX_CUE_DISTANCE = 8  # tokens after a closing mark in which a trailing cue may sit
_MAX_LEAD_DISTANCE = 40  # tokens before an opening mark searched for a cue


@dataclass
class Cue:
    """The words that report a quotation, as a char span, with the token its speaker hangs from."""

    start: int
    end: int
    verb: Token | None  # None for "according to"
    agent: Token | None  # explicit speaker token (pobj of "according to")


def _is_speech_verb(tok: Token) -> bool:
    if tok.pos_ not in ("VERB",) and not (tok.pos_ == "AUX" and tok.lemma_ == "say"):
        return False
    lemma = tok.lemma_.lower()
    if lemma == "point":
        return any(c.dep_ == "prt" and c.text.lower() == "out" for c in tok.children)
    if lemma in ("sum", "put"):
        return any(c.dep_ == "prt" for c in tok.children) or (
            lemma == "put" and any(c.text.lower() == "it" for c in tok.children)
        )
    return lemma in SPEECH_LEMMAS


def _according_to(doc: Doc, i: int) -> Cue | None:
    tok = doc[i]
    if tok.lower_ == "according" and i + 1 < len(doc) and doc[i + 1].lower_ == "to":
        agent = next((c for c in doc[i + 1].children if c.dep_ == "pobj"), None)
        if agent is None and i + 2 < len(doc):
            agent = doc[i + 2]
        end = doc[i + 1].idx + len(doc[i + 1].text)
        return Cue(tok.idx, end, None, agent)
    return None


def _cue_from_verb(verb: Token) -> Cue:
    end = verb.idx + len(verb.text)
    for child in verb.children:
        if child.dep_ == "prt" and child.text.lower() in CUE_PARTICLES and child.i == verb.i + 1:
            end = child.idx + len(child.text)
    return Cue(verb.idx, end, verb, None)


def _is_boundary(art: Article, i: int, q_index: int) -> bool:
    """Sentence end or another quote stops a cue window."""
    tok = art.doc[i]
    other = art.quote_of_token[i]
    if other >= 0 and other != q_index and other not in art.titles:
        return True
    return tok.text in SENTENCE_END and other < 0


def _ends_sentence(art: Article, q: RawQuote, last_tok: int) -> bool:
    """True when a quoted sentence ends with its marks ('... relations.” The')
    so nothing after the closing mark can be its cue."""
    inner = inner_text(art.text, q)
    if not inner.endswith((".", "!", "?")):
        return False
    nxt = _next_word(art, last_tok)
    return nxt is None or nxt.text[:1].isupper()


def _next_word(art: Article, i: int) -> Token | None:
    doc = art.doc
    while i < len(doc) and doc[i].is_space:
        i += 1
    return doc[i] if i < len(doc) else None


def _trailing_cue(art: Article, qi: int, q: RawQuote, last_tok: int) -> Cue | None:
    """',” Lavrov said' / ',” said Lavrov' / ',” according to X'."""
    doc = art.doc
    if last_tok <= 0:
        return None
    if _ends_sentence(art, q, last_tok):
        return _bare_cue_after_question(art, q, last_tok)
    para = art.para_of_token[last_tok - 1]
    i = last_tok
    steps = 0
    while i < len(doc) and steps < _MAX_CUE_DISTANCE:
        tok = doc[i]
        if tok.is_space:
            i += 1
            continue
        if art.para_of_token[i] != para or _is_boundary(art, i, qi):
            return None
        acc = _according_to(doc, i)
        if acc is not None:
            return acc
        if _is_speech_verb(tok):
            return _cue_from_verb(tok)
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("aux", "auxpass"):
            return None  # another clause's verb sits between quote and any cue
        steps += 0 if tok.is_punct else 1
        i += 1
    return None


def _bare_cue_after_question(art: Article, q: RawQuote, last_tok: int) -> Cue | None:
    """'“Where will they go?” Grant asked.': a question or exclamation mark takes the place
    of the comma before a cue, so a capital after it need not open a sentence of its own.
    The words after it are its cue when they are a speech verb and its subject alone, up to
    the sentence's end: a verb reporting anything else ('Nobody asked why.') is not."""
    if not inner_text(art.text, q).endswith(("?", "!")):
        return None
    doc = art.doc
    para = art.para_of_token[last_tok - 1]
    words: list[Token] = []
    for tok in doc[last_tok : last_tok + _MAX_CUE_DISTANCE]:
        if tok.is_space:
            continue
        if art.para_of_token[tok.i] != para or art.quote_of_token[tok.i] >= 0:
            return None
        if tok.text in SENTENCE_END:
            break
        words.append(tok)
    else:
        return None  # no sentence end near: a sentence of its own
    verbs = [t for t in words if _is_speech_verb(t)]
    if len(verbs) != 1:
        return None
    verb = verbs[0]
    subject = subject_of(art, verb)
    if subject is None or not animate(art, subject):
        return None
    phrase = {t.i for t in subject.subtree}
    alone = all(t.i == verb.i or t.i in phrase or t.dep_ == "prt" for t in words)
    return _cue_from_verb(verb) if alone else None


def _governing_cue(art: Article, qi: int, q: RawQuote, first_tok: int, last_tok: int) -> Cue | None:
    """A speech verb outside the quote, in its sentence, that the quote
    depends on in the parse ('described ties as “...”')."""
    doc = art.doc
    fallback: Cue | None = None
    seen: set[int] = set()
    stop_after = _ends_sentence(art, q, last_tok)
    for t in doc[first_tok:last_tok]:
        head = t.head
        if art.quote_of_token[head.i] == qi:
            continue
        steps = 0
        while head.i not in seen and steps < 8:
            seen.add(head.i)
            near = head.i < first_tok or not stop_after
            if art.quote_of_token[head.i] < 0 and near and _is_speech_verb(head):
                anchor = first_tok if head.i < first_tok else last_tok - 1
                if not same_sentence(art, head.i, anchor):
                    break  # the parser linked across a sentence or paragraph
                cue = _cue_from_verb(head)
                subj = subject_of(art, head)
                if subj is not None and animate(art, subj):
                    return cue
                if fallback is None:
                    fallback = cue
            if head.head.i == head.i:
                break
            head = head.head
            steps += 1
    return fallback


def _leading_cue(art: Article, qi: int, q: RawQuote, first_tok: int) -> Cue | None:
    """Nearest speech verb before the quote, in the same sentence; a quote
    opening a paragraph may be introduced by a previous one ending in ':'."""
    doc = art.doc
    if first_tok >= len(doc):
        return None
    i = first_tok - 1
    para = art.para_of_token[first_tok]
    steps = 0
    seen_word = False
    while i >= 0 and steps < _MAX_LEAD_DISTANCE:
        tok = doc[i]
        if tok.is_space:
            i -= 1
            continue
        if art.para_of_token[i] != para:
            if seen_word or tok.text != ":":
                return None
            para = art.para_of_token[i]  # "...the state of negotiations:" ¶ “We ...
        seen_word = True
        if _is_boundary(art, i, qi) or tok.idx < art.headline_end <= q.start:
            return None
        acc = _according_to(doc, i)
        if acc is not None:
            return acc
        if _is_speech_verb(tok):
            return _cue_from_verb(tok)
        steps += 1
        i -= 1
    return None


def find_cue(art: Article, qi: int, q: RawQuote, first_tok: int, last_tok: int, partial: bool) -> Cue | None:
    """The cue of quote number qi, whose tokens are [first_tok, last_tok)."""
    trailing = _trailing_cue(art, qi, q, last_tok) if q.closed or q.trimmed else None
    governing = _governing_cue(art, qi, q, first_tok, last_tok)
    if partial:
        # A phrase inside a sentence hangs from the verb that reports it.
        return governing or trailing or _leading_cue(art, qi, q, first_tok)
    return trailing or governing or _leading_cue(art, qi, q, first_tok)


def trim_unclosed(doc: Doc, quotes: list[RawQuote]) -> None:
    """An unclosed quote followed, inside its paragraph, by ', said X' or
    ', X said' most likely lost its closing mark before that comma."""
    for q in quotes:
        if q.closed:
            continue
        first, last = tokens_in(doc, q.start, q.end)
        for i in range(first + 2, last):
            if doc[i].text != ",":
                continue
            window = [t for t in doc[i + 1 : min(last, i + 6)] if not t.is_space]
            sentence_ends = any(t.text in SENTENCE_END for t in window[:2])
            if any(_is_speech_verb(t) for t in window[:4]) and not sentence_ends:
                q.end = doc[i].idx + 1
                q.trimmed = True
                break
