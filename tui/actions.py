"""Every action the app offers: a stable id, where it applies, and what it does.

Keys are not here: they come from keymaps/*.toml. Screens build their
BINDINGS from this registry, so help text and the command palette never drift.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSpec:
    id: str  # stable: "reader.select_sentence"; keymaps and scripts refer to it
    method: str  # the Textual action it runs, on the screen (or app) that owns it
    description: str
    show: bool = False  # shown in the key hints at the bottom of its screen (tui.widgets.key_hints)
    hint: str = ""  # what the key hints say, where the description is too long for them


def _specs(*rows: tuple) -> dict[str, ActionSpec]:
    return {row[0]: ActionSpec(*row) for row in rows}


ACTIONS: dict[str, ActionSpec] = _specs(
    ("app.quit", "quit", "Quit", True),
    ("app.help", "help", "Keys", True),
    (
        "app.sources",
        "sources",
        "Sources: who said what across the corpus (merge, split, rename)",
        False,
        "Sources",
    ),
    ("app.labels", "labels", "Labels: add, rename", False),
    ("app.export", "export", "Export the dataset (choose a format and a path)", False),
    ("app.command_palette", "command_palette", "Command palette: every action by name", False),
    ("library.open", "open_article", "Open the article", True, "Open"),
    ("library.filter", "focus_filter", "Back to the search box (typing searches titles and text)"),
    ("library.clear_search", "clear_search", "Clear the search", True),
    (
        "library.cycle_status",
        "cycle_status",
        "Show all articles, or those new, in progress or done",
        True,
        "Status",
    ),
    (
        "library.cycle_order",
        "cycle_order",
        "Order: the list's, newest first (undated last), most open suggestions first, by status",
        True,
        "Order",
    ),
    ("library.cursor_down", "cursor_down", "Next article"),
    ("library.cursor_up", "cursor_up", "Previous article"),
    ("library.page_down", "page(1)", "A page of articles down"),
    ("library.page_up", "page(-1)", "A page of articles up"),
    ("library.top", "edge(-1)", "The first article"),
    ("library.bottom", "edge(1)", "The last article"),
    ("sources.open", "open", "Open: a source's attributions; an attribution in the reader", True, "Open"),
    (
        "sources.back",
        "back",
        "Back: from a source to the list, then clear the search, then leave",
        True,
        "Back",
    ),
    ("sources.merge", "merge", "Merge another source into this one (a picker)", True, "Merge"),
    ("sources.split", "split", "Split one spelling (alias) off into a source of its own", True, "Split"),
    ("sources.rename", "rename", "Rename the source", True, "Rename"),
    ("sources.undo", "undo", "Undo the last merge, split or rename", True, "Undo"),
    ("sources.redo", "redo", "Redo the merge, split or rename undone last"),
    (
        "sources.cycle_sort",
        "cycle_sort",
        "Sort the sources: most attributions first, or by name",
        True,
        "Sort",
    ),
    ("sources.cursor_down", "cursor(1)", "Next source (or attribution)"),
    ("sources.cursor_up", "cursor(-1)", "Previous source (or attribution)"),
    ("sources.page_down", "page(1)", "Down a page of sources (or attributions)"),
    ("sources.page_up", "page(-1)", "Up a page of sources (or attributions)"),
    ("sources.top", "edge(-1)", "The first source (or attribution)"),
    ("sources.bottom", "edge(1)", "The last source (or attribution)"),
    ("reader.back", "back", "Back", True),
    ("reader.cursor_left", "move('char', -1)", "Cursor left a character"),
    ("reader.cursor_right", "move('char', 1)", "Cursor right a character"),
    ("reader.cursor_up", "move('line', -1)", "Cursor up a line"),
    ("reader.cursor_down", "move('line', 1)", "Cursor down a line"),
    ("reader.word_left", "move('word', -1)", "Cursor to the previous word"),
    ("reader.word_right", "move('word', 1)", "Cursor to the next word"),
    ("reader.word_end", "move('word_end', 1)", "Cursor to the end of the word"),
    ("reader.line_start", "move('line_edge', -1)", "Cursor to the start of the line"),
    ("reader.line_end", "move('line_edge', 1)", "Cursor to the end of the line"),
    ("reader.page_up", "move('page', -1)", "Page up"),
    ("reader.page_down", "move('page', 1)", "Page down"),
    ("reader.top", "move('document', -1)", "Cursor to the top"),
    ("reader.bottom", "move('document', 1)", "Cursor to the end"),
    ("reader.next_sentence", "move('sentence', 1)", "Next sentence"),
    ("reader.prev_sentence", "move('sentence', -1)", "Previous sentence"),
    ("reader.next_paragraph", "move('paragraph', 1)", "Next paragraph"),
    ("reader.prev_paragraph", "move('paragraph', -1)", "Previous paragraph"),
    ("reader.extend_left", "extend('char', -1)", "Extend the selection left"),
    ("reader.extend_right", "extend('char', 1)", "Extend the selection right"),
    ("reader.extend_up", "extend('line', -1)", "Extend the selection up a line"),
    ("reader.extend_down", "extend('line', 1)", "Extend the selection down a line"),
    ("reader.extend_word_left", "extend('word', -1)", "Extend the selection a word left"),
    ("reader.extend_word_right", "extend('word', 1)", "Extend the selection a word right"),
    ("reader.extend_sentence", "extend('sentence', 1)", "Extend the selection to the next sentence"),
    ("reader.select_sentence", "select_sentence", "Select sentence", True),
    ("reader.clear_selection", "clear_selection", "Cancel: clear the selection, mark and search"),
    ("reader.set_mark", "set_mark", "Start a selection here; movements extend it"),
    ("reader.search", "search", "Search", True),
    ("reader.next_match", "step_match(1)", "Next search match"),
    ("reader.prev_match", "step_match(-1)", "Previous search match"),
    ("reader.tag_matches", "tag_matches", "Tag every search match with a label"),
    *[(f"reader.label_{n}", f"tag({n})", f"Tag {n} (or relabel)", n <= 3) for n in range(1, 10)],
    ("reader.delete_annotation", "delete_annotation", "Delete annotation", True),
    ("reader.edit_note", "edit_note", "Note: write or change the note on the annotation at the cursor"),
    ("reader.mark_done", "mark_done", "Article: mark it done (again: back to in progress)"),
    ("reader.undo", "undo", "Undo", True),
    ("reader.redo", "redo", "Redo"),
    ("reader.next_annotation", "jump_annotation(1)", "Cursor to the next annotation"),
    ("reader.prev_annotation", "jump_annotation(-1)", "Cursor to the previous annotation"),
    ("reader.toggle_entities", "toggle_entities", "Show/hide all entity highlights"),
    ("reader.entity_labels", "entity_labels", "Show/hide entity labels one by one"),
    ("reader.entity_add", "entity_add", "Entity: add the selection as an entity (label picker)"),
    ("reader.entity_relabel", "entity_relabel", "Entity: relabel the entity at the cursor"),
    ("reader.entity_reject", "entity_reject", "Entity: reject the entity at the cursor (kept, marked)"),
    ("reader.focus_panel", "focus_panel", "Switch between the text and the annotations panel"),
    ("reader.next_suggestion", "step_suggestion(1)", "Next suggestion", True),
    ("reader.prev_suggestion", "step_suggestion(-1)", "Previous suggestion (quote or paraphrase)"),
    (
        "reader.accept_suggestion",
        "accept_suggestion",
        "Accept the suggestion (a QUOTE or PARAPHRASE)",
        True,
        "Accept",
    ),
    ("reader.reject_suggestion", "reject_suggestion", "Reject the suggestion", True, "Reject"),
    ("reader.set_speaker", "set_speaker", "Speaker", True),
    ("reader.grow_end", "adjust_bounds('end', 1)", "Annotation: a word more at its end"),
    ("reader.shrink_end", "adjust_bounds('end', -1)", "Annotation: a word less at its end"),
    ("reader.grow_start", "adjust_bounds('start', -1)", "Annotation: a word more at its start"),
    ("reader.shrink_start", "adjust_bounds('start', 1)", "Annotation: a word less at its start"),
)


def scope_of(action_id: str) -> str:
    return action_id.split(".", 1)[0]
