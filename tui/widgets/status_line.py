"""The reader's status: what was done last, then where the cursor is."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from newsmark.tui.visible import visible_text


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
