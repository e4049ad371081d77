"""The schema, as named and ordered migrations (never edited once released)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "newsmark"
migrations = Migrations(MIGRATION_SET)

DEFAULT_LABELS = [
    ("QUOTE", "#e5a50a", 1, "A direct quote: the words someone said"),
    ("SOURCE", "#3584e4", 2, "Who said it: the person or organisation quoted"),
    ("CLAIM", "#c061cb", 3, "A claim worth checking"),
]


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    db.execute(
        """
        create table articles (
            id text primary key,
            source text not null,
            title text not null,
            text text not null,
            word_count integer not null,
            ingested_at text not null,
            analysis_model text,
            analyzed_at text
        )"""
    )
    db.execute(
        """
        create table tokens (
            article_id text primary key references articles(id),
            model text not null,
            offsets text not null -- JSON [start0, end0, start1, end1, ...]
        )"""
    )
    db.execute(
        """
        create table entities (
            id integer primary key,
            article_id text not null references articles(id),
            start integer not null,
            "end" integer not null,
            label text not null,
            text text not null,
            origin text not null default 'model',   -- model | user
            status text not null default 'accepted', -- accepted | rejected
            created_at text not null
        )"""
    )
    db.execute("create index entities_article on entities(article_id, start)")
    db.execute(
        """
        create table sentences (
            article_id text not null references articles(id),
            start integer not null,
            "end" integer not null,
            primary key (article_id, start)
        ) without rowid"""
    )
    db.execute(
        """
        create table suggestions (
            id integer primary key,
            article_id text not null references articles(id),
            start integer not null,
            "end" integer not null,
            text text not null,
            cue text,
            cue_start integer,
            cue_end integer,
            speaker text,
            speaker_start integer,
            speaker_end integer,
            score real not null,
            status text not null default 'open' -- open | accepted | rejected
        )"""
    )
    db.execute("create index suggestions_article on suggestions(article_id, start)")
    db.execute(
        """
        create table labels (
            name text primary key,
            colour text not null,
            key integer unique,
            description text not null default ''
        )"""
    )
    db["labels"].insert_all(
        [{"name": n, "colour": c, "key": k, "description": d} for n, c, k, d in DEFAULT_LABELS]
    )
    db.execute(
        """
        create table annotations (
            id integer primary key,
            article_id text not null references articles(id),
            start integer not null,
            "end" integer not null,
            label text not null,
            text text not null,
            speaker text,
            speaker_start integer,
            speaker_end integer,
            note text,
            created_at text not null,
            updated_at text not null,
            deleted integer not null default 0
        )"""
    )
    db.execute("create index annotations_article on annotations(article_id, start)")
    db.execute(
        """
        create table events (
            id integer primary key,
            at text not null,
            kind text not null,
            article_id text not null,
            annotation_id integer,
            before text,
            after text,
            state text not null default 'done' -- done | undone | dropped
        )"""
    )
    db.execute("create index events_article on events(article_id, state, id)")
    db["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize="porter")
