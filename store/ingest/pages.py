"""Web pages: an article's main text and metadata from its HTML, through trafilatura.

The stored text is what trafilatura extracts as the main text (navigation, cookie
banners, related links, footers, scripts and styles left out), with paragraphs one a
line; every offset is into that text. trafilatura is imported on the first page, so
ingesting text files, and the app's start, never load it.

A page with no article in it (a login form, an index of links) is refused: where
trafilatura finds no main text, or finds only lines too short to be prose (menu items,
headlines), nothing is stored.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from newsmark.store.ingest.dates import DateProblem, iso_date
from newsmark.store.ingest.rows import Metadata, one_line

NO_ARTICLE = "no article text found"
# How trafilatura is called, for ingest and for the benchmark's baseline alike.
EXTRACTION_OPTIONS: dict[str, Any] = {
    "with_metadata": True,
    "include_comments": False,  # readers' comments under an article are not the article
    # Dates from the page's markup (meta tags, JSON-LD, <time>, the URL), not searched for in
    # its text, where a footer's "© 2024" reads as 1 January 2024.
    "date_extraction_params": {"extensive_search": False, "original_date": True},
}
# Prose: a sentence end (a closing quote or bracket may follow) after at least 7 words on its line.
PROSE_LINE = re.compile(r"^[ \t]*(?:\S+[ \t]+){7,}?\S*[.!?…][\"'”’»)\]]*(?=\s|$)", re.MULTILINE)
PARAGRAPH_BREAK = re.compile(r"\n+")  # a line break or more: one blank line


class NoArticle(ValueError):
    """The page holds no article text."""


class PageArticle(NamedTuple):
    """A page's article: its text as stored, its title (None: read from the text) and metadata."""

    text: str
    title: str | None
    metadata: Metadata


def page_article(html: str, url: str | None = None) -> PageArticle:
    """The article in `html` (a page fetched from `url`, when known: a crawl's record gives
    it and it outranks the page's own), or NoArticle."""
    # Imported here: a tenth of a second and 30 MB, only when there is a page.
    from trafilatura import bare_extraction
    from trafilatura.settings import Document

    document = bare_extraction(html, url=url, **EXTRACTION_OPTIONS)
    if not isinstance(document, Document) or not document.text:
        raise NoArticle(NO_ARTICLE)
    text = document.text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    # trafilatura gives a paragraph a line; the reader's paragraphs (movement, and bounds
    # that never cross one) are separated by a blank line, as in the text files.
    text = PARAGRAPH_BREAK.sub("\n\n", text)
    if PROSE_LINE.search(text) is None:
        raise NoArticle(NO_ARTICLE)
    try:
        date = iso_date(document.date)
    except DateProblem:  # trafilatura gives YYYY-MM-DD; should it not, no date rather than no article
        date = None
    outlet = document.sitename or document.hostname
    return PageArticle(
        text,
        document.title,
        Metadata(
            date=date,
            url=url or document.url or None,
            outlet=one_line(outlet) if outlet else None,
            author=one_line(document.author) if document.author else None,
        ),
    )
