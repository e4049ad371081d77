"""Modal dialogs: help (generated from the active keymap), labels, entity labels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, SelectionList, Static

from newsmark.store.annotations import Label as AnnotationLabel
from newsmark.store.annotations import add_label, list_labels, rename_label
from newsmark.tui.actions import ACTIONS, scope_of
from newsmark.tui.keymap import display_keys

if TYPE_CHECKING:
    from sqlite_utils import Database

CLOSE: list[BindingType] = [Binding("escape,q", "close", "Close", show=True)]
SCOPE_TITLES = {"app": "Everywhere", "library": "Library", "reader": "Reader"}


def keymap_table(keymap: dict[str, str]) -> Table:
    table = Table(expand=True, box=None, show_header=True, header_style="bold")
    table.add_column("Keys", style="bold cyan", no_wrap=True)
    table.add_column("Action")
    table.add_column("Id", style="dim")
    for scope, title in SCOPE_TITLES.items():
        table.add_row(f"[b]{title}[/b]", "", "")
        for spec in ACTIONS.values():
            if scope_of(spec.id) == scope:
                table.add_row(display_keys(keymap.get(spec.id, "")), spec.description, spec.id)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = CLOSE

    def __init__(self, keymap: dict[str, str], keymap_name: str) -> None:
        super().__init__()
        self.keymap = keymap
        self.keymap_name = keymap_name

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Label(f"[b]Keys[/b] — keymap: {self.keymap_name}   (Esc closes)")
            yield Static(keymap_table(self.keymap), id="help-table")

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
            f"[{label.colour}]■[/] {label.key or '-'}  {label.name}  [dim]{label.description}[/dim]"
            for label in list_labels(self.db)
        ]
        self.query_one("#label-list", Static).update("\n".join(lines))

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
            error.update(f"[red]{e}[/red]")
            return
        error.update("[green]saved[/green]")
        event.input.value = ""
        self.refresh_list()

    def action_close(self) -> None:
        self.dismiss(True)


class EntityLabelsScreen(ModalScreen[set[str]]):
    """Tick the entity labels to show; Esc applies."""

    BINDINGS = CLOSE

    def __init__(self, labels: list[str], hidden: set[str]) -> None:
        super().__init__()
        self.labels = labels
        self.hidden = hidden

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Label("[b]Entity labels[/b]   Space toggles, Esc applies")
            yield SelectionList[str](
                *[(label, label, label not in self.hidden) for label in self.labels], id="entity-labels"
            )

    def action_close(self) -> None:
        shown = set(self.query_one(SelectionList).selected)
        self.dismiss({label for label in self.labels if label not in shown})


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
            lines = [f"{label.key}  [{label.colour}]■[/] {label.name}" for label in self.labels if label.key]
            yield Static("\n".join(lines))

    def on_key(self, event: events.Key) -> None:
        label = next((lb for lb in self.labels if lb.key and str(lb.key) == event.key), None)
        if label is not None:
            event.stop()
            self.dismiss(label.name)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class PathPrompt(ModalScreen[str | None]):
    """Ask for a path, prefilled; Enter accepts, Esc cancels."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", show=True)]

    def __init__(self, title: str, default: str) -> None:
        super().__init__()
        self.title_text = title
        self.default = default

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Label(self.title_text)
            yield Input(value=self.default, id="path-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#path-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
