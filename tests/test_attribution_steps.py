"""Each step of nlp.attribution alone (the whole: tests/test_quotes.py, and for indirect
attribution tests/test_indirect_attribution.py).

Steps that read a parse get the real pipeline (the `nlp` fixture); marks and the
quotation tests that need no parse run on plain strings.
"""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Token

from newsmark.nlp.attribution.article import Article, build_article, previous_word, same_sentence, tokens_in
from newsmark.nlp.attribution.cues import Cue, find_cue, trim_unclosed
from newsmark.nlp.attribution.genders import FEMALE, MALE
from newsmark.nlp.attribution.marks import RawQuote, pair_marks, paragraphs
from newsmark.nlp.attribution.mentions import animate, context_speaker, mention_span, speaker_of, subject_of
from newsmark.nlp.attribution.people import build_people, clean_key
from newsmark.nlp.attribution.quotations import (
    is_label,
    is_object_of_an_infinitive,
    is_partial,
    looks_like_name_or_title,
)
from newsmark.nlp.attribution.reported import cue_lemma, find_reports
from newsmark.nlp.attribution.speakers import describe, resolve_mention


def article_of(nlp: Language, text: str) -> tuple[Article, list[RawQuote]]:
    """The article the cue and speaker steps read, prepared as suggest_quotes prepares it."""
    doc = nlp(text)
    raw = pair_marks(text)
    trim_unclosed(doc, raw)
    art = build_article(doc, raw)
    art.titles = {qi for qi, q in enumerate(raw) if looks_like_name_or_title(text, q)}
    return art, raw


def first_cue(nlp: Language, text: str) -> tuple[Article, Cue | None]:
    art, raw = article_of(nlp, text)
    q = raw[0]
    first_tok, last_tok = tokens_in(art.doc, q.start, q.end)
    return art, find_cue(art, 0, q, first_tok, last_tok, is_partial(text, q))


def cue_text(text: str, cue: Cue | None) -> str | None:
    return text[cue.start : cue.end] if cue is not None else None


def token(art: Article, text: str) -> Token:
    return next(t for t in art.doc if t.text == text)


def spans(text: str) -> list[tuple[str, bool, int]]:
    return [(text[q.start : q.end], q.closed, q.paragraph) for q in pair_marks(text)]


# --------------------------------------------------------------------------- marks


def test_paragraphs_are_the_non_blank_lines_without_their_padding() -> None:
    assert paragraphs("A\n\n  B  \n") == [(0, 1), (5, 6)]


def test_marks_pair_within_a_paragraph_and_skip_a_stray_closing_mark() -> None:
    text = 'He said “We will win,” and "soon".\nA stray ” mark here.'
    assert spans(text) == [("“We will win,”", True, 0), ('"soon"', True, 0)]


def test_a_wrong_way_curly_mark_pairs_by_its_surroundings() -> None:
    assert spans("He said ”We are ready.” Then") == [("”We are ready.”", True, 0)]


def test_a_quoted_sentence_continues_into_a_paragraph_that_opens_with_a_mark() -> None:
    text = "“First part of it.\n“Second part,” she said."
    assert spans(text) == [("“First part of it.\n“Second part,”", True, 1)]


def test_an_unclosed_phrase_runs_to_its_paragraph_end_only() -> None:
    # Lower case: a phrase that lost its closing mark, not a quoted sentence running on.
    text = "“lower phrase\n“Next one.”"
    assert spans(text) == [("“lower phrase", False, 0), ("“Next one.”", True, 1)]


@pytest.mark.parametrize(
    "text,quoted",
    [
        ("'We go back,' said Silva. 'It's over.'", ["'We go back,'", "'It's over.'"]),
        ("‘We go back,’ said Silva.", ["‘We go back,’"]),
        ("Don't, O'Brien's, it’s, rock 'n' roll and 'em.", []),  # apostrophes
        ("Built in the '90s and ’24, the Joneses' house stood.", []),  # decades, a plural's s
        ("'The players' wives were there,' she said.", ["'The players' wives were there,'"]),
        ("'We want more jobs' is what she said.", ["'We want more jobs'"]),  # a plural's s can close
        ("It's an 'unclosed phrase to the end", []),  # a single mark left open is an apostrophe
        ("“He called it ‘a disaster’ and left,” she said.", ["“He called it ‘a disaster’ and left,”"]),
        ("‘First part.\n‘Second part,’ she said.", ["‘First part.\n‘Second part,’"]),
    ],
)
def test_single_marks_pair_and_apostrophes_do_not(text: str, quoted: list[str]) -> None:
    assert [q for q, _, _ in spans(text)] == quoted


# --------------------------------------------------------------------------- quotations


