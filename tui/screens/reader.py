"""The reader: one article, its entities and annotations, tagged by keyboard."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from newsmark.store.annotations import (
    AlreadyTagged,
    Annotation,
    add_annotation,
    annotations_for_article,
    delete_annotation,
    label_for_key,
    list_labels,
    redo,
    undo,
)
from newsmark.store.articles import Entity, entities_for_article, get_article, sentences_for_article
from newsmark.store.suggestions import Suggestion, open_suggestions
from newsmark.store.tokens import fallback_sentences
from newsmark.tui.colours import entity_colour
from newsmark.tui.keymap import bindings_for
from newsmark.tui.screens.reader_entities import EntityActions
from newsmark.tui.screens.reader_quotes import QuoteActions
from newsmark.tui.screens.reader_search import SearchActions
from newsmark.tui.visible import visible_text
from newsmark.tui.widgets.article_view import ArticleView, Highlight
from newsmark.tui.widgets.key_hints import KeyHints

PANEL_SNIPPET = 60


class ReaderScreen(SearchActions, QuoteActions, EntityActions, Screen):
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
        yield KeyHints("reader")

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

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_changed(event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.search_submitted()

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
        except AlreadyTagged as e:
            self.view.clear_selection()
            self.set_status(f"Not added: {e}")
            return
        except Exception as e:  # the database refused: the user must know it is not saved
            self.app.notify(f"Not saved: {e}", severity="error", timeout=10)
            return
        # The cursor rests on the new annotation, so d deletes it and u undoes it; a tag
        # ends the selection and mark mode.
        self.view.jump_to(annotation.start)
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
            self.view.jump_to(target)

    @on(OptionList.OptionSelected, "#annotations")
    def _annotation_chosen(self, event: OptionList.OptionSelected) -> None:
        annotation = next(a for a in self.annotations if str(a.id) == event.option.id)
        self.view.jump_to(annotation.start)
        self.view.focus()
