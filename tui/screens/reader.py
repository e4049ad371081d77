"""The reader: one article, its entities and annotations, tagged by keyboard."""

from __future__ import annotations

import re

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from store.annotations import (
    Annotation,
    add_annotation,
    annotations_for_article,
    delete_annotation,
    label_for_key,
    list_labels,
    redo,
    undo,
    update_annotation,
)
from store.articles import Entity, entities_for_article, get_article, sentences_for_article
from store.speakers import speaker_candidates
from store.suggestions import Suggestion, open_suggestions, set_suggestion_status
from store.tokens import fallback_sentences
from tui.colours import entity_colour
from tui.keymap import bindings_for
from tui.visible import visible_text
from tui.widgets.article_view import ArticleView, Highlight

PANEL_SNIPPET = 60


class ReaderScreen(Screen):
    BINDINGS = bindings_for("reader")

    def __init__(self, article_id: str) -> None:
        super().__init__()
        self.article_id = article_id
        self._reset_state()

    def _reset_state(self) -> None:
        self.annotations: list[Annotation] = []
        self.suggestions: list[Suggestion] = []
        self.entities: list[Entity] = []
        self.entity_labels: list[str] = []
        self.hidden_labels: set[str] = set()
        self.entities_shown = True
        self.analyzed = False
        self.matches: list[tuple[int, int]] = []

    def compose(self) -> ComposeResult:
        yield Static(id="article-title")
        with Horizontal(id="reader-body"):
            yield ArticleView(id="text")
            with Vertical(id="side"):
                yield Static("Annotations", classes="panel-title")
                yield OptionList(id="annotations")
                yield Static(id="legend")
                yield Static(id="status")
        yield Input(placeholder="Search this article (Enter jumps, Esc closes)", id="search")
        yield Footer()

    @property
    def db(self):
        return self.app.db

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    def on_mount(self) -> None:
        if not self.load():
            self.app.pop_screen()

    def show_article(self, article_id: str) -> bool:
        """Reuse this (already mounted) screen for another article: far cheaper than
        composing a new screen, which is most of the cost of opening one."""
        self.article_id = article_id
        self._reset_state()
        self.close_search(keep_matches=False)
        return self.load()

    def load(self) -> bool:
        """Show `self.article_id`: its text at once, highlights from the cache; False when
        there is no such article."""
        article = get_article(self.db, self.article_id)
        if article is None:
            self.app.notify(f"No article {self.article_id}", severity="error")
            return False
        self.article = article
        # Titles and paths come from files: shown, never interpreted by the terminal.
        title = Text(visible_text(article.title), style="bold")
        title.append(f"   {visible_text(article.source)} · {article.word_count} words", style="dim")
        self.query_one("#article-title", Static).update(title)
        self.analyzed = article.analysis_model is not None
        sentences = [(s.start, s.end) for s in sentences_for_article(self.db, self.article_id)]
        self.view.set_document(article.text, sentences or fallback_sentences(article.text))
        self.refresh_highlights()
        self.view.focus()
        self.set_status("")
        if not self.analyzed:
            self.app.analyze_in_background([self.article_id])
        return True

    def article_analyzed(self, article_id: str) -> None:
        """Called by the app when a worker has cached this article's analysis."""
        if article_id != self.article_id:
            return
        self.analyzed = True
        sentences = [(s.start, s.end) for s in sentences_for_article(self.db, self.article_id)]
        if sentences:
            self.view.sentences = sentences
        self.refresh_highlights()

    # -- painting ------------------------------------------------------------

    def refresh_highlights(self) -> None:
        entities = entities_for_article(self.db, self.article_id)
        self.entities = entities
        self.entity_labels = sorted({e.label for e in entities})
        self.annotations = annotations_for_article(self.db, self.article_id)
        labels = list_labels(self.db)
        colours = {label: entity_colour(label) for label in self.entity_labels}
        colours.update({label.name: label.colour for label in labels})
        self.view.set_label_colours(colours)
        shown_entities = [
            Highlight(e.start, e.end, e.label)
            for e in entities
            if self.entities_shown and e.label not in self.hidden_labels
        ]
        quotes = [a for a in self.annotations if a.label == "QUOTE"]
        # A suggestion already tagged as a QUOTE (or undone back to open) shows once.
        self.suggestions = [
            s
            for s in open_suggestions(self.db, self.article_id)
            if not any(a.start < s.end and s.start < a.end for a in quotes)
        ]
        self.view.set_highlights(
            shown_entities,
            [Highlight(a.start, a.end, a.label) for a in self.annotations],
            [Highlight(s.start, s.end, "suggestion") for s in self.suggestions],
        )
        self.refresh_panel()
        self.refresh_legend(labels)

    def refresh_panel(self, highlight_id: int | None = None) -> None:
        panel = self.query_one("#annotations", OptionList)
        panel.clear_options()
        for a in self.annotations:
            snippet = visible_text(a.text.replace("\n", " "))
            if len(snippet) > PANEL_SNIPPET:
                snippet = snippet[: PANEL_SNIPPET - 1] + "…"
            line = Text(f"{a.label} ", style="bold")
            line.append(snippet)
            if a.speaker:
                line.append(f" — {visible_text(a.speaker)}", style="italic")
            panel.add_option(Option(line, id=str(a.id)))
        if highlight_id is not None:
            index = next((i for i, a in enumerate(self.annotations) if a.id == highlight_id), None)
            if index is not None:
                panel.highlighted = index
        self.query_one(".panel-title", Static).update(f"Annotations ({len(self.annotations)})")

    def refresh_legend(self, labels) -> None:
        legend = Text()
        for label in labels:
            if label.key:
                legend.append(f"{label.key} ", style="bold")
                legend.append(f" {label.name} ", style=f"black on {label.colour}")
                legend.append("  ")
        legend.append("\n")
        if not self.analyzed:
            legend.append("analysing… entities appear when ready\n", style="italic dim")
        for name in self.entity_labels:
            hidden = name in self.hidden_labels or not self.entities_shown
            style = f"strike dim {entity_colour(name)}" if hidden else f"bold {entity_colour(name)}"
            legend.append(name, style=style)
            legend.append(" ")
        self.query_one("#legend", Static).update(legend)

    def _show_status(self, message: str) -> None:
        # Names and snippets come from files: plain Text, never markup, controls made visible.
        lines = [visible_text(line) for line in message.split("\n")]
        self.query_one("#status", Static).update(Text("\n".join(lines)))

    def set_status(self, message: str) -> None:
        # Kept for the next cursor report too: a move right after saving must not hide "Saved".
        self._last_message = message
        self._show_status(message)

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        view = self.view
        where = f"line {view.line_of(event.position) + 1}/{view.line_count}"
        if selection := view.selection:
            where += f" · {selection[1] - selection[0]} chars selected"
        if (a := self.annotation_at(event.position)) is not None:
            where += f" · in {a.label} #{a.id}"
            if a.speaker:
                where += f" said by {a.speaker}"
        elif (sug := self.suggestion_at(event.position)) is not None:
            number = self.suggestions.index(sug) + 1
            who = sug.speaker or "speaker unknown"
            where += (
                f"\nSuggested quote {number}/{len(self.suggestions)}: {who}"
                f" ({sug.cue or 'no cue'}, score {sug.score:.2f})"
            )
        if message := getattr(self, "_last_message", None):
            where = f"{message}\n{where}"
            self._last_message = None
        self._show_status(where)

    # -- actions: movement and selection --------------------------------------

    def action_move(self, kind: str, step: int) -> None:
        self.view.move(kind, step)

    def action_extend(self, kind: str, step: int) -> None:
        self.view.extend(kind, step)

    def action_select_sentence(self) -> None:
        if (sentence := self.view.sentence_at(self.view.cursor)) is not None:
            self.view.set_selection(*sentence)

    def action_clear_selection(self) -> None:
        self.view.clear_selection()
        self.close_search(keep_matches=False)

    def action_set_mark(self) -> None:
        self.view.set_mark()
        self.set_status("Mark set: movements extend the selection")

    def action_back(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_class("open"):
            self.close_search(keep_matches=True)
            return
        if self.view.selection is not None or self.view.marking:
            self.view.clear_selection()
            return
        self.app.pop_screen()

    # -- actions: search ------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.add_class("open")
        search.focus()

    def close_search(self, *, keep_matches: bool) -> None:
        search = self.query_one("#search", Input)
        search.remove_class("open")
        if not keep_matches:
            self.matches = []
            self.view.set_matches([])
        self.view.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        query = event.value
        text = self.article.text
        self.matches = (
            [(m.start(), m.end()) for m in re.finditer(re.escape(query), text, re.IGNORECASE)]
            if query
            else []
        )
        self.view.set_matches(self.matches)
        self.set_status(f"{len(self.matches)} matches" if query else "")

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.close_search(keep_matches=True)
        if self.matches:
            cursor = self.view.cursor
            target = next((m for m in self.matches if m[0] >= cursor), self.matches[0])
            self.view.move("char", target[0] - cursor)

    def action_step_match(self, step: int) -> None:
        if not self.matches:
            self.set_status("No search matches (search first)")
            return
        cursor = self.view.cursor
        starts = [m[0] for m in self.matches]
        if step > 0:
            target = next((s for s in starts if s > cursor), starts[0])
        else:
            target = next((s for s in reversed(starts) if s < cursor), starts[-1])
        self.view.move("char", target - cursor)
        number = starts.index(target) + 1
        self.set_status(f"Match {number}/{len(starts)}")

    def action_tag_matches(self) -> None:
        from tui.screens.dialogs import LabelChooser

        if not self.matches:
            self.app.notify("Search first: this tags every match", severity="warning")
            return
        matches = list(self.matches)

        def chosen(label: str | None) -> None:
            if label is None:
                return
            added = 0
            try:
                for start, end in matches:
                    add_annotation(self.db, self.article_id, start, end, label)
                    added += 1
            except Exception as e:
                self.app.notify(f"Stopped after {added} saved: {e}", severity="error", timeout=10)
            self.refresh_highlights()
            self.set_status(f"Saved {added} {label} annotations")

        self.app.push_screen(LabelChooser(list_labels(self.db), len(matches)), chosen)

    def action_focus_panel(self) -> None:
        panel = self.query_one("#annotations", OptionList)
        (self.view if panel.has_focus else panel).focus()

    # -- actions: annotations -------------------------------------------------

    def action_tag(self, key: int) -> None:
        label = label_for_key(self.db, key)
        if label is None:
            self.app.notify(f"No label on key {key}: add one with the labels dialog", severity="warning")
            return
        selection = self.view.selection
        if selection is None:
            self.app.notify("Select a passage first (s selects the sentence)", severity="warning")
            return
        start, end = selection
        text = self.article.text
        # Whitespace at the edges of a keyboard selection is never part of the passage.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            self.app.notify("The selection is only whitespace", severity="warning")
            return
        try:
            annotation = add_annotation(self.db, self.article_id, start, end, label.name)
        except Exception as e:  # the database refused: the user must know it is not saved
            self.app.notify(f"Not saved: {e}", severity="error", timeout=10)
            return
        # The cursor rests on the new annotation, so d deletes it and u undoes it.
        self.view.move("char", annotation.start - self.view.cursor)
        self.refresh_highlights()
        self.refresh_panel(annotation.id)
        self.set_status(f"Saved {annotation.label} #{annotation.id}")

    def annotation_at(self, position: int) -> Annotation | None:
        """The innermost annotation holding `position`."""
        holding = [a for a in self.annotations if a.start <= position < a.end]
        return min(holding, key=lambda a: a.end - a.start) if holding else None

    def action_delete_annotation(self) -> None:
        panel = self.query_one("#annotations", OptionList)
        target: Annotation | None = None
        if panel.has_focus and panel.highlighted is not None:
            target = self.annotations[panel.highlighted]
        else:
            target = self.annotation_at(self.view.cursor)
        if target is None:
            self.app.notify("No annotation at the cursor", severity="warning")
            return
        try:
            delete_annotation(self.db, target.id)
        except Exception as e:
            self.app.notify(f"Not deleted: {e}", severity="error", timeout=10)
            return
        self.refresh_highlights()
        self.set_status(f"Deleted {target.label} #{target.id} (u undoes)")

    def action_undo(self) -> None:
        self._replay(undo, "Undone", "Nothing to undo")

    def action_redo(self) -> None:
        self._replay(redo, "Redone", "Nothing to redo")

    def _replay(self, operation, done: str, nothing: str) -> None:
        try:
            replayed = operation(self.db, self.article_id)
        except Exception as e:
            self.app.notify(f"Not saved: {e}", severity="error", timeout=10)
            return
        if replayed is None:
            self.set_status(nothing)
            return
        self.refresh_highlights()
        what = "entity" if replayed.kind.startswith("entity.") else "annotation"
        self.set_status(f"{done}: {replayed.kind.split('.', 1)[1]} of {what} #{replayed.target_id}")

    def action_jump_annotation(self, step: int) -> None:
        cursor = self.view.cursor
        starts = sorted({a.start for a in self.annotations})
        if step > 0:
            target = next((s for s in starts if s > cursor), None)
        else:
            target = next((s for s in reversed(starts) if s < cursor), None)
        if target is not None:
            self.view.move("char", target - cursor)

    @on(OptionList.OptionSelected, "#annotations")
    def _annotation_chosen(self, event: OptionList.OptionSelected) -> None:
        annotation = next(a for a in self.annotations if str(a.id) == event.option.id)
        self.view.move("char", annotation.start - self.view.cursor)
        self.view.focus()

    # -- actions: quote suggestions and speakers ------------------------------

    def suggestion_at(self, position: int) -> Suggestion | None:
        return next((s for s in self.suggestions if s.start <= position < s.end), None)

    def action_step_suggestion(self, step: int) -> None:
        cursor = self.view.cursor
        if step > 0:
            target = next((s for s in self.suggestions if s.start > cursor), None)
        else:
            current = self.suggestion_at(cursor)
            before = [s for s in self.suggestions if s.start < cursor and s is not current]
            target = before[-1] if before else None
        if target is None:
            self.set_status("No more suggestions this way" if self.suggestions else "No suggested quotes")
            return
        self.view.move("char", target.start - cursor)

    def action_accept_suggestion(self) -> None:
        suggestion = self.suggestion_at(self.view.cursor)
        if suggestion is None:
            self.app.notify("No suggested quote at the cursor (n goes to the next)", severity="warning")
            return
        self._accept(suggestion, suggestion.speaker, suggestion.speaker_start, suggestion.speaker_end)

    def _accept(self, suggestion: Suggestion, speaker, speaker_start, speaker_end) -> Annotation | None:
        try:
            annotation = add_annotation(
                self.db,
                self.article_id,
                suggestion.start,
                suggestion.end,
                "QUOTE",
                speaker=speaker,
                speaker_start=speaker_start,
                speaker_end=speaker_end,
            )
            set_suggestion_status(self.db, suggestion.id, "accepted")
        except Exception as e:
            self.app.notify(f"Not saved: {e}", severity="error", timeout=10)
            return None
        self.refresh_highlights()
        self.refresh_panel(annotation.id)
        self.set_status(f"Saved QUOTE #{annotation.id} — {speaker or 'no speaker'}")
        return annotation

    def action_reject_suggestion(self) -> None:
        suggestion = self.suggestion_at(self.view.cursor)
        if suggestion is None:
            self.app.notify("No suggested quote at the cursor", severity="warning")
            return
        try:
            set_suggestion_status(self.db, suggestion.id, "rejected")
        except Exception as e:
            self.app.notify(f"Not saved: {e}", severity="error", timeout=10)
            return
        self.refresh_highlights()
        self.set_status("Suggestion rejected")
        self.action_step_suggestion(1)

    def action_set_speaker(self) -> None:
        from tui.screens.speaker import SpeakerPicker, speaker_choice

        cursor = self.view.cursor
        annotation = self.annotation_at(cursor)
        if annotation is not None and annotation.label != "QUOTE":
            annotation = None
        suggestion = self.suggestion_at(cursor) if annotation is None else None
        if annotation is None and suggestion is None:
            self.app.notify("Put the cursor in a QUOTE (or a suggested quote) first", severity="warning")
            return
        target = annotation or suggestion
        assert target is not None
        candidates = speaker_candidates(self.db, self.article_id, near=target.start, guess=target.speaker)

        def chosen(value: object) -> None:
            choice = speaker_choice(value)
            if choice is None:
                return
            if annotation is not None:
                self._update(
                    annotation,
                    speaker=choice.name,
                    speaker_start=choice.mention_start,
                    speaker_end=choice.mention_end,
                )
            elif suggestion is not None:
                self._accept(suggestion, choice.name, choice.mention_start, choice.mention_end)

        self.app.push_screen(SpeakerPicker(candidates, target.speaker), chosen)

    def _update(self, annotation: Annotation, **changes: object) -> None:
        try:
            updated = update_annotation(self.db, annotation.id, **changes)
        except Exception as e:
            self.app.notify(f"Not saved: {e}", severity="error", timeout=10)
            return
        self.refresh_highlights()
        self.refresh_panel(updated.id)
        detail = f" — {updated.speaker}" if updated.speaker else ""
        self.set_status(f"Saved {updated.label} #{updated.id}{detail}")

    def action_adjust_bounds(self, edge: str, step: int) -> None:
        annotation = self.annotation_at(self.view.cursor)
        if annotation is None:
            self.app.notify("No annotation at the cursor", severity="warning")
            return
        view = self.view
        position = annotation.start if edge == "start" else annotation.end
        if edge == "start" and step > 0:
            # A leading quote mark goes with the first word, not as a word of its own.
            while position < annotation.end and not self.article.text[position].isalnum():
                position += 1
        # Word targets computed from the edge, as if the cursor stood there.
        saved_cursor = view.cursor
        view.set_reactive(ArticleView.cursor, position)
        target = view.target("word", step, selecting=(edge == "end"))
        view.set_reactive(ArticleView.cursor, saved_cursor)
        if edge == "start":
            start, end = target, annotation.end
        else:
            start, end = annotation.start, target
        text = self.article.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end or (start, end) == (annotation.start, annotation.end):
            return
        self._update(annotation, start=start, end=end)
        if not (start <= view.cursor < end):
            view.move("char", start - view.cursor)

    # -- actions: entity corrections (as Prodigy's ner.correct) ---------------

    def entity_at(self, position: int):
        holding = [e for e in self.entities if e.start <= position < e.end]
        return min(holding, key=lambda e: e.end - e.start) if holding else None

    def _pick_entity_label(self, title: str, then) -> None:
        from tui.colours import ENTITY_COLOURS
        from tui.screens.picker import Picker

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
        from store.entities import add_entity

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
        from store.entities import relabel_entity

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
        from store.entities import reject_entity

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
        from tui.screens.dialogs import EntityLabelsScreen

        def apply(hidden: set[str] | None) -> None:
            if hidden is not None:
                self.hidden_labels = hidden
                self.entities_shown = True
                self.refresh_highlights()

        self.app.push_screen(EntityLabelsScreen(self.entity_labels, self.hidden_labels), apply)
