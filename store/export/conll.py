"""CoNLL-2003 for entities: `-DOCSTART- -X- O O` before each article, a blank line
between sentences, one token per line as `WORD _ _ TAG`.

Tags are IOB2 (each entity opens with B-, goes on with I-; O outside), from the
corrected entities. Tokens are the stored ones (the model's, or the plain-prose
fallback for an article never analysed), cut further only where an entity starts
or ends inside a token. Sentences are the stored ones; a sentence break is never
put inside an entity. Whitespace inside a token (a no-break space, say) is written
as `_` so the columns stay whitespace-separated.

An article's date, URL, outlet and author are not written: CoNLL-2003 has no comment
lines, and its readers take any line as a token (spaCy's `convert -c ner` reads
`# date = 2024-03-05` as the token `#` tagged `24-03-05`). The other formats carry them.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import IO

from newsmark.store.export import ExportItem, SpanMismatch, split_tokens_at
from newsmark.store.spans import trimmed

DOCSTART = "-DOCSTART- -X- O O"  # the form spaCy's converter splits documents on


def tagged_tokens(item: ExportItem) -> list[tuple[int, int, str]]:
    """(start, end, IOB2 tag) for every token of the article."""
    text = item.article.text
    ents = sorted((*trimmed(text, e.start, e.end), e.label) for e in item.entities)
    tokens = split_tokens_at(item.tokens, [x for s, e, _ in ents for x in (s, e)])
    starts = [s for s, _ in tokens]
    tags = ["O"] * len(tokens)
    for s, e, label in ents:
        first = bisect.bisect_left(starts, s)
        last = bisect.bisect_left(starts, e)
        if first == last or starts[first] != s or tokens[last - 1][1] != e:
            raise SpanMismatch(
                f"entity {label} {s}-{e} in article {item.article.id} does not line up with tokens"
            )
        if any(t != "O" for t in tags[first:last]):
            raise SpanMismatch(f"entity {label} {s}-{e} in article {item.article.id} overlaps another entity")
        tags[first] = f"B-{label}"
        tags[first + 1 : last] = [f"I-{label}"] * (last - first - 1)
    return [(s, e, tag) for (s, e), tag in zip(tokens, tags, strict=True)]


def write_conll(items: Iterable[ExportItem], out: IO[str]) -> int:
    n = 0
    for item in items:
        text = item.article.text
        starts = sorted(s for s, _ in item.sentences)
        out.write(DOCSTART + "\n\n")
        sentence = None
        for s, e, tag in tagged_tokens(item):
            here = bisect.bisect_right(starts, s)
            if sentence is not None and here != sentence and not tag.startswith("I-"):
                out.write("\n")
            if not tag.startswith("I-"):
                sentence = here
            word = "".join("_" if c.isspace() else c for c in text[s:e])
            out.write(f"{word} _ _ {tag}\n")
        out.write("\n")
        n += 1
    return n
