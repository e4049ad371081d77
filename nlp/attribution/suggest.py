"""The attribution steps put together: every direct quote and indirect attribution in a Doc,
with its cue and speaker.

A quotation interrupted by its cue (`"I told them," Fischer said, "that it would not hold."`)
is one direct suggestion in two parts: its span runs from the first part's opening mark to the
last part's closing mark, and `parts` gives each part's span.

A quoted run inside a paraphrase stays a direct suggestion of its own. The paraphrase's indirect
suggestion keeps the whole reported clause, quoted run included (the two then overlap), unless
the quoted runs make up at least half of the clause: then the direct suggestion is the
attribution and no indirect one is made.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from newsmark.nlp.attribution.article import SENTENCE_END, Article, build_article, tokens_in
from newsmark.nlp.attribution.cues import Cue, find_cue, trim_unclosed
from newsmark.nlp.attribution.marks import RawQuote, pair_marks
from newsmark.nlp.attribution.mentions import context_speaker, speaker_of, subject_of
from newsmark.nlp.attribution.quotations import (
    inner_text,
    is_label,
    is_object_of_an_infinitive,
    is_partial,
    looks_like_name_or_title,
)
from newsmark.nlp.attribution.reported import Report, find_reports

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc, Token

DIRECT, INDIRECT = "direct", "indirect"
_MAX_SPLIT_GAP = 30  # tokens between the parts of a quotation interrupted by its cue


@dataclass(frozen=True)
class QuoteSuggestion:
    start: int  # char offset: a direct quote INCLUDING its opening mark; an indirect one's content
    end: int  # end exclusive: a direct quote INCLUDING its closing mark (when there is one)
    text: str  # doc.text[start:end]
    cue: str | None  # the cue word/phrase as in the text ("said", "according to")
    cue_start: int | None
    cue_end: int | None
    speaker: str | None  # resolved name (fullest form in the article), a description, or None
    speaker_start: int | None  # the speaker mention in the text, or None
    speaker_end: int | None
    score: float  # 0..1 confidence
    kind: str = DIRECT  # DIRECT (a verbatim quoted run) or INDIRECT (reported content)
    parts: tuple[tuple[int, int], ...] | None = None  # a split quotation's parts, else None


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


# Entities a speaker in a headline must be: title case makes the tagger read ordinary words
# as names ("India-Russia Ties", "collapse"), where the NER does not.
_NAMED_SPEAKERS = ("PERSON", "ORG", "GPE", "NORP")


def _misread_in_heading(art: Article, mention: Token, anchor: int) -> bool:
    """Is the mention, for words reported in a headline or subheading (anchor: the cue, or the
    quote), a proper noun that neither the NER nor the article's people make a name?"""
    return (
        art.in_heading[anchor]
        and mention.pos_ == "PROPN"
        and mention.ent_type_ not in _NAMED_SPEAKERS
        and art.people.named_by(mention) is None
    )


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
    if partial and (
        is_label(doc, text, q, first_tok, last_tok) or is_object_of_an_infinitive(doc, first_tok, last_tok)
    ):
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
    anchor = cue.verb.i if cue is not None and cue.verb is not None else first_tok
    if mention is not None and _misread_in_heading(art, mention, anchor):
        return None
    if mention is not None and art.quote_of_token[mention.i] != qi:
        speaker, m_start, m_end = speaker_of(art, mention)
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


def _continues(art: Article, prev: QuoteSuggestion, prev_raw: RawQuote, q: RawQuote) -> bool:
    """Is q the second part of prev, a quotation its cue interrupts ('"A," X said, "b."')?

    prev's quoted words stop at a comma, its cue sits between the two parts, and the words
    between them end with a comma, in one sentence of one paragraph.
    """
    if not prev_raw.closed or prev.cue_start is None or not prev.end <= prev.cue_start < q.start:
        return False
    if not inner_text(art.text, prev_raw).endswith(",") or q.paragraph != prev_raw.paragraph:
        return False
    if not art.text[prev.end : q.start].rstrip().endswith(","):
        return False
    first, last = tokens_in(art.doc, prev.end, q.start)
    if last - first > _MAX_SPLIT_GAP:
        return False
    return not any(art.doc[i].text in SENTENCE_END for i in range(first, last))


