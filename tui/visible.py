"""Text from files is shown, never interpreted: control characters become visible symbols."""

from __future__ import annotations

# Embeddings, overrides and isolates (U+202A-202E, U+2066-2069).
BIDI_CONTROLS = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def visible_glyph(ch: str) -> str:
    """What a character looks like on screen: controls become their Unicode symbol."""
    code = ord(ch)
    if ch == "\n":
        return " "
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␉ for tab, ...
    if code == 0x7F:
        return "␡"
    if 0x80 <= code < 0xA0:
        return "�"
    if code in BIDI_CONTROLS:
        return "⇆"  # a terminal that does bidi must not reorder what the user reads
    return ch


def visible_text(text: str) -> str:
    """A string as shown on one line: every control character as a visible symbol."""
    return "".join(map(visible_glyph, text))
