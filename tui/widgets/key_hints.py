"""The key hints at the bottom of each screen: one line, drawn from the keymap."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from newsmark.tui.actions import ACTIONS, scope_of
from newsmark.tui.keymap import display_keys

PALETTE_ACTION = "app.command_palette"


class KeyHints(Widget):
    """The keys of a screen's main actions (marked `show` in tui.actions), as the
    active keymap binds them, sequences included ('d d' in vim), on one line.

    Textual's Footer makes a widget per key and rebuilds them all whenever the
    screen's bindings update (each open of the reused reader, each focus change):
    profiled, a third of opening an article. One line of text is one render.
    """

    DEFAULT_CSS = """
    KeyHints {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    KeyHints > .key-hints--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    """
    COMPONENT_CLASSES = {"key-hints--key"}

    def __init__(self, scope: str, keymap: dict[str, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scope = scope
        self.keymap = keymap

    def render(self) -> Text:
        # Built at each render, from the styles of the moment: a theme change restyles it.
        return self.hints(self.size.width)

    def hints(self, width: int) -> Text:
        """The screen's keys, then the app's (quit, help, the palette, where every action
        is); when the line is too narrow the screen's last keys give way, not the app's."""
        keymap = self.keymap
        key_style = self.get_component_rich_style("key-hints--key", partial=True)

        def hint(action_id: str) -> Text:
            description = "Palette" if action_id == PALETTE_ACTION else ACTIONS[action_id].description
            keys = display_keys(keymap[action_id], first_only=True)
            return Text.assemble((f" {keys} ", key_style), f"{description} ")

        def shown(scope: str) -> list[str]:
            return [s.id for s in ACTIONS.values() if s.show and scope_of(s.id) == scope and keymap.get(s.id)]

        app_part = Text.assemble(*(hint(a) for a in [*shown("app"), PALETTE_ACTION] if keymap.get(a)))
        line = Text(no_wrap=True, overflow="ellipsis")
        for action_id in shown(self.scope):
            part = hint(action_id)
            if width and line.cell_len + part.cell_len + app_part.cell_len > width:
                break
            line.append_text(part)
        line.append_text(app_part)
        return line