def _joined(
    art: Article, prev: QuoteSuggestion, q: RawQuote, second: QuoteSuggestion | None
) -> QuoteSuggestion:
    parts = (*(prev.parts or ((prev.start, prev.end),)), (q.start, q.end))
    # The cue sits between the parts, so the first part found the speaker; else the second.
    source = second if prev.speaker is None and second is not None else prev
    return replace(
        prev,
        end=q.end,
        text=art.text[prev.start : q.end],
        speaker=source.speaker,
        speaker_start=source.speaker_start,
        speaker_end=source.speaker_end,
        score=max(prev.score, second.score if second else 0.0),
        parts=parts,
    )


def _direct_quotes(art: Article, raw: list[RawQuote]) -> list[QuoteSuggestion]:
    out: list[QuoteSuggestion] = []
    prev_raw: RawQuote | None = None
    for qi, q in enumerate(raw):
        try:
            sugg = _analyse_quote(art, qi, q, out[-1] if out else None)
            if (
                out
                and prev_raw is not None
                and qi not in art.titles
                and _continues(art, out[-1], prev_raw, q)
            ):
                out[-1] = _joined(art, out[-1], q, sugg)
                prev_raw = q
                continue
        except Exception:  # one odd quote must not lose the others
            sugg = None
        if sugg is not None:
            out.append(sugg)
            prev_raw = q
    return out


def _quoted_share(start: int, end: int, directs: list[QuoteSuggestion]) -> float:
    """How much of [start, end) the direct quotes cover."""
    covered = 0
    for d in directs:
        for p_start, p_end in d.parts or ((d.start, d.end),):
            covered += max(0, min(end, p_end) - max(start, p_start))
    return covered / (end - start) if end > start else 1.0


def _indirect(art: Article, report: Report) -> QuoteSuggestion | None:
    doc, text = art.doc, art.text
    if report.mention is not None and _misread_in_heading(art, report.mention, report.cue_start):
        return None
    first, last = doc[report.start], doc[report.end]
    start, end = first.idx, last.idx + len(last.text)
    cue_first, cue_last = doc[report.cue_start], doc[report.cue_end]
    cue_start, cue_end = cue_first.idx, cue_last.idx + len(cue_last.text)
    speaker: str | None = None
    m_start = m_end = None
    if report.mention is not None:
        speaker, m_start, m_end = speaker_of(art, report.mention)
    return QuoteSuggestion(
        start=start,
        end=end,
        text=text[start:end],
        cue=text[cue_start:cue_end],
        cue_start=cue_start,
        cue_end=cue_end,
        speaker=speaker,
        speaker_start=m_start,
        speaker_end=m_end,
        score=0.7 if speaker is not None else 0.45,
        kind=INDIRECT,
    )


def _indirect_attributions(art: Article, directs: list[QuoteSuggestion]) -> list[QuoteSuggestion]:
    out: list[QuoteSuggestion] = []
    for report in find_reports(art):
        try:
            sugg = _indirect(art, report)
        except Exception:  # one odd sentence must not lose the others
            continue
        if sugg is not None and _quoted_share(sugg.start, sugg.end, directs) < 0.5:
            out.append(sugg)
    return out


def suggest_quotes(doc: Doc) -> list[QuoteSuggestion]:
    """Every direct quote and indirect attribution in doc, in text order, with cue and speaker."""
    try:
        text = doc.text
        if not text.strip():
            return []
        raw = pair_marks(text)
        trim_unclosed(doc, raw)
        art = build_article(doc, raw)
        art.titles = {qi for qi, q in enumerate(raw) if looks_like_name_or_title(text, q)}
    except Exception:  # never let odd input break the annotation UI
        return []
    directs = _direct_quotes(art, raw)
    try:
        indirect = _indirect_attributions(art, directs) if doc.has_annotation("DEP") else []
    except Exception:
        indirect = []
    return sorted(directs + indirect, key=lambda s: (s.start, -s.end))
