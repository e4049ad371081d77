"""Choose who said a quote: the article's people and organisations, or anyone typed."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from store.speakers import SpeakerCandidate


@dataclass(frozen=True)
class SpeakerChoice:
    name: str
    mention_start: int | None
    mention_end: int | None


class SpeakerPicker(ModalScreen[SpeakerChoice | None]):
    """Type to filter; Enter takes the highlighted person, or the typed name if none matches."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=True),
        Binding("down", "cursor(1)", "Next", show=False),
        Binding("up", "cursor(-1)", "Previous", show=False),
    ]
    DEFAULT_CSS = """
    SpeakerPicker { align: center middle; }
    SpeakerPicker > Vertical {
        width: 70; max-width: 95%; height: auto; max-height: 80%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    SpeakerPicker OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, candidates: list[SpeakerCandidate], current: str | None = None) -> None:
        super().__init__()
        self.candidates = candidates
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("[b]Who said it?[/b]  type to filter or to name someone else; Enter picks")
            yield Input(value="", placeholder=self.current or "a name", id="speaker-input")
            yield OptionList(id="speaker-options")

    def on_mount(self) -> None:
        self.fill("")
        self.query_one(Input).focus()

    def fill(self, typed: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        needle = typed.strip().lower()
        for i, c in enumerate(self.candidates):
            if needle and needle not in c.name.lower():
                continue
            line = Text(c.name, style="bold")
            line.append(f"  {c.label} · {c.mentions} mention{'s' if c.mentions != 1 else ''}", style="dim")
            options.add_option(Option(line, id=str(i)))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#speaker-input")
    def _typed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    @on(Input.Submitted, "#speaker-input")
    def _submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None and options.option_count:
            self.pick(int(options.get_option_at_index(options.highlighted).id or 0))
        elif event.value.strip():
            self.dismiss(SpeakerChoice(event.value.strip(), None, None))

    @on(OptionList.OptionSelected, "#speaker-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.pick(int(event.option.id or 0))

    def pick(self, index: int) -> None:
        c = self.candidates[index]
        self.dismiss(SpeakerChoice(c.name, c.mention_start, c.mention_end))

    def action_cursor(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -1
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)
