"""store.entities: correcting the model's entities, and the corrections surviving re-analysis."""

from __future__ import annotations

import io
import json
from itertools import pairwise

import pytest

from newsmark.store.articles import get_article, list_page_after
from newsmark.store.entities import (
    EntityOverlap,
    add_entity,
    entities_for_article,
    get_entity,
    reject_entity,
    relabel_entity,
)
from newsmark.store.events import log_event, redo, undo
from newsmark.store.export import export_items
from newsmark.store.export.jsonl import write_jsonl
from newsmark.store.ingest import ingest_text

TEXT = "Sergei Lavrov met S. Jaishankar in Moscow on Thursday.\n"


@pytest.fixture
def article(tmp_db) -> str:
    article_id, _ = ingest_text(tmp_db, TEXT, "t.txt")
    return article_id


def entity_events(db, article_id: str) -> list[dict]:
    """The article's entity events, oldest first, with before/after decoded."""
    return [
        {**r, "before": json.loads(r["before"]), "after": json.loads(r["after"])}
        for r in db.query(
            "select id, kind, state, before, after from events "
            "where article_id = ? and kind like 'entity.%' order by id",
            [article_id],
        )
    ]


def entity_counts(db) -> list[int]:
    """The library's entity column, as the library reads it."""
    return [row.entity_count for row in list_page_after(db, None, 100)]


def exported_entities(db) -> list[tuple[str, str, str]]:
    out = io.StringIO()
    write_jsonl(export_items(db), out)
    return [
        (e["text"], e["label"], e["origin"])
        for line in out.getvalue().splitlines()
        for e in json.loads(line)["entities"]
    ]


def test_add_entity_is_a_user_entity_with_its_event(tmp_db, article) -> None:
    entity = add_entity(tmp_db, article, 35, 41, "GPE")
    assert (entity.text, entity.label, entity.origin, entity.status) == ("Moscow", "GPE", "user", "accepted")
    [event] = entity_events(tmp_db, article)
    assert (event["kind"], event["state"]) == ("entity.add", "done")
    assert event["before"] == {"entity_id": entity.id, "status": "rejected"}
    assert event["after"] == {"entity_id": entity.id, "status": "accepted"}
    assert exported_entities(tmp_db) == [("Moscow", "GPE", "user")]


def test_add_entity_trims_a_selection_and_refuses_bad_input(tmp_db, article) -> None:
    assert add_entity(tmp_db, article, 34, 42, "GPE").text == "Moscow"  # " Moscow " selected
    with pytest.raises(ValueError, match="outside the article"):
        add_entity(tmp_db, article, 50, 500, "DATE")
    with pytest.raises(ValueError, match="one word"):
        add_entity(tmp_db, article, 0, 6, "TWO WORDS")
    with pytest.raises(ValueError, match="only whitespace"):
        add_entity(tmp_db, article, 13, 14, "PERSON")
    with pytest.raises(ValueError, match="no article"):
        add_entity(tmp_db, "nope", 0, 6, "PERSON")
    assert len(entities_for_article(tmp_db, article, include_rejected=True)) == 1


def test_overlap_is_refused_or_replaces(tmp_db, article) -> None:
    lavrov = add_entity(tmp_db, article, 0, 13, "PERSON")
    with pytest.raises(EntityOverlap, match=f"{lavrov.id} 'Sergei Lavrov' PERSON"):
        add_entity(tmp_db, article, 7, 17, "PERSON")
    assert [e.id for e in entities_for_article(tmp_db, article)] == [lavrov.id]
    wider = add_entity(tmp_db, article, 0, 17, "ORG", replace=True)
    assert get_entity(tmp_db, lavrov.id).status == "rejected"
    assert [(e.text, e.label) for e in entities_for_article(tmp_db, article)] == [
        ("Sergei Lavrov met", "ORG")
    ]
    assert [e["kind"] for e in entity_events(tmp_db, article)] == [
        "entity.add",
        "entity.reject",
        "entity.add",
    ]
    # One undo takes the replacing add back and brings back what it rejected.
    assert undo(tmp_db, article) is not None
    assert get_entity(tmp_db, wider.id).status == "rejected"
    assert [e.id for e in entities_for_article(tmp_db, article)] == [lavrov.id]


def test_relabel_reject_keep_the_row_log_and_undo(tmp_db, article) -> None:
    entity = add_entity(tmp_db, article, 18, 31, "ORG")
    assert relabel_entity(tmp_db, entity.id, "PERSON").label == "PERSON"
    rejected = reject_entity(tmp_db, entity.id)
    assert (rejected.status, rejected.label) == ("rejected", "PERSON")
    assert entities_for_article(tmp_db, article) == []
    assert [e.id for e in entities_for_article(tmp_db, article, include_rejected=True)] == [entity.id]
    assert exported_entities(tmp_db) == []
    assert entity_counts(tmp_db) == [0]  # the library counts corrected ones
    events = entity_events(tmp_db, article)
    assert [(e["kind"], e["before"], e["after"]) for e in events[1:]] == [
        (
            "entity.relabel",
            {"entity_id": entity.id, "label": "ORG"},
            {"entity_id": entity.id, "label": "PERSON"},
        ),
        (
            "entity.reject",
            {"entity_id": entity.id, "status": "accepted"},
            {"entity_id": entity.id, "status": "rejected"},
        ),
    ]
    # Undo replays `before`, newest first; redo replays `after`, oldest first.
    assert undo(tmp_db, article).kind == "entity.reject"
    assert get_entity(tmp_db, entity.id).status == "accepted"
    assert entity_counts(tmp_db) == [1]
    assert [undo(tmp_db, article).kind for _ in range(2)] == ["entity.relabel", "entity.add"]
    assert undo(tmp_db, article) is None
    assert (get_entity(tmp_db, entity.id).status, get_entity(tmp_db, entity.id).label) == ("rejected", "ORG")
    assert [redo(tmp_db, article).kind for _ in range(2)] == ["entity.add", "entity.relabel"]
    assert (get_entity(tmp_db, entity.id).status, get_entity(tmp_db, entity.id).label) == (
        "accepted",
        "PERSON",
    )
    assert [e["state"] for e in entity_events(tmp_db, article)] == ["done", "done", "undone"]
    for bad in (lambda: relabel_entity(tmp_db, 999, "X"), lambda: reject_entity(tmp_db, 999)):
        with pytest.raises(ValueError, match="no entity 999"):
            bad()


