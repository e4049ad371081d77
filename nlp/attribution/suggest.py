"""The attribution steps put together: every direct quote in a Doc, with its cue and speaker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsmark.nlp.attribution.article import Article, build_article, tokens_in
from newsmark.nlp.attribution.cues import Cue, find_cue, trim_unclosed
from newsmark.nlp.attribution.lexicons import NAME_TITLES
from newsmark.nlp.attribution.marks import DOUBLE_MARKS, RawQuote, pair_marks
from newsmark.nlp.attribution.mentions import context_speaker, mention_span, subject_of
from newsmark.nlp.attribution.quotations import is_label, is_partial, looks_like_name_or_title
from newsmark.nlp.attribution.speakers import appos_name, resolve_mention

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc


@dataclass(frozen=True)
class QuoteSuggestion:
    start: int  # char offset of the quote, INCLUDING its opening mark
    end: int  # end exclusive, INCLUDING its closing mark (when there is one)
    text: str  # doc.text[start:end]
    cue: str | None  # the cue word/phrase as in the text ("said", "according to")
    cue_start: int | None
    cue_end: int | None
    speaker: str | None  # resolved name (fullest form in the article) or None
    speaker_start: int | None  # the speaker mention in the text, or None
    speaker_end: int | None
    score: float  # 0..1 confidence


def _score(closed: bool, partial: bool, cue: Cue | None, speaker: str | None) -> float:
    score = 0.45
    if cue is not None:
        score += 0.3
    if speaker is not None:
        score += 0.2
    if partial:
        score -= 0.1
    if not closed:
        score -= 0.15
    return round(max(0.05, min(1.0, score)), 2)


def _analyse_quote(
    art: Article, qi: int, q: RawQuote, prev: QuoteSuggestion | None
) -> QuoteSuggestion | None:
    doc, text = art.doc, art.text
    if qi in art.titles:
        return None
    first_tok, last_tok = tokens_in(doc, q.start, q.end)
    if last_tok <= first_tok:
        return None
    partial = is_partial(text, q)
    if partial and is_label(doc, text, q, first_tok, last_tok):
        return None
    cue = find_cue(art, qi, q, first_tok, last_tok, partial)
    if cue is None and partial:
        return None  # a phrase in quotes nobody is said to have said: scare quotes
    if cue is not None:
        mention = cue.agent if cue.verb is None else subject_of(art, cue.verb)
    else:
        mention = context_speaker(art, first_tok)
    speaker: str | None = None
    m_start = m_end = None
    if mention is not None and art.quote_of_token[mention.i] != qi:
        if mention.pos_ == "NOUN" or mention.lower_ in NAME_TITLES:
            mention = appos_name(mention) or mention  # "the group's director, Omar Haddad"
        speaker = resolve_mention(art, mention)
        m_start, m_end = mention_span(art, mention)
    elif cue is None and prev is not None and prev.speaker is not None:
        # An unattributed quote right after another continues that speaker.
        prev_para = art.para_of_token[tokens_in(doc, prev.start, prev.end)[0]]
        if q.paragraph - prev_para <= 1:
            speaker = prev.speaker
    if speaker is not None:
        art.quote_speakers.append((q.start, speaker))
    return QuoteSuggestion(
        start=q.start,
        end=q.end,
        text=text[q.start : q.end],
        cue=text[cue.start : cue.end] if cue else None,
        cue_start=cue.start if cue else None,
        cue_end=cue.end if cue else None,
        speaker=speaker,
        speaker_start=m_start,
        speaker_end=m_end,
        score=_score(q.closed, partial, cue, speaker),
    )


def suggest_quotes(doc: Doc) -> list[QuoteSuggestion]:
    """Every direct quote in doc, in text order, with its cue and resolved speaker."""
    try:
        text = doc.text
        if not text or not any(c in DOUBLE_MARKS for c in text):
            return []
        raw = pair_marks(text)
        if not raw:
            return []
        trim_unclosed(doc, raw)
        art = build_article(doc, raw)
        art.titles = {qi for qi, q in enumerate(raw) if looks_like_name_or_title(text, q)}
    except Exception:  # never let odd input break the annotation UI
        return []
    out: list[QuoteSuggestion] = []
    prev: QuoteSuggestion | None = None
    for qi, q in enumerate(raw):
        try:
            sugg = _analyse_quote(art, qi, q, prev)
        except Exception:  # one odd quote must not lose the others
            sugg = None
        if sugg is not None:
            out.append(sugg)
            prev = sugg
    return out
