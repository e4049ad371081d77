"""Step 5: indirect attribution, reported speech, belief, intention and claims.

A cue is a verb whose lemma is in one of the cue classes (lexicons: speech and writing,
thought and belief, intention and demand, reports) or the phrase "according to"; what makes it
an attribution is the parse around it, which also gives the content:

- a clausal complement, `Lavrov said (that) [Moscow was ready]`, `told reporters [...]`,
  also before the cue (`[Moscow is ready], Lavrov said`);
- an infinitive for intentions and demands, `vowed to [cut taxes]`, `urged X to [return]`;
- a preposition the cue takes, `called for [reforms]`, `accused X of [lying]`;
- the direct object of the cues that state their content as an object (`announced [a ban]`,
  `described [ties as ...]`), never a pronoun;
- the clause around a parenthetical cue, `[The court, she wrote, had erred]`, `As X summed up,
  [...]`, and around "according to X" (the whole sentence when it is set off at either end).

The speaker mention is the cue's subject (as for direct quotes), the agent of a passive
(`was announced by X`), or the object of "according to". Beliefs and intentions need a subject
that can hold one (a name, a pronoun for a person, a noun for people or an organisation):
"the deal aims to" is not an attribution; a participle set off by a comma takes the subject of
the cue or clause it follows. Cues inside a direct quote, passives with no agent ("is expected
to"), infinitives another verb controls ("required them to report"), first-person subjects and
cues with no subject are skipped; so is a cue inside another attribution's content (the outer
one is the attribution). Contents and speakers stay in the cue's paragraph: the parser runs
headlines and subheadings into the line after them. A content never ends on a title before a
name ("to PM [Modi along with ...]"), where the parser may end a sentence with no full stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsmark.nlp.attribution.article import Article
from newsmark.nlp.attribution.lexicons import (
    INTENTION_CUES,
    NAME_TITLES,
    OBJECT_CUES,
    ORG_NOUNS,
    PERSON_NOUNS,
    PERSON_SUFFIXES,
    PREPOSITION_CUES,
    REPORT_CUES,
    SPEECH_CUES,
    THOUGHT_CUES,
)
from newsmark.nlp.attribution.marks import QUOTE_MARKS
from newsmark.nlp.attribution.mentions import subject_of

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Token


ALL_CUES = SPEECH_CUES | THOUGHT_CUES | INTENTION_CUES | REPORT_CUES
_HOLDER_CUES = (THOUGHT_CUES | INTENTION_CUES) - SPEECH_CUES  # need a subject that can hold a view
# Cues whose infinitive is their content ("vowed to", "urged X to", "expects to").
_INFINITIVE_CUES = INTENTION_CUES | THOUGHT_CUES | frozenset({"promise", "claim", "warn", "tell"})
_FIRST_PERSON = frozenset({"i", "we", "me", "us", "you"})
# Verbs that take their infinitive only through an object ("urged lawmakers to act"): with
# no object, the subject is the one urged, a passive ("Ministers urged to act" in a headline).
_OBJECT_CONTROL = frozenset({"urge", "tell", "order", "instruct", "advise", "press", "push"})
_TRIM_LEFT = frozenset({"that", "to", ",", ":", "-", "—", "–"})


@dataclass
class Report:
    """An indirect attribution found in the parse: its content and cue as token ranges."""

    start: int  # first token of the content
    end: int  # last token of the content (inclusive)
    cue_start: int  # first and last token of the cue (inclusive)
    cue_end: int
    mention: Token | None  # the speaker mention's head token


def cue_lemma(tok: Token) -> str:
    """The token's lemma, or the cue its inflected form is when the lemmatizer missed it
    ('hopes' -> 'hop')."""
    lemma = tok.lemma_.lower()
    if lemma in ALL_CUES:
        return lemma
    word = tok.lower_
    for stem in (word[:-1], word[:-2], word[:-3], word[:-3] + "e"):
        if stem in ALL_CUES and word.endswith(("s", "d", "ing")):
            return stem
    return lemma


def _cue_verb(tok: Token) -> bool:
    if tok.pos_ == "VERB" or (tok.pos_ == "AUX" and tok.lemma_ == "say"):
        return cue_lemma(tok) in ALL_CUES
    return False


def _first_child(tok: Token, deps: tuple[str, ...]) -> Token | None:
    return next((c for c in tok.children if c.dep_ in deps), None)


def _clause_child(art: Article, verb: Token) -> Token | None:
    """The verb's clausal complement in its own paragraph, the one after it first."""
    para = art.para_of_token[verb.i]
    clauses = [c for c in verb.children if c.dep_ == "ccomp" and art.para_of_token[c.i] == para]
    return next((c for c in clauses if c.i > verb.i), clauses[0] if clauses else None)


