"""Direct-quote and speaker detection over a parsed spaCy Doc.

Pure rules over the Doc the pipeline already produced (tokens, POS, lemmas,
dependency parse, entities): no second model, roughly linear in the text
(about 2-5% of the pipeline's own time on news articles).

Pipeline, per article:

1. Find double quote marks (curly “”, straight ", guillemets «») and pair them
   paragraph by paragraph (a paragraph is a non-blank line).  Pairing restarts
   at every paragraph, so one stray mark can only damage its own paragraph.
   A quoted sentence (capitalised) that reaches the end of its paragraph
   continues when the next paragraph opens with a quote mark (the news
   convention for multi-paragraph quotes); otherwise it ran unclosed, to the
   end of its paragraph, or up to a ', said X' that follows it.
2. Drop quote-marked spans that are not quotations: single words (scare
   quotes; a capitalised one-word reply like “No,” is kept), title-cased names
   and titles ("Russia Calling!"), spans after "so-called", "dubbed",
   "titled", ..., short phrases modifying the next noun (the “rainy day” fund).
   Partial quotes (a phrase inside a sentence) are kept only when a speech
   cue governs them.
3. Find the cue: a speech verb right after the quote (`,” Lavrov said`), a
   speech verb that governs the quote in the parse (`described ties as “...”`),
   the nearest speech verb before it in the sentence (`declaring, “...”`,
   `said: “...”`, a previous paragraph ending with a colon), or "according to".
   A quote with no cue takes the subject of what introduces it (`X was blunt:
   “...”`, `Putin: “...”`, the previous sentence, the previous paragraph).
4. The speaker mention is the cue's subject (climbing participles such as
   "adding", "noting" to the clause that has one).  It is resolved with the
   article's own mentions: person names (NER PERSON spans, plus 2-3 word
   proper-noun chains the NER missed) are grouped by surname and given their
   fullest form; "he"/"she" go to the nearest earlier person subject outside
   quotes; role nouns ("the Russian minister") go to the already-named person
   whose title words ("Russian Foreign Minister Sergei Lavrov", appositions)
   best match; organisations keep their fullest ORG form.

Known limits: single-quoted quotations ('...') are not detected; pronoun
resolution ignores gender; anonymous speakers ("one witness") give None.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc, Span, Token


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


# --------------------------------------------------------------------------
# Lexicons.  Kept small and general: speech verbs, title words, role synonyms.
# --------------------------------------------------------------------------


def _lexicon(words: str) -> frozenset[str]:
    """A word set written as a whitespace-separated block (easier to read and extend)."""
    return frozenset(words.split())


SPEECH_LEMMAS = _lexicon(
    """
    say tell add note remark stress explain declare state announce insist claim
    argue warn ask reply respond answer write tweet post comment observe
    emphasize emphasise underline underscore point describe call conclude
    continue recall admit acknowledge confirm deny suggest predict promise
    pledge vow urge caution joke quip complain concede agree mention assert
    maintain report reiterate highlight shout whisper cry exclaim lament boast
    murmur recount testify sum put characterise characterize assure accuse
    criticise criticize praise hail thank recommend demand proclaim retort
    counter begin
    """
)

# Particles that belong to the cue ("pointed out", "summed up").
CUE_PARTICLES = _lexicon("out up on")

# Words that introduce a name or title in quotes rather than a quotation.
NAMING_WORDS = _lexicon("so-called dubbed titled entitled named nicknamed labelled labeled branded styled")

# Function words ignored by the title-case test ("Toward a New Agenda").
FUNCTION_WORDS = _lexicon(
    """a an the and or but nor of in on at to for from by with as into onto
    upon vs via per than over under about"""
)

# Leading words stripped from person names ("EAM Jaishankar" -> "Jaishankar").
NAME_TITLES = _lexicon(
    """mr mrs ms miss dr prof sir dame lord lady rev fr sen rep gov gen col
    capt lt sgt president minister prime premier chancellor secretary
    ambassador chief judge justice mayor governor senator king queen prince
    princess pm cm eam mp mla nsa ceo cfo coo chairman chairwoman chair
    spokesperson spokesman spokeswoman director professor doctor general
    foreign external affairs deputy vice acting former late councillor
    councilor councilman councilwoman alderman commissioner coach captain
    officer inspector detective sergeant constable superintendent bishop
    archbishop cardinal rabbi imam pastor reverend father senior assistant
    associate lead head state attorney"""
)

# Role nouns that stand for several concrete titles.
_SPOKES = "spokesperson spokesman spokeswoman"
_LEGISLATOR = "senator representative lawmaker mp legislator"
ROLE_SYNONYMS: dict[str, frozenset[str]] = {
    "leader": _lexicon("president premier prime chancellor king queen leader head chief"),
    "diplomat": _lexicon("minister ambassador envoy counterpart diplomat secretary"),
    "official": _lexicon(f"minister secretary official director {_SPOKES}"),
    "spokesman": _lexicon(_SPOKES),
    "spokeswoman": _lexicon(_SPOKES),
    "spokesperson": _lexicon(_SPOKES),
    "premier": _lexicon("premier prime"),
    "counterpart": _lexicon("counterpart minister"),
    "executive": _lexicon("ceo executive chief"),
    "boss": _lexicon("ceo executive chief head director"),
    "lawmaker": _lexicon(_LEGISLATOR),
    "legislator": _lexicon(_LEGISLATOR),
    "coach": _lexicon("coach manager"),
    "manager": _lexicon("coach manager"),
}

PERSON_PRONOUNS = _lexicon("he she")

# Nouns that, with "the", refer back to an organisation ("the company said").
ORG_NOUNS = _lexicon(
    """company firm ministry agency group council department union government
    court police party committee commission organisation organization
    association bank board office authority institute university club
    campaign coalition charity team"""
)

DOUBLE_MARKS = frozenset('“”"«»')
OPENING_GLYPHS = frozenset("“«")
CLOSING_GLYPHS = frozenset("”»")
SENTENCE_END = frozenset({".", "!", "?"})
_WORD_RE = re.compile(r"[^\W_][\w'’\-.]*")
_MAX_CUE_DISTANCE = 8  # tokens after a closing mark in which a trailing cue may sit
_MAX_LEAD_DISTANCE = 40  # tokens before an opening mark searched for a cue
_PRONOUN_LOOKBACK = 400  # tokens searched back for a pronoun's antecedent


# --------------------------------------------------------------------------
# Step 1: quote-mark pairing
# --------------------------------------------------------------------------


@dataclass
class _RawQuote:
    start: int
    end: int
    closed: bool
    paragraph: int
    trimmed: bool = False  # unclosed, but cut at the ', said X' that follows it


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line; news paragraphs are lines."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            spans.append((pos + lead, pos + lead + len(stripped)))
        pos = end + 1
    return spans


def _mark_direction(text: str, i: int, inside: bool) -> str:
    """'open' or 'close' for the quote mark at text[i].

    The surrounding characters decide when they are unambiguous (a mark after
    a space and before a letter opens), so a wrong-way curly glyph still pairs;
    otherwise the glyph decides, and a straight mark toggles.
    """
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    opens = (prev.isspace() or prev in "([{—–/-") and not nxt.isspace()
    closes = not prev.isspace() and (nxt.isspace() or nxt in ".,;:!?)]}—–-")
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    ch = text[i]
    if ch in OPENING_GLYPHS:
        return "open"
    if ch in CLOSING_GLYPHS:
        return "close"
    return "close" if inside else "open"


def _starts_sentence(text: str, open_at: int) -> bool:
    """Only a quoted sentence (capitalised) runs on into the next paragraph;
    a quoted phrase that lost its closing mark does not."""
    first_alpha = next((c for c in text[open_at + 1 : open_at + 40] if c.isalpha()), "")
    return first_alpha.isupper()


def _pair_marks(text: str) -> list[_RawQuote]:
    paras = _paragraphs(text)
    quotes: list[_RawQuote] = []
    carried: int | None = None  # opening offset of a quote running over paragraphs
    for p_idx, (p_start, p_end) in enumerate(paras):
        open_at: int | None = None
        first = True
        for i in range(p_start, p_end):
            ch = text[i]
            if ch not in DOUBLE_MARKS:
                continue
            direction = _mark_direction(text, i, open_at is not None)
            if first and carried is not None:
                first = False
                if direction == "open":
                    # The repeated opening mark of a continued paragraph.
                    open_at = carried
                    carried = None
                    continue
            first = False
            if direction == "open":
                if open_at is not None and ch == '"':
                    direction = "close"  # a straight mark while open closes
                else:
                    open_at = i  # an earlier unclosed opener was a stray mark
                    continue
            if open_at is not None:
                quotes.append(_RawQuote(open_at, i + 1, True, p_idx))
                open_at = None
            # A closing mark with nothing open is a stray mark (or inches): skip.
        if carried is not None:
            # The previous paragraph ended inside a quote but this one does
            # not continue it: the quote ran to its paragraph's end unclosed.
            prev_end = paras[p_idx - 1][1]
            quotes.append(_RawQuote(carried, prev_end, False, p_idx - 1))
            carried = None
        if open_at is not None:
            nxt = paras[p_idx + 1] if p_idx + 1 < len(paras) else None
            if (
                nxt is not None
                and text[nxt[0]] in DOUBLE_MARKS
                and _mark_direction(text, nxt[0], False) == "open"
                and _starts_sentence(text, open_at)
            ):
                carried = open_at
            else:
                quotes.append(_RawQuote(open_at, p_end, False, p_idx))
    if carried is not None and paras:
        quotes.append(_RawQuote(carried, paras[-1][1], False, len(paras) - 1))
    quotes.sort(key=lambda q: q.start)
    return quotes


# --------------------------------------------------------------------------
# Step 2: is a quote-marked span a quotation?
# --------------------------------------------------------------------------


def _inner_text(text: str, q: _RawQuote) -> str:
    inner = text[q.start + 1 : q.end - 1] if q.closed else text[q.start + 1 : q.end]
    return inner.replace("“", " ").replace("”", " ").replace('"', " ").strip()


def _is_title_case(words: list[str]) -> bool:
    content = [w for w in words if w.lower() not in FUNCTION_WORDS]
    return bool(content) and all(w[0].isupper() or w[0].isdigit() for w in content)


def _word_before(text: str, pos: int) -> str:
    m = re.search(r"([\w\-]+)\W*$", text[max(0, pos - 40) : pos])
    return m.group(1).lower() if m else ""


def _looks_like_name_or_title(text: str, q: _RawQuote) -> bool:
    inner = _inner_text(text, q)
    words = _WORD_RE.findall(inner)
    if not words:
        return True
    if len(words) == 1:
        # “No,” he said / “Never!” is a one-word reply; “surprised” is a scare quote.
        return not (inner[:1].isupper() and inner[-1:] in ",.!?")
    if _word_before(text, q.start) in NAMING_WORDS:
        return True
    return len(words) <= 10 and _is_title_case(words)


def _is_partial(text: str, q: _RawQuote) -> bool:
    """A phrase quoted inside a sentence rather than a quoted sentence."""
    inner = _inner_text(text, q)
    first_alpha = next((c for c in inner if c.isalpha()), "")
    if first_alpha and first_alpha.islower():
        return True
    return len(_WORD_RE.findall(inner)) < 4 and not inner.rstrip(",").endswith((".", "!", "?"))


# --------------------------------------------------------------------------
# Article model: tokens per quote, paragraphs, person registry
# --------------------------------------------------------------------------


@dataclass
class _Person:
    canonical: str
    variants: list[str] = field(default_factory=list)
    descriptors: set[str] = field(default_factory=set)


@dataclass
class _Article:
    doc: Doc
    text: str
    quote_of_token: list[int]  # index into quotes, or -1
    para_of_token: list[int]
    persons: dict[str, _Person]  # surname (lower) -> person
    first_names: dict[str, str]  # given name (lower) -> surname key, when unique
    headline_end: int
    pronoun_cache: dict[int, str | None] = field(default_factory=dict)
    quote_speakers: list[tuple[int, str]] = field(default_factory=list)  # (char pos, name)
    titles: set[int] = field(default_factory=set)  # quote-marked names/titles, not quotes
    mentions: dict[str, list[int]] = field(default_factory=dict)  # surname -> offsets outside quotes


def _clean_key(word: str) -> str:
    return re.sub(r"(['’]s|['’])$", "", word).lower()


def _name_tokens(span: Span) -> list[Token]:
    """Tokens of a PERSON entity, without possessives and leading titles."""
    toks = [t for t in span if not t.is_punct and t.text not in ("'s", "’s", "'", "’")]
    while toks and toks[0].text.lower().rstrip(".") in NAME_TITLES:
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


def _add_name(persons: dict[str, _Person], doc: Doc, toks: list[Token]) -> None:
    key = _clean_key(toks[-1].text)
    name = _name_text(doc, toks)
    person = persons.setdefault(key, _Person(canonical=name))
    person.variants.append(name)
    if len(name.split()) > len(person.canonical.split()):
        person.canonical = name  # the fullest form the article uses
    person.descriptors |= _descriptor_words(doc, toks[0].i, toks[-1].i)


def _name_text(doc: Doc, toks: list[Token]) -> str:
    """The name as written ('Jean-Luc Moreau'), without a possessive ending."""
    last = toks[-1]
    # Join token texts and their own whitespace: doc.text would copy the whole article.
    parts = [t.text_with_ws for t in doc[toks[0].i : last.i]] + [_clean_possessive(last.text)]
    return " ".join("".join(parts).split())


def _unlabelled_name(doc: Doc, tok: Token) -> list[Token]:
    """'Mayor Ana Ruiz' the NER missed: a speaker-like proper-noun chain of
    2-3 capitalised tokens (titles stripped) that is no other kind of entity."""
    if tok.pos_ != "PROPN" or tok.dep_ not in ("nsubj", "nsubjpass", "appos", "dobj", "pobj"):
        return []
    if tok.ent_type_ not in ("", "PERSON"):
        return []
    chain = [tok]
    j = tok.i - 1
    while j >= 0 and doc[j].pos_ == "PROPN" and doc[j].dep_ == "compound":
        if doc[j].ent_type_ not in ("", "PERSON"):
            break
        chain.insert(0, doc[j])
        j -= 1
    while chain and chain[0].text.lower().rstrip(".") in NAME_TITLES:
        chain = chain[1:]
    if not 2 <= len(chain) <= 3 or not all(t.text[:1].isupper() and t.text[1:].islower() for t in chain):
        return []
    return chain


def _build_persons(
    doc: Doc, headline_end: int, quote_of_token: list[int]
) -> tuple[dict[str, _Person], dict[str, str]]:
    persons: dict[str, _Person] = {}
    headline_only: list[Span] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON" or "\n" in ent.text:
            continue
        if ent.start_char < headline_end:
            headline_only.append(ent)  # title-case headlines confuse the NER
            continue
        if quote_of_token[ent.start] >= 0:
            continue  # names inside quotes are not article mentions of speakers
        toks = _name_tokens(ent)
        if toks:
            _add_name(persons, doc, toks)
            # Title words the NER swallowed into the entity ("President Putin").
            persons[_clean_key(toks[-1].text)].descriptors |= {t.text.lower() for t in ent if t.i < toks[0].i}
    for tok in doc:
        if tok.idx >= headline_end and quote_of_token[tok.i] < 0:
            toks = _unlabelled_name(doc, tok)
            if toks:
                _add_name(persons, doc, toks)
    for ent in headline_only:
        toks = _name_tokens(ent)
        if len(toks) in (1, 2):
            key = _clean_key(toks[-1].text)
            if key not in persons and toks[-1].pos_ == "PROPN":
                name = _name_text(doc, toks)
                persons[key] = _Person(canonical=name, variants=[name])
    # Collect descriptors for every surname mention the NER mislabelled too.
    for tok in doc:
        key = _clean_key(tok.text)
        if key in persons and tok.pos_ == "PROPN" and quote_of_token[tok.i] < 0 and tok.idx >= headline_end:
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


def _clean_possessive(word: str) -> str:
    return re.sub(r"(['’]s|['’])$", "", word)


def _headline_end(text: str) -> int:
    """End of the headline: the first line, unless it reads as a sentence
    (a lede ending in a full stop is body text, not a title-cased headline)."""
    nl = text.find("\n")
    first = text[:nl] if nl >= 0 else text
    if not first.strip() or first.rstrip().endswith((".", "!", "?", "”", '"')):
        return 0
    return len(first)


def _build_article(doc: Doc, quotes: list[_RawQuote]) -> _Article:
    text = doc.text
    n = len(doc)
    quote_of_token = [-1] * n
    para_of_token = [0] * n
    paras = _paragraphs(text)
    q_idx = 0
    p_idx = 0
    for tok in doc:
        while q_idx < len(quotes) and quotes[q_idx].end <= tok.idx:
            q_idx += 1
        if q_idx < len(quotes) and quotes[q_idx].start <= tok.idx < quotes[q_idx].end:
            quote_of_token[tok.i] = q_idx
        while p_idx + 1 < len(paras) and paras[p_idx + 1][0] <= tok.idx:
            p_idx += 1
        para_of_token[tok.i] = p_idx
    headline_end = _headline_end(text)
    persons, first_names = _build_persons(doc, headline_end, quote_of_token)
    art = _Article(doc, text, quote_of_token, para_of_token, persons, first_names, headline_end)
    for tok in doc:
        key = _clean_key(tok.text)
        if key in persons and quote_of_token[tok.i] < 0:
            art.mentions.setdefault(key, []).append(tok.idx)
    return art


# --------------------------------------------------------------------------
# Step 3: cues
# --------------------------------------------------------------------------


@dataclass
class _Cue:
    start: int
    end: int
    verb: Token | None  # None for "according to"
    agent: Token | None  # explicit speaker token (pobj of "according to")


def _tokens_in(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token index range [i, j) covering the char range."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return 0, 0
    return span.start, span.end


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


def _according_to(doc: Doc, i: int) -> _Cue | None:
    tok = doc[i]
    if tok.lower_ == "according" and i + 1 < len(doc) and doc[i + 1].lower_ == "to":
        agent = next((c for c in doc[i + 1].children if c.dep_ == "pobj"), None)
        if agent is None and i + 2 < len(doc):
            agent = doc[i + 2]
        end = doc[i + 1].idx + len(doc[i + 1].text)
        return _Cue(tok.idx, end, None, agent)
    return None


def _cue_from_verb(verb: Token) -> _Cue:
    end = verb.idx + len(verb.text)
    for child in verb.children:
        if child.dep_ == "prt" and child.text.lower() in CUE_PARTICLES and child.i == verb.i + 1:
            end = child.idx + len(child.text)
    return _Cue(verb.idx, end, verb, None)


def _is_boundary(art: _Article, i: int, q_index: int) -> bool:
    """Sentence end or another quote stops a cue window."""
    tok = art.doc[i]
    other = art.quote_of_token[i]
    if other >= 0 and other != q_index and other not in art.titles:
        return True
    return tok.text in SENTENCE_END and other < 0


def _ends_sentence(art: _Article, q: _RawQuote, last_tok: int) -> bool:
    """True when a quoted sentence ends with its marks ('... relations.” The')
    so nothing after the closing mark can be its cue."""
    inner = _inner_text(art.text, q)
    if not inner.endswith((".", "!", "?")):
        return False
    nxt = _next_word(art, last_tok)
    return nxt is None or nxt.text[:1].isupper()


def _next_word(art: _Article, i: int) -> Token | None:
    doc = art.doc
    while i < len(doc) and doc[i].is_space:
        i += 1
    return doc[i] if i < len(doc) else None


def _same_sentence(art: _Article, a: int, b: int) -> bool:
    """No paragraph change or sentence end (outside quotes) between tokens a and b."""
    lo, hi = min(a, b), max(a, b)
    if art.para_of_token[lo] != art.para_of_token[hi]:
        return False
    return not any(art.doc[k].text in SENTENCE_END and art.quote_of_token[k] < 0 for k in range(lo + 1, hi))


def _trailing_cue(art: _Article, qi: int, q: _RawQuote, last_tok: int) -> _Cue | None:
    """',” Lavrov said' / ',” said Lavrov' / ',” according to X'."""
    doc = art.doc
    if last_tok <= 0 or _ends_sentence(art, q, last_tok):
        return None
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


def _governing_cue(art: _Article, qi: int, q: _RawQuote, first_tok: int, last_tok: int) -> _Cue | None:
    """A speech verb outside the quote, in its sentence, that the quote
    depends on in the parse ('described ties as “...”')."""
    doc = art.doc
    fallback: _Cue | None = None
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
                if not _same_sentence(art, head.i, anchor):
                    break  # the parser linked across a sentence or paragraph
                cue = _cue_from_verb(head)
                subj = _subject_of(art, head)
                if subj is not None and _animate(art, subj):
                    return cue
                if fallback is None:
                    fallback = cue
            if head.head.i == head.i:
                break
            head = head.head
            steps += 1
    return fallback


def _leading_cue(art: _Article, qi: int, q: _RawQuote, first_tok: int) -> _Cue | None:
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


# --------------------------------------------------------------------------
# Step 4: speaker mention and resolution
# --------------------------------------------------------------------------


def _own_subject(art: _Article, tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ in ("nsubj", "nsubjpass") and art.quote_of_token[child.i] < 0:
            return child
    return None


def _relative_antecedent(subj: Token) -> Token:
    """'Keep Kessler Clean, which campaigned ...' -> the noun 'which' stands for."""
    verb = subj.head
    if subj.tag_ in ("WP", "WDT") and verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    return subj


def _subject_of(art: _Article, verb: Token) -> Token | None:
    """The verb's subject; participles and coordinated verbs ("adding",
    "noting", "and promised") borrow the subject of the clause they hang from."""
    tok = verb
    for _ in range(4):
        subj = _own_subject(art, tok)
        if subj is not None:
            return _relative_antecedent(subj)
        participle = tok.dep_ == "acl" and tok.tag_ == "VBG" and tok.head.pos_ in ("NOUN", "PROPN")
        if participle and art.quote_of_token[tok.head.i] < 0:
            return tok.head  # "with the minister declaring"
        head = tok.head
        if tok.dep_ in ("advcl", "xcomp", "conj", "pcomp", "ccomp") and head.i != tok.i:
            if art.quote_of_token[head.i] >= 0:
                break  # attached into a quote: the parse is unreliable here
            tok = head
            continue
        break
    # Inverted order right after a quote: ',” said Lavrov.' / ',” said lead author Dr. Hannah Cole'
    before = _previous_word(art, verb.i)
    if verb.lemma_ != "tell" and before >= 0 and art.doc[before].text in DOUBLE_MARKS | {","}:
        for child in verb.rights:
            if (
                child.pos_ in ("PROPN", "NOUN")
                and child.dep_ in ("dobj", "attr", "npadvmod", "appos", "dative", "nsubj")
                and art.quote_of_token[child.i] < 0
                and _same_sentence(art, verb.i, child.i)
            ):
                return child
    return _nearest_subject_left(art, verb)


def _nearest_subject_left(art: _Article, verb: Token) -> Token | None:
    """Fallback for a broken parse: the closest subject, then the closest
    named entity, to the left of the verb in its sentence and outside quotes."""
    doc = art.doc
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
        if outside and entity is None and tok.ent_type_ in ("PERSON", "ORG") and tok.ent_iob_ != "O":
            ends_entity = tok.i + 1 >= len(doc) or doc[tok.i + 1].ent_iob_ != "I"
            if ends_entity:
                entity = tok
        j -= 1
    return entity


def _animate(art: _Article, tok: Token) -> bool:
    """Can this subject be a speaker we can name? ('which', 'tradition': no)."""
    if tok.pos_ == "PRON":
        return tok.lower_ in PERSON_PRONOUNS
    return _resolve_mention(art, tok) is not None


def _mention_span(art: _Article, head: Token) -> tuple[int, int]:
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
    return doc[i].idx, end_tok.idx + len(_clean_possessive(end_tok.text))


def _person_for_token(art: _Article, tok: Token) -> _Person | None:
    key = _clean_key(tok.text)
    if key in art.persons:
        return art.persons[key]
    if key in art.first_names:
        return art.persons[art.first_names[key]]
    for child in tok.children:
        if child.dep_ == "compound" and _clean_key(child.text) in art.persons:
            return art.persons[_clean_key(child.text)]
    return None


def _propn_name(tok: Token) -> str:
    """A proper-noun phrase the NER did not tag as a person."""
    parts = [t for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [tok]
    words = [_clean_possessive(t.text) for t in parts]
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


def _last_mention_before(art: _Article, key: str, pos: int) -> int:
    """Char offset of the last mention of a person before pos (or -1)."""
    offsets = art.mentions.get(key, [])
    i = bisect.bisect_left(offsets, pos)
    return offsets[i - 1] if i > 0 else -1


def _is_role(tok: Token) -> bool:
    """'the Russian President', 'his counterpart', 'the minister'."""
    if tok.pos_ not in ("NOUN", "PROPN"):
        return False
    return tok.lower_ in NAME_TITLES or any(c.dep_ in ("det", "poss") for c in tok.lefts)


def _resolve_role(art: _Article, tok: Token) -> str | None:
    """'the Russian minister' -> the person already named whose title words
    match best (head noun required, modifiers break ties, then recency)."""
    head, mods = _role_words(tok)
    wanted = ROLE_SYNONYMS.get(head, frozenset()) | {head, tok.lower_}
    best: tuple[int, int, str] | None = None
    for key, person in art.persons.items():
        desc = person.descriptors
        if not (wanted & desc):
            continue
        last = _last_mention_before(art, key, tok.idx)
        if last < 0:
            continue  # a role refers back to someone already named
        cand = (2 + len(mods & desc), last, person.canonical)
        if best is None or cand[:2] > best[:2]:
            best = cand
    return best[2] if best is not None else None


def _appos_name(tok: Token) -> Token | None:
    """'the group's director, Omar Haddad,' -> Haddad."""
    for child in tok.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN":
            return child
    return None


