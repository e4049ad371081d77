"""Span helpers: the checks every writer of a span makes before storing it, and trimming."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database


def article_text(db: Database, article_id: str) -> str:
    """The stored text of an article; ValueError naming the id when there is none."""
    row = db.execute("select text from articles where id = ?", [article_id]).fetchone()
    if row is None:
        raise ValueError(f"no article {article_id}")
    return row[0]


def check_bounds(text: str, start: int, end: int) -> None:
    """A span must be non-empty and inside the text: offsets are never clamped silently."""
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"span {start}-{end} is outside the article (length {len(text)})")


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without whitespace at either end: tokens never hold whitespace, so
    token-based formats (spaCy, CoNLL) carry a span as the words it covers."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
