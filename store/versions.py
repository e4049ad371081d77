"""Article versions: a file re-ingested after it changed is a new article.

Articles are keyed by a hash of their text, so a changed file cannot overwrite
the old text (and the annotations made on it); instead the new article points
at the one it replaces (`previous_id`) and counts up (`version`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database


def link_versions(db: Database, article_ids: list[str]) -> int:
    """Link each newly stored article to the latest other article from the same source.

    Call in the transaction that stored them; returns how many became new versions.
    One query finds the few that share a source with an older article (an indexed
    lookup per id, in SQLite), so a first ingest of 100,000 files pays almost nothing.
    """
    if not article_ids:
        return 0
    # rowid grows with each insert: the earlier rows from a source are its older versions.
    # Only columns before the text are read, so no row's overflow pages are walked.
    candidates = db.execute(
        "select a.id, a.source, a.rowid from json_each(?) j join articles a on a.id = j.value"
        " where exists (select 1 from articles p where p.source = a.source and p.rowid < a.rowid)",
        [json.dumps(article_ids)],
    ).fetchall()
    linked = 0
    for article_id, source, rowid in candidates:
        row = db.execute(
            "select id, version from articles where source = ? and rowid < ?"
            " order by version desc, rowid desc limit 1",
            [source, rowid],
        ).fetchone()
        if row is None:
            continue
        previous_id, previous_version = row
        db.execute(
            "update articles set previous_id = ?, version = ? where id = ?",
            [previous_id, previous_version + 1, article_id],
        )
        linked += 1
    return linked