def _has_to(tok: Token) -> bool:
    return any(c.tag_ == "TO" for c in tok.lefts)


def _range(tok: Token, without: Token | None = None) -> tuple[int, int]:
    """Token range of tok's subtree; `without` (a cue set into it) is cut off when it sits at
    either end, and kept inside when the content runs on after it."""
    lo, hi = tok.left_edge.i, tok.right_edge.i
    while hi > lo and (tok.doc[hi].is_punct or tok.doc[hi].is_space) and tok.doc[hi].text not in QUOTE_MARKS:
        hi -= 1
    if without is not None:
        w_lo, w_hi = without.left_edge.i, without.right_edge.i
        if w_lo <= lo <= w_hi:
            lo = w_hi + 1
        if w_lo <= hi <= w_hi:
            hi = w_lo - 1
    return lo, hi


_CLAUSE_BREAK = ("advcl", "parataxis", "ccomp", "punct", "mark", "relcl", "npadvmod")


def _phrase_end(verb: Token, after: int) -> int:
    """Last token of what follows the verb from token `after`: its complements and modifiers,
    up to a comma, a new clause or a coordinated verb ('..., noting', 'and said')."""
    end = after
    rights = [c for c in verb.rights if c.i > after]
    for k, child in enumerate(rights):
        coordinated_verb = child.dep_ == "conj" and child.pos_ in ("VERB", "AUX")
        before_verb = child.dep_ == "cc" and k + 1 < len(rights) and rights[k + 1].pos_ in ("VERB", "AUX")
        purpose = child.dep_ == "advcl" and _has_to(child)  # "called for reforms [to reflect ...]"
        if (child.dep_ in _CLAUSE_BREAK and not purpose) or coordinated_verb or before_verb:
            break
        end = max(end, _noun_phrase_end(child))
    return end


def _object_content(verb: Token) -> tuple[int, int] | None:
    """'announced [a ban]', 'described [ties as "..."]', 'called [PM Modi "a wise man"]'."""
    obj = _first_child(verb, ("dobj",))
    if obj is None or obj.pos_ in ("PRON", "DET") or obj.i < verb.i:
        return None
    if any(c.dep_ == "neg" for c in verb.children):
        return None  # "did not announce any dates": nothing is attributed
    return obj.left_edge.i, _phrase_end(verb, _noun_phrase_end(obj))


def _noun_phrase_end(tok: Token) -> int:
    """Last token of tok's phrase before any comma in it ('their resolve to deepen trade, with ...')."""
    end = tok.i
    rights = list(tok.rights)
    for k, child in enumerate(rights):
        nxt = rights[k + 1] if k + 1 < len(rights) else None
        listing = nxt is not None and (
            nxt.dep_ in ("conj", "cc") or (nxt.tag_ == "VBG" and nxt.dep_ == "prep")
        )
        if child.dep_ == "punct" and child.text in (",", ";", "—", "–") and not listing:
            break  # but a list, or "areas of collaboration, including trade, ...", runs on
        end = max(end, _noun_phrase_end(child))
    return end


def _prepositional_content(verb: Token, lemma: str) -> tuple[int, int] | None:
    """'called for [reforms to ...]', 'accused the mayor of [letting ...]', 'warned against [...]'."""
    for child in verb.rights:
        if child.dep_ == "prep" and lemma in PREPOSITION_CUES.get(child.lower_, frozenset()):
            obj = _first_child(child, ("pobj", "pcomp"))
            if obj is not None:
                target = _first_child(verb, ("dobj",))  # "praised [India for ...]"
                start = target.left_edge.i if target is not None and target.i < child.i else obj.left_edge.i
                return start, _phrase_end(verb, _noun_phrase_end(child))
        # "called for the government to step in" parses as a clause marked by "for".
        marked_for = any(c.dep_ == "mark" and c.lower_ == "for" for c in child.children)
        if child.dep_ == "advcl" and lemma in PREPOSITION_CUES["for"] and marked_for:
            return _range(child)
    return None


def _set_off(art: Article, i: int) -> bool:
    """Is token i (skipping spaces) a comma or dash, the mark that sets a cue apart?"""
    doc = art.doc
    while i < len(doc) and doc[i].is_space:
        i += 1
    return i < len(doc) and doc[i].text in (",", "—", "–")


