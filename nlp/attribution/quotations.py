"""Step 2: is a quote-marked span a quotation?

Single words are scare quotes (a capitalised one-word reply like “No,” is kept);
title-cased names and titles ("Russia Calling!"), and spans after "so-called",
"dubbed", "titled", ..., are names; a short phrase modifying the next noun (the
“rainy day” fund) is a label, and a quoted noun phrase that is the object of an infinitive
(pledged to prepare a “solid package of documents”, asked him to pass his “best wishes”)
names a thing to be acted on rather than quoting anyone. A partial quote (a phrase inside a
sentence) is kept only when a speech cue governs it, which suggest decides once the cues are found.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newsmark.nlp.attribution.lexicons import FUNCTION_WORDS, NAMING_WORDS, SPEECH_LEMMAS
from newsmark.nlp.attribution.marks import RawQuote

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc


_WORD_RE = re.compile(r"[^\W_][\w'’\-.]*")


def inner_text(text: str, q: RawQuote) -> str:
    inner = text[q.start + 1 : q.end - 1] if q.closed else text[q.start + 1 : q.end]
    return inner.replace("“", " ").replace("”", " ").replace('"', " ").strip()


def _is_title_case(words: list[str]) -> bool:
    content = [w for w in words if w.lower() not in FUNCTION_WORDS]
    return bool(content) and all(w[0].isupper() or w[0].isdigit() for w in content)


def _word_before(text: str, pos: int) -> str:
    m = re.search(r"([\w\-]+)\W*$", text[max(0, pos - 40) : pos])
    return m.group(1).lower() if m else ""


def looks_like_name_or_title(text: str, q: RawQuote) -> bool:
    inner = inner_text(text, q)
    words = _WORD_RE.findall(inner)
    if not words:
        return True
    if len(words) == 1:
        # “No,” he said / “Never!” is a one-word reply; “surprised” is a scare quote.
        return not (inner[:1].isupper() and inner[-1:] in ",.!?")
    if _word_before(text, q.start) in NAMING_WORDS:
        return True
    return len(words) <= 10 and _is_title_case(words)


def is_partial(text: str, q: RawQuote) -> bool:
    """A phrase quoted inside a sentence rather than a quoted sentence."""
    inner = inner_text(text, q)
    first_alpha = next((c for c in inner if c.isalpha()), "")
    if first_alpha and first_alpha.islower():
        return True
    return len(_WORD_RE.findall(inner)) < 4 and not inner.rstrip(",").endswith((".", "!", "?"))


def is_label(doc: Doc, text: str, q: RawQuote, first_tok: int, last_tok: int) -> bool:
    """'the “rainy day” fund': a short quoted phrase modifying the next noun.

    first_tok, last_tok: the quote's token range [first, last) in doc; text is doc.text.
    """
    if len(_WORD_RE.findall(inner_text(text, q))) > 4 or last_tok >= len(doc):
        return False
    nxt = doc[last_tok]
    if nxt.pos_ not in ("NOUN", "PROPN"):
        return False
    return any(t.head.i == nxt.i for t in doc[first_tok:last_tok])


def is_object_of_an_infinitive(doc: Doc, first_tok: int, last_tok: int) -> bool:
    """'pledged to prepare a “solid package of documents”': the quoted phrase is a noun phrase
    whose verb, outside the quote, is an infinitive that does not report speech.

    first_tok, last_tok: the quote's token range [first, last) in doc.
    """
    root = next(
        (t for t in doc[first_tok:last_tok] if not t.is_punct and not first_tok <= t.head.i < last_tok), None
    )
    if root is None or root.pos_ not in ("NOUN", "PROPN") or root.dep_ not in ("dobj", "pobj"):
        return False
    verb = root.head.head if root.dep_ == "pobj" else root.head
    if verb.pos_ != "VERB" or verb.lemma_.lower() in SPEECH_LEMMAS:
        return False
    return verb.dep_ == "xcomp" or any(c.tag_ == "TO" for c in verb.lefts)
