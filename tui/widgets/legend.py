"""The reader's legend: the label keys, and which entity labels are highlighted."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from newsmark.store.annotations import Label
from newsmark.tui.colours import entity_colour
from newsmark.tui.visible import visible_text


class Legend(Widget):
    """Owns which entity labels the reader highlights: all of them can be hidden at once
    (`toggle_entities`) or label by label (`hide_only`); a hidden one is struck through."""

    DEFAULT_CSS = """
    Legend {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels: list[Label] = []
        self.entity_labels: list[str] = []
        self.hidden_labels: set[str] = set()
        self.entities_shown = True
        self.analysing = False

    def reset(self) -> None:
        """Another article: every entity label shown again."""
        self.hidden_labels = set()
        self.entities_shown = True
        self.refresh(layout=True)

    def show(self, labels: list[Label], entity_labels: list[str], *, analysing: bool) -> None:
        self.labels = labels
        self.entity_labels = entity_labels
        self.analysing = analysing
        self.refresh(layout=True)

    def shows_entity(self, label: str) -> bool:
        return self.entities_shown and label not in self.hidden_labels

    def toggle_entities(self) -> None:
        self.entities_shown = not self.entities_shown
        self.refresh()

    def hide_only(self, hidden: set[str]) -> None:
        """Hide these entity labels and show every other."""
        self.hidden_labels = hidden
        self.entities_shown = True
        self.refresh()

    def render(self) -> Text:
        legend = Text()
        for label in self.labels:
            if label.key:
                legend.append(f"{label.key} ", style="bold")
                legend.append(f" {visible_text(label.name)} ", style=f"black on {label.colour}")
                legend.append("  ")
        legend.append("\n")
        if self.analysing:
            legend.append("analysing… entities appear when ready\n", style="italic dim")
        for name in self.entity_labels:
            colour = entity_colour(name)
            style = f"bold {colour}" if self.shows_entity(name) else f"strike dim {colour}"
            legend.append(visible_text(name), style=style)  # typed or imported: any one word
            legend.append(" ")
        return legend
