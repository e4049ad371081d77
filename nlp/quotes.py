"""Direct-quote and speaker detection over a parsed spaCy Doc.

Pure rules over the Doc the pipeline already produced (tokens, POS, lemmas,
dependency parse, entities): no second model, roughly linear in the text.

Pipeline, per article:

1. Find double quote marks (curly and straight) and pair them paragraph by
   paragraph.  Pairing restarts at every paragraph, so one stray mark can only
   damage its own paragraph.  A paragraph that ends inside a quote continues
   the quote when the next paragraph opens with a quote mark (the news
   convention for multi-paragraph quotes); otherwise the quote is taken to run
   to the end of its paragraph (a missing closing mark).
2. Drop quote-marked spans that are not quotations: single words (scare
   quotes), title-cased names and titles ("Russia Calling!"), spans introduced
   by "so-called", "dubbed", "titled", ...  Partial quotes (a phrase inside a
   sentence) are kept only when a speech cue governs them.
3. Find the cue: a speech verb right after the quote (`,” Lavrov said`), a
   speech verb that governs the quote in the parse (`described ties as “...”`),
   the nearest speech verb before the quote (`declaring, “...”`, `said: “...”`,
   a previous paragraph ending with a colon), or "according to".
4. The speaker mention is the cue's subject (climbing participles such as
   "adding", "noting" to the clause that has one).  It is resolved to a name
   with the article's own mentions: person names are grouped by surname and
   given their fullest form; pronouns go to the most recent person subject;
   role nouns ("the Russian minister") go to the person whose title words
   ("Russian Foreign Minister Sergei Lavrov") best match.
"""

from __future__ import annotations

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

SPEECH_LEMMAS: frozenset[str] = frozenset(
    ["say", "tell", "add", "note", "remark", "stress", "explain", "declare", "state", "announce", "insist", "claim", "argue", "warn", "ask", "reply", "respond", "answer", "write", "tweet", "post", "comment", "observe", "emphasize", "emphasise", "underline", "underscore", "point", "describe", "call", "conclude", "continue", "recall", "admit", "acknowledge", "confirm", "deny", "suggest", "predict", "promise", "pledge", "vow", "urge", "caution", "joke", "quip", "complain", "concede", "agree", "mention", "assert", "maintain", "report", "reiterate", "highlight", "shout", "whisper", "cry", "exclaim", "lament", "boast", "murmur", "recount", "testify", "sum", "put", "characterise", "characterize", "assure", "accuse", "criticise", "criticize", "praise", "hail", "thank", "recommend", "demand", "proclaim", "retort", "counter", "begin", "told"]
)

# Particles that belong to the cue ("pointed out", "summed up").
CUE_PARTICLES = frozenset({"out", "up", "on"})

# Words that introduce a name or title in quotes rather than a quotation.
NAMING_WORDS = frozenset(
    {"so-called", "dubbed", "titled", "entitled", "named", "nicknamed", "labelled", "labeled", "branded", "styled"}
)

# Function words ignored by the title-case test ("Toward a New Agenda").
FUNCTION_WORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "from", "by", "with", "as", "into", "onto", "upon", "vs", "via", "per", "than", "over", "under", "about"]
)

