"""Undo and redo say what changed in the user's words ("Undone: relabel QUOTE → PARAPHRASE"),
not which row ("Undone: change of annotation #1")."""

from __future__ import annotations

from pathlib import Path

from pilot_support import make_app, open_reader
from reader_support import TITLE

from newsmark.store import open_db
from newsmark.store.annotations import add_annotation
from newsmark.tui.article_edits import ArticleEdits


async def test_undo_of_a_relabel_in_the_reader_says_from_what_to_what(long_db: Path) -> None:
    async with make_app(long_db).run_test(size=(80, 24)) as pilot:
        reader = await open_reader(pilot, TITLE)
        await pilot.press("s", "1")  # the title, as a QUOTE
        assert [a.label for a in reader.annotations] == ["QUOTE"]
        await pilot.press("4")  # on it, nothing selected: relabelled
        assert [a.label for a in reader.annotations] == ["PARAPHRASE"]
        await pilot.press("u")
        assert str(reader.status.content).startswith("Undone: relabel QUOTE → PARAPHRASE")
        await pilot.press("ctrl+r")
        assert str(reader.status.content).startswith("Redone: relabel QUOTE → PARAPHRASE")


def test_each_change_of_an_annotation_is_said_in_words(long_db: Path) -> None:
    db = open_db(long_db)
    article_id, text = db.execute("select id, text from articles").fetchone()
    start = text.index('"We cannot keep')
    end = text.index(" Mayor Elena Marsh")
    edits = ArticleEdits(db, article_id)
    quote = add_annotation(db, article_id, start, end, "QUOTE")
    assert edits.undo().message == "Undone: tag of the QUOTE “We cannot keep…”"
    edits.redo()

    def undone_and_redone() -> tuple[str, str]:
        return edits.undo().message, edits.redo().message

    edits.adjust(quote, text, "end", 1)
    assert undone_and_redone() == (
        "Undone: bounds of the QUOTE “We cannot keep…”",
        "Redone: bounds of the QUOTE “We cannot keep…”",
    )
    edits.set_speaker(quote, "Elena Marsh", None, None)
    assert edits.undo().message == "Undone: speaker none → Elena Marsh"
    edits.redo()
    edits.set_note(quote, "check the date")
    assert edits.undo().message == "Undone: note on the QUOTE “We cannot keep…”"
    edits.delete(quote)
    assert edits.undo().message == "Undone: delete of the QUOTE “We cannot keep…”"
    db.close()
