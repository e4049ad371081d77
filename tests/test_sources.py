"""Sources (store.sources): one identity per speaker across the corpus.

On the bundled seeds analysed with the real pipeline: one Sergey Lavrov whatever the
spelling, one S. Jaishankar. On texts of this file's own, stored as analysis stores them:
two people of one family name stay two, unnamed sources keep their description, and the
user's merges, splits and renames are undone and redone, and hold after re-analysis.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from newsmark.store.analysis import Analysis, save_analysis
from newsmark.store.annotations import annotations_for_article, update_annotation
from newsmark.store.events import SOURCES_LOG, redo, undo
from newsmark.store.ingest import ingest_text
from newsmark.store.source_corrections import merge_sources, rename_source, split_alias
from newsmark.store.sources.listing import attributions_of, get_source, list_sources, sources_named
from newsmark.store.suggestions import accept_suggestion, open_suggestions, set_suggestion_status


def source_of(db, spelling: str) -> int:
    (source_id,) = db.execute("select source_id from source_aliases where alias = ?", [spelling]).fetchone()
    return source_id


def counted(db, source_id: int) -> tuple[int, int, int]:
    """(quotes, paraphrases, articles) as the triggers keep them, and as counting finds them."""
    source = get_source(db, source_id)
    assert source is not None
    rows = db.execute(
        "select kind, article_id from suggestions where source_id = ? and status = 'open'"
        " union all select case label when 'QUOTE' then 'direct' else 'indirect' end, article_id"
        " from annotations where source_id = ? and deleted = 0 and label in ('QUOTE', 'PARAPHRASE')",
        [source_id, source_id],
    ).fetchall()
    recount = (
        sum(k == "direct" for k, _ in rows),
        sum(k == "indirect" for k, _ in rows),
        len({a for _, a in rows}),
    )
    assert (source.quotes, source.paraphrases, source.articles) == recount
    return recount


# --- the seeds, analysed with the real pipeline ---------------------------------------------------


def test_one_sergey_lavrov_with_both_spellings_and_all_his_quotes(analysed_db) -> None:
    db = analysed_db
    lavrov = source_of(db, "Sergey Lavrov")
    assert source_of(db, "Sergei Lavrov") == lavrov
    source = get_source(db, lavrov)
    assert source is not None
    assert (source.name, source.kind) == ("Sergey Lavrov", "person")
    assert {"Sergey Lavrov", "Sergei Lavrov", "Lavrov"} <= set(source.aliases)
    assert "Russian Foreign Minister" in source.roles
    # Every suggestion the model made with either spelling is his, in each article it did.
    said = db.execute(
        "select id, article_id, kind from suggestions where speaker in ('Sergei Lavrov', 'Sergey Lavrov')"
    ).fetchall()
    assert {r[0] for r in said} == {
        r[0] for r in db.execute("select id from suggestions where source_id = ?", [lavrov])
    }
    spellings = dict(db.execute("select article_id, speaker from suggestions where source_id = ?", [lavrov]))
    assert set(spellings.values()) == {"Sergei Lavrov", "Sergey Lavrov"}  # articles spell him both ways
    quotes, paraphrases, articles = counted(db, lavrov)
    assert quotes == sum(k == "direct" for _, _, k in said) >= 8
    assert paraphrases == sum(k == "indirect" for _, _, k in said)
    assert articles == len({a for _, a, _ in said}) == 3
    # The screen's list of what he said: every one, with its article and the words around it.
    listed = attributions_of(db, lavrov)
    assert {(a.origin, a.id) for a in listed} == {("suggestion", r[0]) for r in said}
    for a in listed:
        text = db.execute("select text from articles where id = ?", [a.article_id]).fetchone()[0]
        assert text[a.start : a.end] == a.text
        assert a.text in a.context and text[a.context_start :].startswith(a.context)
        assert a.title and a.article_status == "new"
    assert [s.name for s in list_sources(db, "sergei")] == ["Sergey Lavrov"]


def test_one_jaishankar_whatever_the_articles_call_him(analysed_db) -> None:
    db = analysed_db
    jaishankar = source_of(db, "S. Jaishankar")
    assert source_of(db, "S Jaishankar") == jaishankar
    source = get_source(db, jaishankar)
    assert source is not None
    assert {"S. Jaishankar", "S Jaishankar", "Jaishankar"} <= set(source.aliases)
    assert {"EAM", "External Affairs Minister"} <= set(source.roles)
    articles = {
        r[0] for r in db.execute("select article_id from suggestions where speaker like '%Jaishankar'")
    }
    assert counted(db, jaishankar)[2] == len(articles) >= 4
    for name in ("EAM Jaishankar", "S. Jaishankar", "s jaishankar", "Jaishankar"):
        assert sources_named(db.conn, name) == [jaishankar], name
    # A new article calling him by his title and family name alone finds him too.
    text = "Talks in Delhi\n\nEAM Jaishankar said the talks went well.\n"
    article, _ = ingest_text(db, text, "eam.txt")
    store(db, article, text, [said_by(text, "EAM Jaishankar", "the talks went well", "EAM Jaishankar")])
    assert source_of(db, "EAM Jaishankar") == jaishankar


def test_the_list_sorts_by_count_or_name_and_pages(analysed_db) -> None:
    db = analysed_db
    by_count = list_sources(db)
    assert [s.attributions for s in by_count] == sorted((s.attributions for s in by_count), reverse=True)
    assert all(s.attributions > 0 for s in by_count)
    by_name = list_sources(db, sort="name")
    assert [s.name.lower() for s in by_name] == sorted(s.name.lower() for s in by_name)
    for sort, every in (("count", by_count), ("name", by_name)):
        paged, after = [], None
        while page := list_sources(db, sort=sort, limit=2, after=after):
            paged += page
            after = page[-1]
        assert paged == every
    assert [s.id for s in list_sources(db, kinds=["person"])] == [
        s.id for s in by_count if s.kind == "person"
    ]
    assert list_sources(db, kinds=["unnamed"]) == [s for s in by_count if s.kind == "unnamed"]
    with pytest.raises(ValueError, match="unknown sort"):
        list_sources(db, sort="loudest")


# --- texts of our own, stored as analysis stores them ----------------------------------------------


def said_by(text: str, speaker: str | None, content: str, mention: str | None, kind: str = "direct") -> dict:
    """A suggestion as nlp hands it to save_analysis: `content` said by `speaker`,
    mentioned by the first `mention` before it (or nowhere)."""
    start = text.index(content)
    m_start = text.rindex(mention, 0, start) if mention else None
    return {
        "start": start,
        "end": start + len(content),
        "text": content,
        "cue": None,
        "cue_start": None,
        "cue_end": None,
        "speaker": speaker,
        "speaker_start": m_start,
        "speaker_end": m_start + len(mention) if mention and m_start is not None else None,
        "score": 0.9,
        "kind": kind,
    }


def people(text: str, *names: str) -> list[tuple[int, int, str]]:
    """PERSON entities at every mention of each name."""
    found = []
    for name in names:
        at = text.find(name)
        while at != -1:
            found.append((at, at + len(name), "PERSON"))
            at = text.find(name, at + 1)
    return found


def store(db, article: str, text: str, suggestions: Sequence[dict], entities=()) -> None:
    save_analysis(
        db, Analysis(article, "test-model", list(entities), [(0, len(text))], [(0, 1)], suggestions)
    )


KELLYS = (
    "Twins split on Mars\n\n"
    "Senator Mark Kelly said the mission cost too much. "
    "Retired astronaut Scott Kelly said NASA should go ahead. "
    "Kelly added that the vote was close.\n"
)


def test_two_people_of_one_family_name_in_one_article_stay_two(tmp_db) -> None:
    article, _ = ingest_text(tmp_db, KELLYS, "kellys.txt")
    store(
        tmp_db,
        article,
        KELLYS,
        [
            said_by(KELLYS, "Mark Kelly", "the mission cost too much", "Senator Mark Kelly", "indirect"),
            said_by(KELLYS, "Scott Kelly", "NASA should go ahead", "Scott Kelly", "indirect"),
            said_by(KELLYS, "Kelly", "the vote was close", "Kelly", "indirect"),
        ],
        people(KELLYS, "Mark Kelly", "Scott Kelly"),
    )
    mark, scott, bare = (source_of(tmp_db, n) for n in ("Mark Kelly", "Scott Kelly", "Kelly"))
    assert len({mark, scott, bare}) == 3  # the bare "Kelly" could be either: it is neither
    assert get_source(tmp_db, mark).roles == ("Senator",)  # type: ignore[union-attr]
    # Elsewhere: an initial that agrees with one given name joins that one; a bare family
    # name, with two people of it in the corpus, joins neither.
    other = "Budget vote\n\nM. Kelly said the plan was fine. Kelly said so too.\n"
    second, _ = ingest_text(tmp_db, other, "other.txt")
    store(
        tmp_db,
        second,
        other,
        [
            said_by(other, "M. Kelly", "the plan was fine", "M. Kelly", "indirect"),
            said_by(other, "Kelly", "so too", "Kelly", "indirect"),
        ],
    )
    assert source_of(tmp_db, "M. Kelly") == mark
    assert source_of(tmp_db, "Kelly") == bare


def test_a_spelling_joins_the_person_whose_given_names_agree(tmp_db) -> None:
    first = "Talks\n\nAleksandr Novak said output would rise.\n"
    second = "Oil\n\nAlexander Novak said output would fall.\n"
    third = "Gas\n\nAlexandra Novak said prices would hold.\n"
    ids = []
    for n, (text, name, content) in enumerate(
        [
            (first, "Aleksandr Novak", "output would rise"),
            (second, "Alexander Novak", "output would fall"),
            (third, "Alexandra Novak", "prices would hold"),
        ]
    ):
        article, _ = ingest_text(tmp_db, text, f"{n}.txt")
        store(tmp_db, article, text, [said_by(text, name, content, name, "indirect")], people(text, name))
        ids.append(source_of(tmp_db, name))
    assert ids[0] == ids[1] != ids[2]


def test_unnamed_sources_keep_their_description(tmp_db) -> None:
    text = (
        "Rescue off Dover\n\n"
        "A spokesperson for HM Coastguard said two boats were sent. "
        "A spokesperson for the ministry said nothing more.\n"
    )
    article, _ = ingest_text(tmp_db, text, "dover.txt")
    store(
        tmp_db,
        article,
        text,
        [
            said_by(text, "a spokesperson for HM Coastguard", "two boats were sent", None, "indirect"),
            said_by(text, "a spokesperson for the ministry", "nothing more", None, "indirect"),
        ],
    )
    later = "Storm\n\nThe spokesperson for HM Coastguard said the search went on.\n"
    second, _ = ingest_text(tmp_db, later, "storm.txt")
    store(
        tmp_db,
        second,
        later,
        [said_by(later, "the spokesperson for HM Coastguard", "the search went on", None)],
    )
    coastguard = source_of(tmp_db, "a spokesperson for HM Coastguard")
    # Another article's spokesperson need not be the same person: a source of its own.
    assert source_of(tmp_db, "the spokesperson for HM Coastguard") != coastguard
    assert source_of(tmp_db, "a spokesperson for the ministry") != coastguard
    source = get_source(tmp_db, coastguard)
    assert source is not None
    assert (source.name, source.kind, counted(tmp_db, coastguard)) == (
        "a spokesperson for HM Coastguard",
        "unnamed",
        (0, 1, 1),
    )


def test_organisations_and_people_by_the_entity_label(tmp_db) -> None:
    text = "Wires\n\nTASS reported that the talks ended. Olga Petrova said they had not.\n"
    article, _ = ingest_text(tmp_db, text, "tass.txt")
    store(
        tmp_db,
        article,
        text,
        [
            said_by(text, "TASS", "the talks ended", "TASS", "indirect"),
            said_by(text, "Olga Petrova", "they had not", "Olga Petrova", "indirect"),
        ],
        [(7, 11, "ORG"), *people(text, "Olga Petrova")],
    )
    kinds = {s.name: s.kind for s in list_sources(tmp_db)}
    assert kinds == {"TASS": "organisation", "Olga Petrova": "person"}


def test_two_full_names_of_one_family_name_never_share_a_source(tmp_db) -> None:
    # The corpus knows a "Shah" by the family name alone; an article naming two Shahs in full.
    first = "Budget\n\nShah said the cuts were deep.\n"
    article, _ = ingest_text(tmp_db, first, "first.txt")
    store(
        tmp_db,
        article,
        first,
        [said_by(first, "Shah", "the cuts were deep", "Shah", "indirect")],
        people(first, "Shah"),
    )
    text = (
        "Budget row\n\nCouncillor Ben Shah said that the cuts had made things worse. "
        "Priya Shah said the budget was fixed. The money was spent elsewhere, Ben Shah told reporters.\n"
    )
    second, _ = ingest_text(tmp_db, text, "second.txt")
    store(
        tmp_db,
        second,
        text,
        [
            said_by(text, "Ben Shah", "the cuts had made things worse", "Councillor Ben Shah", "indirect"),
            said_by(text, "Priya Shah", "the budget was fixed", "Priya Shah", "indirect"),
            said_by(text, "Ben Shah", "The money was spent elsewhere", None, "indirect"),
        ],
        people(text, "Ben Shah", "Priya Shah"),
    )
    ben, priya = source_of(tmp_db, "Ben Shah"), source_of(tmp_db, "Priya Shah")
    assert ben != priya  # the bare "Shah" could be either; the first full name takes it, not both
    assert counted(tmp_db, priya)[1] == 1


def test_kinds_and_roles_come_from_how_the_article_mentions_a_source(tmp_db) -> None:
    text = (
        "Harbour\n\n"
        "Union organiser Rachel Okafor said members would strike. "
        "The port's chief executive, David Brennan, said ships would wait. "
        "Maria Delgado, the council leader, said repairs would start. "
        "The council said it would pay. Officials said the wall would hold. "
        "Discount grocer Fairmart said prices would rise.\n"
    )
    article, _ = ingest_text(tmp_db, text, "harbour.txt")
    okafor, fairmart = text.index("Rachel Okafor"), text.index("Fairmart")
    store(
        tmp_db,
        article,
        text,
        [
            said_by(
                text, "Rachel Okafor", "members would strike", "Union organiser Rachel Okafor", "indirect"
            ),
            said_by(
                text,
                "David Brennan",
                "ships would wait",
                "The port's chief executive, David Brennan",
                "indirect",
            ),
            said_by(
                text, "Maria Delgado", "repairs would start", "Maria Delgado, the council leader", "indirect"
            ),
            said_by(text, "The council", "it would pay", "The council", "indirect"),
            said_by(text, "Officials", "the wall would hold", "Officials", "indirect"),
            said_by(text, "Fairmart", "prices would rise", "Discount grocer Fairmart", "indirect"),
        ],
        [
            (okafor, okafor + len("Rachel Okafor"), "GPE"),  # the NER takes the organiser's name for a place
            (fairmart, fairmart + len("Fairmart"), "ORG"),
            *people(text, "David Brennan", "Maria Delgado"),
        ],
    )
    assert {s.name: (s.kind, s.roles) for s in list_sources(tmp_db)} == {
        "Rachel Okafor": ("person", ("Union organiser",)),
        "David Brennan": ("person", ("port's chief executive",)),
        "Maria Delgado": ("person", ("council leader",)),
        "The council": ("organisation", ()),
        "Officials": ("unnamed", ()),
        "Fairmart": ("organisation", ()),  # a company described is no person
    }


# --- accepting: the annotation carries the source on ----------------------------------------------

ACCEPT = 'Ferry strike\n\nUnion leader Ines Moreau said: "We will not sail." Moreau said talks had failed.\n'


@pytest.fixture
def strike(tmp_db):
    article, _ = ingest_text(tmp_db, ACCEPT, "strike.txt")
    store(
        tmp_db,
        article,
        ACCEPT,
        [
            said_by(ACCEPT, "Ines Moreau", '"We will not sail."', "Ines Moreau"),
            said_by(ACCEPT, "Ines Moreau", "talks had failed", "Moreau", "indirect"),
        ],
        people(ACCEPT, "Ines Moreau"),
    )
    return tmp_db, article


def test_accepting_makes_a_quote_or_a_paraphrase_with_its_source(strike) -> None:
    db, article = strike
    moreau = source_of(db, "Ines Moreau")
    assert counted(db, moreau) == (1, 1, 1)
    direct, indirect = open_suggestions(db, article)
    assert (direct.kind, indirect.kind, direct.source_id) == ("direct", "indirect", moreau)
    quote = accept_suggestion(db, direct.id, direct.speaker, direct.speaker_start, direct.speaker_end)
    paraphrase = accept_suggestion(
        db, indirect.id, "Ines Moreau", indirect.speaker_start, indirect.speaker_end
    )
    assert (quote.label, paraphrase.label) == ("QUOTE", "PARAPHRASE")
    assert {r[0] for r in db.execute("select source_id from annotations")} == {moreau}
    # Accepted, each is counted once: as the annotation it became.
    assert counted(db, moreau) == (1, 1, 1)
    assert {(a.origin, a.kind) for a in attributions_of(db, moreau)} == {
        ("annotation", "direct"),
        ("annotation", "indirect"),
    }
    # The user names someone else: the annotation's source follows the name.
    update_annotation(db, quote.id, speaker="Moreau")
    assert db.execute("select source_id from annotations where id = ?", [quote.id]).fetchone()[0] == moreau
    # One undo takes the accept back: the suggestion is open, and counted, again.
    undo(db, article)  # the speaker change
    undo(db, article)  # the paraphrase's accept
    assert [a.label for a in annotations_for_article(db, article)] == ["QUOTE"]
    assert counted(db, moreau) == (1, 1, 1)
    rejected = open_suggestions(db, article)[1]
    set_suggestion_status(db, rejected.id, "rejected")
    assert counted(db, moreau) == (1, 0, 1)


def test_accepting_with_a_speaker_the_user_names_resolves_it(strike) -> None:
    db, article = strike
    direct = open_suggestions(db, article)[0]
    quote = accept_suggestion(db, direct.id, "Paul Girard", None, None)
    girard = source_of(db, "Paul Girard")
    assert girard != source_of(db, "Ines Moreau")
    assert db.execute("select source_id from annotations where id = ?", [quote.id]).fetchone() == (girard,)
    assert counted(db, girard) == (1, 0, 1)


# --- unnamed sources: one per article, analysed with the real pipeline ---------------------------

COUNCILS = {
    "libraries.txt": (
        "Libraries reopen\n\nA spokesperson for the council said the libraries would reopen on Friday. "
        "In Moscow, Russian Foreign Minister Sergey Lavrov said the talks would continue.\n"
    ),
    "parking.txt": (
        "Parking fees rise\n\nA spokesperson for the council said the fees would rise in May. "
        "In Moscow, Sergey Lavrov said the talks would continue.\n"
    ),
}
SPOKESPERSON = "A spokesperson for the council"


@pytest.fixture
def councils(tmp_db, nlp):
    """Two articles, two councils, each with its unnamed spokesperson; and Lavrov in both."""
    from newsmark.nlp.batch import analyze_articles

    ids = [ingest_text(tmp_db, text, name)[0] for name, text in COUNCILS.items()]
    assert analyze_articles(tmp_db, nlp, ids) == 2
    return tmp_db, ids, nlp


def spokespeople(db, article_ids: Sequence[str]) -> list[int]:
    """The source of the council's spokesperson in each article, as its suggestion has it."""
    return [
        db.execute(
            "select source_id from suggestions where article_id = ? and speaker = ?", [a, SPOKESPERSON]
        ).fetchone()[0]
        for a in article_ids
    ]


