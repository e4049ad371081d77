"""Messages between the app and its screens.

Workers post the analysis messages to the app, which passes them on to every screen
on the stack; a screen asks the app for something by posting a message up to it.
Messages the app sends down do not bubble, so they never come back to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class AnalysisProgress(Message, bubble=False):
    done: int
    total: int
    article_id: str | None  # the article just analysed; None when the run starts


@dataclass
class AnalysisFinished(Message, bubble=False):
    analyzed: int
    error: str | None = None


@dataclass
class LabelsChanged(Message, bubble=False):
    """The labels dialog closed: names, keys or colours may have changed."""


@dataclass
class OpenArticle(Message):
    """Show this article in the reader (`at`: with the cursor at this character offset,
    a passage found elsewhere, such as a source's attribution)."""

    article_id: str
    at: int | None = None


@dataclass
class AnalyzeArticles(Message):
    """Analyse these articles in the background (the reader opened one never analysed)."""

    article_ids: list[str]


@dataclass
class DatabaseChanged(Message, bubble=False):
    """Another connection (another window, a command) changed the database: screens read
    what they show again."""
