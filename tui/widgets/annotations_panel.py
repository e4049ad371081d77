"""The reader's side panel: the article's annotations, one line each; Enter jumps to one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsmark.store.annotations import Annotation
from newsmark.tui.visible import visible_text

SNIPPET = 60


def annotation_line(annotation: Annotation) -> Text:
    """LABEL, the start of its text, who said it, and its note below (text from files:
    controls made visible)."""
    snippet = visible_text(annotation.text.replace("\n", " "))
    if len(snippet) > SNIPPET:
        snippet = snippet[: SNIPPET - 1] + "…"
    line = Text(f"{visible_text(annotation.label)} ", style="bold")
    line.append(snippet)
    if annotation.speaker:
        line.append(f" — {visible_text(annotation.speaker)}", style="italic")
    if annotation.note:
        line.append(f"\n  ✎ {visible_text(annotation.note)}", style="dim")
    return line


class AnnotationsPanel(Vertical):
    """A title with the count, and the list; choosing a line posts `Chosen`."""

    DEFAULT_CSS = """
    AnnotationsPanel {
        height: 1fr;
    }
    """

    @dataclass
    class Chosen(Message):
        annotation: Annotation

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.annotations: list[Annotation] = []

    def compose(self) -> ComposeResult:
        yield Static("Annotations", classes="panel-title")
        yield OptionList(id="annotations")

    @property
    def _list(self) -> OptionList:
        return self.query_one(OptionList)

    def show(self, annotations: list[Annotation], *, highlight: int | None = None) -> None:
        """List `annotations`; `highlight`: the id of the one to put the panel's cursor on."""
        self.annotations = annotations
        options = self._list
        options.clear_options()
        options.add_options([Option(annotation_line(a), id=str(a.id)) for a in annotations])
        if highlight is not None:
            index = next((i for i, a in enumerate(annotations) if a.id == highlight), None)
            if index is not None:
                options.highlighted = index
        self.query_one(".panel-title", Static).update(f"Annotations ({len(annotations)})")

    @property
    def list_has_focus(self) -> bool:
        return self._list.has_focus

    def focus_list(self) -> None:
        self._list.focus()

    @property
    def highlighted(self) -> Annotation | None:
        """The annotation the panel's cursor is on, while the panel has the focus."""
        index = self._list.highlighted
        return self.annotations[index] if self._list.has_focus and index is not None else None

    @on(OptionList.OptionSelected, "#annotations")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(self.annotations[event.option_index]))
