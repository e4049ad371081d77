"""`newsmark check`: is the database whole, which schema, what is in it, do spans still match.

Reads only: nothing here writes to the database, so checking an older database
does not migrate it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsmark.store.db import database_file, latest_schema_version, schema_version
from newsmark.store.schema import migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

# Tables counted in the report, in the order shown.
COUNTED = ("articles", "annotations", "entities", "suggestions", "labels", "events")
# Integrity problems are listed up to this many; SQLite can report thousands.
MAX_LISTED = 20


@dataclass
class SpanProblem:
    kind: str  # "annotation" or "entity"
    id: int
    article_id: str
    start: int
    end: int
    stored: str  # the text snapshot the row carries
    actual: str | None  # what the article says at those offsets (None: no such article)

    def describe(self) -> str:
        where = f"{self.kind} {self.id} in article {self.article_id}, offsets {self.start}-{self.end}"
        if self.actual is None:
            return f"{where}: the article is missing"
        return f"{where}: stored text {self.stored!r} but the article says {self.actual!r}"


@dataclass
class CheckReport:
    path: str
    integrity: list[str]  # PRAGMA integrity_check lines: ["ok"] when whole
    foreign_keys: list[str]
    schema: str
    latest_schema: str
    pending: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    deleted_annotations: int = 0
    span_problems: list[SpanProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and not self.foreign_keys and not self.span_problems

    def lines(self) -> list[str]:
        out = [f"database: {self.path}"]
        if self.integrity == ["ok"]:
            out.append("integrity: ok")
        else:
            # SQLite stops listing at 100 problems.
            many = "at least " if len(self.integrity) >= 100 else ""
            out.append(f"integrity: {many}{len(self.integrity)} problem(s)")
            out += [f"  {line}" for line in self.integrity[:MAX_LISTED]]
            if len(self.integrity) > MAX_LISTED:
                out.append(f"  … and {len(self.integrity) - MAX_LISTED} more")
        schema = f"schema: {self.schema}"
        if self.pending:
            schema += (
                f" ({len(self.pending)} migration(s) pending; the next newsmark run backs up and migrates)"
            )
        elif self.schema == self.latest_schema:
            schema += " (current)"
        out.append(schema)
        counts = ", ".join(f"{n} {table}" for table, n in self.counts.items())
        out.append(f"contents: {counts} ({self.deleted_annotations} annotations deleted, kept for undo)")
        if self.foreign_keys:
            out.append(f"references: {len(self.foreign_keys)} row(s) point at missing rows")
            out += [f"  {line}" for line in self.foreign_keys[:MAX_LISTED]]
        if self.span_problems:
            out.append(f"spans: {len(self.span_problems)} no longer match their article's text")
            out += [f"  {p.describe()}" for p in self.span_problems[:MAX_LISTED]]
            if len(self.span_problems) > MAX_LISTED:
                out.append(f"  … and {len(self.span_problems) - MAX_LISTED} more")
        else:
            out.append("spans: every annotation and entity matches its article's text")
        out.append("all good" if self.ok else "PROBLEMS FOUND")
        return out


def check_database(db: Database) -> CheckReport:
    """Everything `newsmark check` reports, for a database opened with migrate=False."""
    integrity = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()]
    foreign_keys = [
        f"{table} row {rowid} -> {parent}"
        for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check").fetchall()
    ]
    report = CheckReport(
        path=database_file(db),
        integrity=integrity,
        foreign_keys=foreign_keys,
        schema=schema_version(db),
        latest_schema=latest_schema_version(),
        pending=[m.name for m in migrations.pending(db)],
    )
    tables = set(db.table_names())
    for table in COUNTED:
        if table in tables:
            report.counts[table] = db.execute(f"select count(*) from [{table}]").fetchone()[0]
    if "annotations" in tables:
        report.deleted_annotations = db.execute(
            "select count(*) from annotations where deleted = 1"
        ).fetchone()[0]
        # Deleted annotations too: undo brings them back, so they must still fit.
        report.span_problems += _span_problems(db, "annotation", "annotations")
    if "entities" in tables:
        report.span_problems += _span_problems(db, "entity", "entities")
    return report


def _span_problems(db: Database, kind: str, table: str) -> list[SpanProblem]:
    # substr counts characters (code points), as Python's str indices do; 1-based.
    rows = db.execute(
        f"""select s.id, s.article_id, s.start, s."end", s.text, a.id is not null,
                   case when a.id is null then null else substr(a.text, s.start + 1, s."end" - s.start) end
            from [{table}] s left join articles a on a.id = s.article_id
            where a.id is null or s.start < 0 or s."end" <= s.start or s."end" > length(a.text)
               or substr(a.text, s.start + 1, s."end" - s.start) is not s.text
            order by s.article_id, s.start, s.id"""
    ).fetchall()
    return [
        SpanProblem(kind, rid, article_id, start, end, stored, actual if has_article else None)
        for rid, article_id, start, end, stored, has_article, actual in rows
    ]
