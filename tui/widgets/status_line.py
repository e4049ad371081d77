"""The reader's status: what was done last, then where the cursor is (`cursor_report`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from newsmark.store.suggestions import LABEL_OF_KIND
from newsmark.tui.visible import visible_text

if TYPE_CHECKING:
    from newsmark.store.suggestions import Suggestion
    from newsmark.tui.article_spans import ArticleSpans
    from newsmark.tui.widgets.article_view import ArticleView


def suggestion_kind(suggestion: Suggestion) -> str:
    """What accepting the suggestion makes, as a word: "quote" or "paraphrase"."""
    return LABEL_OF_KIND[suggestion.kind].lower()


def cursor_report(view: ArticleView, spans: ArticleSpans, position: int) -> str:
    """The cursor's line, the selection, and the annotation and the suggestion it is in (a
    quote inside an accepted paraphrase is both); for a suggestion, where it stands among all
    of them, how many are decided, and its kind."""
    report = f"line {view.line_of(position) + 1}/{view.line_count}"
    if selection := view.selection:
        report += f" · {selection[1] - selection[0]} chars selected"
    if (a := spans.annotation_at(position)) is not None:
        report += f" · in {a.label} #{a.id}"
        if a.speaker:
            report += f" said by {a.speaker}"
        if a.note:
            report += " · ✎ note"
    if (suggestion := spans.suggestion_at(position)) is not None:
        who = f" by {suggestion.speaker}" if suggestion.speaker else ", speaker unknown"
        report += (
            f"\nSuggestion {spans.number_of(suggestion)} of {len(spans.all_suggestion_ids)}"
            f" · {spans.decided} · {suggestion_kind(suggestion)}{who}"
            f" ({suggestion.cue or 'no cue'}, score {suggestion.score:.2f})"
        )
    return report


class StatusLine(Static):
    """A message ("Saved QUOTE #3") shows at once and stays above the next report of the
    cursor's place, so a move right after saving does not hide "Saved"."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._message = ""  # said, not yet shown above a cursor report

    def say(self, message: str) -> None:
        self._message = message
        self._show(message)

    def report(self, where: str) -> None:
        """Where the cursor is, below the message said last if it has not been shown with one."""
        if self._message:
            where = f"{self._message}\n{where}"
            self._message = ""
        self._show(where)

    def _show(self, message: str) -> None:
        # Names and snippets come from files: plain Text, never markup, controls made visible.
        self.update(Text("\n".join(visible_text(line) for line in message.split("\n"))))


def no_further_suggestion(spans: ArticleSpans, position: int, step: int, key: str) -> str:
    """What `n` (step 1) or `N` (-1, pressed as `key`) says where there is no suggestion
    further that way: where the cursor is, and that the key again wraps round."""
    current = spans.suggestion_at(position)
    edge, other_end = ("Last", "first") if step > 0 else ("First", "last")
    if current is not None:
        here = f"{edge} suggestion ({spans.number_of(current)} of {len(spans.all_suggestion_ids)})"
    else:
        here = f"No suggestion {'after' if step > 0 else 'before'} this"
    return f"{here}: {key} again goes to the {other_end}"