@pytest.mark.parametrize(
    "text,name_or_title",
    [
        ("Putin spoke at the “Russia Calling!” forum.", True),
        ("Critics mocked the so-called “peace dividend” of the plan.", True),
        ("He was “surprised” by it.", True),
        ("“No,” he said.", False),
        ("“We will not stop,” the minister said.", False),
    ],
)
def test_names_titles_and_scare_words_are_told_from_quotations(text: str, name_or_title: bool) -> None:
    (q,) = pair_marks(text)
    assert looks_like_name_or_title(text, q) is name_or_title


@pytest.mark.parametrize(
    "text,partial",
    [
        ("He called it “a historic step” for the region.", True),
        ("“Never again,” she said.", True),
        ("“We will rebuild the bridge.”", False),
        ("“We will rebuild the bridge by spring,” Ruiz said.", False),
    ],
)
def test_a_phrase_inside_a_sentence_is_partial(text: str, partial: bool) -> None:
    (q,) = pair_marks(text)
    assert is_partial(text, q) is partial


@pytest.mark.parametrize(
    "text,label",
    [
        ("The state drew on its “rainy day” fund last year.", True),
        ("Lavrov called the talks “a useful exchange” on Monday.", False),
    ],
)
def test_a_short_quoted_phrase_modifying_the_next_noun_is_a_label(
    nlp: Language, text: str, label: bool
) -> None:
    doc = nlp(text)
    (q,) = pair_marks(text)
    first_tok, last_tok = tokens_in(doc, q.start, q.end)
    assert is_label(doc, text, q, first_tok, last_tok) is label


@pytest.mark.parametrize(
    "text,thing",
    [
        ("Both sides pledged to prepare a “solid package of documents” for the summit.", True),
        ("He asked her to pass his “best wishes” to the prime minister.", True),
        ("Both sides pledged to settle the dispute “in a fair and lasting manner” by June.", False),
        ("He described the talks as “a useful exchange” on Monday.", False),
        ("He said the plan was “a disaster for farmers” on Monday.", False),
    ],
)
def test_a_quoted_object_of_an_infinitive_names_a_thing(nlp: Language, text: str, thing: bool) -> None:
    doc = nlp(text)
    (q,) = pair_marks(text)
    first_tok, last_tok = tokens_in(doc, q.start, q.end)
    assert is_object_of_an_infinitive(doc, first_tok, last_tok) is thing


# --------------------------------------------------------------------------- people and the article


def test_clean_key_drops_possessives_and_case() -> None:
    assert [clean_key(w) for w in ("Lavrov’s", "Lavrov's", "Jones'", "LAVROV")] == [
        "lavrov",
        "lavrov",
        "jones",
        "lavrov",
    ]


def test_people_are_grouped_by_surname_under_their_fullest_name_with_their_titles(nlp: Language) -> None:
    doc = nlp("Russian Foreign Minister Sergei Lavrov arrived on Monday. Lavrov met reporters.")
    people = build_people(list(doc), list(doc.ents), [False] * len(doc), [-1] * len(doc))
    assert list(people.by_surname) == ["lavrov"]
    (lavrov,) = people.by_surname["lavrov"]
    assert lavrov.canonical == "Sergei Lavrov"
    assert {"russian", "foreign", "minister"} <= lavrov.descriptors
    assert people.by_given == {"sergei": lavrov}


def test_people_of_one_family_name_are_as_many_as_their_given_names(nlp: Language) -> None:
    text = (
        "Ann Fischer, Tom Fischer's sister, spoke first. Fischer left early. "
        "Engineer Tom Fischer spoke next. M. Kelly and Mark Kelly are one man. Fischer left."
    )
    art, _ = article_of(nlp, text)
    people = art.people
    assert [p.canonical for p in people.by_surname["fischer"]] == ["Ann Fischer", "Tom Fischer"]
    assert [p.canonical for p in people.by_surname["kelly"]] == ["Mark Kelly"]  # an initial agrees
    ann, tom = people.by_surname["fischer"]
    first_bare, second_bare = (t for t in art.doc if t.text == "Fischer" and art.doc[t.i - 1].text == ".")
    # A family name alone is the one last named in full, not in passing ("Tom Fischer's sister").
    assert people.named_by(first_bare) is ann
    assert people.named_by(second_bare) is tom
    assert people.named_by(token(art, "Ann")) is ann  # a given name only one person has


def test_article_marks_tokens_by_quote_and_paragraph_and_skips_names_in_quotes(nlp: Language) -> None:
    text = "Talks Resume In Delhi\nMaria Lopez said “Ask Pedro Alvarez about it.”\nLopez left."
    art, _ = article_of(nlp, text)
    assert (art.headline_end, text[: art.headline_end]) == (21, "Talks Resume In Delhi")
    quoted = [t.text for t in art.doc if art.quote_of_token[t.i] == 0]
    assert quoted == ["“", "Ask", "Pedro", "Alvarez", "about", "it", ".", "”"]
    assert art.para_of_token[token(art, "Maria").i] == 1
    assert art.para_of_token[token(art, "left").i] == 2
    assert list(art.people.by_surname) == ["lopez"]  # Pedro Alvarez is only named inside the quote
    assert [p.mentions for p in art.people] == [[text.index("Lopez"), text.rindex("Lopez")]]


