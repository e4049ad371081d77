"""The reader's writes: each one change to the store (one undo) and what the status says after it.

The reader runs every one of them through its save path (ReaderScreen.save), which
reports a refused write; here are the writes themselves, free of the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsmark.store.annotations import (
    AlreadyTagged,
    Annotation,
    add_annotation,
    delete_annotation,
    update_annotation,
)
from newsmark.store.articles import set_article_status
from newsmark.store.entities import Entity, add_entity, reject_entity, relabel_entity
from newsmark.store.events import Replayed, event_batch, redo, undo
from newsmark.store.spans import trimmed
from newsmark.store.suggestions import Suggestion, accept_suggestion, attribute_to, set_suggestion_status
from newsmark.tui.article_spans import adjusted_bounds
from newsmark.tui.wording import annotation_change

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class Outcome:
    """What a write did, as the status line says it. `annotation`: the one it saved,
    picked out in the panel; `changed`: False when the store was left as it was."""

    message: str
    annotation: Annotation | None = None
    changed: bool = True


def not_saved(error: Exception) -> str:
    return f"Not saved: {error}"


class ArticleEdits:
    """The writes to one article."""

    def __init__(self, db: Database, article_id: str) -> None:
        self.db = db
        self.article_id = article_id

    # -- annotations -------------------------------------------------------------

    def tag(self, text: str, start: int, end: int, label: str) -> Outcome:
        """Tag a selection of `text` (the article's): without the whitespace at its edges,
        which is never part of the passage."""
        start, end = trimmed(text, start, end)
        if start == end:
            return Outcome("The selection is only whitespace", changed=False)
        try:
            annotation = add_annotation(self.db, self.article_id, start, end, label)
        except AlreadyTagged as e:
            return Outcome(f"Not added: {e}", changed=False)
        return Outcome(f"Saved {annotation.label} #{annotation.id}", annotation)

    def tag_all(self, spans: list[tuple[int, int]], label: str, saved: list[Annotation]) -> Outcome:
        """Tag every span, in one undo; `saved` grows as they are stored, so that a
        failure part-way can say how many were."""
        already = 0
        with event_batch(self.db):
            for start, end in spans:
                try:
                    saved.append(add_annotation(self.db, self.article_id, start, end, label))
                except AlreadyTagged:
                    already += 1
        were = f" ({already} were tagged already)" if already else ""
        return Outcome(f"Saved {len(saved)} {label} annotations{were}")

    def delete(self, annotation: Annotation) -> Outcome:
        delete_annotation(self.db, annotation.id)
        return Outcome(f"Deleted {annotation.label} #{annotation.id} (u undoes)")

    def update(self, annotation: Annotation, **changes: object) -> Outcome:
        updated = update_annotation(self.db, annotation.id, **changes)
        detail = f" — {updated.speaker}" if updated.speaker else ""
        return Outcome(f"Saved {updated.label} #{updated.id}{detail}", updated)

    def relabel(self, annotation: Annotation, label: str, shown: list[Annotation]) -> Outcome:
        """`annotation` as `label`, unless it is one already or other words of `shown`
        (the article's annotations) have that label on the same words."""
        if annotation.label == label:
            return Outcome(f"{label} #{annotation.id} is {label} already", changed=False)
        if any((a.start, a.end, a.label) == (annotation.start, annotation.end, label) for a in shown):
            return Outcome(f"Not relabelled: these words are tagged {label} already", changed=False)
        updated = update_annotation(self.db, annotation.id, label=label)
        return Outcome(f"Relabelled {annotation.label} #{annotation.id} as {label} (u undoes)", updated)

    def adjust(self, annotation: Annotation, text: str, edge: str, step: int) -> Outcome:
        """A word more or less at one edge (see adjusted_bounds); `text`: the article's."""
        start, end = adjusted_bounds(text, annotation.start, annotation.end, edge, step)
        if (start, end) == (annotation.start, annotation.end):
            growing = (edge == "end") == (step > 0)
            why = (
                f"the paragraph {'starts' if edge == 'start' else 'ends'} here"
                if growing
                else "one word left"
            )
            return Outcome(f"The {edge} stays: {why}", changed=False)
        return self.update(annotation, start=start, end=end)

    def set_note(self, annotation: Annotation, note: str | None) -> Outcome:
        """The note on `annotation`; None (or empty) removes it."""
        note = note or None
        if note == annotation.note:
            return Outcome("Note unchanged", changed=False)
        updated = update_annotation(self.db, annotation.id, note=note)
        done = "Note saved on" if note else "Note removed from"
        return Outcome(f"{done} {updated.label} #{updated.id}", updated)

    def set_speaker(
        self, annotation: Annotation, speaker: str, mention_start: int | None, mention_end: int | None
    ) -> Outcome:
        updated = attribute_to(self.db, annotation.id, speaker, mention_start, mention_end)
        return Outcome(f"Saved {updated.label} #{updated.id} — {speaker}", updated)

    def undo(self) -> Outcome:
        return self._replayed(undo(self.db, self.article_id), "Undone", "Nothing to undo")

    def redo(self) -> Outcome:
        return self._replayed(redo(self.db, self.article_id), "Redone", "Nothing to redo")

    def _replayed(self, replayed: Replayed | None, done: str, nothing: str) -> Outcome:
        if replayed is None:
            return Outcome(nothing, changed=False)
        return Outcome(f"{done}: {annotation_change(replayed) or what_was_replayed(replayed)}")

    # -- the article -------------------------------------------------------------

    def set_status(self, status: str) -> Outcome:
        set_article_status(self.db, self.article_id, status)
        again = "back to in progress" if status == "done" else "done"
        return Outcome(f"Marked {status} (again: {again}; u undoes)")

    # -- attribution suggestions -------------------------------------------------

    def accept(
        self,
        suggestion: Suggestion,
        speaker: str | None,
        mention_start: int | None,
        mention_end: int | None,
        source_id: int | None = None,
    ) -> Outcome:
        """The suggestion becomes a QUOTE (direct) or a PARAPHRASE (indirect) said by
        `speaker` (mentioned at the span given), with the speaker's source (`source_id`
        when the user picked one): one undo."""
        annotation = accept_suggestion(
            self.db, suggestion.id, speaker, mention_start, mention_end, source_id=source_id
        )
        return Outcome(f"Saved {annotation.label} #{annotation.id} — {speaker or 'no speaker'}", annotation)

    def reject(self, suggestion: Suggestion) -> Outcome:
        set_suggestion_status(self.db, suggestion.id, "rejected")
        return Outcome("Suggestion rejected")

    # -- entities (corrected as in Prodigy's ner.correct) -------------------------

    def add_entity(self, start: int, end: int, label: str) -> Outcome:
        """A user entity; the model's entities it overlaps are rejected with it."""
        add_entity(self.db, self.article_id, start, end, label, replace=True)
        return Outcome(f"Saved entity {label} (u undoes)")

    def relabel_entity(self, entity: Entity, label: str) -> Outcome:
        relabel_entity(self.db, entity.id, label)
        return Outcome(f"Relabelled {entity.text!r} as {label}")

    def reject_entity(self, entity: Entity) -> Outcome:
        reject_entity(self.db, entity.id)
        return Outcome(f"Rejected {entity.label} {entity.text!r} (u undoes)")


# What each kind of event did, as the status line says it ("Undone: relabel of entity #4").
EVENT_VERBS = {
    "annotation.add": "add",
    "annotation.delete": "delete",
    "annotation.update": "change",
    "entity.add": "add",
    "entity.relabel": "relabel",
    "entity.reject": "reject",
    "suggestion.accepted": "accept",
    "suggestion.rejected": "reject",
    "suggestion.open": "reopening",
}


def what_was_replayed(replayed: Replayed) -> str:
    """One undo or redo, as the user did it: a batch by what it was (every match tagged,
    a suggestion accepted as a QUOTE or PARAPHRASE, an entity that replaced others), not by its last event."""
    kinds = replayed.batch_kinds or (replayed.kind,)
    if len(kinds) > 1:
        if set(kinds) == {"annotation.add"}:
            return f"tag of {len(kinds)} matches"
        if "suggestion.accepted" in kinds:
            return "accept of a suggestion"
        if kinds.count("entity.add") == 1:
            replaced = kinds.count("entity.reject")
            return f"add of an entity (replacing {replaced})"
        return f"{len(kinds)} changes"
    if replayed.kind == "article.status":
        return "the article's status"
    what = replayed.kind.split(".", 1)[0]
    verb = EVENT_VERBS.get(replayed.kind, replayed.kind)
    return f"{verb} of {what} #{replayed.target_id}"
