"""The key hints at the bottom of each screen: one line, drawn from the keymap."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

from newsmark.tui.actions import ACTIONS, scope_of
from newsmark.tui.keymap import display_keys, keys_on

PALETTE_ACTION = "app.command_palette"
TAG_ACTIONS = tuple(f"reader.label_{n}" for n in range(1, 10))
# What a narrow line keeps after the app's keys: in the reader, going back, selecting and
# tagging (a user who sees how to select but not how to tag cannot tag); in the library,
# the keys no one would guess (typing searches, Enter opens). The rest fill the room left.
KEPT_FIRST = (
    "reader.back",
    "reader.select_sentence",
    TAG_ACTIONS[0],
    "library.cycle_status",
    "library.cycle_order",
)


# App actions a screen lists among its own hints (so they give way on a narrow line as its
# own do): the library is where a user starts, and the sources are found from there.
ALSO_LISTED = {"library": ("app.sources",)}


@dataclass(frozen=True)
class Hint:
    action_id: str
    keys: str
    description: str


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

    def shown(self, scope: str) -> list[Hint]:
        """The hints of one scope, each with the first key that works on this screen.
        The tagging keys are one hint when they are 1 to 9 ("1-9 Tag")."""
        hints = []
        for spec in ACTIONS.values():
            listed = spec.id in ALSO_LISTED.get(scope, ())
            if not listed and (not (spec.show or spec.id == PALETTE_ACTION) or scope_of(spec.id) != scope):
                continue
            keys = display_keys(keys_on(self.keymap, spec.id, self.scope), first_only=True)
            description = "Palette" if spec.id == PALETTE_ACTION else spec.hint or spec.description
            if keys:
                hints.append(Hint(spec.id, keys, description))
        hints.sort(key=lambda h: h.action_id in ALSO_LISTED.get(scope, ()))  # after its own: first to go
        tag_keys = [display_keys(self.keymap[a], first_only=True) for a in TAG_ACTIONS]
        if tag_keys == [str(n) for n in range(1, 10)]:
            hints = [h for h in hints if h.action_id not in TAG_ACTIONS[1:]]
            hints = [Hint(h.action_id, "1-9", "Tag") if h.action_id == TAG_ACTIONS[0] else h for h in hints]
        return hints

    def hints(self, width: int) -> Text:
        """The screen's keys, then the app's (quit, help, the palette, where every action
        is). On a narrow line the app's keys stay, then those in KEPT_FIRST; the screen's
        other keys take the room left, in order."""
        key_style = self.get_component_rich_style("key-hints--key", partial=True)

        def text(hint: Hint) -> Text:
            return Text.assemble((f" {hint.keys} ", key_style), f"{hint.description} ")

        app_part = Text.assemble(*(text(h) for h in self.shown("app")))
        screen_hints = self.shown(self.scope)
        room = width - app_part.cell_len if width else None
        kept: set[str] = set()
        for hint in sorted(screen_hints, key=lambda h: h.action_id not in KEPT_FIRST):
            length = text(hint).cell_len
            if room is None or length <= room:
                kept.add(hint.action_id)
                room = None if room is None else room - length
        line = Text(no_wrap=True, overflow="ellipsis")
        for hint in screen_hints:
            if hint.action_id in kept:
                line.append_text(text(hint))
        line.append_text(app_part)
        return line