# Leading words stripped from person names ("EAM Jaishankar" -> "Jaishankar").
NAME_TITLES = frozenset(
    ["mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "rev", "fr", "sen", "rep", "gov", "gen", "col", "capt", "lt", "sgt", "president", "minister", "prime", "premier", "chancellor", "secretary", "ambassador", "chief", "judge", "justice", "mayor", "governor", "senator", "king", "queen", "prince", "princess", "pm", "cm", "eam", "mp", "mla", "nsa", "ceo", "cfo", "coo", "chairman", "chairwoman", "chair", "spokesperson", "spokesman", "spokeswoman", "director", "professor", "doctor", "general", "foreign", "external", "affairs", "deputy", "vice", "acting", "former", "late"]
)

# Role nouns that stand for several concrete titles.
ROLE_SYNONYMS: dict[str, frozenset[str]] = {
    "leader": frozenset({"president", "premier", "prime", "chancellor", "king", "queen", "leader", "head", "chief"}),
    "diplomat": frozenset({"minister", "ambassador", "envoy", "counterpart", "diplomat", "secretary"}),
    "official": frozenset({"minister", "secretary", "official", "spokesperson", "spokesman", "spokeswoman", "director"}),
    "spokesman": frozenset({"spokesperson", "spokesman", "spokeswoman"}),
    "spokeswoman": frozenset({"spokesperson", "spokesman", "spokeswoman"}),
    "spokesperson": frozenset({"spokesperson", "spokesman", "spokeswoman"}),
    "premier": frozenset({"premier", "prime"}),
    "counterpart": frozenset({"counterpart", "minister"}),
    "executive": frozenset({"ceo", "executive", "chief"}),
    "boss": frozenset({"ceo", "executive", "chief", "head", "director"}),
    "lawmaker": frozenset({"senator", "representative", "lawmaker", "mp", "legislator"}),
    "legislator": frozenset({"senator", "representative", "lawmaker", "mp", "legislator"}),
    "coach": frozenset({"coach", "manager"}),
    "manager": frozenset({"coach", "manager"}),
}

PERSON_PRONOUNS = frozenset({"he", "she"})
# Pronouns that never name a speaker we can resolve.
NON_PERSON_PRONOUNS = frozenset({"it", "which", "that", "this", "what", "who", "they", "we", "i", "you", "there"})

ORG_NOUNS = frozenset(
    ["company", "firm", "ministry", "agency", "group", "council", "department", "union", "government", "court", "police", "party", "committee", "commission", "organisation", "organization", "association", "bank", "board", "office", "authority", "institute", "university", "club", "campaign", "coalition", "charity", "team"]
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
            if nxt is not None and text[nxt[0]] in DOUBLE_MARKS and _mark_direction(text, nxt[0], False) == "open":
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
    if len(words) <= 1:
        return True  # scare quotes around a single word, or empty marks
    if _word_before(text, q.start) in NAMING_WORDS:
        return True
    if len(words) <= 10 and _is_title_case(words):
        return True
    return False


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
        if t.pos_ in ("PROPN", "NOUN", "ADJ") and "\n" not in t.text_with_ws and not t.ent_type_ == "PERSON":
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


def _build_persons(doc: Doc, headline_end: int, quote_of_token: list[int]) -> tuple[dict[str, _Person], dict[str, str]]:
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
        if not toks:
            continue
        key = _clean_key(toks[-1].text)
        name = " ".join(_clean_possessive(t.text) for t in toks)
        person = persons.setdefault(key, _Person(canonical=name))
        person.variants.append(name)
        if len(name.split()) > len(person.canonical.split()):
            person.canonical = name
        person.descriptors |= _descriptor_words(doc, toks[0].i, toks[-1].i)
        # Title words the NER swallowed into the entity ("President Putin").
        person.descriptors |= {t.text.lower() for t in ent if t.i < toks[0].i}
    for ent in headline_only:
        toks = _name_tokens(ent)
        if len(toks) in (1, 2):
            key = _clean_key(toks[-1].text)
            if key not in persons and toks[-1].pos_ == "PROPN":
                name = " ".join(_clean_possessive(t.text) for t in toks)
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
    return _Article(doc, text, quote_of_token, para_of_token, persons, first_names, headline_end)


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
        return any(c.dep_ == "prt" for c in tok.children) or (lemma == "put" and any(
            c.text.lower() == "it" for c in tok.children
        ))
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
    """Sentence end, another quote, or a paragraph change stops a cue window."""
    tok = art.doc[i]
    other = art.quote_of_token[i]
    if other >= 0 and other != q_index and other not in art.titles:
        return True
    return tok.text in SENTENCE_END and other < 0


def _trailing_cue(art: _Article, qi: int, q: _RawQuote, last_tok: int) -> _Cue | None:
    doc = art.doc
    inner = _inner_text(art.text, q)
    i = last_tok
    steps = 0
    para = art.para_of_token[last_tok - 1] if last_tok > 0 else 0
    while i < len(doc) and steps < _MAX_CUE_DISTANCE:
        tok = doc[i]
        if art.para_of_token[i] != para or _is_boundary(art, i, qi):
            return None
        if steps == 0 and inner.endswith(".") and tok.text[:1].isupper():
            return None  # the quoted sentence ended; a new sentence starts
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


def _governing_cue(art: _Article, qi: int, first_tok: int, last_tok: int) -> _Cue | None:
    """A speech verb outside the quote that the quote depends on in the parse."""
    doc = art.doc
    fallback: _Cue | None = None
    seen: set[int] = set()
    for t in doc[first_tok:last_tok]:
        head = t.head
        if art.quote_of_token[head.i] == qi:
            continue
        steps = 0
        while head.i not in seen and steps < 8:
            seen.add(head.i)
            if art.quote_of_token[head.i] < 0 and _is_speech_verb(head):
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
    i = first_tok - 1
    para = art.para_of_token[first_tok] if first_tok < len(doc) else 0
    steps = 0
    crossed = False
    while i >= 0 and steps < _MAX_LEAD_DISTANCE:
        tok = doc[i]
        if art.para_of_token[i] != para:
            if crossed or not doc[i].text == ":" or i + 1 != first_tok:
                return None
            crossed = True  # "...the state of negotiations:" then the quote
            para = art.para_of_token[i]
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


def _subject_of(art: _Article, verb: Token) -> Token | None:
    """The verb's subject; participles ("adding", "noting") borrow the
    subject of the clause they hang from."""
    tok = verb
    for _ in range(4):
        for child in tok.children:
            if child.dep_ in ("nsubj", "nsubjpass") and art.quote_of_token[child.i] < 0:
                return child
        if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN"):
            return tok.head  # "with the minister declaring"
        if tok.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acl", "relcl", "ccomp") and tok.head.i != tok.i:
            if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN"):
                return tok.head  # "Lavrov, who said ..."
            tok = tok.head
            continue
        break
    # Inverted order: ', said Lavrov.'
    for child in verb.rights:
        if child.pos_ in ("PROPN", "NOUN") and child.dep_ in ("dobj", "attr", "npadvmod", "appos", "dative", "nsubj"):
            if verb.lemma_ != "tell" and art.quote_of_token[child.i] < 0:
                return child
    return None


def _animate(art: _Article, tok: Token) -> bool:
    if tok.pos_ == "PRON":
        return tok.lower_ in PERSON_PRONOUNS
    return tok.lower_ not in NON_PERSON_PRONOUNS


def _mention_span(art: _Article, head: Token, q: _RawQuote) -> tuple[int, int]:
    """Char span of the noun phrase headed by `head`, up to the head."""
    left = head.left_edge
    # Keep the mention outside the quote and on the head's line.
    i = left.i
    while i < head.i and (art.quote_of_token[i] >= 0 or "\n" in art.doc[i : head.i + 1].text):
        i += 1
    while i < head.i and art.doc[i].is_punct:
        i += 1
    right = head.i
    if head.ent_type_ and head.ent_iob_ != "O":
        # Extend over the rest of a multi-token name ("Sergei Lavrov").
        while right + 1 < len(art.doc) and art.doc[right + 1].ent_iob_ == "I" and art.doc[right + 1].pos_ == "PROPN":
            right += 1
    start = art.doc[i].idx
    end_tok = art.doc[right]
    end = end_tok.idx + len(_clean_possessive(end_tok.text))
    return start, end


def _person_for_token(art: _Article, tok: Token) -> _Person | None:
    key = _clean_key(tok.text)
    if key in art.persons:
        return art.persons[key]
    if key in art.first_names:
        return art.persons[art.first_names[key]]
    # "Sergei Lavrov" where the head is an unregistered given name, etc.
    for child in tok.children:
        if child.dep_ == "compound" and _clean_key(child.text) in art.persons:
            return art.persons[_clean_key(child.text)]
    return None


def _propn_name(art: _Article, tok: Token) -> str:
    """A proper-noun phrase the NER did not tag as a person."""
    parts = [t for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [tok]
    words = [_clean_possessive(t.text) for t in parts]
    while len(words) > 1 and words[0].lower().rstrip(".") in NAME_TITLES:
        words = words[1:]
    return " ".join(words)


def _role_words(tok: Token) -> tuple[str, set[str]]:
    mods = {
        c.lemma_.lower()
        for c in tok.subtree
        if c.i < tok.i and c.pos_ in ("ADJ", "NOUN", "PROPN") and c.dep_ in ("amod", "compound", "nmod")
    }
    mods |= {c.text.lower() for c in tok.subtree if c.i < tok.i and c.pos_ in ("ADJ", "NOUN", "PROPN")}
    return tok.lemma_.lower(), mods


def _last_mention_before(art: _Article, key: str, pos: int) -> int:
    """Char offset of the last mention of a person before pos (or -1)."""
    best = -1
    for tok in art.doc:
        if tok.idx >= pos:
            break
        if _clean_key(tok.text) == key and art.quote_of_token[tok.i] < 0:
            best = tok.idx
    return best


def _resolve_role(art: _Article, tok: Token) -> str | None:
    """'the Russian minister' -> the person whose title words match best."""
    head, mods = _role_words(tok)
    wanted = ROLE_SYNONYMS.get(head, frozenset()) | {head}
    best: tuple[int, int, str] | None = None
    for key, person in art.persons.items():
        desc = person.descriptors
        if not (wanted & desc):
            continue
        last = _last_mention_before(art, key, tok.idx)
        if last < 0:
            continue  # a role refers back to someone already named
        score = 2 + len(mods & desc)
        cand = (score, last, person.canonical)
        if best is None or cand[:2] > best[:2]:
            best = cand
    if best is not None:
        return best[2]
    if head in ORG_NOUNS:
        return _last_org_before(art, tok.idx)
    return None


def _last_org_before(art: _Article, pos: int) -> str | None:
    found = None
    for ent in art.doc.ents:
        if ent.start_char >= pos:
            break
        if ent.label_ == "ORG" and art.quote_of_token[ent.start] < 0 and ent.start_char >= art.headline_end:
            found = _strip_det(ent.text)
    return found


def _strip_det(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", text, flags=re.IGNORECASE)


def _resolve_pronoun(art: _Article, tok: Token) -> str | None:
    if tok.i in art.pronoun_cache:
        return art.pronoun_cache[tok.i]
    art.pronoun_cache[tok.i] = None  # guards against cycles
    doc = art.doc
    result: str | None = None
    j = tok.i - 1
    while j >= 0 and tok.i - j <= _PRONOUN_LOOKBACK:
        cand = doc[j]
        if art.quote_of_token[j] < 0 and cand.dep_ in ("nsubj", "nsubjpass") and cand.idx >= art.headline_end:
            if cand.pos_ == "PRON":
                if cand.lower_ == tok.lower_:
                    result = _resolve_pronoun(art, cand)
            else:
                result = _resolve_mention(art, cand, allow_pronoun=False)
            if result is not None and (cand.pos_ == "PRON" or _person_for_token(art, cand) is not None
                                        or cand.pos_ == "NOUN"):
                break
            result = None
        j -= 1
    if result is None:
        earlier = [name for pos, name in art.quote_speakers if pos < tok.idx]
        result = earlier[-1] if earlier else None
    art.pronoun_cache[tok.i] = result
    return result


def _resolve_mention(art: _Article, tok: Token, allow_pronoun: bool = True) -> str | None:
    """Resolve a speaker mention head to a name, or None."""
    if tok.pos_ == "PRON":
        if allow_pronoun and tok.lower_ in PERSON_PRONOUNS:
            return _resolve_pronoun(art, tok)
        return None
    person = _person_for_token(art, tok)
    if person is not None:
        return person.canonical
    if tok.lower_ in NAME_TITLES or any(c.dep_ in ("det", "poss") for c in tok.lefts):
        # "the Russian President", "his Russian counterpart": a role, not a name.
        role = _resolve_role(art, tok)
        if role is not None or tok.pos_ == "NOUN":
            return role
    if tok.pos_ == "PROPN":
        if tok.ent_type_ in ("ORG", "NORP", "GPE", "FAC"):
            ent = next((e for e in art.doc.ents if e.start <= tok.i < e.end), None)
            if ent is not None:
                return _strip_det(ent.text)
        return _propn_name(art, tok)
    if tok.pos_ == "NOUN":
        # "TASS news agency": a proper name inside a common-noun phrase.
        for child in tok.lefts:
            if child.pos_ == "PROPN" and child.ent_type_ in ("ORG", "PERSON"):
                return _resolve_mention(art, child)
    return None


# --------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------


def _previous_sentence_subject(art: _Article, first_tok: int) -> Token | None:
    """Subject of the sentence just before a quote with no cue, same paragraph."""
    doc = art.doc
    if first_tok <= 0:
        return None
    para = art.para_of_token[first_tok]
    j = first_tok - 1
    while j >= 0 and doc[j].is_punct and art.para_of_token[j] == para:
        j -= 1
    if j < 0 or art.para_of_token[j] != para:
        return None
    if art.quote_of_token[j] >= 0:
        return None
    root = doc[j]
    while root.head.i != root.i:
        root = root.head
    if _is_speech_verb(root) or root.pos_ in ("VERB", "AUX"):
        return _subject_of(art, root)
    return None


def _headline_colon_speaker(art: _Article, first_tok: int) -> Token | None:
    """'Putin: “India is a friend”' - a name, a colon, then the quote."""
    doc = art.doc
    if first_tok >= 2 and doc[first_tok - 1].text == ":" and doc[first_tok - 2].pos_ == "PROPN":
        return doc[first_tok - 2]
    return None


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


def _analyse_quote(art: _Article, qi: int, q: _RawQuote, prev: QuoteSuggestion | None) -> QuoteSuggestion | None:
    doc, text = art.doc, art.text
    if qi in art.titles:
        return None
    first_tok, last_tok = _tokens_in(doc, q.start, q.end)
    if last_tok <= first_tok:
        return None
    partial = _is_partial(text, q)
    if partial:
        order = (_governing_cue, _trailing_cue, _leading_cue)
    else:
        order = (_trailing_cue, _governing_cue, _leading_cue)
    cue: _Cue | None = None
    for finder in order:
        if finder is _governing_cue:
            cue = _governing_cue(art, qi, first_tok, last_tok)
        elif finder is _trailing_cue:
            cue = _trailing_cue(art, qi, q, last_tok) if q.closed else None
        else:
            cue = _leading_cue(art, qi, q, first_tok)
        if cue is not None:
            break
    mention: Token | None = None
    if cue is not None:
        mention = cue.agent if cue.verb is None else _subject_of(art, cue.verb)
    elif partial:
        return None  # a phrase in quotes nobody is said to have said: scare quotes
    else:
        mention = _headline_colon_speaker(art, first_tok) or _previous_sentence_subject(art, first_tok)
    speaker: str | None = None
    m_start = m_end = None
    if mention is not None and art.quote_of_token[mention.i] != qi:
        speaker = _resolve_mention(art, mention)
        m_start, m_end = _mention_span(art, mention, q)
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


def suggest_quotes(doc: Doc) -> list[QuoteSuggestion]:
    """Every direct quote in doc, in text order, with its cue and resolved speaker."""
    try:
        text = doc.text
        if not text or not any(c in DOUBLE_MARKS for c in text):
            return []
        raw = _pair_marks(text)
        if not raw:
            return []
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
