"""What reading gives the storing: articles as they are stored, and what each piece of input
gave (its articles, its one-line problems, the crawl records it left out)."""

from __future__ import annotations

from typing import NamedTuple

from newsmark.store.articles import article_id_for
from newsmark.store.ingest.titles import MAX_TITLE_CHARS, title_for, word_count


class Metadata(NamedTuple):
    """Where and when an article was published, each None when the input does not say."""

    date: str | None = None  # ISO 8601 (store.ingest.dates)
    url: str | None = None
    outlet: str | None = None
    author: str | None = None


NO_METADATA = Metadata()


class ArticleIn(NamedTuple):
    """An article read from its input, as stored (the columns of ingest's insert, in order)."""

    id: str
    source: str  # the file, or for a record in a dump or crawl `file:line` / `file:offset`
    title: str
    text: str
    word_count: int
    date: str | None
    url: str | None
    outlet: str | None
    author: str | None


class Outcome(NamedTuple):
    """What one piece of an input file gave: a whole text file or page, or a record of a
    dump or crawl. `done` marks a file's last piece (ingest reports progress by files)."""

    path: str
    articles: tuple[ArticleIn, ...] = ()
    errors: tuple[str, ...] = ()
    skipped: int = 0  # crawl records that are not pages (images, scripts, redirects)
    done: bool = True


def one_line(value: str) -> str:
    """A title or name from metadata, as the library shows it: one line, spaces collapsed."""
    return " ".join(value.split())


def article_in(text: str, source: str, title: str | None = None, meta: Metadata | None = None) -> ArticleIn:
    """The article row for `text` (already as stored); its title is `title`, else read from the text."""
    shown = one_line(title)[:MAX_TITLE_CHARS] if title else ""
    return ArticleIn(
        article_id_for(text),
        source,
        shown or title_for(text, source),
        text,
        word_count(text),
        *(meta or NO_METADATA),
    )
