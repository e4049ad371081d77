"""The key hints at the bottom of each screen: Textual's Footer, rebuilt only on change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

ActiveKeys = tuple[tuple[str, str, str, bool, bool, str | None, object], ...]


class KeyHints(Footer):
    """Textual's Footer, recomposed only when the screen's active bindings change.

    The Footer rebuilds a widget per key whenever its screen's bindings update:
    on every push of the reused reader screen and every focus change. Profiled,
    that was a third of opening an article; the keys shown rarely differ.
    """

    _drawn: ActiveKeys | None = None

    def bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            # Every active binding, shown or not (the palette's key is drawn with show=False).
            active = tuple(
                (key, binding.action, binding.description, binding.show, enabled, tooltip, binding.group)
                for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
            )
            if active == self._drawn:
                return
            self._drawn = active
        super().bindings_changed(screen)
