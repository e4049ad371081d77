"""Direct-quote and speaker detection over a parsed spaCy Doc.

Pure rules over the Doc the pipeline already produced (tokens, POS, lemmas,
dependency parse, entities): no second model, roughly linear in the text
(about 2-5% of the pipeline's own time on news articles).

One module per step, each readable and testable alone; `suggest` runs them per article:

1. `marks`: pair double quote marks into spans, paragraph by paragraph.
2. `quotations`: drop the spans that are not quotations (scare quotes, names and
   titles, labels such as the “rainy day” fund).
3. `cues`: the words that report each quotation ("said", "according to").
4. `mentions`: the speaker mention, the cue's subject or what introduces the quote;
   `speakers`: that mention resolved to a name (pronouns, roles, organisations).

`people` (the people the article names, each by the fullest form of their name) and
`article` (the Doc with each token's quote and paragraph) are what steps 3 and 4 read;
`lexicons` holds the word lists.

Known limits: single-quoted quotations ('...') are not detected; pronoun
resolution ignores gender; anonymous speakers ("one witness") give None.
"""

from newsmark.nlp.attribution.suggest import QuoteSuggestion, suggest_quotes

__all__ = ["QuoteSuggestion", "suggest_quotes"]
