"""Reading speaker strings as names (store.sources.names): titles become roles, and the
rules that tell two spellings of one name from two names. General rules, checked on
names the seeds never use."""

from __future__ import annotations

import pytest

from newsmark.store.sources.names import (
    alias_key,
    description_key,
    description_kind,
    given_names_agree,
    is_description,
    is_person_role,
    read_mention,
    read_name,
    role_before,
)


@pytest.mark.parametrize(
    ("speaker", "words", "roles"),
    [
        ("Russian Foreign Minister Sergey Lavrov", ("Sergey", "Lavrov"), ("Russian Foreign Minister",)),
        ("EAM Jaishankar", ("Jaishankar",), ("EAM",)),
        ("S. Jaishankar", ("S.", "Jaishankar"), ()),
        ("Mr Modi", ("Modi",), ()),  # an honorific is no role
        ("Mr Prime Minister Modi", ("Modi",), ("Prime Minister",)),
        ("Kremlin spokesperson Dmitry Peskov", ("Dmitry", "Peskov"), ("Kremlin spokesperson",)),
        ("US Secretary of State Antony Blinken", ("Antony", "Blinken"), ("US Secretary of State",)),
        ("Aug 21 (TTP): Foreign Minister Ana Brnabić", ("Ana", "Brnabić"), ("Foreign Minister",)),
        ("Incumbent Maria Delgado", ("Maria", "Delgado"), ("Incumbent",)),
        ("Prime Minister Narendra Modi's", ("Narendra", "Modi"), ("Prime Minister",)),
        # Title words inside a name are part of it: a role runs from the name's start.
        ("Martin Luther King Jr.", ("Martin", "Luther", "King", "Jr."), ()),
    ],
)
def test_titles_in_front_of_a_name_are_roles(speaker: str, words: tuple, roles: tuple) -> None:
    name = read_name(speaker)
    assert (name.words, name.roles) == (words, roles)


def test_family_name_and_given_names() -> None:
    king = read_name("Martin Luther King Jr.")
    assert (king.surname, king.given) == ("king", ("Martin", "Luther"))
    leyen = read_name("Ursula von der Leyen")
    assert (leyen.surname, leyen.given) == ("leien", ("Ursula",))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sergei", "Sergey"),
        ("Aleksandr", "Alexander"),
        ("Dmitri", "Dmitry"),
        ("Yevgeny", "Evgeny"),
        ("Mikhail", "Michail"),
        ("Aleksei", "Alexey"),
        ("Nikolai", "Nikolay"),
        ("José", "Jose"),
        ("S.", "Subrahmanyam"),
        ("S", "Sergey"),
        ("C.", "Christopher"),
    ],
)
def test_spellings_of_one_given_name_agree(a: str, b: str) -> None:
    assert given_names_agree(a, b) and given_names_agree(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Maria", "Marta"),
        ("Mario", "Maria"),
        ("Marina", "Marino"),
        ("Jon", "Jan"),
        ("Mark", "Scott"),
        ("S.", "Mark"),
    ],
)
def test_different_given_names_disagree(a: str, b: str) -> None:
    assert not given_names_agree(a, b) and not given_names_agree(b, a)


def test_keys_fold_case_punctuation_accents_and_transliteration() -> None:
    assert (
        alias_key("S. Jaishankar", "person")
        == alias_key("S Jaishankar", "person")
        == ("s jaishankar", "jaishankar")
    )
    assert alias_key("Sergei Lavrov", "person") == alias_key("SERGEY LAVROV", "person")
    assert alias_key("EAM Jaishankar", "person") == ("jaishankar", "jaishankar")
    assert description_key("A spokesperson for HM Coastguard") == description_key(
        "the spokesperson for HM Coastguard"
    )
    assert description_key("a spokesperson for HM Coastguard") != description_key(
        "a spokesperson for the ministry"
    )


@pytest.mark.parametrize(
    ("speaker", "unnamed"),
    [
        ("a spokesperson for HM Coastguard", True),
        ("one striker", True),
        ("His brother", True),
        ("Residents on Mill Lane", True),  # a lower-case word no name has
        ("TASS", False),
        ("Ursula von der Leyen", False),
    ],
)
def test_descriptions_are_unnamed_sources(speaker: str, unnamed: bool) -> None:
    assert is_description(speaker) is unnamed


@pytest.mark.parametrize(
    ("description", "kind"),
    [
        ("the council", "organisation"),
        ("Coastal's pilots' union", "organisation"),
        ("a coalition of barge operators", "organisation"),  # the head, before "of"
        ("a spokesperson for the ministry", "unnamed"),
        ("Officials", "unnamed"),
        ("Residents on Mill Lane", "unnamed"),
    ],
)
def test_a_description_headed_by_an_organisation_noun_is_an_organisation(description: str, kind: str) -> None:
    assert description_kind(description) == kind


@pytest.mark.parametrize(
    ("mention", "speaker", "name", "roles"),
    [
        ("council leader Maria Delgado", "Maria Delgado", "Maria Delgado", ("council leader",)),
        ("Engineer Tom Fischer", "Tom Fischer", "Tom Fischer", ("Engineer",)),  # a title no lexicon has
        (
            "The port's chief executive, David Brennan",
            "David Brennan",
            "David Brennan",
            ("port's chief executive",),
        ),
        (
            "David Brennan, the port's chief executive",
            "David Brennan",
            "David Brennan",
            ("port's chief executive",),
        ),
        (
            "Russian Foreign Minister Sergey Lavrov",
            "Sergey Lavrov",
            "Sergey Lavrov",
            ("Russian Foreign Minister",),
        ),
        ("EAM Jaishankar", "S. Jaishankar", "Jaishankar", ("EAM",)),
        ("Mr Ashworth", "Tom Ashworth", "Ashworth", ()),  # an honorific is no role
        ("Lavrov", "Sergey Lavrov", "Lavrov", ()),
    ],
)
def test_a_mention_gives_the_name_and_the_roles_around_it(
    mention: str, speaker: str, name: str, roles: tuple[str, ...]
) -> None:
    read = read_mention(mention, read_name(speaker))
    assert read is not None
    assert (read[0].display, read[1]) == (name, roles)


@pytest.mark.parametrize(
    ("mention", "speaker"),
    [
        ("Ann Fischer", "Tom Fischer"),  # another given name: another person
        ("he", "Tom Fischer"),
        ("the Russian minister", "Sergey Lavrov"),
    ],
)
def test_a_mention_of_someone_else_gives_nothing(mention: str, speaker: str) -> None:
    assert read_mention(mention, read_name(speaker)) is None


def test_a_role_for_a_person_is_not_a_kind_of_organisation() -> None:
    assert is_person_role("union organiser") and is_person_role("Engineer")
    assert not is_person_role("environmental group")
    # Titles only, for a name the NER reads as an organisation: companies are described too.
    assert is_person_role("Ferry union leader", title_only=True)
    assert not is_person_role("Discount grocer", title_only=True)


@pytest.mark.parametrize(
    ("before", "role"),
    [
        ("Moscow, Aug 21 (TTP): Russian Foreign Minister ", "Russian Foreign Minister"),
        ("the talks, said Indian External Affairs Minister ", "Indian External Affairs Minister"),
        ("In a statement, Kremlin spokesperson ", "Kremlin spokesperson"),
        ("a meeting with Foreign Minister Sergey Lavrov. ", None),  # that sentence ended
        ("The minister met ", None),
        ("said Russian Foreign Minister Sergey ", "Russian Foreign Minister"),  # the name's first word
    ],
)
def test_the_title_right_before_a_name(before: str, role: str | None) -> None:
    assert role_before(before) == role
