"""Step 1: pair quote marks into quote-marked spans.

Double marks (curly “”, straight " and guillemets «») and single marks (curly ‘’ and straight ',
British style) are paired paragraph by paragraph (a paragraph is a non-blank line), each kind
on its own; a span inside another (an inner quotation, “He said ‘no’”) belongs to the outer one
and is dropped. Pairing restarts at every paragraph, so one stray mark can only damage its own
paragraph. A quoted sentence (capitalised) that reaches the end of its paragraph continues when
the next paragraph opens with the same kind of mark (the news convention for multi-paragraph
quotes); otherwise a double-quoted one ran unclosed to the end of its paragraph (cues.trim_unclosed
may later cut it at a ', said X' that follows it), and a single-quoted one was an apostrophe.

A single mark is an apostrophe, not a quote mark, between two letters or digits (don't, it’s,
O'Brien), before a decade or a clipped word ('90s, ’em), and after a plural's s (Jones', the
players' wives) unless no other mark can close the quote.

Pure string work: no parse needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

DOUBLE_MARKS = frozenset('“”"«»')
SINGLE_MARKS = frozenset("‘’'")
QUOTE_MARKS = DOUBLE_MARKS | SINGLE_MARKS
OPENING_GLYPHS = frozenset("“«‘")
CLOSING_GLYPHS = frozenset("”»’")
_OPENS_AFTER = frozenset("([{—–/-")
_CLOSES_BEFORE = frozenset(".,;:!?)]}—–-")
# Words that lose their first letters to an apostrophe ('em, ’til, 'n'): orthography, not quotation.
_CLIPPED = re.compile(r"(em|til|tis|twas|n|cause)\b")


@dataclass
class RawQuote:
    """A quote-marked span, before anything decides whether it is a quotation."""

    start: int  # char offset of the opening mark
    end: int  # end exclusive: after the closing mark, or the paragraph's end when unclosed
    closed: bool
    paragraph: int  # index into paragraphs(text) of the paragraph the span ends in
    trimmed: bool = False  # unclosed, but cut at the ', said X' that follows it


def paragraphs(text: str) -> list[tuple[int, int]]:
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


def _neighbours(text: str, i: int) -> tuple[str, str]:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return prev, nxt


def _double_direction(text: str, i: int, inside: bool) -> str:
    """'open' or 'close' for the double mark at text[i].

    The surrounding characters decide when they are unambiguous (a mark after
    a space and before a letter opens), so a wrong-way curly glyph still pairs;
    otherwise the glyph decides, and a straight mark toggles.
    """
    prev, nxt = _neighbours(text, i)
    opens = (prev.isspace() or prev in _OPENS_AFTER) and not nxt.isspace()
    closes = not prev.isspace() and (nxt.isspace() or nxt in _CLOSES_BEFORE)
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


def _single_direction(text: str, i: int, inside: bool) -> str:
    """'open', 'close', 'weak' (a close that may be a plural's apostrophe) or '' (an apostrophe)."""
    prev, nxt = _neighbours(text, i)
    if prev.isalnum() and nxt.isalnum():
        return ""  # don't, it’s, O'Brien
    if (prev.isspace() or prev in _OPENS_AFTER or prev in DOUBLE_MARKS) and (nxt.isalnum() or nxt in '“"'):
        rest = text[i + 1 : i + 7].lower()
        if nxt.isdigit() and rest[:2].isdigit() and not rest[2:3].isdigit():
            return ""  # '90s, ’24
        return "" if _CLIPPED.match(rest) else "open"
    if not prev.isspace() and (nxt.isspace() or nxt in _CLOSES_BEFORE or nxt in DOUBLE_MARKS):
        if prev in "sS" and nxt.isspace():
            return "weak"  # "the players' wives" or "... more jobs' she said"
        return "close"
    return ""


def _pair_paragraph(
    text: str, p_start: int, p_end: int, marks: frozenset[str], direction: Callable[[str, int, bool], str]
) -> tuple[list[tuple[int, int]], int | None, int | None]:
    """Closed (open, end) pairs in one paragraph, the position of an opener left unclosed, and
    of the paragraph's first mark when it opens (a continued quote's repeated mark)."""
    pairs: list[tuple[int, int]] = []
    open_at: int | None = None
    weak_close: int | None = None
    first_open: int | None = None
    seen_mark = False
    for i in range(p_start, p_end):
        ch = text[i]
        if ch not in marks:
            continue
        d = direction(text, i, open_at is not None)
        if not d:
            continue
        if not seen_mark:
            seen_mark = True
            if d == "open":
                first_open = i
        if d == "open":
            if open_at is not None and ch == '"':
                d = "close"  # a straight double mark while open closes
            else:
                if open_at is not None and weak_close is not None:
                    pairs.append((open_at, weak_close + 1))
                open_at, weak_close = i, None  # an earlier unclosed opener was a stray mark
                continue
        if open_at is None:
            continue  # a closing mark with nothing open: a stray mark, inches, an apostrophe
        if d == "weak":
            if weak_close is None:
                weak_close = i
            continue
        pairs.append((open_at, i + 1))
        open_at, weak_close = None, None
    if open_at is not None and weak_close is not None:
        pairs.append((open_at, weak_close + 1))
        open_at = None
    return pairs, open_at, first_open


def _starts_sentence(text: str, open_at: int) -> bool:
    """Only a quoted sentence (capitalised) runs on into the next paragraph;
    a quoted phrase that lost its closing mark does not."""
    first_alpha = next((c for c in text[open_at + 1 : open_at + 40] if c.isalpha()), "")
    return first_alpha.isupper()


def _pair_kind(
    text: str,
    paras: list[tuple[int, int]],
    marks: frozenset[str],
    direction: Callable[[str, int, bool], str],
    keep_unclosed: bool,
) -> list[RawQuote]:
    quotes: list[RawQuote] = []
    per_para = [_pair_paragraph(text, s, e, marks, direction) for s, e in paras]
    carried: int | None = None  # opening offset of a quote running over paragraphs
    for p_idx, (pairs, unclosed, first_open) in enumerate(per_para):
        if carried is not None:
            continues_with_pair = bool(pairs) and pairs[0][0] == first_open
            if continues_with_pair:
                # The repeated opening mark of a continued paragraph, closed in it.
                quotes.append(RawQuote(carried, pairs[0][1], True, p_idx))
                pairs = pairs[1:]
            elif first_open is not None and unclosed == first_open:
                unclosed = carried  # runs on again
            elif keep_unclosed:
                # This paragraph does not continue it: it ran to its paragraph's end unclosed.
                quotes.append(RawQuote(carried, paras[p_idx - 1][1], False, p_idx - 1))
            carried = None
        quotes += [RawQuote(s, e, True, p_idx) for s, e in pairs]
        if unclosed is not None:
            nxt = per_para[p_idx + 1] if p_idx + 1 < len(paras) else None
            if nxt is not None and nxt[2] == paras[p_idx + 1][0] and _starts_sentence(text, unclosed):
                carried = unclosed
            elif keep_unclosed:
                quotes.append(RawQuote(unclosed, paras[p_idx][1], False, p_idx))
    if carried is not None and keep_unclosed:
        quotes.append(RawQuote(carried, paras[-1][1], False, len(paras) - 1))
    return quotes


def _outermost(quotes: list[RawQuote]) -> list[RawQuote]:
    """Drop spans inside (or crossing into) an earlier-starting one: inner quotations and debris."""
    kept: list[RawQuote] = []
    for q in sorted(quotes, key=lambda q: (q.start, -q.end)):
        if kept and q.start < kept[-1].end:
            continue
        kept.append(q)
    return kept


def pair_marks(text: str) -> list[RawQuote]:
    paras = paragraphs(text)
    quotes = _pair_kind(text, paras, DOUBLE_MARKS, _double_direction, keep_unclosed=True)
    if any(c in SINGLE_MARKS for c in text):
        quotes += _pair_kind(text, paras, SINGLE_MARKS, _single_direction, keep_unclosed=False)
    return _outermost(quotes)
