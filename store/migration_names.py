"""The schema's migrations by name, in the order they apply.

Kept apart from store.schema, which needs sqlite-utils: the app's start reads
these to tell a current database (opened through sqlite3 alone) from one that
needs migrating. tests/test_migrations.py checks they match store.schema.
"""

MIGRATION_SET = "newsmark"
MIGRATION_NAMES = (
    "0001_initial",
    "0002_article_list",
    "0003_article_versions",
    "0004_event_batches",
    "0005_article_status",
    "0006_sources",
    "0007_article_metadata",
    "0008_unnamed_sources_per_article",
)
