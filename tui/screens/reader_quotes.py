"""Reader actions: quote suggestions (step, accept, reject), speakers, annotation bounds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsmark.store.annotations import Annotation, add_annotation, event_batch, update_annotation
from newsmark.store.speakers import speaker_candidates
from newsmark.store.suggestions import Suggestion, set_suggestion_status
from newsmark.tui.widgets.article_view import ArticleView

if TYPE_CHECKING:
    from newsmark.tui.screens.reader import ReaderScreen

    _Base = ReaderScreen
else:
    _Base = object


class QuoteActions(_Base):
    """Mixed into ReaderScreen."""

    def suggestion_at(self, position: int) -> Suggestion | None:
        return next((s for s in self.suggestions if s.start <= position < s.end), None)

    def action_step_suggestion(self, step: int) -> None:
        cursor = self.view.cursor
        if step > 0:
            target = next((s for s in self.suggestions if s.start > cursor), None)
        else:
            current = self.suggestion_at(cursor)
            before = [s for s in self.suggestions if s.start < cursor and s is not current]
            target = before[-1] if before else None
        if target is None:
            self.set_status("No more suggestions this way" if self.suggestions else "No suggested quotes")
            return
        self.view.jump_to(target.start)

    def action_accept_suggestion(self) -> None:
        suggestion = self.suggestion_at(self.view.cursor)
        if suggestion is None:
            self.app.notify("No suggested quote at the cursor (n goes to the next)", severity="warning")
            return
        self._accept(suggestion, suggestion.speaker, suggestion.speaker_start, suggestion.speaker_end)

    def _accept(self, suggestion: Suggestion, speaker, speaker_start, speaker_end) -> Annotation | None:
        try:
            with event_batch(self.db):  # the QUOTE and the suggestion's status: one undo
                annotation = add_annotation(
                    self.db,
                    self.article_id,
                    suggestion.start,
                    suggestion.end,
                    "QUOTE",
                    speaker=speaker,
                    speaker_start=speaker_start,
                    speaker_end=speaker_end,
                )
                set_suggestion_status(self.db, suggestion.id, "accepted")
        except Exception as e:
            self.app.notify(f"Not saved: {e}", severity="error", timeout=10)
            return None
        self.refresh_highlights()
        self.refresh_panel(annotation.id)
        self.set_status(f"Saved QUOTE #{annotation.id} — {speaker or 'no speaker'}")
        return annotation

    def action_reject_suggestion(self) -> None:
        suggestion = self.suggestion_at(self.view.cursor)
        if suggestion is None:
            self.app.notify("No suggested quote at the cursor", severity="warning")
            return
        try:
            set_suggestion_status(self.db, suggestion.id, "rejected")
        except Exception as e:
            self.app.notify(f"Not saved: {e}", severity="error", timeout=10)
            return
        self.refresh_highlights()
        self.set_status("Suggestion rejected")
        self.action_step_suggestion(1)

    def action_set_speaker(self) -> None:
        from newsmark.tui.screens.speaker import SpeakerPicker, speaker_choice

        cursor = self.view.cursor
        annotation = self.annotation_at(cursor)
        if annotation is not None and annotation.label != "QUOTE":
            annotation = None
        suggestion = self.suggestion_at(cursor) if annotation is None else None
        if annotation is None and suggestion is None:
            self.app.notify("Put the cursor in a QUOTE (or a suggested quote) first", severity="warning")
            return
        target = annotation or suggestion
        assert target is not None
        candidates = speaker_candidates(self.db, self.article_id, near=target.start, guess=target.speaker)

        def chosen(value: object) -> None:
            choice = speaker_choice(value)
            if choice is None:
                return
            if annotation is not None:
                self._update(
                    annotation,
                    speaker=choice.name,
                    speaker_start=choice.mention_start,
                    speaker_end=choice.mention_end,
                )
            elif suggestion is not None:
                self._accept(suggestion, choice.name, choice.mention_start, choice.mention_end)

        self.app.push_screen(SpeakerPicker(candidates, target.speaker), chosen)

    def _update(self, annotation: Annotation, **changes: object) -> None:
        try:
            updated = update_annotation(self.db, annotation.id, **changes)
        except Exception as e:
            self.app.notify(f"Not saved: {e}", severity="error", timeout=10)
            return
        self.refresh_highlights()
        self.refresh_panel(updated.id)
        detail = f" — {updated.speaker}" if updated.speaker else ""
        self.set_status(f"Saved {updated.label} #{updated.id}{detail}")

    def action_adjust_bounds(self, edge: str, step: int) -> None:
        annotation = self.annotation_at(self.view.cursor)
        if annotation is None:
            self.app.notify("No annotation at the cursor", severity="warning")
            return
        view = self.view
        position = annotation.start if edge == "start" else annotation.end
        if edge == "start" and step > 0:
            # A leading quote mark goes with the first word, not as a word of its own.
            while position < annotation.end and not self.article.text[position].isalnum():
                position += 1
        # Word targets computed from the edge, as if the cursor stood there.
        saved_cursor = view.cursor
        view.set_reactive(ArticleView.cursor, position)
        target = view.target("word", step, selecting=(edge == "end"))
        view.set_reactive(ArticleView.cursor, saved_cursor)
        if edge == "start":
            start, end = target, annotation.end
        else:
            start, end = annotation.start, target
        text = self.article.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end or (start, end) == (annotation.start, annotation.end):
            return
        self._update(annotation, start=start, end=end)
        if not (start <= view.cursor < end):
            view.jump_to(start)