def _resolve_person(art: _Article, tok: Token) -> str | None:
    """Resolve a mention to a person's fullest name, or None."""
    if tok.pos_ == "PRON":
        return _resolve_pronoun(art, tok) if tok.lower_ in PERSON_PRONOUNS else None
    person = _person_for_token(art, tok)
    if person is not None:
        return person.canonical
    appos = _appos_name(tok)
    if appos is not None and _person_for_token(art, appos) is not None:
        return _person_for_token(art, appos).canonical
    if _is_role(tok):
        return _resolve_role(art, tok)
    return None


def _resolve_pronoun(art: _Article, tok: Token) -> str | None:
    """'he'/'she' -> the nearest earlier person in subject position outside
    quotes; failing that, the last resolved quote speaker."""
    if tok.i in art.pronoun_cache:
        return art.pronoun_cache[tok.i]
    art.pronoun_cache[tok.i] = None  # guards against cycles
    doc = art.doc
    result: str | None = None
    j = tok.i - 1
    while j >= 0 and tok.i - j <= _PRONOUN_LOOKBACK and result is None:
        cand = doc[j]
        if art.quote_of_token[j] < 0 and cand.dep_ in ("nsubj", "nsubjpass") and cand.idx >= art.headline_end:
            if cand.pos_ == "PRON":
                if cand.lower_ == tok.lower_:
                    result = _resolve_pronoun(art, cand)
            else:
                result = _resolve_person(art, cand)
        j -= 1
    if result is None:
        earlier = [name for pos, name in art.quote_speakers if pos < tok.idx]
        result = earlier[-1] if earlier else None
    art.pronoun_cache[tok.i] = result
    return result


