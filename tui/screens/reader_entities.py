"""Reader actions: correcting entities (as Prodigy's ner.correct) and showing them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsmark.tui.screens.reader import ReaderScreen

    _Base = ReaderScreen
else:
    _Base = object


class EntityActions(_Base):
    """Mixed into ReaderScreen."""

    def entity_at(self, position: int):
        holding = [e for e in self.entities if e.start <= position < e.end]
        return min(holding, key=lambda e: e.end - e.start) if holding else None

    def _pick_entity_label(self, title: str, then) -> None:
        from newsmark.tui.colours import ENTITY_COLOURS
        from newsmark.tui.screens.picker import Picker

        labels = list(dict.fromkeys([*self.entity_labels, *ENTITY_COLOURS]))
        self.app.push_screen(
            Picker(title, [(label, "", label) for label in labels], placeholder="an entity label"),
            lambda value: then(value.strip().upper()) if isinstance(value, str) and value.strip() else None,
        )

    def _entity_change(self, change, done: str) -> None:
        try:
            change()
        except Exception as e:
            self.app.notify(f"Not saved: {e}", severity="error", timeout=10)
            return
        self.refresh_highlights()
        self.set_status(done)

    def action_entity_add(self) -> None:
        from newsmark.store.entities import add_entity

        selection = self.view.selection
        if selection is None:
            self.app.notify("Select the entity's text first", severity="warning")
            return

        def add(label: str) -> None:
            self.view.clear_selection()
            self._entity_change(
                lambda: add_entity(self.db, self.article_id, *selection, label, replace=True),
                f"Saved entity {label} (u undoes)",
            )

        self._pick_entity_label("[b]Entity label[/b]  type to filter; Enter picks", add)

    def action_entity_relabel(self) -> None:
        from newsmark.store.entities import relabel_entity

        entity = self.entity_at(self.view.cursor)
        if entity is None:
            self.app.notify("No entity at the cursor", severity="warning")
            return
        self._pick_entity_label(
            f"[b]Relabel[/b] {entity.text!r} ({entity.label})",
            lambda label: self._entity_change(
                lambda: relabel_entity(self.db, entity.id, label), f"Relabelled {entity.text!r} as {label}"
            ),
        )

    def action_entity_reject(self) -> None:
        from newsmark.store.entities import reject_entity

        entity = self.entity_at(self.view.cursor)
        if entity is None:
            self.app.notify("No entity at the cursor", severity="warning")
            return
        self._entity_change(
            lambda: reject_entity(self.db, entity.id), f"Rejected {entity.label} {entity.text!r} (u undoes)"
        )

    # -- actions: entity display ----------------------------------------------

    def action_toggle_entities(self) -> None:
        self.entities_shown = not self.entities_shown
        self.refresh_highlights()

    def action_entity_labels(self) -> None:
        from newsmark.tui.screens.dialogs import EntityLabelsScreen

        def apply(hidden: set[str] | None) -> None:
            if hidden is not None:
                self.hidden_labels = hidden
                self.entities_shown = True
                self.refresh_highlights()

        self.app.push_screen(EntityLabelsScreen(self.entity_labels, self.hidden_labels), apply)
