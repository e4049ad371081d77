"""The one timestamp format of every row (created_at, ingested_at, an event's `at`): UTC ISO 8601."""

from __future__ import annotations

from datetime import UTC, datetime


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
