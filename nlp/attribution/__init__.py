"""Attribution over a parsed spaCy Doc: direct quotes and indirect attributions, each with
its cue and speaker.

Pure rules over the Doc the pipeline already produced (tokens, POS, lemmas,
dependency parse, entities): no second model, roughly linear in the text
(about 4-6% of the pipeline's own time on news articles: bench/bench_quotes.py).

One module per step, each readable and testable alone; `suggest` runs them per article:

1. `marks`: pair double and single quote marks into spans, paragraph by paragraph
   (apostrophes are not quote marks).
2. `quotations`: drop the spans that are not quotations (scare quotes, names and
   titles, labels such as the “rainy day” fund, things to be acted on such as a
   “solid package of documents” to prepare).
3. `cues`: the words that report each quotation ("said", "according to").
4. `mentions`: the speaker mention, the cue's subject or what introduces the quote;
   `speakers`: that mention resolved to a name (pronouns by gender, roles, organisations),
   or an unnamed source's description ("a spokesperson for the ministry").
5. `reported`: indirect attributions, a cue (speech, thought, intention, report) and the
   content its parse governs ("Lavrov said [Moscow was ready]", "according to X, [...]").

`suggest` joins a quotation its cue interrupts into one suggestion in parts, keeps a
paraphrase's quoted run as a direct suggestion of its own, and drops a suggestion from a
headline or subheading whose speaker is a proper noun no entity nor person of the article
confirms (title case makes the tagger read "India-Russia Ties" as a name). `people` (the
people the article names, each by the fullest form of their name; two given names with one
family name are two people), `genders` (the gender the article gives them) and `article`
(the Doc with each token's quote, paragraph and heading) are what the steps read; `lexicons`
holds the word lists.

Known limits: a source named only after its words ("A former fund manager told the jury ...
Gregory Lang, 54, testified") keeps its description; pronouns go by gender only where the
article makes it clear; a broken parse (title-case headlines, lists) can cut a content short;
"the council" goes to the last organisation the NER named, unless that one's name says it is
another kind or it was only spoken to, so an NER error ("the River Wend" as an organisation)
becomes the speaker.
"""

from newsmark.nlp.attribution.suggest import DIRECT, INDIRECT, QuoteSuggestion, suggest_quotes

__all__ = ["DIRECT", "INDIRECT", "QuoteSuggestion", "suggest_quotes"]