def _org_fullest(art: _Article, name: str) -> str:
    """'Brightline' -> 'Brightline Software' when the article uses that."""
    words = name.lower().split()
    best = name
    for ent in art.doc.ents:
        if ent.label_ != "ORG" or "\n" in ent.text:
            continue
        full = _strip_det(ent.text)
        fw = full.lower().split()
        if fw[: len(words)] == words and len(fw) > len(best.split()):
            best = full
    return best


def _last_org_before(art: _Article, pos: int) -> str | None:
    found = None
    for ent in art.doc.ents:
        if ent.start_char >= pos:
            break
        if ent.label_ == "ORG" and art.quote_of_token[ent.start] < 0 and ent.start_char >= art.headline_end:
            found = _strip_det(ent.text)
    return _org_fullest(art, found) if found else None


def _strip_det(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", text, flags=re.IGNORECASE)


def _resolve_mention(art: _Article, tok: Token) -> str | None:
    """Resolve a speaker mention to a person, else an organisation or a
    proper name as written, else None ('one resident', 'both sides')."""
    person = _resolve_person(art, tok)
    if person is not None or tok.pos_ == "PRON":
        return person
    if tok.pos_ == "PROPN":
        ent = next((e for e in art.doc.ents if e.start <= tok.i < e.end), None)
        if ent is not None and ent.label_ in ("ORG", "NORP", "GPE", "FAC", "PERSON"):
            return _org_fullest(art, _strip_det(ent.text))
        if not _is_role(tok):
            return _propn_name(tok)
        return None
    if tok.pos_ == "NOUN":
        # "TASS news agency": a proper name inside a common-noun phrase.
        for child in tok.lefts:
            if child.pos_ == "PROPN" and child.ent_type_ in ("ORG", "PERSON"):
                return _resolve_mention(art, child)
        if tok.lemma_.lower() in ORG_NOUNS and any(c.lower_ == "the" for c in tok.lefts):
            return _last_org_before(art, tok.idx)  # "the company said"
    return None


# --------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------


def _clause_subject(art: _Article, tok: Token) -> Token | None:
    """Subject of the clause that contains tok."""
    root = tok
    for _ in range(50):
        if root.pos_ in ("VERB", "AUX") or root.head.i == root.i or art.quote_of_token[root.head.i] >= 0:
            break
        root = root.head
    return _subject_of(art, root) if root.pos_ in ("VERB", "AUX") else None


def _previous_word(art: _Article, i: int) -> int:
    """Index of the closest non-space token before i, or -1."""
    i -= 1
    while i >= 0 and art.doc[i].is_space:
        i -= 1
    return i


def _context_speaker(art: _Article, first_tok: int) -> Token | None:
    """Speaker of a quote with no cue, from what introduces it:
    'Collins was more cautious: “...”', 'Putin: “...”', the previous
    sentence ('“A,” he said. “B.”'), or the paragraph before a quote paragraph."""
    doc = art.doc
    j = _previous_word(art, first_tok)
    if j < 0 or (art.quote_of_token[j] >= 0 and art.quote_of_token[j] not in art.titles):
        return None
    if doc[j].text == ":":
        k = _previous_word(art, j)
        before = _previous_word(art, k) if k >= 0 else -1
        starts_line = before < 0 or doc[before].is_punct or art.para_of_token[before] != art.para_of_token[k]
        if k >= 0 and doc[k].pos_ == "PROPN" and starts_line:
            return doc[k]  # headline style 'Putin: “...”'
        # The colon itself may hang from the quote; climb from the word before it.
        return _clause_subject(art, doc[k]) if k >= 0 else None
    if doc[j].is_punct:
        j = _previous_word(art, j)
    if j < 0:
        return None
    if art.quote_of_token[j] >= 0:
        return None
    subj = _clause_subject(art, doc[j])
    if subj is None:
        return None
    if art.para_of_token[j] != art.para_of_token[first_tok] and _resolve_person(art, subj) is None:
        return None  # across paragraphs only a person subject is a safe guess
    return subj


def _is_label(art: _Article, first_tok: int, last_tok: int, n_words: int) -> bool:
    """'the “rainy day” fund': a short quoted phrase modifying the next noun."""
    if n_words > 4 or last_tok >= len(art.doc):
        return False
    nxt = art.doc[last_tok]
    if nxt.pos_ not in ("NOUN", "PROPN"):
        return False
    return any(t.head.i == nxt.i for t in art.doc[first_tok:last_tok])


def _score(closed: bool, partial: bool, cue: _Cue | None, speaker: str | None) -> float:
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


def _find_cue(
    art: _Article, qi: int, q: _RawQuote, first_tok: int, last_tok: int, partial: bool
) -> _Cue | None:
    trailing = _trailing_cue(art, qi, q, last_tok) if q.closed or q.trimmed else None
    governing = _governing_cue(art, qi, q, first_tok, last_tok)
    if partial:
        # A phrase inside a sentence hangs from the verb that reports it.
        return governing or trailing or _leading_cue(art, qi, q, first_tok)
    return trailing or governing or _leading_cue(art, qi, q, first_tok)


def _analyse_quote(
    art: _Article, qi: int, q: _RawQuote, prev: QuoteSuggestion | None
) -> QuoteSuggestion | None:
    doc, text = art.doc, art.text
    if qi in art.titles:
        return None
    first_tok, last_tok = _tokens_in(doc, q.start, q.end)
    if last_tok <= first_tok:
        return None
    partial = _is_partial(text, q)
    if partial and _is_label(art, first_tok, last_tok, len(_WORD_RE.findall(_inner_text(text, q)))):
        return None
    cue = _find_cue(art, qi, q, first_tok, last_tok, partial)
    if cue is None and partial:
        return None  # a phrase in quotes nobody is said to have said: scare quotes
    if cue is not None:
        mention = cue.agent if cue.verb is None else _subject_of(art, cue.verb)
    else:
        mention = _context_speaker(art, first_tok)
    speaker: str | None = None
    m_start = m_end = None
    if mention is not None and art.quote_of_token[mention.i] != qi:
        if mention.pos_ == "NOUN" or mention.lower_ in NAME_TITLES:
            mention = _appos_name(mention) or mention  # "the group's director, Omar Haddad"
        speaker = _resolve_mention(art, mention)
        m_start, m_end = _mention_span(art, mention)
    elif cue is None and prev is not None and prev.speaker is not None:
        # An unattributed quote right after another continues that speaker.
        prev_para = art.para_of_token[_tokens_in(doc, prev.start, prev.end)[0]]
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


def _trim_unclosed(doc: Doc, quotes: list[_RawQuote]) -> None:
    """An unclosed quote followed, inside its paragraph, by ', said X' or
    ', X said' most likely lost its closing mark before that comma."""
    for q in quotes:
        if q.closed:
            continue
        first, last = _tokens_in(doc, q.start, q.end)
        for i in range(first + 2, last):
            if doc[i].text != ",":
                continue
            window = [t for t in doc[i + 1 : min(last, i + 6)] if not t.is_space]
            sentence_ends = any(t.text in SENTENCE_END for t in window[:2])
            if any(_is_speech_verb(t) for t in window[:4]) and not sentence_ends:
                q.end = doc[i].idx + 1
                q.trimmed = True
                break


def suggest_quotes(doc: Doc) -> list[QuoteSuggestion]:
    """Every direct quote in doc, in text order, with its cue and resolved speaker."""
    try:
        text = doc.text
        if not text or not any(c in DOUBLE_MARKS for c in text):
            return []
        raw = _pair_marks(text)
        if not raw:
            return []
        _trim_unclosed(doc, raw)
        art = _build_article(doc, raw)
        art.titles = {qi for qi, q in enumerate(raw) if _looks_like_name_or_title(text, q)}
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