def _surrounding_clause(art: Article, verb: Token) -> tuple[int, int] | None:
    """A parenthetical or trailing cue: '[The court], she wrote, [had erred]',
    '[Moscow is ready], Lavrov said', 'As X put it, [...]'."""
    head = verb.head
    if head.i == verb.i or head.pos_ not in ("VERB", "AUX") or art.quote_of_token[head.i] >= 0:
        return None
    marked_as = any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
    if verb.dep_ == "advcl" and marked_as:
        return _range(head, without=verb)
    if verb.dep_ != "parataxis" and (verb.dep_ not in ("ccomp", "advcl") or verb.i < head.i):
        return None
    first_word = next(t for t in verb.subtree if not t.is_punct and not t.is_space)
    if not (verb.left_edge.is_punct and verb.left_edge.i < first_word.i) and not _set_off(
        art, _previous(art, first_word.i)
    ):
        return None  # "[Moscow], Lavrov said, [is ready]" and "[...], Lavrov said"; not "X said"
    return _range(head, without=verb)


def _content(art: Article, verb: Token, lemma: str) -> tuple[int, int] | None:
    clause = _clause_child(art, verb)
    if clause is not None and (clause.i > verb.i or _set_off(art, clause.right_edge.i + 1)):
        return _range(clause)  # "[Moscow is ready], Lavrov said", not "[Also read]: X urges"
    if lemma in _INFINITIVE_CUES:
        inf = _first_child(verb, ("xcomp",))
        if inf is not None:
            passive = any(c.dep_ == "auxpass" for c in inf.children)
            gerund = inf.tag_ == "VBG" and lemma in INTENTION_CUES
            needs_object = lemma in _OBJECT_CONTROL and _first_child(verb, ("dobj",)) is None
            if not passive and (gerund or (_has_to(inf) and not needs_object)):
                return _range(inf)  # "vowed to [...]", "urges [doing more]"; not "asked not to be named"
    found = _prepositional_content(verb, lemma)
    if found is not None:
        return found
    if lemma in OBJECT_CUES:
        found = _object_content(verb)
        if found is not None:
            return found
    if lemma in SPEECH_CUES | REPORT_CUES:
        return _surrounding_clause(art, verb) or _after_that(art, verb)
    return None


def _after_that(art: Article, verb: Token) -> tuple[int, int] | None:
    """'explained that ...' whose clause the parser hung elsewhere (often into the next
    paragraph): the rest of the sentence after 'that'."""
    doc = art.doc
    i = verb.i + 1
    while i < len(doc) and (doc[i].is_space or doc[i].dep_ == "prt"):
        i += 1
    if i >= len(doc) or doc[i].lower_ != "that" or doc[i].pos_ != "SCONJ":
        return None
    end = i + 1
    para = art.para_of_token[verb.i]
    while end + 1 < len(doc) and art.para_of_token[end + 1] == para and doc[end].text not in (".", "!", "?"):
        end += 1
    return i + 1, end


def _according_to(art: Article, tok: Token) -> Report | None:
    """'According to X, [clause]' / '[clause], according to X'."""
    doc = art.doc
    if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
        return None
    agent = _first_child(doc[tok.i + 1], ("pobj",))
    head = tok.head
    if agent is None or head.i == tok.i:
        return None
    pp_start, pp_end = tok.left_edge.i, tok.right_edge.i
    at_edge = _set_off(art, pp_end + 1) or _set_off(art, _previous(art, pp_start))
    while at_edge and head.head.i != head.i and art.para_of_token[head.head.i] == art.para_of_token[tok.i]:
        head = head.head  # set off at a sentence's start or end, it covers the whole sentence
    lo, hi = _range(head, without=tok)
    subject = _first_child(head, ("nsubj", "nsubjpass"))
    if subject is not None and tok.right_edge.i < subject.i and subject.left_edge.i > lo:
        lo = subject.left_edge.i  # "According to X, a think tank, [the list would ...]"
    return Report(lo, hi, tok.i, tok.i + 1, agent)


def _passive_agent(verb: Token) -> Token | None:
    """'It was announced by the ministry that ...' -> ministry."""
    if not any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return None
    agent = _first_child(verb, ("agent",))
    return _first_child(agent, ("pobj",)) if agent is not None else None


