"""The article text: wrapped, highlighted, with a keyboard cursor and selection.

A line-API widget: it wraps the text into visual lines once per width and
renders only the lines on screen, so a long article costs what a short one does.
Text is shown, never interpreted: control characters become visible symbols.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from rich.cells import get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsmark.tui.keymap import DEFAULT_TEXT_WIDTH
from newsmark.tui.visible import visible_glyph


@dataclass(frozen=True)
class Highlight:
    start: int
    end: int
    label: str


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class ArticleView(ScrollView, can_focus=True, inherit_bindings=False):
    """Shows one article; the screen drives the cursor through `move` and `extend`.

    ScrollView's own bindings (up, down, page up, home...) are not inherited: a focused
    widget's bindings come before the screen's, and they scrolled the view away from
    the cursor instead of moving it. Every key here moves the cursor; the view follows."""

    DEFAULT_CSS = """
    ArticleView {
        scrollbar-gutter: stable;
        overflow-x: hidden;
        padding: 0 1;
    }
    """

    # Not reported at mount (init=False): the first report waits for the text's wrap, so
    # the line count it gives is the one every later report gives.
    cursor: reactive[int] = reactive(0, layout=False, repaint=True, init=False)

    class CursorMoved(Message):
        def __init__(self, view: ArticleView, position: int) -> None:
            super().__init__()
            self.view = view
            self.position = position

    def __init__(self, *, text_width: int = DEFAULT_TEXT_WIDTH, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        # Lines wrap at this many columns at most, centred in a wider view: lines of 200
        # columns are hard to read.
        self.text_width = text_width
        self._margin = 0  # columns left of the text, when the view is wider than text_width
        # The suggestion at the cursor and the mention of its speaker, picked out.
        self._current_suggestion = (0, 0)
        self._speaker_mention = (0, 0)
        self.sentences: list[tuple[int, int]] = []
        # Where the selection started; not `anchor`, which is Widget's scroll-anchoring method.
        self._anchor: int | None = None
        # Mark mode (vim's v, emacs' C-SPC): plain movements extend the selection.
        self.marking = False
        self._match_at: list[bool] = []
        self._line_starts: list[int] = [0]
        self._wrap_width = 0
        self._entity_at: list[int] = []
        self._annotation_at: list[int] = []
        self._suggestion_at: list[bool] = []
        self._labels: list[str] = []
        self._style_cache: dict[tuple, Style] = {}
        self._label_styles: dict[str, tuple[Style, Style]] = {}

    # -- content -------------------------------------------------------------

    def set_document(self, text: str, sentences: list[tuple[int, int]]) -> None:
        self.text = text
        self.sentences = sorted(sentences)
        self._anchor = None
        self._wrap_width = 0
        self._line_starts = [0]
        self._current_suggestion = self._speaker_mention = (0, 0)
        # No highlights until set_highlights paints them (rendering reads past the end as none).
        self._entity_at, self._annotation_at, self._suggestion_at, self._match_at = [], [], [], []
        self.marking = False
        self.set_reactive(ArticleView.cursor, 0)
        self._rewrap()
        # The cursor is set without its watcher (which scrolls to it), and the reader reuses
        # this view: the last article's scroll would show the middle of this one.
        self.scroll_to(0, 0, animate=False, immediate=True)

    def set_label_colours(self, colours: dict[str, str]) -> None:
        """Colours per label name (entity and annotation labels share the table)."""
        self._label_styles = {
            name: (Style(color=colour, bold=True), Style(bgcolor=colour, color="black"))
            for name, colour in colours.items()
        }
        self._style_cache.clear()

    def set_highlights(
        self,
        entities: list[Highlight],
        annotations: list[Highlight],
        suggestions: list[Highlight] | None = None,
    ) -> None:
        """Paint entities (coloured text), annotations (coloured background) and suggestions."""
        n = len(self.text) + 1
        labels: list[str] = []
        index: dict[str, int] = {}

        def label_index(label: str) -> int:
            if label not in index:
                index[label] = len(labels)
                labels.append(label)
            return index[label]

        entity_at = [-1] * n
        for h in entities:
            entity_at[h.start : h.end] = [label_index(h.label)] * (h.end - h.start)
        annotation_at = [-1] * n
        # Longer first, so a short annotation inside a long one stays visible.
        for h in sorted(annotations, key=lambda h: h.start - h.end):
            annotation_at[h.start : h.end] = [label_index(h.label)] * (h.end - h.start)
        suggestion_at = [False] * n
        for h in suggestions or []:
            suggestion_at[h.start : h.end] = [True] * (h.end - h.start)
        self._labels = labels
        self._entity_at, self._annotation_at, self._suggestion_at = entity_at, annotation_at, suggestion_at
        self._style_cache.clear()
        self.refresh()

    def set_current_suggestion(self, span: tuple[int, int] | None, mention: tuple[int, int] | None) -> None:
        """The suggestion the cursor is in, drawn apart from the others, and the mention of
        its speaker; None for either: there is none."""
        span, mention = span or (0, 0), mention or (0, 0)
        if (span, mention) != (self._current_suggestion, self._speaker_mention):
            self._current_suggestion, self._speaker_mention = span, mention
            self.refresh()

    def set_matches(self, matches: list[tuple[int, int]]) -> None:
        """Search matches, painted above everything but the cursor."""
        match_at = [False] * (len(self.text) + 1)
        for start, end in matches:
            match_at[start:end] = [True] * (end - start)
        self._match_at = match_at
        self._style_cache.clear()
        self.refresh()

    # -- layout --------------------------------------------------------------

    def _char_width(self, ch: str) -> int:
        if ch == "\n":
            return 1
        return get_character_cell_size(visible_glyph(ch))

    def _rewrap(self) -> None:
        """Wrap the text for the view's width (not before the view has one): the lines, and
        so the line count the status reports, are those on screen."""
        available = self.scrollable_content_region.width
        if not available:
            return
        width = max(10, min(available, self.text_width))
        self._margin = (available - width) // 2
        if width == self._wrap_width:
            return
        self._wrap_width = width
        text = self.text
        starts: list[int] = []
        ascii_text = text.isascii() and text.isprintable()
        pos = 0
        length = len(text)
        while True:
            paragraph_end = text.find("\n", pos)
            if paragraph_end == -1:
                paragraph_end = length
            line_start = pos
            while True:
                starts.append(line_start)
                if ascii_text and paragraph_end - line_start <= width:
                    break
                cells = 0
                last_break = -1
                i = line_start
                while i < paragraph_end:
                    ch = text[i]
                    w = 1 if ascii_text else self._char_width(ch)
                    # Spaces may hang past the edge: a line never starts with the space it broke on.
                    if ch != " " and cells + w > width and i > line_start:
                        if last_break > line_start:
                            i = last_break
                        break
                    cells += w
                    if ch == " ":
                        last_break = i + 1
                    i += 1
                if i >= paragraph_end:
                    break
                line_start = i
            if paragraph_end >= length:
                break
            pos = paragraph_end + 1
        self._line_starts = starts
        self.virtual_size = Size(width, len(starts))
        self.refresh()
        # Where the cursor is, in the new lines: the status's line count follows the wrap.
        self.post_message(self.CursorMoved(self, self.cursor))

    def on_resize(self) -> None:
        self._rewrap()
        self.scroll_to_cursor()

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def line_of(self, position: int) -> int:
        return bisect.bisect_right(self._line_starts, position) - 1

    def _line_range(self, line: int) -> tuple[int, int]:
        start = self._line_starts[line]
        end = self._line_starts[line + 1] if line + 1 < len(self._line_starts) else len(self.text) + 1
        return start, end

    def _column_of(self, position: int) -> int:
        start, _ = self._line_range(self.line_of(position))
        return sum(self._char_width(c) for c in self.text[start:position])

    def _position_at(self, line: int, column: int) -> int:
        """The position on `line` nearest to screen column `column`."""
        start, end = self._line_range(line)
        last = min(end - 1, len(self.text))
        cells = 0
        for i in range(start, last):
            w = self._char_width(self.text[i])
            if cells + w > column:
                return i
            cells += w
        return last

    # -- rendering -----------------------------------------------------------

    def _style_for(self, i: int, selected: bool, is_cursor: bool) -> Style:
        current_start, current_end = self._current_suggestion
        mention_start, mention_end = self._speaker_mention
        key = (
            self._entity_at[i] if i < len(self._entity_at) else -1,
            self._annotation_at[i] if i < len(self._annotation_at) else -1,
            self._suggestion_at[i] if i < len(self._suggestion_at) else False,
            self._match_at[i] if i < len(self._match_at) else False,
            selected,
            is_cursor and self.has_focus,
            current_start <= i < current_end,
            mention_start <= i < mention_end,
        )
        style = self._style_cache.get(key)
        if style is None:
            entity, annotation, suggested, matched, sel, cur, current, mention = key
            style = self.rich_style
            if entity >= 0 and (pair := self._label_styles.get(self._labels[entity])):
                style += pair[0]
            if suggested:
                style += Style(underline=True, italic=True)
            if current:  # the suggestion being decided: on the panel's colour, in bold
                style += Style(bold=True, bgcolor=self.app.get_css_variables().get("panel"))
            if mention:  # who said it, as the suggestion has it
                style += Style(bold=True, reverse=True, underline=False, italic=False)
            if annotation >= 0 and (pair := self._label_styles.get(self._labels[annotation])):
                style += pair[1]
            if matched:
                style += Style(bgcolor="#d7af00", color="black")
            if sel:
                style += Style(reverse=True)
            if cur:
                style += Style(bgcolor="bright_white", color="black", reverse=False, bold=True)
            self._style_cache[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = scroll_y + y
        width = self.scrollable_content_region.width
        if line >= len(self._line_starts):
            return Strip.blank(width, self.rich_style)
        start, end = self._line_range(line)
        text = self.text
        sel_start, sel_end = self.selection or (-1, -1)
        cursor = self.cursor
        segments: list[Segment] = []
        run: list[str] = []
        run_style: Style | None = None
        for i in range(start, min(end, len(text) + 1)):
            glyph = visible_glyph(text[i]) if i < len(text) else " "
            style = self._style_for(i, sel_start <= i < sel_end, i == cursor)
            if style is not run_style and run:
                segments.append(Segment("".join(run), run_style))
                run = []
            run_style = style
            run.append(glyph)
        if run:
            segments.append(Segment("".join(run), run_style))
        if self._margin:
            segments.insert(0, Segment(" " * self._margin, self.rich_style))
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def notify_style_update(self) -> None:
        self._style_cache.clear()
        super().notify_style_update()

    def on_focus(self) -> None:
        self._style_cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._style_cache.clear()
        self.refresh()

    # -- cursor and selection -------------------------------------------------

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected [start, end), or None."""
        if self._anchor is None or self._anchor == self.cursor:
            return None
        return min(self._anchor, self.cursor), max(self._anchor, self.cursor)

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_cursor()
        if self._wrap_width:  # before the wrap, the report comes when the text is wrapped
            self.post_message(self.CursorMoved(self, new))

    def scroll_to_cursor(self) -> None:
        if not self.text:
            return
        line = self.line_of(self.cursor)
        top = round(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        if line < top:
            self.scroll_to(y=line, animate=False)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False)

    def bring_into_view(self, start: int, end: int) -> None:
        """Scroll no more than needed for the passage `start`-`end` (the cursor's, stepped
        to) to show down to its end, its start staying in sight."""
        if not self.text:
            return
        first, last = self.line_of(start), self.line_of(max(start, end - 1))
        top = round(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        if top <= first and last >= top + height:
            self.scroll_to(y=min(first, last - height + 1), animate=False)

    def scroll_to_passage(self, start: int, end: int) -> None:
        """Show the passage `start`-`end` whole where the screen has room for it, with a few
        lines of what comes before it above (a passage opened from elsewhere, not stepped to)."""
        if not self.text:
            return
        first, last = self.line_of(start), self.line_of(max(start, end - 1))
        height = max(1, self.scrollable_content_region.height)
        context = min(3, height // 4)
        top = first - context
        if last - first + 1 <= height - context:  # room for all of it: as much before as fits
            top = max(top, last - height + 1)
        self.scroll_to(y=max(0, top), animate=False)

    def set_selection(self, start: int, end: int) -> None:
        self._anchor = start
        self.cursor = end
        self.refresh()

    def clear_selection(self) -> None:
        self._anchor = None
        self.marking = False
        self.refresh()

    def set_mark(self) -> None:
        """Start a selection at the cursor that plain movements extend."""
        self._anchor = self.cursor
        self.marking = True
        self.refresh()

    def target(self, kind: str, step: int, *, selecting: bool = False, origin: int | None = None) -> int:
        """Where a movement of `kind` by `step` takes the cursor, or from `origin` if given
        (an annotation's edge, moved by a word)."""
        pos, text = self.cursor if origin is None else origin, self.text
        n = len(text)
        if kind == "char":
            return max(0, min(n, pos + step))
        if kind == "word":
            return self._word_target(pos, step, to_end=selecting and step > 0)
        if kind == "word_end":  # vim's e: onto the last letter of this or the next word
            if selecting:
                return self._word_target(pos, 1, to_end=True)
            return max(0, self._word_target(pos + 1, 1, to_end=True) - 1)
        if kind in ("line", "page"):
            lines = step * (max(1, self.scrollable_content_region.height - 1) if kind == "page" else 1)
            line = max(0, min(self.line_count - 1, self.line_of(pos) + lines))
            return self._position_at(line, self._column_of(pos))
        if kind == "line_edge":
            start, end = self._line_range(self.line_of(pos))
            return start if step < 0 else max(start, min(n, end - 1))
        if kind == "document":
            return 0 if step < 0 else n
        if kind == "sentence":
            # Extending forward reaches a sentence's end; backward, its start.
            return self._sentence_target(pos, step, to_end=selecting and step > 0)
        if kind == "paragraph":
            if step > 0:
                nxt = text.find("\n", pos)
                while nxt != -1 and nxt + 1 < n and text[nxt + 1] == "\n":
                    nxt += 1
                return n if nxt == -1 else nxt + 1
            # Back to this paragraph's start, or from there to the previous one's,
            # skipping blank lines as the forward move does.
            line_start = text.rfind("\n", 0, pos) + 1
            if pos > line_start:
                return line_start
            j = line_start - 1
            while j > 0 and text[j - 1] == "\n":
                j -= 1
            return 0 if j <= 0 else text.rfind("\n", 0, j) + 1
        raise ValueError(kind)

    def _word_target(self, pos: int, step: int, *, to_end: bool) -> int:
        text, n = self.text, len(self.text)
        if step > 0:
            i = pos
            if to_end:  # to the end of this or the next word
                while i < n and not is_word_char(text[i]):
                    i += 1
                while i < n and is_word_char(text[i]):
                    i += 1
                return i
            while i < n and is_word_char(text[i]):
                i += 1
            while i < n and not is_word_char(text[i]):
                i += 1
            return i
        i = pos
        while i > 0 and not is_word_char(text[i - 1]):
            i -= 1
        while i > 0 and is_word_char(text[i - 1]):
            i -= 1
        return i

    def sentence_at(self, pos: int) -> tuple[int, int] | None:
        """The sentence holding `pos`, or the next one after it."""
        if not self.sentences:
            return None
        i = bisect.bisect_right(self.sentences, (pos, float("inf"))) - 1
        if i >= 0 and self.sentences[i][0] <= pos < self.sentences[i][1]:
            return self.sentences[i]
        return self.sentences[i + 1] if i + 1 < len(self.sentences) else self.sentences[-1]

    def _sentence_target(self, pos: int, step: int, *, to_end: bool) -> int:
        starts = [s for s, _ in self.sentences]
        if not starts:
            return pos
        if to_end:
            ends = [e for _, e in self.sentences]
            i = bisect.bisect_right(ends, pos)
            return ends[i] if i < len(ends) else ends[-1]
        if step > 0:
            i = bisect.bisect_right(starts, pos)
            return starts[i] if i < len(starts) else pos
        i = bisect.bisect_left(starts, pos) - 1
        return starts[i] if i >= 0 else 0

    def jump_to(self, position: int, *, keep_selection: bool = False) -> None:
        """Put the cursor on `position` (an annotation, a suggestion, a match). A jump ends
        the selection and mark mode, except that with `keep_selection` a set mark stays and
        the jump extends its region (as a search does in emacs)."""
        if not (keep_selection and self.marking):
            self._anchor = None
            self.marking = False
        self.cursor = max(0, min(len(self.text), position))
        self.refresh()

    def move(self, kind: str, step: int) -> None:
        if self.marking:
            self.extend(kind, step)
            return
        self._anchor = None
        self.cursor = self.target(kind, step)
        self.refresh()

    def extend(self, kind: str, step: int) -> None:
        if self._anchor is None:
            if kind == "sentence" and (sentence := self.sentence_at(self.cursor)):
                self.set_selection(*sentence)
                return
            self._anchor = self.cursor
        self.cursor = self.target(kind, step, selecting=True)
        self.refresh()
