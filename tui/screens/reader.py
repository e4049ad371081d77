"""The reader: one article, its entities and annotations, tagged by keyboard.

The screen is composed of widgets that own their state and drawing (the article view,
the annotations panel, the legend, the status line, the search bar); it reads what
they show from the store, and every write goes through `save`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from newsmark.store.annotations import Annotation, label_for_key, list_labels
from newsmark.store.articles import Article, get_article, sentences_for_article
from newsmark.store.spans import trimmed
from newsmark.store.speakers import speaker_candidates
from newsmark.store.tokens import fallback_sentences
from newsmark.tui.article_edits import ArticleEdits, Outcome, not_saved
from newsmark.tui.article_spans import ArticleSpans
from newsmark.tui.colours import ENTITY_COLOURS, entity_colour
from newsmark.tui.keymap import bindings_for
from newsmark.tui.messages import AnalysisProgress, AnalyzeArticles, LabelsChanged
from newsmark.tui.screens.dialogs import EntityLabelsScreen, LabelChooser
from newsmark.tui.screens.picker import Picker
from newsmark.tui.screens.speaker import SpeakerPicker, speaker_choice
from newsmark.tui.visible import visible_text
from newsmark.tui.widgets.annotations_panel import AnnotationsPanel
from newsmark.tui.widgets.article_view import ArticleView, Highlight
from newsmark.tui.widgets.key_hints import KeyHints
from newsmark.tui.widgets.legend import Legend
from newsmark.tui.widgets.search_bar import SearchBar
from newsmark.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from sqlite_utils import Database


def title_line(article: Article) -> Text:
    # Titles and paths come from files: shown, never interpreted by the terminal.
    title = Text(visible_text(article.title), style="bold")
    title.append(f"   {visible_text(article.source)} · {article.word_count} words", style="dim")
    return title


class ReaderScreen(Screen[None]):
    BINDINGS = bindings_for("reader")

    article: Article  # set by `load`, before the screen is shown

    def __init__(self, article_id: str, *, db: Database, keymap: dict[str, str]) -> None:
        super().__init__()
        self.db = db
        self.keymap = keymap
        self.article_id = article_id
        self.spans = ArticleSpans()
        self.analyzed = False
        self.view = ArticleView(id="text")
        self.panel = AnnotationsPanel()
        self.legend = Legend(id="legend")
        self.status = StatusLine(id="status")
        self.search_bar = SearchBar(id="search")

    def compose(self) -> ComposeResult:
        yield Static(id="article-title")
        with Horizontal(id="reader-body"):
            yield self.view
            with Vertical(id="side"):
                yield self.panel
                yield self.legend
                yield self.status
        yield self.search_bar
        yield KeyHints("reader", self.keymap)

    @property
    def edits(self) -> ArticleEdits:
        """The writes to the article shown; each goes through `save`."""
        return ArticleEdits(self.db, self.article_id)

    @property
    def annotations(self) -> list[Annotation]:
        """The article's annotations as shown."""
        return self.spans.annotations

    def on_mount(self) -> None:
        if not self.load():
            self.app.pop_screen()

    def show_article(self, article_id: str) -> bool:
        """Reuse this (already mounted) screen for another article: far cheaper than
        composing a new screen, which is most of the cost of opening one."""
        self.article_id = article_id
        self.spans = ArticleSpans()
        self.legend.reset()
        self.close_search(keep_matches=False)
        return self.load()

    def load(self) -> bool:
        """Show `self.article_id`: its text at once, highlights from the cache; False when
        there is no such article."""
        article = get_article(self.db, self.article_id)
        if article is None:
            self.notify(f"No article {self.article_id}", severity="error")
            return False
        self.article = article
        self.query_one("#article-title", Static).update(title_line(article))
        self.analyzed = article.analysis_model is not None
        sentences = [(s.start, s.end) for s in sentences_for_article(self.db, self.article_id)]
        self.view.set_document(article.text, sentences or fallback_sentences(article.text))
        self.search_bar.search_in(article.text)
        self.repaint()
        self.view.focus()
        self.status.say("")
        if not self.analyzed:
            self.post_message(AnalyzeArticles([self.article_id]))
        return True

    @on(AnalysisProgress)
    def _analysed(self, message: AnalysisProgress) -> None:
        if message.article_id != self.article_id:
            return
        self.analyzed = True
        sentences = [(s.start, s.end) for s in sentences_for_article(self.db, self.article_id)]
        if sentences:
            self.view.sentences = sentences
        self.repaint()

    @on(LabelsChanged)
    def _labels_changed(self) -> None:
        self.repaint()

    # -- painting and saving ---------------------------------------------------

    def repaint(self, *, highlight: Annotation | None = None) -> None:
        """Read what the article carries from the store and show it everywhere;
        `highlight`: the annotation to pick out in the panel."""
        spans = self.spans = ArticleSpans.read(self.db, self.article_id)
        labels = list_labels(self.db)
        entity_labels = spans.entity_labels
        colours = {label: entity_colour(label) for label in entity_labels}
        colours.update({label.name: label.colour for label in labels})
        self.view.set_label_colours(colours)
        self.view.set_highlights(
            [Highlight(e.start, e.end, e.label) for e in spans.entities if self.legend.shows_entity(e.label)],
            [Highlight(a.start, a.end, a.label) for a in spans.annotations],
            [Highlight(s.start, s.end, "suggestion") for s in spans.suggestions],
        )
        self.panel.show(spans.annotations, highlight=highlight.id if highlight else None)
        self.legend.show(labels, entity_labels, analysing=not self.analyzed)

    def save(
        self, write: Callable[[], Outcome], *, failed: Callable[[Exception], str] = not_saved
    ) -> Outcome | None:
        """Run one write to the store and say how it went: the outcome on the status line,
        or, when the store refused it, `failed(error)` as an error the user must see.
        Either way the screen shows what the store now holds (a batch may stop part-way)."""
        try:
            outcome = write()
        except Exception as e:  # the database refused: the user must know it is not saved
            self.notify(failed(e), severity="error", timeout=10)
            self.repaint()
            return None
        if outcome.changed:
            self.repaint(highlight=outcome.annotation)
        self.status.say(outcome.message)
        return outcome

    # -- the status line ----------------------------------------------------------

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        self.status.report(self.where(event.position))

    def where(self, position: int) -> str:
        """The cursor's line, the selection, and the annotation or suggestion it is in."""
        view, spans = self.view, self.spans
        where = f"line {view.line_of(position) + 1}/{view.line_count}"
        if selection := view.selection:
            where += f" · {selection[1] - selection[0]} chars selected"
        if (a := spans.annotation_at(position)) is not None:
            where += f" · in {a.label} #{a.id}"
            if a.speaker:
                where += f" said by {a.speaker}"
        elif (sug := spans.suggestion_at(position)) is not None:
            number = spans.suggestions.index(sug) + 1
            who = sug.speaker or "speaker unknown"
            where += (
                f"\nSuggested quote {number}/{len(spans.suggestions)}: {who}"
                f" ({sug.cue or 'no cue'}, score {sug.score:.2f})"
            )
        return where

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
        self.status.say("Mark set: movements extend the selection")

    def action_back(self) -> None:
        if self.search_bar.is_open:
            self.close_search(keep_matches=True)
        elif self.view.selection is not None or self.view.marking:
            self.view.clear_selection()
        else:
            self.app.pop_screen()

    def action_focus_panel(self) -> None:
        if self.panel.list_has_focus:
            self.view.focus()
        else:
            self.panel.focus_list()

    @on(AnnotationsPanel.Chosen)
    def _annotation_chosen(self, event: AnnotationsPanel.Chosen) -> None:
        self.view.jump_to(event.annotation.start)
        self.view.focus()

    def action_jump_annotation(self, step: int) -> None:
        if (start := self.spans.next_annotation_start(self.view.cursor, step)) is not None:
            self.view.jump_to(start)

    # -- actions: search in the article ---------------------------------------

    def action_search(self) -> None:
        self.search_bar.open()

    def close_search(self, *, keep_matches: bool) -> None:
        self.search_bar.close(keep_matches=keep_matches)
        if not keep_matches:
            self.view.set_matches([])
        self.view.focus()

    @on(SearchBar.Found)
    def _found(self, event: SearchBar.Found) -> None:
        self.view.set_matches(event.matches)
        self.status.say(f"{len(event.matches)} matches" if event.query else "")

    @on(SearchBar.Accepted)
    def _search_accepted(self) -> None:
        self.view.focus()
        if (match := self.search_bar.first_from(self.view.cursor)) is not None:
            self.view.jump_to(match[0], keep_selection=True)

    def action_step_match(self, step: int) -> None:
        index = self.search_bar.step_from(self.view.cursor, step)
        if index is None:
            self.status.say("No search matches (search first)")
            return
        matches = self.search_bar.matches
        self.view.jump_to(matches[index][0], keep_selection=True)
        self.status.say(f"Match {index + 1}/{len(matches)}")

    def action_tag_matches(self) -> None:
        matches = list(self.search_bar.matches)
        if not matches:
            self.notify("Search first: this tags every match", severity="warning")
            return
        saved: list[Annotation] = []

        def chosen(label: str | None) -> None:
            if label is not None:
                self.save(
                    lambda: self.edits.tag_all(matches, label, saved),
                    failed=lambda e: f"Stopped after {len(saved)} saved: {e}",
                )

        self.app.push_screen(LabelChooser(list_labels(self.db), len(matches)), chosen)

    # -- actions: annotations -------------------------------------------------

    def action_tag(self, key: int) -> None:
        label = label_for_key(self.db, key)
        if label is None:
            self.notify(f"No label on key {key}: add one with the labels dialog", severity="warning")
            return
        if (selection := self.view.selection) is None:
            self.notify("Select a passage first (s selects the sentence)", severity="warning")
            return
        # Whitespace at the edges of a keyboard selection is never part of the passage.
        start, end = trimmed(self.article.text, *selection)
        if start == end:
            self.notify("The selection is only whitespace", severity="warning")
            return
        if (outcome := self.save(lambda: self.edits.tag(start, end, label.name))) is None:
            return
        # A tag ends the selection and mark mode; the cursor rests on the new annotation,
        # so d deletes it and u undoes it.
        if outcome.annotation is None:
            self.view.clear_selection()
        else:
            self.view.jump_to(outcome.annotation.start)

    def action_delete_annotation(self) -> None:
        target = self.panel.highlighted or self.spans.annotation_at(self.view.cursor)
        if target is None:
            self.notify("No annotation at the cursor", severity="warning")
            return
        self.save(lambda: self.edits.delete(target), failed=lambda e: f"Not deleted: {e}")

    def action_undo(self) -> None:
        self.save(self.edits.undo)

    def action_redo(self) -> None:
        self.save(self.edits.redo)

    def action_adjust_bounds(self, edge: str, step: int) -> None:
        annotation = self.spans.annotation_at(self.view.cursor)
        if annotation is None:
            self.notify("No annotation at the cursor", severity="warning")
            return
        text = self.article.text
        position = annotation.start if edge == "start" else annotation.end
        if edge == "start" and step > 0:
            # A leading quote mark goes with the first word, not as a word of its own.
            while position < annotation.end and not text[position].isalnum():
                position += 1
        # A word from the edge, as if the cursor stood there.
        target = self.view.target("word", step, selecting=(edge == "end"), origin=position)
        bounds = (target, annotation.end) if edge == "start" else (annotation.start, target)
        start, end = trimmed(text, *bounds)
        if start >= end or (start, end) == (annotation.start, annotation.end):
            return
        saved = self.save(lambda: self.edits.update(annotation, start=start, end=end))
        if saved and not (start <= self.view.cursor < end):
            self.view.jump_to(start)

    # -- actions: quote suggestions and speakers ------------------------------

    def action_step_suggestion(self, step: int) -> None:
        target = self.spans.next_suggestion(self.view.cursor, step)
        if target is None:
            none = "No more suggestions this way" if self.spans.suggestions else "No suggested quotes"
            self.status.say(none)
            return
        self.view.jump_to(target.start)

    def action_accept_suggestion(self) -> None:
        suggestion = self.spans.suggestion_at(self.view.cursor)
        if suggestion is None:
            self.notify("No suggested quote at the cursor (n goes to the next)", severity="warning")
            return
        self.save(
            lambda: self.edits.accept(
                suggestion, suggestion.speaker, suggestion.speaker_start, suggestion.speaker_end
            )
        )

    def action_reject_suggestion(self) -> None:
        suggestion = self.spans.suggestion_at(self.view.cursor)
        if suggestion is None:
            self.notify("No suggested quote at the cursor", severity="warning")
            return
        if self.save(lambda: self.edits.reject(suggestion)):
            self.action_step_suggestion(1)

    def action_set_speaker(self) -> None:
        cursor = self.view.cursor
        annotation = self.spans.annotation_at(cursor)
        if annotation is not None and annotation.label != "QUOTE":
            annotation = None
        suggestion = self.spans.suggestion_at(cursor) if annotation is None else None
        target = annotation or suggestion
        if target is None:
            self.notify("Put the cursor in a QUOTE (or a suggested quote) first", severity="warning")
            return
        candidates = speaker_candidates(self.db, self.article_id, near=target.start, guess=target.speaker)

        def chosen(value: object) -> None:
            choice = speaker_choice(value)
            if choice is None:
                return
            mention = (choice.mention_start, choice.mention_end)
            if annotation is not None:
                self.save(lambda: self.edits.set_speaker(annotation, choice.name, *mention))
            elif suggestion is not None:
                self.save(lambda: self.edits.accept(suggestion, choice.name, *mention))

        self.app.push_screen(SpeakerPicker(candidates, target.speaker), chosen)

    # -- actions: entities (corrected as in Prodigy's ner.correct) ------------

    def action_toggle_entities(self) -> None:
        self.legend.toggle_entities()
        self.repaint()

    def action_entity_labels(self) -> None:
        def apply(hidden: set[str] | None) -> None:
            if hidden is not None:
                self.legend.hide_only(hidden)
                self.repaint()

        self.app.push_screen(EntityLabelsScreen(self.legend.entity_labels, self.legend.hidden_labels), apply)

    def _pick_entity_label(self, title: str, then: Callable[[str], object]) -> None:
        labels = list(dict.fromkeys([*self.spans.entity_labels, *ENTITY_COLOURS]))

        def picked(value: object) -> None:
            if isinstance(value, str) and value.strip():
                then(value.strip().upper())

        self.app.push_screen(
            Picker(title, [(label, "", label) for label in labels], placeholder="an entity label"), picked
        )

    def action_entity_add(self) -> None:
        if (selection := self.view.selection) is None:
            self.notify("Select the entity's text first", severity="warning")
            return
        start, end = selection

        def add(label: str) -> None:
            self.view.clear_selection()
            self.save(lambda: self.edits.add_entity(start, end, label))

        self._pick_entity_label("[b]Entity label[/b]  type to filter; Enter picks", add)

    def action_entity_relabel(self) -> None:
        entity = self.spans.entity_at(self.view.cursor)
        if entity is None:
            self.notify("No entity at the cursor", severity="warning")
            return
        self._pick_entity_label(
            f"[b]Relabel[/b] {entity.text!r} ({entity.label})",
            lambda label: self.save(lambda: self.edits.relabel_entity(entity, label)),
        )

    def action_entity_reject(self) -> None:
        entity = self.spans.entity_at(self.view.cursor)
        if entity is None:
            self.notify("No entity at the cursor", severity="warning")
            return
        self.save(lambda: self.edits.reject_entity(entity))
