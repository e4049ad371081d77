"""Speaker candidates: the article's people first, under the fullest name it uses."""

from __future__ import annotations

from newsmark.store.speakers import speaker_candidates
from newsmark.store.suggestions import open_suggestions, set_suggestion_status


def article_id(db, title_start: str) -> str:
    return db.execute("select id from articles where title like ?", [title_start + "%"]).fetchone()[0]


def test_candidates_group_mentions_under_fullest_name(analysed_db) -> None:
    aid = article_id(analysed_db, "India, Russia Gear Up")
    quote = next(s for s in open_suggestions(analysed_db, aid) if s.speaker == "Sergei Lavrov")
    candidates = speaker_candidates(analysed_db, aid, near=quote.start, guess=quote.speaker)
    names = [c.name for c in candidates]
    assert names[0] == "Sergei Lavrov"  # the suggestion's guess comes first
    assert "Lavrov" not in names  # a bare surname joins the full name
    lavrov = candidates[0]
    assert lavrov.label == "PERSON" and lavrov.mentions >= 5
    assert lavrov.mention_start < quote.start  # the mention nearest before the quote
    text = analysed_db.execute("select text from articles where id = ?", [aid]).fetchone()[0]
    assert "Lavrov" in text[lavrov.mention_start : lavrov.mention_end]
    # People before organisations, and a country never merges into an organisation's name.
    labels = [c.label for c in candidates]
    assert labels.index("PERSON") < labels.index("ORG")
    assert all(not (c.label == "ORG" and c.name.startswith("India’s")) or c.mentions < 5 for c in candidates)


def test_rejected_suggestions_are_not_offered(analysed_db) -> None:
    aid = article_id(analysed_db, "India, Russia Gear Up")
    first, *rest = open_suggestions(analysed_db, aid)
    set_suggestion_status(analysed_db, first.id, "rejected")
    assert [s.id for s in open_suggestions(analysed_db, aid)] == [s.id for s in rest]
