"""A new user's trial on their own articles: who said what, and the sources it resolves to.

An article of this file's own (not the seeds) has what the trial found wrong: people who share a
family name, a title-case headline, a title before a name that the parser ends a sentence at
("PM Dahal"), roles written in lower case before a name or set off around it, a name the NER
takes for a place, and sources the article does not name. It is analysed with the real pipeline
(nlp.attribution for the suggestions) and stored as analysis stores it (store.sources for the
sources). bench/data/dev/d11_river_barrier.txt is a longer version with gold, in the benchmark.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from newsmark.nlp.attribution import QuoteSuggestion, suggest_quotes
from newsmark.nlp.batch import analyze_articles
from newsmark.store.ingest import ingest_text
from newsmark.store.sources.listing import list_sources

TRIAL = (
    "Millbrook Mayor Tours Flooded Streets, Says Barrier Upgrade Comes First\n\n"
    "Forty homes in Millbrook were flooded on Saturday.\n\n"
    "Lena Novak, Marek Novak's daughter, told the Courier that her kitchen had been under a metre of "
    "water. Hydrologist Marek Novak said the barrier had been built half a metre too low. Novak said "
    "the river would rise again before the end of the month.\n\n"
    "Councillor Imran Patel said that the maintenance budget had been cut twice since 2019. Deepa "
    "Patel, the council's head of planning, said the barrier met the national standard when it was "
    "built. The repairs were never finished, Imran Patel told reporters.\n\n"
    "Lena Novak said she had given up waiting for the insurers.\n\n"
    '"We were told this could not happen," said council leader Joan Whitaker, who asked the '
    "environment minister to pass the town’s request to PM Dahal along with the survey results.\n\n"
    "Surveyor Colin Baird said the pumps had failed within an hour. The water company's chief "
    "executive, Harriet Lund, said the pumps were not the company's responsibility. Aaron Mensah, the "
    "town's emergency planning officer, said sandbags had run out by noon.\n\n"
    "Union organiser Precious Adeyemi said the crews were exhausted.\n"
)


def said(suggestions: list[QuoteSuggestion], content: str) -> QuoteSuggestion:
    """The suggestion whose content starts with `content`."""
    return next(s for s in suggestions if s.text.startswith(content))


@pytest.fixture(scope="module")
def trial(nlp: Language) -> list[QuoteSuggestion]:
    return suggest_quotes(nlp(TRIAL))


def sources_of(tmp_db, nlp: Language, *texts: str) -> dict:
    """The sources of articles analysed as analysis stores them, by name."""
    articles = [ingest_text(tmp_db, text, f"a{i}.txt")[0] for i, text in enumerate(texts)]
    analyze_articles(tmp_db, nlp, articles)
    return {s.name: s for s in list_sources(tmp_db)}


@pytest.fixture
def trial_sources(tmp_db, nlp: Language) -> dict:
    return sources_of(tmp_db, nlp, TRIAL)


# --- people who share a family name -----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "speaker", "mention"),
    [
        ("her kitchen", "Lena Novak", "Lena Novak, Marek Novak's daughter"),
        ("the barrier had been built", "Marek Novak", "Hydrologist Marek Novak"),
        ("the river would rise", "Marek Novak", "Novak"),  # the Novak last named in full
        ("she had given up", "Lena Novak", "Lena Novak"),
        ("the maintenance budget", "Imran Patel", "Councillor Imran Patel"),
        ("the barrier met", "Deepa Patel", "Deepa Patel, the council's head of planning"),
        ("The repairs were never finished", "Imran Patel", "Imran Patel"),
    ],
)
def test_people_who_share_a_family_name_are_told_apart(
    trial: list[QuoteSuggestion], content: str, speaker: str, mention: str
) -> None:
    s = said(trial, content)
    assert (s.speaker, TRIAL[s.speaker_start : s.speaker_end]) == (speaker, mention)


def test_a_family_name_several_people_have_is_nobody_before_one_is_named_in_full(nlp: Language) -> None:
    text = (
        "Flood talks\n\n"
        "Novak said the barrier was too low. Later, Lena Novak said her home had flooded, "
        "and Marek Novak said the pumps had failed. Novak said repairs would start in May.\n"
    )
    speakers = {s.text: s.speaker for s in suggest_quotes(nlp(text))}
    assert speakers["the barrier was too low"] is None  # rather than the wrong Novak
    assert speakers["repairs would start in May"] == "Marek Novak"


def test_each_person_of_a_shared_family_name_is_a_source_of_their_own(trial_sources: dict) -> None:
    for name, paraphrases in (("Lena Novak", 2), ("Marek Novak", 2), ("Imran Patel", 2), ("Deepa Patel", 1)):
        assert trial_sources[name].paraphrases == paraphrases, name
        assert trial_sources[name].kind == "person"
    # "Novak" alone is neither's alias: the article names two Novaks.
    assert not any("Novak" in s.aliases for s in trial_sources.values())


# --- the headline -----------------------------------------------------------------------------


def test_a_title_case_headline_gives_no_suggestion_with_a_misread_speaker(
    trial: list[QuoteSuggestion],
) -> None:
    # Title case makes the tagger read "Flooded Streets" as a name, the subject of "Says".
    headline_end = TRIAL.index("\n")
    assert [s.speaker for s in trial if s.start < headline_end] == []


def test_a_label_before_a_colon_is_no_speaker(nlp: Language) -> None:
    text = "Barrier collapse: mayor blames river, engineers disagree\n\nThe barrier gave way on Saturday.\n"
    assert "Barrier collapse" not in {s.speaker for s in suggest_quotes(nlp(text))}


# --- a title before a name --------------------------------------------------------------------


def test_a_title_before_a_name_ends_neither_the_sentence_nor_the_content(
    trial: list[QuoteSuggestion], nlp: Language
) -> None:
    assert (
        said(trial, "pass the town").text
        == "pass the town’s request to PM Dahal along with the survey results"
    )
    text = (
        "Talks in Kathmandu\n\n"
        "The envoy asked the minister to pass her thanks to PM Oli along with the invitation. "
        "She said the town was let down by PM Dahal’s refusal to fund the barrier.\n"
    )
    contents = [s.text for s in suggest_quotes(nlp(text))]
    assert "pass her thanks to PM Oli along with the invitation" in contents
    assert "the town was let down by PM Dahal’s refusal to fund the barrier" in contents


# --- kinds and roles --------------------------------------------------------------------------


def test_roles_written_before_a_name_or_set_off_around_it_are_kept(trial_sources: dict) -> None:
    roles = {name: set(s.roles) for name, s in trial_sources.items()}
    assert "council leader" in roles["Joan Whitaker"]
    assert "Surveyor" in roles["Colin Baird"]
    assert "Hydrologist" in roles["Marek Novak"]
    assert "Councillor" in roles["Imran Patel"]
    assert "water company's chief executive" in roles["Harriet Lund"]  # set off before the name
    assert "town's emergency planning officer" in roles["Aaron Mensah"]  # set off after it
    assert "council's head of planning" in roles["Deepa Patel"]


def test_a_person_with_a_title_is_a_person_whatever_the_ner_made_of_the_name(trial_sources: dict) -> None:
    adeyemi = trial_sources["Precious Adeyemi"]  # the NER reads the name as a place
    assert (adeyemi.kind, adeyemi.roles) == ("person", ("Union organiser",))


def test_sources_the_article_does_not_name_by_what_they_are(tmp_db, nlp: Language) -> None:
    text = (
        "Pay talks\n\n"
        "The council said it would pay for the repairs. The union said its members would strike. "
        "Officials said a deal was close. A spokesperson for the water board said the pumps worked.\n"
    )
    article, _ = ingest_text(tmp_db, text, "talks.txt")
    analyze_articles(tmp_db, nlp, [article])
    kinds = {s.name: s.kind for s in list_sources(tmp_db)}
    assert kinds == {
        "The council": "organisation",  # an organisation speaks, though the article does not name it
        "The union": "organisation",
        "Officials": "unnamed",  # people the article does not name, not a person called Officials
        "A spokesperson for the water board": "unnamed",
    }


# --- a second new user's trial: roles opening a sentence, a cue after a question mark, honorifics ---
ROLES_AT_SENTENCE_START = (
    "Pool Hours Cut\n\n"
    "The leisure centre will open two hours later on weekdays from May.\n\n"
    "Volunteer Nadia Berg said that the early swimmers had been the centre's most loyal users. "
    "Swimmer Hugo Lindahl said the change was a mistake.\n"
)


def test_a_role_opening_a_sentence_before_a_name_is_no_part_of_the_name(nlp: Language) -> None:
    suggestions = suggest_quotes(nlp(ROLES_AT_SENTENCE_START))
    assert said(suggestions, "the early swimmers").speaker == "Nadia Berg"
    assert said(suggestions, "the change was").speaker == "Hugo Lindahl"  # the NER: a firm


def test_a_role_opening_a_sentence_is_the_sources_role(tmp_db, nlp: Language) -> None:
    sources = sources_of(tmp_db, nlp, ROLES_AT_SENTENCE_START)
    assert (sources["Nadia Berg"].kind, sources["Nadia Berg"].roles) == ("person", ("Volunteer",))


def test_a_question_mark_stands_for_the_comma_before_a_cue_and_a_family_name_finds_its_person(
    nlp: Language,
) -> None:
    text = (
        "Bus Route Axed\n\n"
        "Pensioner Edith Marlow said the number 12 was her only way into town. "
        '"How am I meant to see my doctor?" Marlow asked.\n\n'
        '"Is this the end of the line?" The question hung over the meeting.\n'
    )
    suggestions = suggest_quotes(nlp(text))
    question = said(suggestions, '"How am I')
    assert (question.speaker, question.cue) == ("Edith Marlow", "asked")
    assert said(suggestions, '"Is this').cue is None  # a sentence of its own reports nothing


def test_an_honorific_before_a_name_makes_a_person_and_is_no_part_of_the_role(tmp_db, nlp: Language) -> None:
    text = (
        "Clinic Opening Delayed\n\n"
        "The new clinic will open in the autumn, not the spring.\n\n"
        '"We found damp in every room," said board treasurer Dr Ines Varga. '
        '"The builders will be back on Monday," said Prof Tomas Ekberg.\n\n'
        '"The roof leaks in three places," said Mrs Alma Kroll.\n'
    )
    sources = sources_of(tmp_db, nlp, text)
    assert (sources["Ines Varga"].kind, sources["Ines Varga"].roles) == ("person", ("board treasurer",))
    assert (sources["Tomas Ekberg"].kind, sources["Tomas Ekberg"].roles) == ("person", ())
    assert (sources["Alma Kroll"].kind, sources["Alma Kroll"].roles) == ("person", ())  # the NER: a firm
