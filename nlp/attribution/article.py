"""The article the later steps read: its Doc with each token's quote and paragraph,
the people it names (with the gender it gives them), and where its headline ends.

Also the token-walking helpers that cues and speakers share (token ranges, the word
before a token, whether two tokens are in one sentence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsmark.nlp.attribution.genders import person_genders
from newsmark.nlp.attribution.marks import RawQuote, paragraphs
from newsmark.nlp.attribution.people import People, build_people

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc, Span, Token


SENTENCE_END = frozenset({".", "!", "?"})


@dataclass
class Article:
    doc: Doc
    text: str
    quote_of_token: list[int]  # index into the RawQuote list build_article was given, or -1
    para_of_token: list[int]  # index into marks.paragraphs(text)
    people: People  # who the article names, by family and given name
    headline_end: int
    in_heading: list[bool]  # the token is in the headline or a subheading (no sentence)
    tokens: list[Token]  # doc's tokens, made once: walking a Doc makes each Token anew
    ents: list[Span]  # doc.ents, made once: reading doc.ents makes every Span anew
    pronoun_cache: dict[int, str | None] = field(default_factory=dict)
    quote_speakers: list[tuple[int, str]] = field(default_factory=list)  # (char pos, name)
    titles: set[int] = field(default_factory=set)  # quote-marked names/titles, not quotes
    genders: dict[str, str] = field(default_factory=dict)  # canonical name -> genders.MALE/FEMALE


def _headline_end(text: str) -> int:
    """End of the headline: the first line, unless it reads as a sentence
    (a lede ending in a full stop is body text, not a title-cased headline)."""
    nl = text.find("\n")
    first = text[:nl] if nl >= 0 else text
    if not first.strip() or first.rstrip().endswith((".", "!", "?", "”", '"')):
        return 0
    return len(first)


_HEADING_WORDS = 12
_SENTENCE_CLOSERS = (".", "!", "?", "”", '"', "’", "'", ":", ")", ";")


def _headings(text: str, paras: list[tuple[int, int]], headline_end: int) -> set[int]:
    """Indices of the paragraphs that are headings: the headline, and short lines that do
    not end as a sentence does ("Defence Ties Remain a Pillar of Relations")."""
    found = set()
    for p_idx, (start, end) in enumerate(paras):
        line = text[start:end]
        if start < headline_end or (
            len(line.split()) <= _HEADING_WORDS and not line.endswith(_SENTENCE_CLOSERS)
        ):
            found.add(p_idx)
    return found


def build_article(doc: Doc, quotes: list[RawQuote]) -> Article:
    text = doc.text
    n = len(doc)
    quote_of_token = [-1] * n
    para_of_token = [0] * n
    paras = paragraphs(text)
    q_idx = 0
    p_idx = 0
    tokens = list(doc)
    for i, tok in enumerate(tokens):
        idx = tok.idx
        while q_idx < len(quotes) and quotes[q_idx].end <= idx:
            q_idx += 1
        if q_idx < len(quotes) and quotes[q_idx].start <= idx < quotes[q_idx].end:
            quote_of_token[i] = q_idx
        while p_idx + 1 < len(paras) and paras[p_idx + 1][0] <= idx:
            p_idx += 1
        para_of_token[i] = p_idx
    headline_end = _headline_end(text)
    headings = _headings(text, paras, headline_end)
    in_heading = [para_of_token[i] in headings for i in range(n)]
    ents = list(doc.ents)
    people = build_people(tokens, ents, in_heading, quote_of_token)
    art = Article(doc, text, quote_of_token, para_of_token, people, headline_end, in_heading, tokens, ents)
    for tok in tokens:
        if not tok.text[:1].isupper() or quote_of_token[tok.i] >= 0:
            continue  # names are capitalised: the one test most words cost
        if people.has_surname(tok.text) and (person := people.named_by(tok)) is not None:
            person.mentions.append(tok.idx)
    art.genders = person_genders(tokens, people, quote_of_token)
    return art


def tokens_in(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token index range [i, j) covering the char range."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return 0, 0
    return span.start, span.end


def previous_word(art: Article, i: int) -> int:
    """Index of the closest non-space token before i, or -1."""
    i -= 1
    while i >= 0 and art.tokens[i].is_space:
        i -= 1
    return i


def starts_paragraph(art: Article, i: int) -> bool:
    """Is token i the first word of its paragraph?"""
    j = previous_word(art, i)
    return j < 0 or art.para_of_token[j] != art.para_of_token[i]


def same_sentence(art: Article, a: int, b: int) -> bool:
    """No paragraph change or sentence end (outside quotes) between tokens a and b."""
    lo, hi = min(a, b), max(a, b)
    if art.para_of_token[lo] != art.para_of_token[hi]:
        return False
    tokens = art.tokens
    return not any(tokens[k].text in SENTENCE_END and art.quote_of_token[k] < 0 for k in range(lo + 1, hi))