def could_hold_a_view(art: Article, tok: Token) -> bool:
    """Can this subject believe or intend? A name, an organisation, a person pronoun, or a
    noun for people ('officials', 'residents', 'the ministry'), not 'the deal' or 'efforts'."""
    if tok.pos_ == "PRON":
        return tok.lower_ in ("he", "she", "they", "it", "who", "which", "that")
    if tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or tok.pos_ == "PROPN":
        return True
    lemma = tok.lemma_.lower()
    return lemma in PERSON_NOUNS or lemma in ORG_NOUNS or lemma.endswith(PERSON_SUFFIXES)


def _trim(art: Article, lo: int, hi: int) -> tuple[int, int]:
    doc = art.doc
    while lo <= hi and (doc[lo].is_space or doc[lo].lower_ in _TRIM_LEFT):
        if doc[lo].lower_ == "to" and doc[lo].tag_ != "TO":
            break
        if doc[lo].lower_ == "that" and doc[lo].dep_ != "mark" and doc[lo].pos_ != "SCONJ":
            break
        lo += 1
    while hi >= lo and (doc[hi].is_space or (doc[hi].is_punct and art.quote_of_token[hi] < 0)):
        hi -= 1
    return lo, hi


def _is_passive(verb: Token) -> bool:
    """'is expected to', 'Asked about it, she said': a passive, or a past participle with no
    'have' (a participle clause is passive too)."""
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return True
    return verb.tag_ == "VBN" and not any(c.dep_ == "aux" for c in verb.children) and verb.dep_ != "conj"


def _main_verb(art: Article, verb: Token) -> Token:
    """The verb whose subject is the cue's speaker. A participle set off by a comma takes the
    cue it follows ('X noted that A, saying B'), else its sentence's main verb, not the nearest
    verb the parser hung it from ('X said he was sure they will meet, noting ...'); a cue the
    parser coordinated with a reported clause takes the outer cue ('X said the figures were
    bad and promised ...') unless the clause's subject could hold a view itself."""
    if verb.dep_ == "conj" and verb.head.dep_ == "ccomp" and _cue_verb(verb.head.head):
        # "X said [the figures were bad] and promised ...": the parser coordinates the cue
        # with the reported clause; unless that clause's subject can promise, it is X's.
        own = subject_of(art, verb.head)
        if own is None or not could_hold_a_view(art, own):
            return verb.head.head
        return verb
    if verb.tag_ != "VBG" or verb.dep_ != "advcl" or not _set_off(art, _previous(art, verb.left_edge.i)):
        return verb
    head = verb.head
    while (
        head.head.i != head.i
        and not _cue_verb(head)
        and art.para_of_token[head.head.i] == art.para_of_token[verb.i]
    ):
        head = head.head
    return head


def _previous(art: Article, i: int) -> int:
    i -= 1
    while i >= 0 and art.doc[i].is_space:
        i -= 1
    return i


def _report_for_verb(art: Article, verb: Token) -> Report | None:
    lemma = cue_lemma(verb)
    if _has_to(verb) and (_first_child(verb.head, ("dobj", "dative", "neg")) or _cue_verb(verb.head)):
        return None  # "would require companies to report", "refused to say": nothing was said
    found = _content(art, verb, lemma)
    if found is None:
        return None
    mention = _passive_agent(verb)
    if mention is None:
        if _is_passive(verb):
            return None  # "is expected to", "Asked whether ...": the speaker is not named
        mention = subject_of(art, _main_verb(art, verb))
    if mention is None or mention.lower_ in _FIRST_PERSON:
        return None
    borrowed = not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
    needs_holder = lemma in _HOLDER_CUES or (borrowed and verb.tag_ == "VBG")
    if needs_holder and not could_hold_a_view(art, mention):
        return None  # "the deal aims to", "the talks touched on ..., underscoring the depth"
    lo, hi = found
    if lo <= mention.i <= hi and not verb.left_edge.i <= mention.i <= verb.right_edge.i:
        return None  # the parse put the speaker inside what they said
    return Report(lo, hi, verb.i, verb.i, mention)


