"""Analysis of article texts: entities, sentences, tokens and attribution suggestions
(direct quotes and indirect ones, each stored with its kind)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from typing import TYPE_CHECKING

from newsmark.nlp.attribution import QuoteSuggestion, suggest_quotes
from newsmark.store.analysis import Analysis

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# spaCy needs about 1 GB per 100k characters: longer texts are cut at paragraph ends.
MAX_CHUNK_CHARS = 100_000


def batched(items: Iterable[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    iterator = iter(items)
    while group := list(islice(iterator, size)):
        yield group


@dataclass
class TextAnalysis:
    entities: list[tuple[int, int, str]]
    sentences: list[tuple[int, int]]
    tokens: list[tuple[int, int]]
    suggestions: list[dict]

    def for_article(self, article_id: str, model: str) -> Analysis:
        """What the store saves for `article_id`, analysed by `model` (nlp.pipeline.model_tag)."""
        return Analysis(article_id, model, self.entities, self.sentences, self.tokens, self.suggestions)


def split_text(text: str, limit: int = MAX_CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, chunk) pieces no longer than `limit`, cut after a newline where one exists."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        cut = text.rfind("\n", start, start + limit)
        if cut <= start:
            cut = text.rfind(" ", start, start + limit)
        cut = start + limit if cut <= start else cut + 1
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def _collect(doc: Doc, offset: int, into: TextAnalysis) -> None:
    """Copy what is kept out of a Doc (before its memory zone ends)."""
    into.entities.extend((e.start_char + offset, e.end_char + offset, e.label_) for e in doc.ents)
    for sent in doc.sents:
        # A sentence never runs over a line break (spaCy joins a headline to the
        # next line), and never keeps the whitespace spaCy folds into it.
        start = sent.start_char
        for piece in sent.text.split("\n"):
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                into.sentences.append((start + lead + offset, start + lead + len(stripped) + offset))
            start += len(piece) + 1
    into.tokens.extend((t.idx + offset, t.idx + offset + len(t.text)) for t in doc if not t.is_space)
    into.suggestions.extend(_row(s, offset) for s in suggest_quotes(doc))


_OFFSETS = ("start", "end", "cue_start", "cue_end", "speaker_start", "speaker_end")


def _row(suggestion: QuoteSuggestion, offset: int) -> dict:
    """A suggestion as the store takes it, its offsets moved from the chunk to the article:
    kind (direct or indirect) and, for a split quotation, parts as [[start, end], ...]."""
    row = asdict(suggestion)
    for key in _OFFSETS:
        if row[key] is not None:
            row[key] += offset
    if suggestion.parts is not None:
        row["parts"] = [[start + offset, end + offset] for start, end in suggestion.parts]
    return row


def analyze_texts(
    nlp: Language,
    items: Iterable[tuple[str, str]],
    *,
    n_process: int = 1,
    batch_size: int = 16,
    zone_size: int = 256,
) -> Iterator[tuple[str, TextAnalysis]]:
    """(key, analysis) for each (key, text), in input order, streaming.

    Texts go through `nlp.pipe` in groups of `zone_size`, each inside its own
    memory zone, so the string store does not grow over a long run. With
    several processes, each group pays for starting the workers: keep it large.
    """
    for group in batched(items, zone_size):
        results = {key: TextAnalysis([], [], [], []) for key, _ in group}
        pieces = [(chunk, (key, offset)) for key, text in group for offset, chunk in split_text(text)]
        with nlp.memory_zone():
            for doc, (key, offset) in nlp.pipe(
                pieces, as_tuples=True, n_process=n_process, batch_size=batch_size
            ):
                _collect(doc, offset, results[key])
        yield from results.items()
