"""Reader actions: search within the article, step through matches, tag every match."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from textual.widgets import Input

from newsmark.store.annotations import AlreadyTagged, add_annotation, event_batch, list_labels

if TYPE_CHECKING:
    from newsmark.tui.screens.reader import ReaderScreen

    _Base = ReaderScreen
else:
    _Base = object


class SearchActions(_Base):
    """Mixed into ReaderScreen (which routes the search Input's messages here)."""

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.add_class("open")
        search.focus()

    def close_search(self, *, keep_matches: bool) -> None:
        search = self.query_one("#search", Input)
        search.remove_class("open")
        if not keep_matches:
            self.matches = []
            self.view.set_matches([])
        self.view.focus()

    def search_changed(self, query: str) -> None:
        text = self.article.text
        self.matches = (
            [(m.start(), m.end()) for m in re.finditer(re.escape(query), text, re.IGNORECASE)]
            if query
            else []
        )
        self.view.set_matches(self.matches)
        self.set_status(f"{len(self.matches)} matches" if query else "")

    def search_submitted(self) -> None:
        self.close_search(keep_matches=True)
        if self.matches:
            cursor = self.view.cursor
            target = next((m for m in self.matches if m[0] >= cursor), self.matches[0])
            self.view.jump_to(target[0], keep_selection=True)

    def action_step_match(self, step: int) -> None:
        if not self.matches:
            self.set_status("No search matches (search first)")
            return
        cursor = self.view.cursor
        starts = [m[0] for m in self.matches]
        if step > 0:
            target = next((s for s in starts if s > cursor), starts[0])
        else:
            target = next((s for s in reversed(starts) if s < cursor), starts[-1])
        self.view.jump_to(target, keep_selection=True)
        number = starts.index(target) + 1
        self.set_status(f"Match {number}/{len(starts)}")

    def action_tag_matches(self) -> None:
        from newsmark.tui.screens.dialogs import LabelChooser

        if not self.matches:
            self.app.notify("Search first: this tags every match", severity="warning")
            return
        matches = list(self.matches)

        def chosen(label: str | None) -> None:
            if label is None:
                return
            added = present = 0
            try:
                with event_batch(self.db):  # every match in one undo
                    for start, end in matches:
                        try:
                            add_annotation(self.db, self.article_id, start, end, label)
                            added += 1
                        except AlreadyTagged:
                            present += 1
            except Exception as e:
                self.app.notify(f"Stopped after {added} saved: {e}", severity="error", timeout=10)
            self.refresh_highlights()
            already = f" ({present} were tagged already)" if present else ""
            self.set_status(f"Saved {added} {label} annotations{already}")

        self.app.push_screen(LabelChooser(list_labels(self.db), len(matches)), chosen)
