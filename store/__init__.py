"""newsmark's store: SQLite through sqlite-utils. Imports neither Textual nor spaCy."""

import sys


def _import_sqlite_utils_without_numpy() -> None:
    """sqlite-utils imports numpy and pandas when they are installed (spaCy brings numpy),
    only to accept their scalar types in inserts, which newsmark never passes. That
    import is a third of the app's start; a module set to None in sys.modules makes
    its import fail, which sqlite-utils handles. Skipped when numpy is already loaded."""
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for name in hidden:
            sys.modules.pop(name, None)


_import_sqlite_utils_without_numpy()

from store.db import default_db_path, open_db, schema_version  # noqa: E402
from store.errors import DatabaseBusy, IngestError, NewerSchema, NotNewsmarkDatabase, StoreError  # noqa: E402

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
