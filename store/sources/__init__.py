"""Sources: one identity per speaker across the corpus.

- `names`: reading a speaker string (titles, initials, transliteration variants);
- `resolve`: an article's speakers to sources, as analysis stores them;
- `corrections`: the user's merges, splits and renames, each one undo;
- `listing`: what the sources screen and `newsmark sources` read.
"""
