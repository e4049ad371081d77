"""Step 1: pair double quote marks into quote-marked spans.

Curly “”, straight " and guillemets «» are paired paragraph by paragraph (a paragraph
is a non-blank line). Pairing restarts at every paragraph, so one stray mark can only
damage its own paragraph. A quoted sentence (capitalised) that reaches the end of its
paragraph continues when the next paragraph opens with a quote mark (the news
convention for multi-paragraph quotes); otherwise it ran unclosed to the end of its
paragraph (cues.trim_unclosed may later cut it at a ', said X' that follows it).

Pure string work: no parse needed.
"""

from __future__ import annotations

from dataclasses import dataclass

DOUBLE_MARKS = frozenset('“”"«»')
OPENING_GLYPHS = frozenset("“«")
CLOSING_GLYPHS = frozenset("”»")


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


def pair_marks(text: str) -> list[RawQuote]:
    paras = paragraphs(text)
    quotes: list[RawQuote] = []
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
                quotes.append(RawQuote(open_at, i + 1, True, p_idx))
                open_at = None
            # A closing mark with nothing open is a stray mark (or inches): skip.
        if carried is not None:
            # The previous paragraph ended inside a quote but this one does
            # not continue it: the quote ran to its paragraph's end unclosed.
            prev_end = paras[p_idx - 1][1]
            quotes.append(RawQuote(carried, prev_end, False, p_idx - 1))
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
                quotes.append(RawQuote(open_at, p_end, False, p_idx))
    if carried is not None and paras:
        quotes.append(RawQuote(carried, paras[-1][1], False, len(paras) - 1))
    quotes.sort(key=lambda q: q.start)
    return quotes
