"""Merging one source into another keeps the name of the one merged into (a new user
merged "Russia Ties" into "S Jaishankar" and saw "Merged Russia Ties into Russia Ties")."""

from __future__ import annotations

from pathlib import Path

from newsmark.store import open_db
from newsmark.store.analysis import Analysis, save_analysis
from newsmark.store.events import redo, undo
from newsmark.store.ingest import ingest_text
from newsmark.store.source_corrections import SOURCES_LOG, merge_sources
from newsmark.store.sources.listing import get_source

TEXT = (
    "Ties to Moscow\n\n"
    'S Jaishankar said the talks went well. "We are friends," Russia Ties said.\n'
    '"It was a long day," Jaishankar said.\n'
)


def suggestion(text: str, quoted: str, speaker: str) -> dict:
    start = text.index(quoted)
    at = text.index(speaker)
    return {
        "start": start,
        "end": start + len(quoted),
        "text": quoted,
        "cue": "said",
        "cue_start": None,
        "cue_end": None,
        "speaker": speaker,
        "speaker_start": at,
        "speaker_end": at + len(speaker),
        "score": 0.9,
    }


def test_the_source_merged_into_keeps_its_name_after_re_analysis_and_undo(tmp_path: Path) -> None:
    db = open_db(tmp_path / "n.db")
    article, _ = ingest_text(db, TEXT, "ties.txt")
    found = [
        suggestion(TEXT, '"We are friends,"', "Russia Ties"),
        suggestion(TEXT, '"It was a long day,"', "S Jaishankar"),
    ]
    save_analysis(db, Analysis(article, "m", [], [(0, len(TEXT))], [(0, 1)], found))
    aliases = dict(db.execute("select alias, source_id from source_aliases").fetchall())
    keep, other = aliases["S Jaishankar"], aliases["Russia Ties"]

    merge_sources(db, keep, other)
    merged = get_source(db, keep)
    assert merged is not None and merged.name == "S Jaishankar"
    assert set(merged.aliases) == {"S Jaishankar", "Russia Ties"}
    assert get_source(db, other) is None or get_source(db, other).quotes == 0  # type: ignore[union-attr]

    save_analysis(db, Analysis(article, "m2", [], [(0, len(TEXT))], [(0, 1)], found))  # re-analysis
    assert get_source(db, keep).name == "S Jaishankar"  # type: ignore[union-attr]

    undo(db, SOURCES_LOG)
    assert get_source(db, keep).name == "S Jaishankar"  # type: ignore[union-attr]
    assert get_source(db, other).name == "Russia Ties"  # type: ignore[union-attr]
    redo(db, SOURCES_LOG)
    assert get_source(db, keep).name == "S Jaishankar"  # type: ignore[union-attr]