def test_token_helpers_skip_spaces_and_stop_at_sentence_and_paragraph_ends(nlp: Language) -> None:
    text = "Lavrov spoke. He left.\nThen it rained."
    art, _ = article_of(nlp, text)
    spoke, he, left, then = (token(art, w).i for w in ("spoke", "He", "left", "Then"))
    assert tokens_in(art.doc, text.index("He"), text.index("left") + 2) == (he, left + 1)
    assert previous_word(art, then) == left + 1  # the full stop, not the newline
    assert same_sentence(art, he, left)
    assert not same_sentence(art, spoke, he)
    assert not same_sentence(art, left, then)


def test_names_drop_titles_and_entities_run_on_over_a_comma(nlp: Language) -> None:
    art, _ = article_of(
        nlp,
        "Incumbent Maria Delgado faced the challenger on Tuesday.\n"
        "A junior at Riverside High, Maya Lopez, said phones were a problem.",
    )
    assert [p.canonical for p in art.people] == ["Maria Delgado", "Maya Lopez"]


def test_a_name_the_ner_took_for_an_organisation_is_a_person_when_used_alone(nlp: Language) -> None:
    art, _ = article_of(nlp, "Union organizer Beth Carver called the strike.\n“We are ready,” Carver said.")
    assert [p.canonical for p in art.people.by_surname["carver"]] == ["Beth Carver"]


def test_subheadings_are_headings(nlp: Language) -> None:
    art, _ = article_of(
        nlp, "Talks in Moscow\nLavrov met Jaishankar.\nDefence Ties Remain Strong\nThey spoke."
    )
    headings = {art.doc[i].text for i, flag in enumerate(art.in_heading) if flag and not art.doc[i].is_space}
    assert headings == {"Talks", "in", "Moscow", "Defence", "Ties", "Remain", "Strong"}


@pytest.mark.parametrize(
    "text,genders",
    [
        ("Mr Tom Ashworth met Ms Janet Pryce.", {"Tom Ashworth": MALE, "Janet Pryce": FEMALE}),
        ("The spokeswoman, Ana Ruiz, spoke.", {"Ana Ruiz": FEMALE}),
        ("Carla Mendes was relaxed. She said her team was patient.", {"Carla Mendes": FEMALE}),
        # 'she' follows the nurse, not Whitman: no evidence about him
        ("Paul Whitman spoke. One nurse, who said she feared retaliation, left.", {}),
        ("Carla Mendes spoke and Steve Hartley listened. She left.", {}),  # two subjects: no evidence
    ],
)
def test_the_article_tells_a_persons_gender(nlp: Language, text: str, genders: dict[str, str]) -> None:
    art, _ = article_of(nlp, text)
    assert art.genders == genders


# --------------------------------------------------------------------------- cues


@pytest.mark.parametrize(
    "text,cue",
    [
        ("“We are ready to talk,” Lavrov said on Monday.", "said"),  # after the quote
        ("Lavrov described the talks as “a useful exchange of views” on Monday.", "described"),  # governs it
        ("Lavrov said on Monday: “We are ready to talk.”", "said"),  # before it
        ("Lavrov spoke for an hour, adding: “We are ready to talk.”", "adding"),
        ("“Prices will rise next year,” according to the central bank.", "according to"),
        ("“We are ready to talk.” The talks began.", None),  # the quote ends its sentence
    ],
)
def test_the_cue_is_the_speech_verb_or_phrase_that_reports_the_quote(
    nlp: Language, text: str, cue: str | None
) -> None:
    _, found = first_cue(nlp, text)
    assert cue_text(text, found) == cue


def test_according_to_names_its_agent(nlp: Language) -> None:
    text = "“Prices will rise next year,” according to the central bank."
    _, cue = first_cue(nlp, text)
    assert cue is not None and cue.verb is None
    assert cue.agent is not None and cue.agent.text == "bank"


def test_an_unclosed_quote_is_cut_before_a_following_said(nlp: Language) -> None:
    text = "The minister arrived.\n“We are ready to talk, Lavrov said on Monday."
    doc = nlp(text)
    (q,) = pair_marks(text)
    assert (q.end, q.closed) == (len(text), False)
    trim_unclosed(doc, [q])
    assert (text[q.start : q.end], q.trimmed) == ("“We are ready to talk,", True)


# --------------------------------------------------------------------------- speaker mentions