def test_an_unnamed_source_is_one_per_article_a_name_one_across_the_corpus(councils) -> None:
    db, ids, _ = councils
    first, second = spokespeople(db, ids)
    assert first != second
    for source_id in (first, second):
        source = get_source(db, source_id)
        assert source is not None and (source.name, source.kind, source.aliases) == (
            SPOKESPERSON,
            "unnamed",
            (SPOKESPERSON,),
        )
        assert counted(db, source_id) == (0, 1, 1)
    [lavrov] = sources_named(db, "Sergey Lavrov")
    assert counted(db, lavrov) == (0, 2, 2)
    assert db.execute(
        "select distinct source_id from suggestions where speaker = 'Sergey Lavrov'"
    ).fetchall() == [(lavrov,)]
    # The sources list shows the two spokespeople apart, and finds both by their description.
    assert sorted(s.id for s in list_sources(db, "spokesperson council")) == sorted([first, second])


def test_two_unnamed_sources_merged_by_hand_stay_merged_and_undo(councils) -> None:
    from newsmark.nlp.batch import analyze_articles

    db, ids, nlp = councils
    first, second = spokespeople(db, ids)
    merge_sources(db, first, second)
    assert spokespeople(db, ids) == [first, first]
    merged = get_source(db, first)
    assert merged is not None and merged.aliases == (SPOKESPERSON,)  # one spelling, listed once
    assert counted(db, first) == (0, 2, 2) and counted(db, second) == (0, 0, 0)
    with pytest.raises(ValueError, match="only alias"):
        split_alias(db, first, SPOKESPERSON)
    # Re-analysis resolves each article's description through its own alias: still one source.
    assert analyze_articles(db, nlp, ids) == 2
    assert spokespeople(db, ids) == [first, first] and counted(db, first) == (0, 2, 2)

    assert undo(db, SOURCES_LOG).kind == "source.merge"  # type: ignore[union-attr]
    assert spokespeople(db, ids) == [first, second]
    assert counted(db, first) == (0, 1, 1) and counted(db, second) == (0, 1, 1)
    assert get_source(db, second).aliases == (SPOKESPERSON,)  # type: ignore[union-attr]
    redo(db, SOURCES_LOG)
    assert spokespeople(db, ids) == [first, first] and counted(db, first) == (0, 2, 2)