def test_undo_refuses_an_event_that_is_not_an_entity_change(tmp_db, article) -> None:
    entity = add_entity(tmp_db, article, 18, 31, "ORG")
    with tmp_db.atomic():  # as a damaged log would hold it: a field entities do not change
        log_event(tmp_db, "entity.relabel", article, None, {"entity_id": entity.id, "text": "x"}, {})
    with pytest.raises(ValueError, match="not an entity change"):
        undo(tmp_db, article)
    # Nothing was applied, and the event is still there to undo.
    assert get_entity(tmp_db, entity.id) == entity
    assert [e["state"] for e in entity_events(tmp_db, article)] == ["done", "done"]


def test_corrections_survive_reanalysis(analysed_db, nlp) -> None:
    from newsmark.nlp.batch import analyze_articles

    db = analysed_db
    article_id = db.execute("select id from articles order by source limit 1").fetchone()[0]
    text = get_article(db, article_id).text
    before = entities_for_article(db, article_id)
    by_text = {e.text: e for e in before}
    rejected = by_text["Sergei Lavrov"]
    relabelled = next(e for e in before if e.text == "Moscow")
    reject_entity(db, rejected.id)
    relabel_entity(db, relabelled.id, "LOC")
    start = text.index("strategic partnership")
    user = add_entity(db, article_id, start, start + len("strategic partnership"), "TOPIC")
    untouched = {e.id for e in before} - {rejected.id, relabelled.id}

    assert analyze_articles(db, nlp, [article_id]) == 1

    after = entities_for_article(db, article_id, include_rejected=True)
    by_id = {e.id: e for e in after}
    assert by_id[rejected.id].status == "rejected"
    assert (by_id[relabelled.id].label, by_id[relabelled.id].status) == ("LOC", "accepted")
    assert by_id[user.id].label == "TOPIC"
    # The model did not bring back what the user decided about: one entity per decided span.
    spans = [(e.start, e.end) for e in after]
    assert spans.count((rejected.start, rejected.end)) == 1
    assert spans.count((relabelled.start, relabelled.end)) == 1
    # Untouched model entities were replaced by the new analysis (same model, same spans).
    assert untouched.isdisjoint(by_id)
    accepted = [(e.start, e.end, e.label) for e in after if e.status == "accepted"]
    expected = {(e.start, e.end, e.label) for e in before if e.id in untouched}
    assert expected <= set(accepted)
    assert len(accepted) == len(set(accepted))
    # No two accepted entities overlap, so doc.ents and IOB can hold them.
    accepted.sort()
    assert all(a[1] <= b[0] for a, b in pairwise(accepted))


# --- a model entity never runs over a line break ------------------------------------------

# A headline, then a photo credit: the small English model reads the name that ends the
# headline on into the credit ("Sunak\n\nImage Source"), as it does in the bundled articles.
CAPTIONED = (
    "Biden calls for calm after talks with Sunak\n\n"
    "Image Source : AP President Joe Biden with British Prime Minister Rishi Sunak\n\n"
    "Biden said on Tuesday that the allies agreed.\n"
)


def test_save_analysis_keeps_an_entity_to_the_line_it_starts_on(tmp_db) -> None:
    from newsmark.store.analysis import Analysis, save_analysis

    text = "Putin met Jaishankar\n\nImage Source : PTI\nNew\nDelhi\n"
    article_id, _ = ingest_text(tmp_db, text, "t.txt")
    jaishankar = text.index("Jaishankar")
    image = text.index("Image")
    found = [
        (0, 5, "PERSON"),  # on one line: as it is
        (jaishankar, image + len("Image Source"), "PERSON"),  # over a blank line: its first line's part
        (image - 1, image + len("Image"), "ORG"),  # starting on the break: the line it reaches
        (text.index("New"), text.index("Delhi") + 5, "GPE"),  # over a single line break too
    ]
    save_analysis(tmp_db, Analysis(article_id, "m", found, [], [], []))
    assert [(e.text, e.label) for e in entities_for_article(tmp_db, article_id)] == [
        ("Putin", "PERSON"),
        ("Jaishankar", "PERSON"),
        ("Image", "ORG"),
        ("New", "GPE"),
    ]


def test_no_analysed_entity_runs_over_a_line_break(tmp_db, nlp) -> None:
    from newsmark.nlp.batch import analyze_articles

    # The case is real: the model itself joins the two lines.
    assert "Sunak\n\nImage Source" in [e.text for e in nlp(CAPTIONED).ents]
    article_id, _ = ingest_text(tmp_db, CAPTIONED, "captioned.txt")
    assert analyze_articles(tmp_db, nlp, [article_id]) == 1
    entities = entities_for_article(tmp_db, article_id)
    assert [e.text for e in entities if "\n" in e.text] == []
    headline_end = CAPTIONED.index("\n")
    assert [e.text for e in entities if e.end <= headline_end][-1] == "Sunak"
    assert not any(e.text.startswith("Image") for e in entities)
