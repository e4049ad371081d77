"""Paraphrases in the reader (issue 13): n finds an indirect suggestion among the quotes, the
status says which kind it is, and a accepts it in one key as a PARAPHRASE with its speaker
and the speaker's source; a quoted run inside a paraphrase is a suggestion of its own, picked
out (and decided) where it is."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_support import make_app, open_reader, query
from reader_support import SIZES, copy_of
from test_reader_suggestions import status, style_at

from newsmark.store import open_db
from newsmark.store.suggestions import Suggestion
from newsmark.tui.article_spans import ArticleSpans

TITLE = "Bridge to reopen in May"
BRIDGE = """\
Bridge to reopen in May

Mayor Ana Ruiz said the bridge would reopen in May. "We are on schedule," Ruiz said.

The county engineer, Tom Hale, said the new deck was "safe for everyone" and would carry lorries again.
"""


@pytest.fixture(scope="module")
def bridge_db_file(tmp_path_factory, nlp) -> Path:
    """BRIDGE stored and analysed by the real pipeline, once for the module."""
    from newsmark.nlp.batch import analyze_articles
    from newsmark.store.ingest import ingest_text

    path = tmp_path_factory.mktemp("bridge") / "bridge.db"
    db = open_db(path)
    article_id, _ = ingest_text(db, BRIDGE, "bridge.txt", title=TITLE)
    assert analyze_articles(db, nlp, [article_id]) == 1
    db.conn.close()
    return path


@pytest.fixture
def bridge_db(bridge_db_file: Path, tmp_path: Path) -> Path:
    return copy_of(bridge_db_file, tmp_path)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_a_paraphrase_is_accepted_in_one_key_with_its_speaker_and_source(bridge_db: Path, size) -> None:
    async with make_app(bridge_db).run_test(size=size) as pilot:
        reader = await open_reader(pilot, TITLE)
        await pilot.press("n")
        paraphrase = reader.spans.suggestion_at(reader.view.cursor)
        assert paraphrase is not None
        assert (paraphrase.kind, paraphrase.text) == ("indirect", "the bridge would reopen in May")
        assert "Suggestion 1 of 4 · 0 of 4 decided · paraphrase by Ana Ruiz (said" in status(reader)
        await pilot.press("a")
        ((label, speaker, mention, span, source_id),) = query(
            bridge_db,
            'select label, speaker, speaker_start, start || "-" || "end", source_id from annotations',
        )
        assert (label, speaker, span) == ("PARAPHRASE", "Ana Ruiz", f"{paraphrase.start}-{paraphrase.end}")
        assert BRIDGE[mention : mention + len("Mayor Ana Ruiz")] == "Mayor Ana Ruiz"
        assert query(bridge_db, "select name from sources where id = ?", (source_id,)) == [("Ana Ruiz",)]
        assert query(bridge_db, "select status from suggestions where id = ?", (paraphrase.id,)) == [
            ("accepted",)
        ]
        # As after a rejection, the cursor has gone on to the next suggestion: Ruiz's own words.
        quote = reader.spans.suggestion_at(reader.view.cursor)
        assert quote is not None and quote.text == '"We are on schedule,"'
        said = status(reader)
        assert said.startswith("Saved PARAPHRASE #") and "1 of 4 decided · quote by Ana Ruiz" in said
        await pilot.press("u")  # the PARAPHRASE and the decision go back together
        assert query(bridge_db, "select count(*) from annotations where deleted = 0") == [(0,)]
        assert query(bridge_db, "select count(*) from suggestions where status = 'open'") == [(4,)]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_a_quote_inside_a_paraphrase_is_its_own_suggestion_where_it_is(bridge_db: Path, size) -> None:
    async with make_app(bridge_db).run_test(size=size) as pilot:
        reader = await open_reader(pilot, TITLE)
        spans, view = reader.spans, reader.view
        outer = next(s for s in spans.suggestions if s.text.startswith("the new deck"))
        inner = next(s for s in spans.suggestions if s.text == '"safe for everyone"')
        assert (outer.kind, inner.kind) == ("indirect", "direct")
        assert outer.start < inner.start < inner.end < outer.end
        assert spans.suggestion_at(inner.start + 3) == inner  # the shortest one holding it
        assert spans.suggestion_at(outer.start) == spans.suggestion_at(inner.end) == outer
        # n goes through every suggestion in text order, the inner quote after its paraphrase.
        seen = []
        for _ in spans.suggestions:
            await pilot.press("n")
            seen.append(spans.suggestion_at(view.cursor))
        assert seen == sorted(spans.suggestions, key=lambda s: s.start) and seen[-2:] == [outer, inner]
        assert view.cursor == inner.start
        assert "Suggestion 4 of 4 · 0 of 4 decided · quote by Tom Hale" in status(reader)
        # The inner quote is the current one, apart from the rest of its paraphrase; the
        # speaker's mention stands out from both.
        in_quote, in_paraphrase = style_at(view, inner.start + 3), style_at(view, outer.start + 3)
        mention = style_at(view, inner.speaker_start or 0)
        assert len({in_quote, in_paraphrase, mention}) == 3
        await pilot.press("N")  # back to the paraphrase: all of it current, quote included
        assert view.cursor == outer.start and "paraphrase by Tom Hale" in status(reader)
        assert style_at(view, inner.start + 3) == style_at(view, outer.start + 3) != in_paraphrase
        # Accepted, the paraphrase leaves its quote still to decide: the cursor goes on to it.
        await pilot.press("a")
        assert view.cursor == inner.start
        report = status(reader)
        assert "in PARAPHRASE" in report and "quote by Tom Hale" in report
        await pilot.press("a")
        labels = query(bridge_db, 'select label, start, "end", speaker from annotations order by start')
        assert labels == [
            ("PARAPHRASE", outer.start, outer.end, "Tom Hale"),
            ("QUOTE", inner.start, inner.end, "Tom Hale"),
        ]
        assert "every suggestion is decided" not in status(reader)  # Ruiz's two are open still


def suggestion(id: int, start: int, end: int, kind: str) -> Suggestion:
    return Suggestion(id, start, end, "", "said", None, None, None, 0.5, "open", kind)


def test_a_paraphrase_that_begins_with_its_quote_has_a_place_after_it() -> None:
    """'doing more' in Russia outreach (a seed): the quote and the paraphrase start on the same
    character; the quote holds it, and the paraphrase is picked out where the quote ends."""
    before = suggestion(1, 0, 5, "direct")
    quote, paraphrase = suggestion(2, 10, 22, "direct"), suggestion(3, 10, 40, "indirect")
    after = suggestion(4, 50, 60, "indirect")
    spans = ArticleSpans(suggestions=[before, paraphrase, quote, after])  # stored in order of start
    assert spans.suggestion_at(10) == quote and spans.suggestion_at(22) == paraphrase
    assert [spans.place_of(s) for s in (before, quote, paraphrase, after)] == [0, 10, 22, 50]
    forward, position = [], -1
    while (found := spans.next_suggestion(position, 1)) is not None:
        forward.append(found)
        position = spans.place_of(found)
    assert forward == [before, quote, paraphrase, after]
    assert spans.next_suggestion(22, -1) == quote and spans.next_suggestion(10, -1) == before
    # Two suggestions on the same words: the first holds them, the other keeps its start.
    twin = suggestion(5, 10, 22, "indirect")
    same = ArticleSpans(suggestions=[quote, twin])
    assert same.suggestion_at(15) == quote and same.place_of(twin) == 10


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_n_a_n_a_decides_every_suggestion_in_turn(bridge_db: Path, size) -> None:
    """`a` moves on to the next suggestion; `n` pressed there stays on it, so the rhythm a new
    user falls into (n a n a, or n r n r) skips none."""
    async with make_app(bridge_db).run_test(size=size) as pilot:
        await open_reader(pilot, TITLE)
        for _ in range(2):
            await pilot.press("n", "a")
        await pilot.press("n", "r")
        decided = query(bridge_db, "select status from suggestions order by start")
        assert decided == [("accepted",), ("accepted",), ("rejected",), ("open",)]
