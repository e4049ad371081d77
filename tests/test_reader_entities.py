"""Pilot tests: correcting the model's entities in the reader (add, relabel, reject, undo)."""

from __future__ import annotations

from pathlib import Path

from pilot_support import SIZE, make_app, open_reader, query

from newsmark.store import open_db
from newsmark.store.export import export_items


def entity_rows(db_path: Path, where: str) -> list[tuple]:
    return query(db_path, f'select start, "end", label, text, origin, status from entities where {where}')


async def test_reject_relabel_add_and_undo(app_db_path: Path) -> None:
    async with make_app(app_db_path).run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot, "India, Russia Gear")
        view = reader.view
        target = next(e for e in reader.spans.entities if e.text == "Sergei Lavrov")
        view.move("char", target.start - view.cursor)
        await pilot.press("minus")  # reject: the row stays, marked
        assert entity_rows(app_db_path, f"id = {target.id}")[0][5] == "rejected"
        assert all(e.id != target.id for e in reader.spans.entities)
        await pilot.press("u")
        assert entity_rows(app_db_path, f"id = {target.id}")[0][5] == "accepted"

        await pilot.press("equals_sign")  # relabel through the picker
        await pilot.pause()
        await pilot.press(*"NORP", "enter")
        await pilot.pause()
        assert entity_rows(app_db_path, f"id = {target.id}")[0][2] == "NORP"

        # Add: select "Foreign Minister" (no entity there) and label it.
        text = reader.article.text
        start = text.index("Foreign Minister")
        view.move("char", start - view.cursor)
        await pilot.press("W", "W", "plus")
        await pilot.pause()
        await pilot.press(*"TITLE", "enter")  # a label of the user's own
        await pilot.pause()
        added = entity_rows(app_db_path, "origin = 'user'")
        assert added == [
            (start, start + len("Foreign Minister"), "TITLE", "Foreign Minister", "user", "accepted")
        ]

        db = open_db(app_db_path)
        item = next(i for i in export_items(db) if i.article.id == reader.article_id)
        exported = {(e.start, e.end, e.label) for e in item.entities}
        assert (start, start + 16, "TITLE") in exported
        assert (target.start, target.end, "NORP") in exported
        db.close()


OVERLAPPING = (
    "select id from entities where article_id = ? and status = 'accepted' and start < ? and \"end\" > ?"
)


def test_an_entity_that_replaces_others_is_undone_in_one_step(analysed_db) -> None:
    from newsmark.store.entities import add_entity
    from newsmark.store.events import undo

    aid, text = analysed_db.execute(
        "select id, text from articles where title like 'India, Russia Gear%'"
    ).fetchone()
    start = text.index("Russian Foreign Minister Sergei Lavrov")
    end = start + len("Russian Foreign Minister Sergei Lavrov")
    before = analysed_db.execute(
        OVERLAPPING,
        [aid, end, start],
    ).fetchall()
    assert len(before) >= 2  # NORP "Russian" and PERSON "Sergei Lavrov", at least
    add_entity(analysed_db, aid, start, end, "PERSON", replace=True)
    undo(analysed_db, aid)
    after = analysed_db.execute(
        OVERLAPPING,
        [aid, end, start],
    ).fetchall()
    assert sorted(after) == sorted(before)
