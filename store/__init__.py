"""newsmark's store: SQLite through sqlite-utils. Imports neither Textual nor spaCy.

Importing `store` does not import sqlite-utils (a fifth of the app's start): the
modules that need it at run time import it from store._sqlite_utils when used.
"""

from newsmark.store.db import default_db_path, open_current, open_db, schema_version
from newsmark.store.errors import DatabaseBusy, IngestError, NewerSchema, NotNewsmarkDatabase, StoreError

__all__ = [
    "DatabaseBusy",
    "IngestError",
    "NewerSchema",
    "NotNewsmarkDatabase",
    "StoreError",
    "default_db_path",
    "open_current",
    "open_db",
    "schema_version",
]
