"""Text from files is shown, never interpreted: not by the terminal, not as markup.

Article text, titles, paths, speaker names, labels and notes are untrusted. Wherever
they are shown (the app, every command), they go through this module:

- `visible_text`: control characters (escape sequences, bells, bidi overrides) become
  visible symbols, so nothing reaches the terminal that it would act on. Enough where
  the string is never parsed as markup: `click.echo`, a `Segment`, a Rich `Text`.
- `literal`: the same text as a Rich `Text`, for everything that would otherwise parse a
  string as Rich or Textual markup (a Rich table cell, a `Label`, a `Static`, an
  option's prompt): `[b]x[/b]` shows as typed, and a stray `[/b]` cannot crash it.
  Escaping markup instead is not safe: Rich and Textual read backslashes differently.
  Textual's `notify` takes a string: pass it `visible_text(...)` with `markup=False`.

Imported by the command line too (cli may import tui; tui never imports cli), so
this module stays free of Textual, and Rich is imported only when `literal` is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

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


def literal(text: str, style: str = "") -> Text:
    """Untrusted text as a Rich Text: shown as it is (never parsed as markup), on one
    line, every control character as a visible symbol."""
    from rich.text import Text

    return Text(visible_text(text), style=style)
