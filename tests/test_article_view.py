"""Cursor targets of the article view, on small texts (no app needed)."""

from __future__ import annotations

import pytest

from newsmark.tui.widgets.article_view import ArticleView

TEXT = "abc de.\n\nxy.\nlast"


def target(text: str, position: int, kind: str, step: int, *, selecting: bool = False) -> int:
    view = ArticleView()
    view.text = text
    view.sentences = [(0, 7), (9, 12), (13, 17)]
    return view.target(kind, step, selecting=selecting, origin=position)


@pytest.mark.parametrize(("start", "expected"), [(12, 9), (9, 0), (0, 0), (13, 9), (15, 13)])
def test_paragraph_back_skips_blank_lines_like_forward(start: int, expected: int) -> None:
    assert target(TEXT, start, "paragraph", -1) == expected


@pytest.mark.parametrize(("start", "expected"), [(0, 9), (9, 13), (13, 17)])
def test_paragraph_forward(start: int, expected: int) -> None:
    assert target(TEXT, start, "paragraph", 1) == expected


def test_extending_by_sentence_goes_both_ways() -> None:
    assert target(TEXT, 10, "sentence", 1, selecting=True) == 12  # forward: this sentence's end
    assert target(TEXT, 13, "sentence", -1, selecting=True) == 9  # backward: the previous start


@pytest.mark.parametrize(("start", "expected"), [(0, 2), (2, 5), (5, 10)])
def test_word_end_lands_on_the_last_letter(start: int, expected: int) -> None:
    assert target(TEXT, start, "word_end", 1) == expected
