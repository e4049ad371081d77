"""Errors the store raises; each message is one line a user can act on."""


class StoreError(Exception):
    """Base class for errors that name a file and a problem."""


class NotNewsmarkDatabase(StoreError):
    """The path is not SQLite, or is SQLite written by something else."""


class NewerSchema(StoreError):
    """The database was written by a newer newsmark than this one."""


class IngestError(StoreError):
    """One input file could not be ingested."""


class DatabaseBusy(StoreError):
    """Another process held the write lock through every retry: the change was not saved."""
