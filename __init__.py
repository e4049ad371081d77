"""newsmark: a keyboard-driven terminal reader that turns news into annotated data.

One importable package; its rooms are the repository's top-level folders:
`newsmark.store` (SQLite, no UI, no spaCy), `newsmark.nlp` (the only one importing spaCy),
`newsmark.tui` (the Textual app), `newsmark.cli` (the `newsmark` command), and the data
packages `newsmark.keymaps` and `newsmark.seeds`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsmark")
except PackageNotFoundError:  # imported from a checkout that was never installed
    __version__ = "0+unknown"