def _past_a_title(art: Article, end: int) -> int:
    """A content ending on a title before a name ('... to PM [Modi along with ...]') was cut by
    the parser, which ends a sentence there or hangs the name elsewhere: it runs on over the
    name and what the parser hung from it, or the rest of the sentence it started there (there
    was no full stop between the title and the name)."""
    doc = art.doc
    for _ in range(3):  # 'to PM Modi and Dr Rao': a few titles in a row at most
        title, name = doc[end], end + 1
        if name >= len(doc) or not title.text[:1].isupper() or title.lower_.rstrip(".") not in NAME_TITLES:
            return end
        nxt = doc[name]
        if not nxt.text[:1].isupper() or not nxt.is_alpha or art.quote_of_token[name] >= 0:
            return end
        # Where the parser began a sentence at the name, the rest of it; else the name and
        # what the parser hung from it.
        end = nxt.sent.end - 1 if nxt.is_sent_start else max(name, nxt.right_edge.i)
        while end > name and (doc[end].is_punct or doc[end].is_space) and doc[end].text not in QUOTE_MARKS:
            end -= 1
    return end


def _in_paragraph(art: Article, report: Report) -> None:
    """Cut the content to the cue's paragraph: the parser runs headlines into the first line."""
    para = art.para_of_token[report.cue_start]
    while report.start <= report.end and art.para_of_token[report.start] != para:
        report.start += 1
    while report.end >= report.start and art.para_of_token[report.end] != para:
        report.end -= 1


def _same_speaker_after(art: Article, inner: Report, outer: Report) -> bool:
    """'X noted that A, saying that B', 'X said A and promised that B': the parser hangs the
    second cue inside A, but it is X's, not A's. Cuts the outer content before it and gives
    the inner one the outer speaker."""
    verb = art.doc[inner.cue_start]
    if verb.lower_ == "according" or inner.end != outer.end or not outer.start < verb.left_edge.i:
        return False
    participle = verb.tag_ == "VBG" and _set_off(art, _previous(art, verb.left_edge.i))
    coordinated = verb.dep_ == "conj" and _first_child(verb, ("nsubj", "nsubjpass")) is None
    if not (participle or coordinated):
        return False
    cut = _previous(art, verb.left_edge.i)
    while cut > outer.start and (art.doc[cut].is_punct or art.doc[cut].dep_ == "cc" or art.doc[cut].is_space):
        cut -= 1
    outer.end = cut
    inner.mention = outer.mention
    return True


def _cut_trailing_according(art: Article, report: Report, other: Report) -> None:
    """'X said A, according to Y': the parser may hang 'according to Y' inside A; it is not
    part of what X said, and covers X's statement."""
    tok = art.doc[other.cue_start]
    if tok.lower_ != "according" or not report.cue_start < tok.i <= report.end:
        return
    if tok.right_edge.i >= report.end:
        report.end = _previous(art, tok.left_edge.i)
        while report.end > report.start and art.doc[report.end].is_punct:
            report.end -= 1


def _inside(inner: Report, outer: Report) -> bool:
    """Is inner's cue within outer's content (and not the other way round, with the larger
    content: the parser can hang 'according to X' inside the clause it covers)?"""
    if not outer.start <= inner.cue_start <= outer.end:
        return False
    mutual = inner.start <= outer.cue_start <= inner.end
    return not mutual or outer.end - outer.start > inner.end - inner.start


def find_reports(art: Article) -> list[Report]:
    """Every indirect attribution in the article, outermost only, in text order."""
    doc = art.doc
    reports: list[Report] = []
    for tok in art.tokens:
        if art.quote_of_token[tok.i] >= 0 and art.quote_of_token[tok.i] not in art.titles:
            continue  # words inside a direct quote belong to it
        try:
            if tok.lower_ == "according":
                report = _according_to(art, tok)
            elif _cue_verb(tok):
                report = _report_for_verb(art, tok)
            else:
                continue
        except Exception:  # one odd sentence must not lose the others
            continue
        if report is None:
            continue
        report.end = _past_a_title(art, report.end)
        _in_paragraph(art, report)
        report.start, report.end = _trim(art, report.start, report.end)
        words = sum(1 for t in doc[report.start : report.end + 1] if not t.is_punct and not t.is_space)
        if words >= 2:
            reports.append(report)
    by_paragraph: dict[int, list[Report]] = {}
    for r in reports:  # contents never leave their cue's paragraph: compare within one
        by_paragraph.setdefault(art.para_of_token[r.cue_start], []).append(r)
    outer: list[Report] = []
    for group in by_paragraph.values():
        for r in group:
            for o in group:
                _cut_trailing_according(art, r, o)
        for r in group:
            around = [o for o in group if o is not r and _inside(r, o)]
            if not around or (len(around) == 1 and _same_speaker_after(art, r, around[0])):
                outer.append(r)
    outer.sort(key=lambda r: r.start)
    return outer
