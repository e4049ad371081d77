"""Shards of articles for workers, sized by characters (the work spaCy does grows with them)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

# About 2.5 s of the small English pipeline on one core here (~40,000 characters a second):
# long enough that a task's scheduling cost (milliseconds) is lost in it, short enough that a
# killed worker loses little and Ctrl+C leaves little unfinished.
DEFAULT_SHARD_CHARS = 100_000


def shards(
    items: Iterable[tuple[str, str]], max_chars: int = DEFAULT_SHARD_CHARS
) -> Iterator[list[tuple[str, str]]]:
    """Consecutive (id, text) pairs grouped so each group's texts add up to at most `max_chars`;
    an article longer than that is a shard of its own. Reads `items` as it goes, so the texts
    of a whole archive are never in memory at once."""
    shard: list[tuple[str, str]] = []
    size = 0
    for article_id, text in items:
        if shard and size + len(text) > max_chars:
            yield shard
            shard, size = [], 0
        shard.append((article_id, text))
        size += len(text)
    if shard:
        yield shard
