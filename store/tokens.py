"""Token offsets for exports, and mapping character spans onto tokens."""

from __future__ import annotations

import bisect
import re

# Used only for articles never analysed: close to spaCy's split on plain prose.
FALLBACK_TOKEN = re.compile(r"\w+(?:['’]\w+)?|[^\w\s]")


def fallback_tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in FALLBACK_TOKEN.finditer(text)]


def token_span(tokens: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """Indices of the first and last token (inclusive, as Prodigy has it) that [start, end) touches."""
    if not tokens:
        return None
    # Binary searches on the (sorted) tokens themselves: no per-call lists, O(log n).
    first = bisect.bisect_right(tokens, start, key=lambda t: t[1])  # first token ending after start
    last = bisect.bisect_left(tokens, end, key=lambda t: t[0]) - 1  # last token starting before end
    if first > last or first >= len(tokens):
        return None
    return first, last


# Used only for articles never analysed, so sentence keys work before spaCy has run.
FALLBACK_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)|\n")


def fallback_sentences(text: str) -> list[tuple[int, int]]:
    sentences: list[tuple[int, int]] = []
    start = 0
    for m in FALLBACK_SENTENCE_END.finditer(text):
        end = m.end() if m.group() != "\n" else m.start()
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            sentences.append((start + lead, start + len(piece.rstrip())))
        start = m.end()
    tail = text[start:]
    if tail.strip():
        lead = len(tail) - len(tail.lstrip())
        sentences.append((start + lead, start + len(tail.rstrip())))
    return sentences
