"""Words for the messages the app and the commands show: counts ("1 match", "5 matches"),
and an undone or redone change to an annotation ("relabel QUOTE → PARAPHRASE")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsmark.store.wording import counted, plural

__all__ = ["annotation_change", "counted", "excerpt", "plural"]  # counted and plural: the store's

if TYPE_CHECKING:
    from newsmark.store.events import Replayed

EXCERPT_CHARS = 20  # the start of an annotation's text that names it in a message
QUOTE_MARKS = "\"'“”‘’«» "


def excerpt(text: str) -> str:
    """The first words of a passage, on one line, without its quote marks: 'We cannot keep…'."""
    words = " ".join(text.split()).strip(QUOTE_MARKS)
    if len(words) <= EXCERPT_CHARS:
        return words
    cut = words[:EXCERPT_CHARS]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def annotation_change(replayed: Replayed) -> str | None:
    """An undone or redone change to one annotation as the user made it: "relabel QUOTE →
    PARAPHRASE", "bounds of the QUOTE “We cannot keep…”", "speaker none → Elena Marsh";
    None for any other event, and for a batch (every match tagged: said by its size)."""
    if len(replayed.batch_kinds) > 1 or not replayed.kind.startswith("annotation.") or replayed.label is None:
        return None
    named = f"the {replayed.label} “{excerpt(replayed.text or '')}”"
    if replayed.kind == "annotation.add":
        return f"tag of {named}"
    if replayed.kind == "annotation.delete":
        return f"delete of {named}"
    before, after = replayed.before or {}, replayed.after or {}
    said = []
    if "label" in after:
        said.append(f"relabel {before.get('label')} → {after['label']}")
    if "start" in after or "end" in after:
        said.append(f"bounds of {named}")
    if "speaker" in after:
        said.append(f"speaker {before.get('speaker') or 'none'} → {after['speaker'] or 'none'}")
    if "note" in after:
        said.append(f"note on {named}")
    return ", ".join(said) or None
