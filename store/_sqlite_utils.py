"""sqlite-utils, imported without numpy: every runtime use of sqlite-utils goes through here.

sqlite-utils imports numpy and pandas when they are installed (spaCy brings numpy),
only to accept their scalar types in inserts, which newsmark never passes. That
import is a third of the app's start; a module set to None in sys.modules makes
its import fail, which sqlite-utils handles. Skipped when numpy is already loaded.

Nothing on the app's start path imports this module (see store.db.open_current):
the library's first page is read through the sqlite3 module alone.
"""

import sys

_hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
for _name in _hidden:
    sys.modules[_name] = None  # type: ignore[assignment]
try:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations
finally:
    for _name in _hidden:
        sys.modules.pop(_name, None)

__all__ = ["Database", "Migrations"]
