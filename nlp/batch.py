"""Batch analysis of stored articles: read texts from the store, cache results in it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from newsmark.nlp.analyze import analyze_texts
from newsmark.nlp.pipeline import model_tag
from newsmark.store.analysis import save_analysis
from newsmark.store.articles import texts_for

if TYPE_CHECKING:
    from spacy.language import Language
    from sqlite_utils import Database


def analyze_articles(
    db: Database,
    nlp: Language,
    article_ids: Sequence[str],
    *,
    n_process: int = 1,
    on_article: Callable[[str, int, int], None] | None = None,
) -> int:
    """Analyse and cache each article; each one is committed as soon as it is done,
    so an interrupted run resumes where it stopped. Returns how many were analysed."""
    model = model_tag(nlp)
    done = 0
    for article_id, result in analyze_texts(nlp, texts_for(db, article_ids), n_process=n_process):
        save_analysis(db, result.for_article(article_id, model))
        done += 1
        if on_article is not None:
            on_article(article_id, done, len(article_ids))
    return done
