"""The schema, as named and ordered migrations (never edited once released)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsmark.store._sqlite_utils import Migrations
from newsmark.store.migration_names import MIGRATION_SET

if TYPE_CHECKING:
    from sqlite_utils import Database

migrations = Migrations(MIGRATION_SET)

# The labels 0001 gives a new database; 0006 adds PARAPHRASE_LABEL.
DEFAULT_LABELS = [
    ("QUOTE", "#e5a50a", 1, "A direct quote: the words someone said"),
    ("SOURCE", "#3584e4", 2, "Who said it: the person or organisation quoted"),
    ("CLAIM", "#c061cb", 3, "A claim worth checking"),
]
PARAPHRASE_LABEL = (
    "PARAPHRASE",
    "#2ec27e",
    4,
    "An indirect attribution: what someone said, believes or wants, reported",
)


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
    db.table("labels").insert_all(
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
    db.table("articles").enable_fts(["title", "text"], create_triggers=True, tokenize="porter")


ARTICLE_LIST_TRIGGERS = [
    """create trigger article_list_ai after insert on articles begin
      insert or replace into article_list (id, source, title, word_count, analyzed)
      values (new.id, new.source, new.title, new.word_count, new.analysis_model is not null);
    end""",
    """create trigger article_list_au after update of source, title, word_count, analysis_model
      on articles begin
      update article_list set source = new.source, title = new.title, word_count = new.word_count,
      analyzed = new.analysis_model is not null
      where id = new.id;
    end""",
    """create trigger article_list_ad after delete on articles begin
      delete from article_list where id = old.id;
    end""",
    """create trigger entity_count_ai after insert on entities when new.status = 'accepted' begin
      update article_list set entity_count = entity_count + 1 where id = new.article_id;
    end""",
    """create trigger entity_count_ad after delete on entities when old.status = 'accepted' begin
      update article_list set entity_count = entity_count - 1 where id = old.article_id;
    end""",
    """create trigger entity_count_au after update of status, article_id on entities begin
      update article_list set entity_count = entity_count - 1
      where id = old.article_id and old.status = 'accepted';
      update article_list set entity_count = entity_count + 1
      where id = new.article_id and new.status = 'accepted';
    end""",
    """create trigger annotation_count_ai after insert on annotations when new.deleted = 0 begin
      update article_list set annotation_count = annotation_count + 1 where id = new.article_id;
    end""",
    """create trigger annotation_count_ad after delete on annotations when old.deleted = 0 begin
      update article_list set annotation_count = annotation_count - 1 where id = old.article_id;
    end""",
    """create trigger annotation_count_au after update of deleted, article_id on annotations begin
      update article_list set annotation_count = annotation_count - 1
      where id = old.article_id and old.deleted = 0;
      update article_list set annotation_count = annotation_count + 1
      where id = new.article_id and new.deleted = 0;
    end""",
    # 0001's FTS trigger re-indexed the whole text on any update (marking an
    # article analysed, say); only title and text are indexed.
    """drop trigger articles_au""",
    """create trigger articles_au after update of title, text on articles begin
      insert into articles_fts (articles_fts, rowid, title, text)
      values ('delete', old.rowid, old.title, old.text);
      insert into articles_fts (rowid, title, text) values (new.rowid, new.title, new.text);
    end""",
]


@migrations(name="0002_article_list")
def article_list(db: Database) -> None:
    """A narrow copy of what the library shows, kept by triggers, so a list of
    100,000 articles never reads their text (which sits before word_count and
    analysis_model in each articles row, so reading those walks the text's pages)
    nor counts entities and annotations row by row."""
    db.execute(
        """
        create table article_list (
            id text primary key, -- articles.id; derived data, so no foreign key to trip over
            source text not null,
            title text not null,
            word_count integer not null,
            analyzed integer not null default 0,
            entity_count integer not null default 0,
            annotation_count integer not null default 0
        )"""
    )
    db.execute(
        """
        insert into article_list (id, source, title, word_count, analyzed, entity_count, annotation_count)
        select a.id, a.source, a.title, a.word_count, a.analysis_model is not null,
          (select count(*) from entities e where e.article_id = a.id and e.status = 'accepted'),
          (select count(*) from annotations n where n.article_id = a.id and n.deleted = 0)
        from articles a"""
    )
    # The library's order; keyset pagination seeks in it.
    db.execute("create index article_list_order on article_list(source, id)")
    # One statement at a time: executescript would commit, breaking the migration's transaction.
    for statement in ARTICLE_LIST_TRIGGERS:
        db.execute(statement)
    # Search ranks a match in the title ten times one in the text (FTS5 keeps this setting).
    db.execute("insert into articles_fts (articles_fts, rank) values ('rank', 'bm25(10.0, 1.0)')")


@migrations(name="0003_article_versions")
def article_versions(db: Database) -> None:
    """A file re-ingested after it changed is a new article (new text, new id) that
    points at the one it replaces; annotations stay on the text they were made on."""
    # ADD COLUMN with REFERENCES is allowed because the default is NULL.
    db.execute("alter table articles add column previous_id text references articles(id)")
    db.execute("alter table articles add column version integer not null default 1")
    # On source alone: it sits before the text in each row, so building the index
    # never walks the text's overflow pages; a source has only a few versions.
    db.execute("create index articles_source on articles(source)")


@migrations(name="0004_event_batches")
def event_batches(db: Database) -> None:
    """One user action can write several events (tag every match, an entity that
    replaces others, accepting a suggestion); a shared batch makes one undo of them all."""
    db.execute("alter table events add column batch integer")
    db.execute("create index events_batch on events(batch) where batch is not null")


ARTICLE_STATUS_TRIGGERS = [
    # article_list's copy of the status (0002's insert trigger, now copying it too).
    """drop trigger article_list_ai""",
    """create trigger article_list_ai after insert on articles begin
      insert or replace into article_list (id, source, title, word_count, analyzed, status)
      values (new.id, new.source, new.title, new.word_count, new.analysis_model is not null, new.status);
    end""",
    """create trigger article_status_au after update of status on articles begin
      update article_list set status = new.status where id = new.id;
    end""",
    # The first annotation or suggestion decision on a new article starts it, whichever
    # writer makes it (the reader, an import). Read from article_list: the status sits
    # after the text in an articles row, so reading it there walks the text's pages.
    """create trigger article_started_by_annotation after insert on annotations
      when new.deleted = 0 and (select status from article_list where id = new.article_id) = 'new'
      begin
      update articles set status = 'in progress' where id = new.article_id;
    end""",
    """create trigger article_started_by_decision after update of status on suggestions
      when new.status != 'open' and (select status from article_list where id = new.article_id) = 'new'
      begin
      update articles set status = 'in progress' where id = new.article_id;
    end""",
    """create trigger article_started_by_decided_suggestion after insert on suggestions
      when new.status != 'open' and (select status from article_list where id = new.article_id) = 'new'
      begin
      update articles set status = 'in progress' where id = new.article_id;
    end""",
    # Open suggestions per article, as the library shows them.
    """create trigger open_suggestions_ai after insert on suggestions when new.status = 'open' begin
      update article_list set open_suggestions = open_suggestions + 1 where id = new.article_id;
    end""",
    """create trigger open_suggestions_ad after delete on suggestions when old.status = 'open' begin
      update article_list set open_suggestions = open_suggestions - 1 where id = old.article_id;
    end""",
    """create trigger open_suggestions_au after update of status, article_id on suggestions begin
      update article_list set open_suggestions = open_suggestions - 1
      where id = old.article_id and old.status = 'open';
      update article_list set open_suggestions = open_suggestions + 1
      where id = new.article_id and new.status = 'open';
    end""",
    # The corpus totals, kept from article_list (itself kept by the triggers above and 0002's).
    """create trigger corpus_totals_ai after insert on article_list begin
      update corpus_totals set articles = articles + 1, done = done + (new.status = 'done'),
      annotations = annotations + new.annotation_count;
    end""",
    """create trigger corpus_totals_ad after delete on article_list begin
      update corpus_totals set articles = articles - 1, done = done - (old.status = 'done'),
      annotations = annotations - old.annotation_count;
    end""",
    """create trigger corpus_totals_au after update of status, annotation_count on article_list begin
      update corpus_totals set done = done - (old.status = 'done') + (new.status = 'done'),
      annotations = annotations - old.annotation_count + new.annotation_count;
    end""",
]


@migrations(name="0005_article_status")
def article_status(db: Database) -> None:
    """Each article's status (new, in progress, done); the library's status and
    open-suggestion columns; and the corpus totals its header shows, one row, so
    "2/5 done · 37 annotations" never counts 100,000 rows."""
    db.execute(
        "alter table articles add column status text not null default 'new'"
        " check (status in ('new', 'in progress', 'done'))"
    )
    # Work already done in an article started it.
    db.execute(
        """
        update articles set status = 'in progress' where id in (
          select article_id from annotations where deleted = 0
          union select article_id from suggestions where status != 'open')"""
    )
    db.execute("alter table article_list add column status text not null default 'new'")
    db.execute("alter table article_list add column open_suggestions integer not null default 0")
    db.execute(
        "update article_list set status = a.status from articles a"
        " where a.id = article_list.id and a.status != 'new'"
    )
    db.execute(
        """
        update article_list set open_suggestions = s.n
        from (select article_id, count(*) as n from suggestions where status = 'open' group by article_id) s
        where s.article_id = article_list.id"""
    )
    db.execute(
        """
        create table corpus_totals (
            articles integer not null,
            done integer not null,
            annotations integer not null -- live ones (not deleted)
        )"""
    )
    db.execute(
        "insert into corpus_totals (articles, done, annotations)"
        " select count(*), coalesce(sum(status = 'done'), 0), coalesce(sum(annotation_count), 0)"
        " from article_list"
    )
    for statement in ARTICLE_STATUS_TRIGGERS:
        db.execute(statement)


# An attribution, as the sources count it: a suggestion still open, or a QUOTE or PARAPHRASE
# annotation (an accepted suggestion is counted once, as the annotation it became).
_OPEN_SUGGESTION = "{row}.status = 'open' and {row}.source_id is not null"
_ATTRIBUTION_ANNOTATION = (
    "{row}.deleted = 0 and {row}.source_id is not null and {row}.label in ('QUOTE', 'PARAPHRASE')"
)


def _attribution_triggers(table: str, counted: str, quote: str, paraphrase: str, columns: str) -> list[str]:
    """Triggers that keep source_articles (and through it each source's totals) as `table`'s
    rows change: `counted` says whether a row is an attribution, `quote` and `paraphrase`
    (each 1 or 0) which kind; all three SQL with `{row}` for new or old."""

    def add(row: str) -> str:
        c, q, p = (sql.format(row=row) for sql in (counted, quote, paraphrase))
        return f"""insert into source_articles (source_id, article_id, quotes, paraphrases)
          select {row}.source_id, {row}.article_id, {q}, {p} where {c}
          on conflict (source_id, article_id) do update
          set quotes = quotes + excluded.quotes, paraphrases = paraphrases + excluded.paraphrases;"""

    def take_away(row: str) -> str:
        c, q, p = (sql.format(row=row) for sql in (counted, quote, paraphrase))
        return f"""update source_articles set quotes = quotes - ({q}), paraphrases = paraphrases - ({p})
          where source_id = {row}.source_id and article_id = {row}.article_id and {c};
        delete from source_articles where source_id = {row}.source_id
          and article_id = {row}.article_id and quotes = 0 and paraphrases = 0;"""

    return [
        f"create trigger {table}_sources_ai after insert on {table} begin {add('new')} end",
        f"create trigger {table}_sources_ad after delete on {table} begin {take_away('old')} end",
        f"create trigger {table}_sources_au after update of {columns} on {table}"
        f" begin {take_away('old')} {add('new')} end",
    ]


SOURCE_TRIGGERS = [
    *_attribution_triggers(
        "suggestions",
        _OPEN_SUGGESTION,
        "{row}.kind = 'direct'",
        "{row}.kind = 'indirect'",
        "status, source_id, kind, article_id",
    ),
    *_attribution_triggers(
        "annotations",
        _ATTRIBUTION_ANNOTATION,
        "{row}.label = 'QUOTE'",
        "{row}.label = 'PARAPHRASE'",
        "deleted, label, source_id, article_id",
    ),
    # Each source's totals, kept from source_articles (one row per source and article).
    """create trigger source_articles_ai after insert on source_articles begin
      update sources set quotes = quotes + new.quotes, paraphrases = paraphrases + new.paraphrases,
      articles = articles + 1 where id = new.source_id;
    end""",
    """create trigger source_articles_au after update on source_articles begin
      update sources set quotes = quotes - old.quotes + new.quotes,
      paraphrases = paraphrases - old.paraphrases + new.paraphrases where id = new.source_id;
    end""",
    """create trigger source_articles_ad after delete on source_articles begin
      update sources set quotes = quotes - old.quotes, paraphrases = paraphrases - old.paraphrases,
      articles = articles - 1 where id = old.source_id;
    end""",
    # How often the model named a speaker by each spelling: the canonical name is the
    # fullest spelling used most (store.sources.resolve).
    """create trigger alias_uses_ai after insert on suggestions when new.speaker is not null begin
      update source_aliases set uses = uses + 1 where alias = new.speaker;
    end""",
    """create trigger alias_uses_ad after delete on suggestions when old.speaker is not null begin
      update source_aliases set uses = uses - 1 where alias = old.speaker;
    end""",
    # An annotation's source follows its speaker through the aliases, whoever writes it
    # (the reader, an import), unless the same write sets the source itself.
    """create trigger annotation_source_ai after insert on annotations
      when new.source_id is null and new.speaker is not null begin
      update annotations set source_id = (select source_id from source_aliases where alias = new.speaker)
      where id = new.id;
    end""",
    """create trigger annotation_source_au after update of speaker on annotations
      when new.source_id is old.source_id and new.speaker is not old.speaker begin
      update annotations set source_id = (select source_id from source_aliases where alias = new.speaker)
      where id = new.id;
    end""",
]


@migrations(name="0006_sources")
def sources_and_kinds(db: Database) -> None:
    """One source per speaker across the corpus (store.sources): canonical name, kind, roles,
    and the aliases the articles spell it by; each suggestion and QUOTE or PARAPHRASE
    annotation points at its source. Suggestions gain their kind (direct quote or indirect
    attribution) and a split quotation's parts. Counts per source are kept by triggers, so
    the sources screen never counts 100,000 articles' attributions."""
    db.execute(
        """
        create table sources (
            id integer primary key,
            name text not null,          -- canonical: the fullest spelling used most, or the user's
            kind text not null check (kind in ('person', 'organisation', 'unnamed')),
            roles text not null default '[]', -- JSON list, as the articles give them
            user_named integer not null default 0, -- renamed by the user: analysis never renames it
            quotes integer not null default 0,      -- attributions (see SOURCE_TRIGGERS)
            paraphrases integer not null default 0,
            articles integer not null default 0,
            created_at text not null,
            updated_at text not null
        )"""
    )
    db.execute("create index sources_by_count on sources(quotes + paraphrases desc, id)")
    db.execute("create index sources_by_name on sources(name collate nocase, id)")
    db.execute(
        """
        create table source_aliases (
            alias text primary key,      -- as the articles spell it: one spelling, one source
            source_id integer not null references sources(id),
            key text not null,           -- store.sources.names: folded, titles left out
            surname text,                -- a person's family name, folded
            uses integer not null default 0 -- suggestions whose speaker is spelled so
        )"""
    )
    db.execute("create index source_aliases_source on source_aliases(source_id)")
    db.execute("create index source_aliases_key on source_aliases(key)")
    db.execute("create index source_aliases_surname on source_aliases(surname) where surname is not null")
    db.execute(
        """
        create table source_articles (
            source_id integer not null,
            article_id text not null,
            quotes integer not null default 0,
            paraphrases integer not null default 0,
            primary key (source_id, article_id)
        ) without rowid"""
    )
    # ADD COLUMN with REFERENCES is allowed because the default is NULL.
    db.execute(
        "alter table suggestions add column kind text not null default 'direct'"
        " check (kind in ('direct', 'indirect'))"
    )
    db.execute("alter table suggestions add column parts text")  # JSON [[start, end], ...] or NULL
    db.execute("alter table suggestions add column source_id integer references sources(id)")
    db.execute("alter table annotations add column source_id integer references sources(id)")
    db.execute("create index suggestions_source on suggestions(source_id) where source_id is not null")
    db.execute("create index annotations_source on annotations(source_id) where source_id is not null")
    if db.execute("select 1 from labels where name = 'PARAPHRASE'").fetchone() is None:
        taken = {r[0] for r in db.execute("select key from labels where key is not null")}
        name, colour, key, description = PARAPHRASE_LABEL
        db.table("labels").insert(
            {
                "name": name,
                "colour": colour,
                "key": key if key not in taken else next((k for k in range(1, 10) if k not in taken), None),
                "description": description,
            }
        )
    for statement in SOURCE_TRIGGERS:
        db.execute(statement)
    # What earlier analysis found resolves now; counts follow from the triggers above.
    from newsmark.store.sources.resolve import attach_sources_everywhere

    attach_sources_everywhere(db)


ARTICLE_METADATA_TRIGGERS = [
    # article_list's copy of the date and outlet (0005's insert trigger, now copying them too).
    """drop trigger article_list_ai""",
    """create trigger article_list_ai after insert on articles begin
      insert or replace into article_list (id, source, title, word_count, analyzed, status, date, outlet)
      values (new.id, new.source, new.title, new.word_count, new.analysis_model is not null, new.status,
        new.date, new.outlet);
    end""",
    """create trigger article_metadata_au after update of date, outlet on articles begin
      update article_list set date = new.date, outlet = new.outlet where id = new.id;
    end""",
]


@migrations(name="0007_article_metadata")
def article_metadata(db: Database) -> None:
    """Where and when an article was published, and by whom: its date (ISO 8601, a date or a
    date and time as the input gave it), url, outlet and author, each NULL when unknown (as
    for every article stored before). The library's table keeps the date and outlet, which
    it shows, sorts by and search filters by, without reading the articles' rows."""
    for column in ("date", "url", "outlet", "author"):
        db.execute(f"alter table articles add column {column} text")
    db.execute("alter table article_list add column date text")
    db.execute("alter table article_list add column outlet text")
    # The library by date, paged by keyset on (date, source, id) as its other orders are.
    db.execute("create index article_list_by_date on article_list(date, source, id)")
    for statement in ARTICLE_METADATA_TRIGGERS:
        db.execute(statement)


# Where a suggestion or an annotation finds its speaker's alias: spelled so in its own
# article (an unnamed source's description), else across the corpus (a name).
_ALIAS_OF = (
    "select {column} from source_aliases where alias = {row}.speaker"
    " and (article_id = {row}.article_id or article_id is null) order by article_id is null limit 1"
)

ALIAS_IN_ARTICLE_TRIGGERS = [
    """drop trigger alias_uses_ai""",
    """drop trigger alias_uses_ad""",
    """drop trigger annotation_source_ai""",
    """drop trigger annotation_source_au""",
    f"""create trigger alias_uses_ai after insert on suggestions when new.speaker is not null begin
      update source_aliases set uses = uses + 1 where rowid = ({_ALIAS_OF.format(column="rowid", row="new")});
    end""",
    f"""create trigger alias_uses_ad after delete on suggestions when old.speaker is not null begin
      update source_aliases set uses = uses - 1 where rowid = ({_ALIAS_OF.format(column="rowid", row="old")});
    end""",
    f"""create trigger annotation_source_ai after insert on annotations
      when new.source_id is null and new.speaker is not null begin
      update annotations set source_id = ({_ALIAS_OF.format(column="source_id", row="new")})
      where id = new.id;
    end""",
    f"""create trigger annotation_source_au after update of speaker on annotations
      when new.source_id is old.source_id and new.speaker is not old.speaker begin
      update annotations set source_id = ({_ALIAS_OF.format(column="source_id", row="new")})
      where id = new.id;
    end""",
]


@migrations(name="0008_unnamed_sources_per_article")
def unnamed_sources_per_article(db: Database) -> None:
    """An unnamed source ("a spokesperson for the council") is one per article: the same
    description in two articles need not be the same person. Its aliases belong to their
    article (source_aliases.article_id; NULL for a name, which holds across the corpus),
    and an unnamed source shared by several articles becomes one per article, each
    article's attributions on its own, counts following through 0006's triggers."""
    for statement in ALIAS_IN_ARTICLE_TRIGGERS[:4]:  # they read the table rebuilt below
        db.execute(statement)
    db.execute(
        """
        create table source_aliases_in_article (
            alias text not null,         -- as the articles spell it
            article_id text,             -- NULL: across the corpus; else an unnamed source's, there only
            source_id integer not null references sources(id),
            key text not null,           -- store.sources.names: folded, titles left out
            surname text,                -- a person's family name, folded
            uses integer not null default 0 -- suggestions whose speaker is spelled so (there)
        )"""
    )
    db.execute(
        "insert into source_aliases_in_article (alias, source_id, key, surname, uses)"
        " select alias, source_id, key, surname, uses from source_aliases"
    )
    db.execute("drop table source_aliases")
    db.execute("alter table source_aliases_in_article rename to source_aliases")
    # One spelling, one source: across the corpus, or in each article.
    db.execute(
        "create unique index source_aliases_spelling on source_aliases(alias, coalesce(article_id, ''))"
    )
    db.execute("create index source_aliases_source on source_aliases(source_id)")
    db.execute("create index source_aliases_key on source_aliases(key)")
    db.execute("create index source_aliases_surname on source_aliases(surname) where surname is not null")
    for statement in ALIAS_IN_ARTICLE_TRIGGERS[4:]:
        db.execute(statement)
    _unnamed_sources_per_article(db)


def _unnamed_sources_per_article(db: Database) -> None:
    """Each unnamed source's attributions in the first of its articles stay on it; those in
    each other article move to a copy of it of their own (a source the user merged or
    renamed stays one: the user said so). Each spelling the source's attributions use in an
    article becomes that article's alias; a spelling none uses stays as it was."""
    from newsmark.store.timestamps import now_iso

    unnamed = db.execute("select id, name, roles, user_named from sources where kind = 'unnamed' order by id")
    for source_id, name, roles, user_named in unnamed.fetchall():
        articles = db.execute(
            "select article_id from suggestions where source_id = ?"
            " union select article_id from annotations where source_id = ? order by 1",
            [source_id, source_id],
        ).fetchall()
        spelled: set[str] = set()
        for n, (article_id,) in enumerate(articles):
            own = source_id
            if n and not user_named:
                now = now_iso()
                own = db.execute(
                    "insert into sources (name, kind, roles, created_at, updated_at)"
                    " values (?, 'unnamed', ?, ?, ?) returning id",
                    [name, roles, now, now],
                ).fetchone()[0]
                # By the article's index (+ keeps SQLite off the source's): a source of many
                # articles would otherwise be walked once per article.
                for table in ("suggestions", "annotations"):
                    db.execute(
                        f"update {table} set source_id = ? where article_id = ? and +source_id = ?",
                        [own, article_id, source_id],
                    )
            used = db.execute(
                """
                insert into source_aliases (alias, article_id, source_id, key, surname, uses)
                select a.alias, ?, ?, a.key, a.surname,
                  (select count(*) from suggestions s where s.article_id = ? and s.speaker = a.alias)
                from source_aliases a where a.source_id = ? and a.article_id is null and a.alias in (
                  select speaker from suggestions where article_id = ? and +source_id = ?
                  union select speaker from annotations where article_id = ? and +source_id = ?)
                returning alias""",
                [article_id, own, article_id, source_id, article_id, own, article_id, own],
            ).fetchall()
            spelled.update(r[0] for r in used)
        for alias in spelled:
            db.execute(
                "delete from source_aliases where source_id = ? and article_id is null and alias = ?",
                [source_id, alias],
            )
