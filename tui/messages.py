"""Messages workers post back to the event loop."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class AnalysisProgress(Message):
    done: int
    total: int
    article_id: str | None


@dataclass
class AnalysisFinished(Message):
    analyzed: int
    error: str | None = None
