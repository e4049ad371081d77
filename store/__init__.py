"""newsmark's store: SQLite through sqlite-utils. Imports neither Textual nor spaCy."""

from store.db import default_db_path, open_db, schema_version
from store.errors import DatabaseBusy, IngestError, NewerSchema, NotNewsmarkDatabase, StoreError

__all__ = [
    "DatabaseBusy",
    "IngestError",
    "NewerSchema",
    "NotNewsmarkDatabase",
    "StoreError",
    "default_db_path",
    "open_db",
    "schema_version",
]