# --- the user's corrections -----------------------------------------------------------------------

PAIR = "Oil talks\n\nIgor Sechin said exports would grow. Rosneft chief I. Setchin said prices would hold.\n"


@pytest.fixture
def pair(tmp_db):
    article, _ = ingest_text(tmp_db, PAIR, "pair.txt")
    suggestions = [
        said_by(PAIR, "Igor Sechin", "exports would grow", "Igor Sechin", "indirect"),
        said_by(PAIR, "I. Setchin", "prices would hold", "I. Setchin", "indirect"),
    ]
    store(tmp_db, article, PAIR, suggestions, people(PAIR, "Igor Sechin", "I. Setchin"))
    return tmp_db, article, suggestions


def names(db) -> list[tuple[str, tuple[str, ...], int]]:
    return [(s.name, tuple(sorted(s.aliases)), s.paraphrases) for s in list_sources(db, sort="name")]


def test_merge_split_rename_undo_redo_and_re_analysis(pair) -> None:
    db, article, suggestions = pair
    sechin, setchin = source_of(db, "Igor Sechin"), source_of(db, "I. Setchin")
    assert sechin != setchin  # another spelling of the family name: the user's call
    merge_sources(db, sechin, setchin)
    assert names(db) == [("Igor Sechin", ("I. Setchin", "Igor Sechin"), 2)]
    assert "Rosneft chief" in get_source(db, sechin).roles  # type: ignore[union-attr]
    rename_source(db, sechin, "Igor Ivanovich Sechin")
    assert names(db) == [("Igor Ivanovich Sechin", ("I. Setchin", "Igor Sechin"), 2)]
    assert [s.id for s in list_sources(db, "ivanovich")] == [sechin]  # the user's name, no alias
    assert list_sources(db, "100%") == []  # a % in the query is no wildcard

    # Re-analysis resolves the speakers through the same aliases: the corrections hold.
    store(db, article, PAIR, suggestions, people(PAIR, "Igor Sechin", "I. Setchin"))
    assert names(db) == [("Igor Ivanovich Sechin", ("I. Setchin", "Igor Sechin"), 2)]

    assert undo(db, SOURCES_LOG).kind == "source.rename"  # type: ignore[union-attr]
    assert names(db) == [("Igor Sechin", ("I. Setchin", "Igor Sechin"), 2)]
    assert undo(db, SOURCES_LOG).kind == "source.merge"  # type: ignore[union-attr]
    assert names(db) == [("I. Setchin", ("I. Setchin",), 1), ("Igor Sechin", ("Igor Sechin",), 1)]
    assert undo(db, SOURCES_LOG) is None
    redo(db, SOURCES_LOG)
    assert names(db) == [("Igor Sechin", ("I. Setchin", "Igor Sechin"), 2)]
    counted(db, sechin)

    new = split_alias(db, sechin, "I. Setchin")
    assert names(db) == [("I. Setchin", ("I. Setchin",), 1), ("Igor Sechin", ("Igor Sechin",), 1)]
    store(db, article, PAIR, suggestions, people(PAIR, "Igor Sechin", "I. Setchin"))
    assert source_of(db, "I. Setchin") == new and counted(db, new) == (0, 1, 1)
    undo(db, SOURCES_LOG)
    assert names(db) == [("Igor Sechin", ("I. Setchin", "Igor Sechin"), 2)]
    counted(db, sechin)


