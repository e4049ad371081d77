"""Words for the app's messages: an annotation named by its first words, and an undone or
redone change to one ("relabel QUOTE → PARAPHRASE"). Counts ("1 match") are store.wording's."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
