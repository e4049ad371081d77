"""A modal list to choose from by typing: speakers, sources, entity labels. Free text allowed."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from newsmark.tui.visible import visible_text

# What a picker offers: (name, detail, value). The name is matched and shown in bold.
Choice = tuple[str, str, Any]


class Picker(ModalScreen[Any]):
    """Type to filter; Enter takes the highlighted choice, or the typed text when
    nothing matches (and free text is allowed). Dismisses with the choice's value,
    the typed string, or None on Esc. A subclass offering more than a list held in
    memory (a corpus's sources) finds its choices as the user types (`choices_for`)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=True),
        Binding("down", "cursor(1)", "Next", show=False),
        Binding("up", "cursor(-1)", "Previous", show=False),
    ]
    DEFAULT_CSS = """
    Picker { align: center middle; }
    Picker > Vertical {
        width: 70; max-width: 95%; height: auto; max-height: 80%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    Picker OptionList { height: auto; max-height: 16; }
    """

    def __init__(
        self,
        title: str | Text,
        choices: list[Choice],
        *,
        placeholder: str = "",
        free_text: bool = True,
    ) -> None:
        """choices: (name, detail, value) in the order they are offered; `title` is
        markup, or a Text where it holds text from files."""
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.placeholder = placeholder
        self.free_text = free_text
        self.shown: list[Choice] = []  # the choices listed for what is typed, in order

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield Input(placeholder=self.placeholder, id="picker-input")
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self.fill("")
        self.query_one(Input).focus()

    def choices_for(self, typed: str) -> list[Choice]:
        """The choices to list for what is typed: those whose name holds it."""
        needle = typed.strip().lower()
        return [choice for choice in self.choices if needle in choice[0].lower()]

    def fill(self, typed: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        self.shown = self.choices_for(typed)
        lines = []
        for i, (name, detail, _value) in enumerate(self.shown):
            # Names are often text from files (speakers, entity labels): never interpreted.
            line = Text(visible_text(name), style="bold")
            if detail:
                line.append(f"  {visible_text(detail)}", style="dim")
            lines.append(Option(line, id=str(i)))
        options.add_options(lines)
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#picker-input")
    def _typed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    @on(Input.Submitted, "#picker-input")
    def _submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None and options.option_count:
            self.pick(int(options.get_option_at_index(options.highlighted).id or 0))
        elif self.free_text and event.value.strip():
            self.dismiss(event.value.strip())

    @on(OptionList.OptionSelected, "#picker-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.pick(int(event.option.id or 0))

    def pick(self, index: int) -> None:
        self.dismiss(self.shown[index][2])

    def action_cursor(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -1
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)