def test_corrections_refuse_what_makes_no_sense(pair) -> None:
    db, _, _ = pair
    sechin = source_of(db, "Igor Sechin")
    with pytest.raises(ValueError, match="itself"):
        merge_sources(db, sechin, sechin)
    with pytest.raises(ValueError, match="only alias"):
        split_alias(db, sechin, "Igor Sechin")
    with pytest.raises(ValueError, match="no alias"):
        split_alias(db, sechin, "Nobody")
    with pytest.raises(ValueError, match="empty"):
        rename_source(db, sechin, "  ")
    with pytest.raises(ValueError, match="no source"):
        merge_sources(db, sechin, 999)


# --- an import gives back the sources its export named --------------------------------------------


def test_an_imported_annotation_gets_the_source_its_export_named(tmp_db) -> None:
    from newsmark.store.annotations import add_annotation
    from newsmark.store.sources.resolve import restore_source

    text = "Talks\n\nSergei Lavrov said: “We will talk.” Lavrov said: “Soon.”\n"
    article, _ = ingest_text(tmp_db, text, "talks.txt")
    first = add_annotation(tmp_db, article, 27, 42, "QUOTE", speaker="Sergei Lavrov")
    with tmp_db.conn:
        restore_source(tmp_db, first.id, 7, "Sergey Lavrov")  # as exported from another database
    source = get_source(tmp_db, 7)
    assert source is not None and (source.name, set(source.aliases)) == (
        "Sergey Lavrov",
        {"Sergey Lavrov", "Sergei Lavrov"},
    )
    assert counted(tmp_db, 7) == (1, 0, 1)
    # Another export's id for him: the name finds the source he has here.
    second = add_annotation(tmp_db, article, 56, 63, "QUOTE", speaker="Lavrov")
    with tmp_db.conn:
        restore_source(tmp_db, second.id, 3, "Sergey Lavrov")
    assert counted(tmp_db, 7) == (2, 0, 1) and get_source(tmp_db, 3) is None
