"""The spaCy export: a DocBin (.spacy) that `spacy train` and `spacy debug data` read.

Each article is one Doc, built from the stored tokens (cut further only where a span
starts or ends inside a token), so `doc.text` is the article's text exactly:
- `doc.ents`: the corrected entities (accepted ones, from the model or the user);
- `doc.spans[LABEL]`: the annotations of each label (QUOTE, SOURCE, ...), for spancat;
- `doc.user_data["newsmark"]`: `article_id`, `title`, `source`; where and when the
  article was published, `date` (ISO 8601), `url`, `outlet` and `author`, each when
  known; and `annotations`: one dict per annotation, in the order of its label's span
  group, with `start`, `end`, `label`, `id`, `note`, and the quote's `speaker` (name),
  `speaker_start`, `speaker_end` (its mention, or None). The DocBin is written with user
  data, so `Doc.user_data` holds it again after `DocBin.from_disk(...).get_docs(vocab)`.
Spans are written without whitespace at either end (tokens hold none).
The registry (`newsmark.store.formats`) names `write_spacy` by its module path, so store
never imports this module or spaCy; it is loaded only when a spaCy export runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from newsmark.store.export import (
    ExportItem,
    SpanMismatch,
    known_publication,
    speaker_fields,
    split_tokens_at,
)
from newsmark.store.spans import trimmed

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab


def words_and_spaces(text: str, tokens: list[tuple[int, int]]) -> tuple[list[str], list[bool]]:
    """spaCy's words/spaces for `text`: one trailing space folds into the token before it,
    any other whitespace becomes a whitespace token, as spaCy's tokenizer does."""
    words: list[str] = []
    spaces: list[bool] = []

    def gap(piece: str) -> None:
        if piece.startswith(" ") and words and not spaces[-1]:
            spaces[-1] = True
            piece = piece[1:]
        if piece:
            words.append(piece)
            spaces.append(False)

    pos = 0
    for s, e in tokens:
        gap(text[pos:s])
        words.append(text[s:e])
        spaces.append(False)
        pos = e
    gap(text[pos:])
    return words, spaces


def doc_for(vocab: Vocab, item: ExportItem) -> Doc:
    from spacy.tokens import Doc, Span

    article = item.article
    text = article.text
    ents = [(*trimmed(text, e.start, e.end), e.label, f"entity {e.id}") for e in item.entities]
    spans = [(*trimmed(text, a.start, a.end), a.label, f"annotation {a.id}") for a in item.annotations]
    cuts = [x for s, e, _, _ in ents + spans for x in (s, e)]
    words, spaces = words_and_spaces(text, split_tokens_at(item.tokens, cuts))
    doc = Doc(vocab, words=words, spaces=spaces)
    if doc.text != text:
        raise SpanMismatch(f"article {article.id} ({article.source}): tokens do not rebuild its text")

    def span(start: int, end: int, label: str, what: str) -> Span:
        found = doc.char_span(start, end, label=label) if start < end else None
        if found is None:
            raise SpanMismatch(f"{what} in article {article.id}: {start}-{end} does not line up with tokens")
        return found

    try:
        doc.ents = [span(*ent) for ent in ents]
    except ValueError as overlap:  # overlapping entities: spaCy allows one entity per token
        raise SpanMismatch(
            f"article {article.id} ({article.source}): entities overlap ({overlap})"
        ) from overlap
    groups: dict[str, list[Span]] = defaultdict(list)
    records: dict[str, list[dict]] = defaultdict(list)
    for a, (s, e, label, what) in zip(item.annotations, spans, strict=True):
        groups[label].append(span(s, e, label, what))
        records[label].append(
            {"id": a.id, "start": a.start, "end": a.end, "label": a.label}
            | speaker_fields(a)
            | {"note": a.note}
        )
    for label, group in groups.items():
        doc.spans[label] = group
    doc.user_data["newsmark"] = {
        "article_id": article.id,
        "title": article.title,
        "source": article.source,
        **known_publication(article),
        "annotations": [r for label in groups for r in records[label]],
    }
    return doc


def write_spacy(items: Iterable[ExportItem], out: Path, lang: str = "en") -> int:
    """Write a DocBin to `out`; returns how many docs. Needs only a blank vocab, never a model."""
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank(lang).vocab
    docbin = DocBin(store_user_data=True)
    n = 0
    for item in items:
        docbin.add(doc_for(vocab, item))
        n += 1
    docbin.to_disk(out)
    return n
