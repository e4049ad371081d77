"""The reader: one article, its entities and annotations, tagged by keyboard.

The screen is composed of widgets that own their state and drawing (the header, the
article view, the annotations panel, the legend, the status line, the search bar); it
reads what they show from the store, and every write goes through `save`.

What the reader says goes on the status line, one message at a time; only an error
(a write the store refused) is also a notification, and a new message clears it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from newsmark.store.annotations import Annotation, label_for_key, list_labels
from newsmark.store.articles import Article, get_article, sentences_for_article
from newsmark.store.speakers import speaker_candidates
from newsmark.store.suggestions import LABEL_OF_KIND, Suggestion
from newsmark.store.tokens import fallback_sentences
from newsmark.tui.article_edits import ArticleEdits, Outcome, not_saved
from newsmark.tui.article_spans import ArticleSpans
from newsmark.tui.colours import ENTITY_COLOURS, entity_colour
from newsmark.tui.keymap import DEFAULT_TEXT_WIDTH, bindings_for, display_keys
from newsmark.tui.messages import AnalysisProgress, AnalyzeArticles, DatabaseChanged, LabelsChanged
from newsmark.tui.screens.dialogs import EntityLabelsScreen, LabelChooser, NoteEditor
from newsmark.tui.screens.picker import Picker
from newsmark.tui.screens.speaker import SpeakerChoice, SpeakerPicker, speaker_choice
from newsmark.tui.suggestion_steps import SuggestionSteps
from newsmark.tui.visible import literal, visible_text
from newsmark.tui.widgets.annotations_panel import AnnotationsPanel
from newsmark.tui.widgets.article_header import ArticleHeader
from newsmark.tui.widgets.article_view import ArticleView, Highlight
from newsmark.tui.widgets.key_hints import KeyHints
from newsmark.tui.widgets.legend import Legend
from newsmark.tui.widgets.search_bar import SearchBar
from newsmark.tui.widgets.status_line import StatusLine, cursor_report

if TYPE_CHECKING:
    from sqlite_utils import Database


class ReaderScreen(Screen[None]):
    BINDINGS = bindings_for("reader")

    article: Article  # as opened, set by `load` before the screen is shown (its text never changes)
    article_status: str  # as the store has it now: another window may change it

    def __init__(
        self,
        article_id: str,
        *,
        db: Database,
        keymap: dict[str, str],
        text_width: int = DEFAULT_TEXT_WIDTH,
        at: int | None = None,
    ) -> None:
        """`at`: the character offset to open the article at (a passage found elsewhere,
        such as a source's attribution), the cursor there and scrolled into view."""
        super().__init__()
        self.db = db
        self.keymap = keymap
        self.article_id = article_id
        self._open_at = at
        self.spans = ArticleSpans()
        self.analyzed = False
        self.header = ArticleHeader(id="article-title")
        self.view = ArticleView(text_width=text_width, id="text")
        self.panel = AnnotationsPanel()
        self.legend = Legend(id="legend")
        self.status = StatusLine(id="status")
        self.search_bar = SearchBar(id="search")
        # Where n (step 1) or N (-1) found no suggestion further and offered to wrap round:
        # (step, cursor). The same key again, from the same place, wraps.
        self.suggestion_steps = SuggestionSteps()

    def compose(self) -> ComposeResult:
        yield self.header
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
        if not self.load(self._open_at):
            self.app.pop_screen()

    def show_article(self, article_id: str, *, at: int | None = None) -> bool:
        """Reuse this (already mounted) screen for another article (`at`: as for the
        constructor): far cheaper than composing a new screen, which is most of the cost
        of opening one."""
        self.article_id = article_id
        self.spans = ArticleSpans()
        self.legend.reset()
        self.close_search(keep_matches=False)
        return self.load(at)

    def load(self, at: int | None = None) -> bool:
        """Show `self.article_id`: its text at once, with the cursor at `at` (else at the
        start), highlights from the cache; False when there is no such article."""
        article = get_article(self.db, self.article_id)
        if article is None:
            self.notify(f"No article {self.article_id}", severity="error")
            return False
        self.article = article
        self.article_status = article.status
        self.header.show(article)
        self.analyzed = article.analysis_model is not None
        sentences = [(s.start, s.end) for s in sentences_for_article(self.db, self.article_id)]
        self.view.set_document(article.text, sentences or fallback_sentences(article.text))
        if at is not None:
            self.view.jump_to(at)
            # Scrolled to once laid out (a new screen's view wraps its text only when sized),
            # and so the whole passage shows, with its speaker, not only its first line.
            self.view.call_after_refresh(lambda: self.view.scroll_to_passage(at, self.spans.passage_end(at)))
        self.search_bar.search_in(article.text)
        self.suggestion_steps.forget()
        self.repaint()
        self.view.focus()
        self.status.say("")
        if not self.analyzed:
            self.post_message(AnalyzeArticles([self.article_id]))
        return True

    @on(AnalysisProgress)
    def _analysed(self, message: AnalysisProgress) -> None:
        if message.article_id == self.article_id:
            self.reread()

    @on(LabelsChanged)
    def _labels_changed(self) -> None:
        self.repaint()

    @on(DatabaseChanged)
    def _database_changed(self) -> None:
        if self.is_mounted:
            self.reread()

    def reread(self) -> None:
        """Show what the store holds now: the analysis came in, or another window or
        process wrote. The text never changes: the cursor, selection and scroll stay."""
        if (article := self._show_header()) is None:
            return
        self.analyzed = article.analysis_model is not None
        if sentences := [(s.start, s.end) for s in sentences_for_article(self.db, self.article_id)]:
            self.view.sentences = sentences
        self.repaint()
        self.status.report(cursor_report(self.view, self.spans, self.view.cursor))

    # -- painting, saving and saying ------------------------------------------

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
        self.view.set_current_suggestion(*spans.current_suggestion(self.view.cursor))
        self.panel.show(spans.annotations, highlight=highlight.id if highlight else None)
        self.legend.show(labels, entity_labels, analysing=not self.analyzed)

    def _show_header(self) -> Article | None:
        """The header, with the article's status as the store has it now (the first
        annotation starts an article; another window may have marked it done); the
        article as stored now, or None when it is no longer stored."""
        if (article := get_article(self.db, self.article_id)) is not None:
            self.article_status = article.status
            self.header.show(article)
        return article

    def save(
        self, write: Callable[[], Outcome], *, failed: Callable[[Exception], str] = not_saved
    ) -> Outcome | None:
        """Run one write to the store and say how it went: the outcome on the status line,
        or, when the store refused it, `failed(error)` as an error the user must see.
        Either way the screen shows what the store now holds (a batch may stop part-way)."""
        self.suggestion_steps.forget()
        try:
            outcome = write()
        except Exception as e:  # the database refused: the user must know it is not saved
            self.fail(failed(e))
            self.repaint()
            return None
        if outcome.changed:
            self.repaint(highlight=outcome.annotation)
            self._show_header()
        self.tell(outcome.message)
        return outcome

    def tell(self, message: str) -> None:
        """Say `message` on the status line; a notification still shown is stale by now."""
        self.app.clear_notifications()
        self.status.say(message)

    def fail(self, message: str) -> None:
        """An error the user must see: a notification (until the next message), and on
        the status line."""
        self.app.clear_notifications()
        self.notify(visible_text(message), severity="error", timeout=10, markup=False)
        self.status.say(message)

    # -- following the cursor -------------------------------------------------------

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        self.view.set_current_suggestion(*self.spans.current_suggestion(event.position))
        self.status.report(cursor_report(self.view, self.spans, event.position))

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
        self.tell("Mark set: movements extend the selection")

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
        else:
            self.tell("No annotation further this way" if self.annotations else "No annotations yet")

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
        count = len(event.matches)
        self.tell(f"{count} {'match' if count == 1 else 'matches'}" if event.query else "")

    @on(SearchBar.Accepted)
    def _search_accepted(self) -> None:
        self.view.focus()
        if (match := self.search_bar.first_from(self.view.cursor)) is not None:
            self.view.jump_to(match[0], keep_selection=True)

    def action_step_match(self, step: int) -> None:
        index = self.search_bar.step_from(self.view.cursor, step)
        if index is None:
            self.tell("No search matches (search first)")
            return
        matches = self.search_bar.matches
        self.view.jump_to(matches[index][0], keep_selection=True)
        self.tell(f"Match {index + 1}/{len(matches)}")

    def action_tag_matches(self) -> None:
        matches = list(self.search_bar.matches)
        if not matches:
            self.tell("Search first: this tags every match")
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

    def _annotation_here(self) -> Annotation | None:
        """The annotation an action applies to: the panel's, while it has the focus,
        else the innermost one at the cursor."""
        return self.panel.highlighted or self.spans.annotation_at(self.view.cursor)

    def action_tag(self, key: int) -> None:
        label = label_for_key(self.db, key)
        if label is None:
            self.tell(f"No label on key {key}: add one with the labels dialog")
            return
        if (selection := self.view.selection) is None:
            # Nothing selected, on an annotation: the key relabels it.
            if (annotation := self._annotation_here()) is not None:
                self.save(lambda: self.edits.relabel(annotation, label.name, self.annotations))
            else:
                self.tell("Select a passage first (s selects the sentence)")
            return
        if (outcome := self.save(lambda: self.edits.tag(self.article.text, *selection, label.name))) is None:
            return
        # A tag ends the selection and mark mode; the cursor rests on the new annotation,
        # so d deletes it and u undoes it.
        if outcome.annotation is None:
            self.view.clear_selection()
        else:
            self.view.jump_to(outcome.annotation.start)

    def action_delete_annotation(self) -> None:
        target = self._annotation_here()
        if target is None:
            self.tell("No annotation at the cursor")
            return
        self.save(lambda: self.edits.delete(target), failed=lambda e: f"Not deleted: {e}")

    def action_edit_note(self) -> None:
        target = self._annotation_here()
        if target is None:
            self.tell("No annotation at the cursor: a note goes on an annotation")
            return

        def written(note: str | None) -> None:
            if note is not None:  # None: cancelled
                self.save(lambda: self.edits.set_note(target, note))

        self.app.push_screen(NoteEditor(target), written)

    def action_undo(self) -> None:
        self.save(self.edits.undo)

    def action_redo(self) -> None:
        self.save(self.edits.redo)

    def action_adjust_bounds(self, edge: str, step: int) -> None:
        annotation = self.spans.annotation_at(self.view.cursor)
        if annotation is None:
            self.tell("No annotation at the cursor")
            return
        outcome = self.save(lambda: self.edits.adjust(annotation, self.article.text, edge, step))
        if outcome and (moved := outcome.annotation) and not moved.start <= self.view.cursor < moved.end:
            self.view.jump_to(moved.start)

    # -- actions: the article ---------------------------------------------------

    def action_mark_done(self) -> None:
        self.save(lambda: self.edits.set_status("in progress" if self.article_status == "done" else "done"))

    # -- actions: attribution suggestions and speakers ------------------------

    def action_step_suggestion(self, step: int) -> None:
        action = "reader.next_suggestion" if step > 0 else "reader.prev_suggestion"
        key = display_keys(self.keymap[action], first_only=True)
        cursor = self.view.cursor
        went = self.suggestion_steps.step(self.spans, cursor, step, key)
        if went.message:
            self.tell(went.message)
        if went.place == cursor:  # already there (a decision moved on to it): say where
            self.status.report(cursor_report(self.view, self.spans, cursor))
        elif went.place is not None:
            self._step_to(went.place)

    def action_accept_suggestion(self) -> None:
        suggestion = self.spans.suggestion_at(self.view.cursor)
        if suggestion is None:
            self.tell("No suggestion at the cursor (n goes to the next)")
            return
        if suggestion.speaker is None:
            # A QUOTE or PARAPHRASE is saved with who said it: asked for here, not left empty.
            self._pick_speaker(suggestion, lambda choice: self._accept(suggestion, choice))
            return
        self._accept(
            suggestion, SpeakerChoice(suggestion.speaker, suggestion.speaker_start, suggestion.speaker_end)
        )

    def _accept(self, suggestion: Suggestion, speaker: SpeakerChoice) -> None:
        mention = (speaker.mention_start, speaker.mention_end, speaker.source_id)
        if (outcome := self.save(lambda: self.edits.accept(suggestion, speaker.name, *mention))) is not None:
            self._move_on(f"{outcome.message} · {self.spans.decided}")

    def action_reject_suggestion(self) -> None:
        suggestion = self.spans.suggestion_at(self.view.cursor)
        if suggestion is None:
            self.tell("No suggestion at the cursor")
            return
        if (outcome := self.save(lambda: self.edits.reject(suggestion))) is not None:
            self._move_on(outcome.message)

    def _move_on(self, said: str) -> None:
        """After a suggestion is decided: say `said`, and go on to the next open one."""
        cursor = self.view.cursor
        key = display_keys(self.keymap["reader.next_suggestion"], first_only=True)
        went = self.suggestion_steps.after_decision(self.spans, cursor, said, key)
        self.tell(went.message)
        if went.place == cursor:  # no move, so no report of the place
            self.status.report(cursor_report(self.view, self.spans, cursor))
        elif went.place is not None:
            self._step_to(went.place)

    def _step_to(self, place: int) -> None:
        """The cursor to a suggestion's `place`, and the view to the whole of it and its speaker."""
        self.view.jump_to(place)
        self.view.bring_into_view(place, self.spans.passage_end(place))

    def action_set_speaker(self) -> None:
        cursor = self.view.cursor
        annotation = self.spans.annotation_at(cursor)
        suggestion = self.spans.suggestion_at(cursor)
        # A quote still to decide inside an accepted paraphrase: the innermost is meant.
        if (
            annotation
            and suggestion
            and suggestion.end - suggestion.start < annotation.end - annotation.start
        ):
            annotation = None
        if annotation is not None and annotation.label in LABEL_OF_KIND.values():
            self._pick_speaker(
                annotation,
                lambda choice: self.save(
                    lambda: self.edits.set_speaker(
                        annotation, choice.name, choice.mention_start, choice.mention_end
                    )
                ),
            )
        elif suggestion is not None:
            self._pick_speaker(suggestion, lambda choice: self._accept(suggestion, choice))
        else:
            self.tell("Put the cursor in a QUOTE or PARAPHRASE (or a suggestion) first")

    def _pick_speaker(self, quote: Annotation | Suggestion, then: Callable[[SpeakerChoice], object]) -> None:
        """Ask who said `quote` (the article's people first, or a name typed); `then` gets the choice."""
        candidates = speaker_candidates(self.db, self.article_id, near=quote.start, guess=quote.speaker)

        def chosen(value: object) -> None:
            if (choice := speaker_choice(value)) is not None:
                then(choice)

        self.app.push_screen(SpeakerPicker(candidates, quote.speaker, db=self.db), chosen)

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

    def _pick_entity_label(self, title: str | Text, then: Callable[[str], object]) -> None:
        labels = list(dict.fromkeys([*self.spans.entity_labels, *ENTITY_COLOURS]))

        def picked(value: object) -> None:
            if isinstance(value, str) and value.strip():
                then(value.strip().upper())

        self.app.push_screen(
            Picker(title, [(label, "", label) for label in labels], placeholder="an entity label"), picked
        )

    def action_entity_add(self) -> None:
        if (selection := self.view.selection) is None:
            self.tell("Select the entity's text first")
            return
        start, end = selection

        def add(label: str) -> None:
            self.view.clear_selection()
            self.save(lambda: self.edits.add_entity(start, end, label))

        self._pick_entity_label("[b]Entity label[/b]  type to filter; Enter picks", add)

    def action_entity_relabel(self) -> None:
        entity = self.spans.entity_at(self.view.cursor)
        if entity is None:
            self.tell("No entity at the cursor")
            return
        self._pick_entity_label(
            Text.assemble(("Relabel", "bold"), " ", literal(f"{entity.text!r} ({entity.label})")),
            lambda label: self.save(lambda: self.edits.relabel_entity(entity, label)),
        )

    def action_entity_reject(self) -> None:
        entity = self.spans.entity_at(self.view.cursor)
        if entity is None:
            self.tell("No entity at the cursor")
            return
        self.save(lambda: self.edits.reject_entity(entity))
