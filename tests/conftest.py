"""Shared fixtures.

- `seeds_dir`: the repository's bundled sample articles (five .txt files).
- `tmp_db`: a fresh newsmark database, a real SQLite file in `tmp_path`.
- `nlp`: the real spaCy pipeline, loaded once per test session (about 1 s).
- `seeded_db`: `tmp_db` with the seeds ingested but not analysed.
- `analysed_db_file`: a database file with the seeds ingested and analysed (made once).
- `analysed_db`: an open private copy of that file.

Tests that do not depend on spaCy's behaviour should not ask for `nlp`, so that
they stay fast and the import rules (store never needs spaCy) stay honest.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsmark.store import open_db

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture
def tmp_db(tmp_path: Path):
    """An open, migrated newsmark database at tmp_path / 'newsmark.db'."""
    db = open_db(tmp_path / "newsmark.db")
    yield db
    db.conn.close()


@pytest.fixture(scope="session")
def nlp():
    """The real English pipeline, loaded once: spaCy is imported only by tests that ask."""
    from newsmark.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture
def cached_pipeline(nlp, monkeypatch):
    """The commands load the real pipeline on each call; hand them the session's copy."""
    import newsmark.nlp.pipeline as pipeline

    real = pipeline.load_pipeline
    monkeypatch.setattr(
        pipeline,
        "load_pipeline",
        lambda name=pipeline.DEFAULT_MODEL: nlp if name == pipeline.DEFAULT_MODEL else real(name),
    )


@pytest.fixture
def seeded_db(tmp_db, seeds_dir):
    from newsmark.store.ingest import ingest_paths

    result = ingest_paths(tmp_db, [seeds_dir])
    assert (len(result.added), result.errors) == (5, [])
    return tmp_db


@pytest.fixture(scope="session")
def analysed_db_file(tmp_path_factory, seeds_dir, nlp) -> Path:
    """A closed database file with the seeds ingested and analysed, made once per session."""
    from newsmark.nlp.batch import analyze_articles
    from newsmark.store.articles import unanalyzed_article_ids
    from newsmark.store.ingest import ingest_paths

    path = tmp_path_factory.mktemp("analysed") / "newsmark.db"
    db = open_db(path)
    assert len(ingest_paths(db, [seeds_dir]).added) == 5
    assert analyze_articles(db, nlp, unanalyzed_article_ids(db)) == 5
    db.conn.close()  # the last connection closing checkpoints the WAL into the file
    return path


@pytest.fixture
def analysed_db(analysed_db_file, tmp_path: Path):
    """A private copy of `analysed_db_file`, open: tests may change it freely."""
    path = tmp_path / "newsmark.db"
    shutil.copyfile(analysed_db_file, path)
    db = open_db(path)
    yield db
    db.conn.close()


# --- App (Textual Pilot) fixtures go below this line. ---------------------------


@pytest.fixture
def app_db_path(analysed_db_file: Path, tmp_path: Path) -> Path:
    """A private copy of the analysed seeds database, as a path for the app to open."""
    path = tmp_path / "app.db"
    shutil.copyfile(analysed_db_file, path)
    return path


@pytest.fixture(scope="session")
def long_db_file(tmp_path_factory, nlp) -> Path:
    """A database holding one article longer than any screen (reader_support), analysed
    with the real pipeline once per session."""
    from reader_support import make_long_article_db

    return make_long_article_db(tmp_path_factory.mktemp("long"), nlp)


@pytest.fixture
def long_db(long_db_file: Path, tmp_path: Path) -> Path:
    """A private copy of `long_db_file`."""
    from reader_support import copy_of

    return copy_of(long_db_file, tmp_path)
