"""Sources: one identity per speaker across the corpus.

- `names`: reading a speaker string (titles, initials, transliteration variants);
- `resolve`: an article's speakers to sources, as analysis stores them;
- `listing`: what the sources screen and `newsmark sources` read.

The user's merges, splits and renames are writers with undo, beside the others:
store.source_corrections. This package never reaches store.db nor store.schema,
whose migration 0006 resolves an older database's speakers through it.
"""