@pytest.mark.parametrize(
    "text,mention",
    [
        ("“We are ready to talk,” Lavrov said on Monday.", "Lavrov"),
        ("“We are ready to talk,” said Lavrov.", "Lavrov"),  # inverted after the quote
        ("Lavrov spoke for an hour, adding: “We are ready to talk.”", "Lavrov"),  # the participle's clause
        ("“It was very loud,” one resident said.", "one resident"),
        (
            "Russian Foreign Minister Sergei Lavrov met Indian officials on Monday.\n"
            "“We are ready to talk,” the Russian minister said.",
            "the Russian minister",
        ),
    ],
)
def test_the_mention_is_the_cue_verbs_subject(nlp: Language, text: str, mention: str) -> None:
    art, cue = first_cue(nlp, text)
    assert cue is not None and cue.verb is not None
    subject = subject_of(art, cue.verb)
    assert subject is not None
    start, end = mention_span(art, subject)
    assert text[start:end] == mention


@pytest.mark.parametrize(
    "text,speaker",
    [
        ("Putin: “We will win.”", "Putin"),  # headline style
        ("Collins was more cautious: “It is too early to tell.”", "Collins"),
    ],
)
def test_a_quote_without_a_cue_takes_the_subject_that_introduces_it(
    nlp: Language, text: str, speaker: str
) -> None:
    art, raw = article_of(nlp, text)
    first_tok, _ = tokens_in(art.doc, raw[0].start, raw[0].end)
    subject = context_speaker(art, first_tok)
    assert subject is not None and subject.text == speaker


# --------------------------------------------------------------------------- speakers


@pytest.mark.parametrize(
    "text,mention,speaker",
    [
        (
            "Sergei Lavrov arrived in Delhi on Monday.\n“We are ready to talk,” he said.",
            "he",
            "Sergei Lavrov",
        ),
        (
            "Russian Foreign Minister Sergei Lavrov met Indian officials on Monday.\n"
            "“We are ready to talk,” the Russian minister said.",
            "minister",
            "Sergei Lavrov",
        ),
        ("Mayor Ana Ruiz opened the bridge.\n“It took three years,” Ana said.", "Ana", "Ana Ruiz"),
        (
            "Brightline Software cut 200 jobs on Monday.\n“We regret the decision,” the company said.",
            "company",
            "Brightline Software",
        ),
        ("“It was very loud,” one resident said.", "resident", None),
    ],
)
def test_mentions_resolve_to_the_fullest_name_the_article_uses(
    nlp: Language, text: str, mention: str, speaker: str | None
) -> None:
    art, _ = article_of(nlp, text)
    tok = token(art, mention)
    assert resolve_mention(art, tok) == speaker
    assert animate(art, tok) is (speaker is not None)


@pytest.mark.parametrize(
    "text,mention,speaker,described",
    [
        (
            "“The limits will follow,” a spokesperson for the agency said.",
            "spokesperson",
            "a spokesperson for the agency",
            "a spokesperson for the agency",
        ),
        (
            "One Rovers supporter, who has held a season ticket for 22 years, told the Post it was toxic.",
            "supporter",
            "One Rovers supporter",
            "One Rovers supporter",
        ),
        (
            "Residents on Mill Lane, where traffic has doubled, say they waited.",
            "Residents",
            "Residents on Mill Lane",
            None,
        ),
        ("Both sides pledged to settle the dispute.", "sides", None, None),
        ("The two ministers called for reform.", "ministers", None, None),
        ("Lavrov and Jaishankar said the talks went well.", "Lavrov", None, None),
    ],
)
def test_an_unnamed_source_is_described_and_a_group_is_not(
    nlp: Language, text: str, mention: str, speaker: str | None, described: str | None
) -> None:
    art, _ = article_of(nlp, text)
    tok = token(art, mention)
    assert speaker_of(art, tok)[0] == speaker
    span = describe(art, tok)
    if described is not None:
        assert span is not None and art.doc[span[0] : span[1] + 1].text == described


# --------------------------------------------------------------------------- indirect attribution


def test_a_cue_is_known_by_its_form_when_the_lemmatizer_misses_it(nlp: Language) -> None:
    doc = nlp("The European Union hopes the deal will hold.")
    assert doc[3].lemma_ == "hop" and cue_lemma(doc[3]) == "hope"


def test_reports_are_the_outer_attributions_in_text_order(nlp: Language) -> None:
    text = "Putin said India wants peace. The ministry, Lavrov noted, believes trade will grow."
    art, _ = article_of(nlp, text)
    reports = find_reports(art)
    got = [(art.doc[r.cue_start].text, art.doc[r.start : r.end + 1].text, r.mention.text) for r in reports]
    assert got == [
        ("said", "India wants peace", "Putin"),
        ("noted", "The ministry, Lavrov noted, believes trade will grow", "Lavrov"),
    ]
