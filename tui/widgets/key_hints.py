"""The key hints at the bottom of each screen: Textual's Footer, rebuilt only on change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

ShownKeys = tuple[tuple[str, str, bool, str | None], ...]


class KeyHints(Footer):
    """Textual's Footer, recomposed only when the keys it shows change.

    The Footer rebuilds a widget per key whenever its screen's bindings update:
    on every push of the reused reader screen and every focus change. Profiled,
    that was a third of opening an article; the keys shown rarely differ.
    """

    _shown: ShownKeys | None = None

    def bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            shown = tuple(
                (binding.key, binding.description, enabled, tooltip)
                for _, binding, enabled, tooltip in screen.active_bindings.values()
                if binding.show
            )
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
