"""Counting words for messages, in the store's summaries, the app and the commands alike:
"1 article", "5 articles", "1 match", "12,000 matches"."""

from __future__ import annotations


def plural(noun: str) -> str:
    """English plural of the nouns newsmark counts: match -> matches, article -> articles."""
    return noun + "es" if noun.endswith(("s", "x", "ch", "sh")) else noun + "s"


def counted(n: int, noun: str) -> str:
    """'1 article', '5 articles', '12,000 matches'."""
    return f"{n:,} {noun if n == 1 else plural(noun)}"
