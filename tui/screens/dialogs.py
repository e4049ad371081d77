"""Modal dialogs: help (from the active keymap), labels, entity labels, notes, export's questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, SelectionList, Static

from newsmark.store.annotations import Annotation, add_label, list_labels, rename_label
from newsmark.store.annotations import Label as AnnotationLabel
from newsmark.tui.actions import ACTIONS, scope_of
from newsmark.tui.keymap import display_keys, keys_on
from newsmark.tui.visible import literal, visible_text
from newsmark.tui.widgets.annotations_panel import annotation_line

if TYPE_CHECKING:
    from pathlib import Path

    from sqlite_utils import Database

CLOSE: list[BindingType] = [Binding("escape,q", "close", "Close", show=True)]
SCOPE_TITLES = {"app": "Everywhere", "library": "Library", "sources": "Sources", "reader": "Reader"}


# In a terminal narrower than this the help leaves out the ids, so each action stays on one line.
HELP_IDS_MIN_WIDTH = 100


def keys_cell(keymap: dict[str, str], action_id: str) -> str:
    """An action's keys as the help lists them: only those that work where it is listed.
    An app-wide key that types a character works only where no search box takes it."""
    scope = scope_of(action_id)
    if scope != "app":
        return display_keys(keys_on(keymap, action_id, scope))
    everywhere = keys_on(keymap, action_id, None)
    in_the_reader = [
        alt for alt in keys_on(keymap, action_id, "reader").split(",") if alt not in everywhere.split(",")
    ]
    shown = display_keys(everywhere)
    if in_the_reader:
        shown += (", " if shown else "") + display_keys(",".join(in_the_reader)) + " in the reader"
    return shown


def keymap_table(keymap: dict[str, str], *, with_ids: bool = True) -> Table:
    table = Table(expand=True, box=None, show_header=True, header_style="bold")
    table.add_column("Keys", style="bold cyan", no_wrap=True)
    table.add_column("Action", ratio=1)
    if with_ids:
        table.add_column("Id", style="dim", no_wrap=True)
    for scope, title in SCOPE_TITLES.items():
        table.add_row(Text(title, style="bold"))
        for spec in ACTIONS.values():
            if scope_of(spec.id) == scope:
                cells = [keys_cell(keymap, spec.id), spec.description, *([spec.id] if with_ids else [])]
                table.add_row(*map(Text, cells))  # never markup: "[ a" is a vim key
    return table


class InstantScroll(VerticalScroll):
    """Scrolled by its keys at once: Textual animates End and PageDown for about a second."""

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)


class HelpScreen(ModalScreen[None]):
    """Every action of the active keymap and its keys, scrolled with the keyboard
    (arrows, PgUp/PgDn, Home/End): the list is longer than any terminal is tall."""

    BINDINGS = CLOSE
    DEFAULT_CSS = """
    HelpScreen > #help-dialog {
        width: 120;
        max-width: 95%;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-title {
        height: 1;
        margin-bottom: 1;
    }
    HelpScreen #help-keys {
        height: 1fr;
    }
    """

    def __init__(self, keymap: dict[str, str], keymap_name: str) -> None:
        super().__init__()
        self.keymap = keymap
        self.keymap_name = keymap_name

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            title = Text.assemble(("Keys", "bold"), f" — keymap: {visible_text(self.keymap_name)}")
            title.append("   ↑↓ PgUp PgDn Home End scroll · Esc closes", style="dim")
            yield Label(title, id="help-title")
            with InstantScroll(id="help-keys"):
                yield Static(id="help-table")

    def on_mount(self) -> None:
        self.query_one("#help-keys").focus()

    def on_resize(self, event: events.Resize) -> None:
        # Rebuilt for the width: the ids are left out when they would wrap the descriptions.
        table = keymap_table(self.keymap, with_ids=event.size.width >= HELP_IDS_MIN_WIDTH)
        self.query_one("#help-table", Static).update(table)

    def action_close(self) -> None:
        self.dismiss()


class LabelsScreen(ModalScreen[bool]):
    """Add a label (NAME) or rename one (OLD=NEW); keys 1-9 go to labels in order."""

    BINDINGS = CLOSE

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Label("[b]Labels[/b]   type NAME to add, OLD=NEW to rename, Esc to close")
            yield Static(id="label-list")
            yield Input(placeholder="NAME  or  OLD=NEW", id="label-input")
            yield Label("", id="label-error")

    def on_mount(self) -> None:
        self.refresh_list()
        self.query_one(Input).focus()

    def refresh_list(self) -> None:
        lines = [
            Text.assemble(
                ("■", label.colour),
                f" {label.key or '-'}  ",
                literal(label.name),
                "  ",
                literal(label.description, "dim"),
            )
            for label in list_labels(self.db)
        ]
        self.query_one("#label-list", Static).update(Text("\n").join(lines))

    @on(Input.Submitted, "#label-input")
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        error = self.query_one("#label-error", Label)
        try:
            if "=" in value:
                old, new = (part.strip().upper() for part in value.split("=", 1))
                if old not in {label.name for label in list_labels(self.db)}:
                    raise ValueError(f"no label {old}")
                rename_label(self.db, old, new)
            else:
                add_label(self.db, value)
        except ValueError as e:
            error.update(literal(str(e), "red"))
            return
        error.update("[green]saved[/green]")
        event.input.value = ""
        self.refresh_list()

    def action_close(self) -> None:
        self.dismiss(True)


class EntityLabelsScreen(ModalScreen[set[str] | None]):
    """Tick the entity labels to show; Enter applies, Esc cancels (None: nothing changes)."""

    BINDINGS = [
        Binding("escape,q", "dismiss_none", "Cancel", show=True),
        # Before the list's own Enter, which would toggle the highlighted label.
        Binding("enter", "apply", "Apply", show=True, priority=True),
    ]

    def __init__(self, labels: list[str], hidden: set[str]) -> None:
        super().__init__()
        self.labels = labels
        self.hidden = hidden

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Label("[b]Entity labels[/b]   Space toggles, Enter applies, Esc cancels")
            yield SelectionList[str](
                *[(literal(label), label, label not in self.hidden) for label in self.labels],
                id="entity-labels",
            )

    def on_mount(self) -> None:
        labels = self.query_one(SelectionList)
        labels.focus()
        if labels.option_count:
            labels.highlighted = 0  # Space toggles at once, without a move first

    def action_apply(self) -> None:
        shown = set(self.query_one(SelectionList).selected)
        self.dismiss({label for label in self.labels if label not in shown})

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class NoteEditor(ModalScreen[str | None]):
    """Write the note on an annotation: Enter saves it (an empty one removes the note),
    Esc leaves it as it was (None)."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", show=True)]
    DEFAULT_CSS = """
    NoteEditor { align: center middle; }
    """

    def __init__(self, annotation: Annotation) -> None:
        super().__init__()
        self.annotation = annotation

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Label(
                Text.assemble(
                    ("Note on ", "bold"), f"#{self.annotation.id} ", annotation_line(self.annotation)
                )
            )
            yield Label("Enter saves (empty: no note), Esc cancels", classes="hint")
            yield Input(
                value=self.annotation.note or "", placeholder="a note for this annotation", id="note-input"
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#note-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class LabelChooser(ModalScreen[str | None]):
    """Press a label's key (1-9) to choose it; Esc cancels."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", show=True)]

    def __init__(self, labels: list[AnnotationLabel], count: int) -> None:
        super().__init__()
        self.labels = labels
        self.count = count

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Label(f"[b]Tag all {self.count} matches as…[/b]   press a label's key, Esc cancels")
            lines = [
                Text.assemble(f"{label.key}  ", ("■", label.colour), " ", literal(label.name))
                for label in self.labels
                if label.key
            ]
            yield Static(Text("\n").join(lines))

    def on_key(self, event: events.Key) -> None:
        label = next((lb for lb in self.labels if lb.key and str(lb.key) == event.key), None)
        if label is not None:
            event.stop()
            self.dismiss(label.name)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text, prefilled; Enter accepts it (not when empty), Esc cancels (None)."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", show=True)]
    DEFAULT_CSS = """
    TextPrompt { align: center middle; }
    """

    def __init__(self, title: str | Text, default: str) -> None:
        """`title`: markup, or a Text where it holds text from files (a source's name)."""
        super().__init__()
        self.title_text = title
        self.default = default

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Label(self.title_text)
            yield Input(value=self.default, id="prompt-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class PathPrompt(TextPrompt):
    """Ask for a path to write to (the export's), prefilled with one in the working folder."""


class ConfirmOverwrite(ModalScreen[bool]):
    """Asked before an export replaces a file (or a folder's files): y overwrites it,
    n or Esc keeps it."""

    BINDINGS = [
        Binding("y", "answer(True)", "Overwrite", show=True),
        Binding("n,escape", "answer(False)", "Keep it", show=True),
    ]
    DEFAULT_CSS = """
    ConfirmOverwrite { align: center middle; }
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            # A Static wraps a long path; a Label would cut it.
            yield Static(Text.assemble(("Overwrite ", "bold"), literal(str(self.path)), ("?", "bold")))
            yield Label(
                Text.assemble(
                    ("y", "bold"), " overwrites it · ", ("n", "bold"), " or ", ("Esc", "bold"), " keeps it"
                )
            )

    def action_answer(self, overwrite: bool) -> None:
        self.dismiss(overwrite)
