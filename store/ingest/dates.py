"""Publication dates, as ISO 8601: a date ("2024-03-05") when the input gives a date, a date
and time ("2024-03-05T10:30:00+00:00") when it gives one, never a time it does not give.

Read: ISO 8601 in the forms Python reads ("2024-03-05", "2024-03-05T10:30:00Z", "20240305"),
RFC 2822 as RSS writes it ("Tue, 05 Mar 2024 10:30:00 GMT"), Unix times (seconds or
milliseconds, as numbers or digits), 14-digit stamps ("20240305103000", as GDELT and WARC
write them) and English dates with the month written out ("5 March 2024", "March 5, 2024").
Anything else is refused, never guessed: "05/03/2024" is March in one country and May in
another, and a lenient parser fills a missing day from today's.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

# Unix times from 1973 (9 digits would be 1970-1973 or a number that is not a time).
UNIX_SECONDS_DIGITS = 10
UNIX_MILLISECONDS_DIGITS = 13
COMPACT_STAMP_DIGITS = 14  # yyyymmddHHMMSS
WRITTEN_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y")
WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)


class DateProblem(ValueError):
    """A value that is not a date newsmark reads; the message is one line."""


def iso_date(value: object) -> str | None:
    """`value` (text or a number) as ISO 8601; None for no value; DateProblem if it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):  # a bool is an int to Python, never a time
        raise DateProblem(f"{value!r} is not a date")
    if isinstance(value, int | float):
        return _unix_time(value)
    if not isinstance(value, str):
        raise DateProblem(f"a {type(value).__name__} is not a date")
    text = value.strip()
    if text.isdigit() and len(text) >= UNIX_SECONDS_DIGITS:
        if len(text) == COMPACT_STAMP_DIGITS:
            return datetime.strptime(text, "%Y%m%d%H%M%S").isoformat()
        if len(text) in (UNIX_SECONDS_DIGITS, UNIX_MILLISECONDS_DIGITS):
            return _unix_time(int(text))
    for read in (date.fromisoformat, datetime.fromisoformat):
        try:
            return read(text).isoformat()
        except ValueError:
            pass
    import email.utils  # here: 10 ms of imports, for dumps with RSS dates only

    try:
        return email.utils.parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError):
        pass
    written = " ".join(WEEKDAY.sub("", text).replace(",", " ").replace(".", " ").split())
    for form in WRITTEN_FORMATS:
        try:
            return datetime.strptime(written, form).date().isoformat()
        except ValueError:
            pass
    shown = text if len(text) <= 40 else text[:40] + "…"
    raise DateProblem(
        f"date {shown!r} is not one newsmark reads (ISO 8601 like 2024-03-05, RFC 2822, a Unix time,"
        " or 5 March 2024)"
    )


def _unix_time(value: float) -> str:
    seconds = value / 1000 if abs(value) >= 10**12 else value
    try:
        return datetime.fromtimestamp(seconds, UTC).isoformat()
    except (OverflowError, OSError, ValueError) as e:
        raise DateProblem(f"{value!r} is not a time newsmark reads (out of range)") from e
