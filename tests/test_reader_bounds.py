"""Growing and shrinking an annotation a word at a time (`>` `<` `,` `.`): a grow undone by a
shrink gives the span back exactly, and no edge ever crosses a blank line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_support import make_app, open_reader, query
from reader_support import SIZES, TITLE, copy_of

from newsmark.tui.article_spans import adjusted_bounds

TEXT = 'Credit: Gazette\n\n"We stay," she said. "No more."\n\nNext paragraph here.'
QUOTE = (TEXT.index('"We'), TEXT.index("said.") + len("said."))


@pytest.mark.parametrize(
    ("edge", "step", "expected"),
    [
        ("end", 1, (QUOTE[0], TEXT.index('"No') + len('"No'))),  # the opening mark goes with its word
        ("end", -1, (QUOTE[0], TEXT.index(" said."))),
        ("start", 1, (TEXT.index('stay,"'), QUOTE[1])),  # the opening mark goes with its word
        ("start", -1, QUOTE),  # a blank line before: the start stays
    ],
)
def test_one_word_more_or_less(edge: str, step: int, expected: tuple[int, int]) -> None:
    assert adjusted_bounds(TEXT, *QUOTE, edge, step) == expected


@pytest.mark.parametrize(("edge", "step"), [("end", 1), ("end", -1), ("start", 1)])
def test_the_opposite_step_gives_the_span_back(edge: str, step: int) -> None:
    moved = adjusted_bounds(TEXT, *QUOTE, edge, step)
    assert moved != QUOTE and adjusted_bounds(TEXT, *moved, edge, -step) == QUOTE


def test_no_edge_crosses_a_blank_line() -> None:
    last = (TEXT.index('"No'), TEXT.index("more.") + len('more."'))
    assert adjusted_bounds(TEXT, *last, "end", 1) == last
    spans = [QUOTE]
    for _ in range(10):
        spans.append(adjusted_bounds(TEXT, *spans[-1], "end", 1))
    assert "\n\n" not in TEXT[slice(*spans[-1])] and spans[-1][1] == last[1]
    # A span no smaller than a word: shrinking the last word away leaves it as it is.
    word = (TEXT.index("Next"), TEXT.index("Next") + 4)
    assert adjusted_bounds(TEXT, *word, "end", -1) == word
    assert adjusted_bounds(TEXT, *word, "start", 1) == word


def bounds(db_path: Path, annotation_id: int) -> tuple[int, int]:
    return query(db_path, 'select start, "end" from annotations where id = ?', (annotation_id,))[0]


@pytest.mark.parametrize("size", SIZES)
async def test_grow_then_shrink_restores_and_a_caption_stays_out(long_db_file: Path, tmp_path, size) -> None:
    db_path = copy_of(long_db_file, tmp_path)
    async with make_app(db_path).run_test(size=size) as pilot:
        reader = await open_reader(pilot, TITLE)
        text = reader.article.text
        # A quote that opens a paragraph just after an image credit.
        reader.view.jump_to(text.index('"The money'))
        await pilot.press("s", "1")
        (quote,) = reader.annotations
        assert text[quote.start : quote.end].startswith('"The money') and text[quote.end - 1] == "."
        original = (quote.start, quote.end)
        await pilot.press("comma")  # a word more at the start: there is none in this paragraph
        assert bounds(db_path, quote.id) == original
        assert "paragraph" in str(reader.status.content)
        await pilot.press("greater_than_sign")
        assert text[slice(*bounds(db_path, quote.id))].endswith("members. She")
        await pilot.press("less_than_sign")
        assert bounds(db_path, quote.id) == original
        await pilot.press("full_stop")
        assert text[slice(*bounds(db_path, quote.id))].startswith("money")
        await pilot.press("comma")
        assert bounds(db_path, quote.id) == original  # the opening mark is back, nothing more
        for _ in range(40):  # as far as it goes: to the paragraph's end, never past it
            await pilot.press("greater_than_sign")
        start, end = bounds(db_path, quote.id)
        assert start == original[0] and text[end - len("five years.") : end] == "five years."
        # The reported case: a sentence before an opening mark ('evening. "Every').
        reader.view.jump_to(text.index('"We cannot'))
        await pilot.press("s", "2")
        source = next(a for a in reader.annotations if a.label == "SOURCE")
        assert text[source.end - len("evening.") : source.end + 3] == 'evening. "E'
        await pilot.press("greater_than_sign", "less_than_sign")
        assert bounds(db_path, source.id) == (source.start, source.end)
