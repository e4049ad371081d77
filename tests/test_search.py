"""Full-text search: safe queries, operators and phrases, ranking, paging, and
`newsmark search`, which means what the library's search box means (issue 12)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli.main import main
from newsmark.store import search as search_module
from newsmark.store.ingest import ingest_text
from newsmark.store.search import Matches, SearchQuery, parse_search, search_hits

PUTIN_INVITES = "Putin invites PM Modi to visit Russia in meeting with Jaishankar"
NASTY = ['"', '""', "'", "(", ")", "*", "^", "-", ":", "AND", "OR", "NOT", "NEAR(", 'a"b', "x:y", "Putin)*("]
NASTY += ["putin OR", "NOT putin", "putin AND NOT modi", 'putin "state', "OR OR", "putin NOT (", "a:b OR c*d"]
README = Path(__file__).resolve().parent.parent / "README.md"


def search_ids(db, text: str, *, prefix: bool = False) -> list[str]:
    """Ids of every match in the library's order, read as the library reads them (Matches)."""
    matches = Matches(db, text, prefix=prefix)
    return [article_id for _, article_id in matches.ids(0, len(matches))]


def library_ids(db, text: str) -> list[str]:
    """What the library's search box lists for `text` (it searches with prefix=True)."""
    return search_ids(db, text, prefix=True)


def fts_query(text: str, *, prefix: bool = False) -> str | None:
    return parse_search(text, prefix=prefix).match


def test_fts_query_quotes_every_word() -> None:
    assert fts_query("Putin invites") == '"Putin" "invites"'
    assert fts_query("Putin invi", prefix=True) == '"Putin" "invi" *'
    assert fts_query('"prime minister" modi') == '"prime minister" "modi"'
    assert fts_query("India-Russia ties") == '"India Russia" "ties"'  # joined words stay together
    assert fts_query("p", prefix=True) == '"p"'  # one letter: no prefix search
    assert fts_query('modi "prime minister"', prefix=True) == '"modi" "prime minister"'  # a phrase is whole
    assert fts_query("NEAR(x:y) a*b") == '"NEAR x y" "a b"'  # FTS5 syntax is just text
    assert fts_query("(*^") is None


def test_operators_in_capitals_and_phrases() -> None:
    assert fts_query("putin OR modi") == '"putin" OR "modi"'
    assert fts_query("lavrov NOT modi", prefix=True) == '"lavrov" NOT "modi" *'
    assert fts_query('putin AND "state visit"') == '"putin" AND "state visit"'
    assert fts_query("putin or not modi") == '"putin" "or" "not" "modi"'  # lower case: words
    assert fts_query('putin "OR" modi') == '"putin" "OR" "modi"'  # quoted: the word itself


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('modi "prime', 'a quote mark is not closed: a "phrase" needs a " at each end'),
        ("NOT putin", "NOT has no words before it: put words on both sides, as in 'lavrov NOT modi'"),
        ("putin OR", "OR has no words after it: put words on both sides, as in 'lavrov OR modi'"),
        ("putin OR (", "OR has no words after it: put words on both sides, as in 'lavrov OR modi'"),
        ("putin OR NOT modi", "OR NOT: two operators in a row; put words between them"),
    ],
)
def test_what_fts5_cannot_run_says_why(seeded_db, text: str, problem: str) -> None:
    assert parse_search(text) == parse_search(text, prefix=True) == SearchQuery(None, problem)
    matches = Matches(seeded_db, text, prefix=True)
    assert (matches.problem, len(matches), matches.ids(0, 10)) == (problem, 0, [])


@pytest.mark.parametrize("text", NASTY)
def test_stray_quotes_and_operators_never_raise(seeded_db, text: str) -> None:
    for prefix in (False, True):
        # Each must return (not raise): FTS5 would raise a syntax error on the raw text.
        matches = Matches(seeded_db, text, prefix=prefix)
        assert len(search_ids(seeded_db, text, prefix=prefix)) == len(matches) == matches.count()
        search_hits(matches, 20)


def test_or_not_and_phrases_find_what_they_say(seeded_db) -> None:
    putin, modi = set(library_ids(seeded_db, "putin")), set(library_ids(seeded_db, "modi"))
    assert set(library_ids(seeded_db, "putin OR modi")) == putin | modi
    assert set(library_ids(seeded_db, "putin NOT modi")) == putin - modi
    assert set(library_ids(seeded_db, "putin modi")) == putin & modi
    assert len(library_ids(seeded_db, '"annual summit"')) == 2
    assert library_ids(seeded_db, '"summit annual"') == []


def test_title_match_ranks_first(seeded_db) -> None:
    hits = search_hits(Matches(seeded_db, "Putin invites"), 20)
    assert hits[0].row.title == PUTIN_INVITES
    assert len(hits) == 2
    assert "[Putin] [invites]" in hits[0].snippet
    assert search_hits(Matches(seeded_db, "Putin invites"), 1)[0].row.id == hits[0].row.id


def test_search_finds_text_and_stems(tmp_db) -> None:
    a, _ = ingest_text(tmp_db, "Budget news\n\nThe council voted on the budget.", "a.txt")
    b, _ = ingest_text(tmp_db, "Weather\n\nRain is expected; councils are ready.", "b.txt")
    ingest_text(tmp_db, "Sport\n\nThe team won.", "c.txt")
    assert sorted(search_ids(tmp_db, "council")) == sorted([a, b])  # porter: councils -> council
    assert search_ids(tmp_db, "budget vote") == [a]
    assert search_ids(tmp_db, "counc", prefix=True) != []
    assert search_ids(tmp_db, "counc") == []
    assert search_ids(tmp_db, '"council voted"') == [a]
    assert search_ids(tmp_db, '"voted council"') == []


def test_many_matches_page_in_the_order_added(tmp_db, monkeypatch) -> None:
    ids = [
        ingest_text(tmp_db, f"Story {i}\n\nThe harbour opened, day {i}.", f"{i}.txt")[0] for i in range(25)
    ]
    monkeypatch.setattr(search_module, "RANKED_MAX", 10)
    matches = Matches(tmp_db, "harbour")
    assert (len(matches), matches.ranked) == (25, False)
    first = matches.ids(0, 10)
    assert [i for _, i in first] == ids[:10]
    assert [i for _, i in matches.ids_after(first[-1][0], 10)] == ids[10:20]
    assert [i for _, i in matches.ids(20, 30)] == ids[20:]
    assert matches.position(ids[17]) == 17
    other = ingest_text(tmp_db, "Unrelated\n\nNothing here.", "x.txt")[0]
    assert matches.position(other) is None


def test_a_long_list_pages_from_its_head_and_is_counted_later(tmp_db, monkeypatch) -> None:
    """count_later: one evaluation of the match gives the first RANKED_MAX + 1 matches;
    pages inside them and past them, and positions, agree with the list counted at once."""
    before = ingest_text(tmp_db, "Unrelated\n\nNothing here.", "x.txt")[0]
    ids = [
        ingest_text(tmp_db, f"Story {i}\n\nThe harbour opened, day {i}.", f"{i}.txt")[0] for i in range(25)
    ]
    after = ingest_text(tmp_db, "Unrelated too\n\nNothing there.", "y.txt")[0]
    ids += [ingest_text(tmp_db, f"Late {i}\n\nA harbour again, {i}.", f"late{i}.txt")[0] for i in range(3)]
    monkeypatch.setattr(search_module, "RANKED_MAX", 10)
    later = Matches(tmp_db, "harbour", count_later=True)
    now = Matches(tmp_db, "harbour")
    assert (len(later), later.counted, later.ranked) == (11, False, False)  # a lower bound so far
    assert (len(now), now.counted) == (28, True)
    assert later.count() == 28
    later.set_total(later.count())
    assert (len(later), later.counted) == (28, True)
    for start, stop in [(0, 5), (5, 11), (8, 14), (20, 28)]:  # inside the head, across it, past it
        assert later.ids(start, stop) == now.ids(start, stop)
        assert [i for _, i in later.ids(start, stop)] == ids[start:stop]
    for key_index, limit in [(0, 5), (4, 6), (6, 7), (15, 10)]:
        key = now.ids(key_index, key_index + 1)[0][0]
        assert later.ids_after(key, limit) == now.ids_after(key, limit)
        assert [i for _, i in later.ids_after(key, limit)] == ids[key_index + 1 : key_index + 1 + limit]
    for index in (0, 10, 11, 27):
        assert later.position(ids[index]) == now.position(ids[index]) == index
    assert later.position(before) is None  # within the head's range: told by the head alone
    assert later.position(after) is None  # past it: told by the index


def test_article_list_counts_follow_entities_and_annotations(analysed_db) -> None:
    from newsmark.store.annotations import add_annotation, delete_annotation

    row = next(r for r in analysed_db.query("select * from article_list order by source limit 1"))
    entities = analysed_db.execute(
        "select count(*) from entities where article_id = ? and status = 'accepted'", [row["id"]]
    ).fetchone()[0]
    assert row["entity_count"] == entities > 0 and row["analyzed"] == 1
    annotation = add_annotation(analysed_db, row["id"], 0, 5, "QUOTE")
    count = "select annotation_count from article_list where id = ?"
    assert analysed_db.execute(count, [row["id"]]).fetchone()[0] == 1
    delete_annotation(analysed_db, annotation.id)
    assert analysed_db.execute(count, [row["id"]]).fetchone()[0] == 0


def test_search_command(seeded_db, tmp_path) -> None:
    db_path = str(tmp_path / "newsmark.db")
    runner = CliRunner()
    result = runner.invoke(main, ["search", "Putin invites", "--db", db_path, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert records[0]["title"] == PUTIN_INVITES
    assert len(records) == 2 and set(records[0]) == {"id", "title", "source", "words", "snippet"}
    assert [r["id"] for r in records] == search_ids(seeded_db, "Putin invites")
    limited = runner.invoke(main, ["search", "Putin", "--db", db_path, "--format", "jsonl", "--limit", "1"])
    assert len(limited.output.splitlines()) == 1
    missing = runner.invoke(main, ["search", "x", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "none.db" in missing.output


def command_ids(db_path: str, text: str) -> list[str]:
    result = CliRunner().invoke(main, ["search", text, "--db", db_path, "--format", "jsonl", "--limit", "99"])
    assert result.exit_code == 0, result.output
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    "text",
    [
        "invit",
        "Putin invi",
        "putin OR modi",
        "lavrov NOT modi",
        '"annual summit"',
        'jaishankar "prime minister"',
    ],
)
def test_the_command_searches_as_the_library_does(seeded_db, tmp_path, text: str) -> None:
    """Prefix matching, operators and phrases: the command lists what the library lists."""
    assert command_ids(str(tmp_path / "newsmark.db"), text) == library_ids(seeded_db, text) != []


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('modi "prime', "a quote mark is not closed"),
        ("NOT putin", "NOT has no words before it"),
        ("(*)", "no word"),
    ],
)
def test_a_query_that_cannot_run_is_one_line(seeded_db, tmp_path, text: str, why: str) -> None:
    result = CliRunner().invoke(main, ["search", text, "--db", str(tmp_path / "newsmark.db")])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("newsmark: ") and why in result.stderr
    assert len(result.stderr.splitlines()) == 1 and f"'{text}'" in result.stderr


def test_counts_are_worded_and_no_match_is_a_sentence(seeded_db, tmp_path) -> None:
    def table(text: str, *args: str) -> str:
        result = CliRunner().invoke(main, ["search", text, "--db", str(tmp_path / "newsmark.db"), *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    assert table("zzyzx") == "No articles match 'zzyzx'.\n"
    assert table("zzyzx", "--format", "jsonl") == ""
    one = table('"solid package"')
    assert "1 article matches" in one and "1 articles" not in one
    assert "5 articles match" in table("lavrov")
    assert "5 articles match (the first 2 shown)" in table("lavrov", "--limit", "2")


def test_readme_search_examples_find_the_bundled_articles(seeded_db, tmp_path) -> None:
    examples = re.findall(r"newsmark search '([^']+)'", README.read_text(encoding="utf-8"))
    assert examples
    for text in examples:
        assert command_ids(str(tmp_path / "newsmark.db"), text) != [], text


def test_bulk_ingest_indexes_batch_by_batch_and_restores_the_trigger(tmp_db, tmp_path, monkeypatch) -> None:
    from newsmark.store import ingest as ingest_module

    trigger = "select sql from sqlite_master where name = 'articles_ai'"
    before = tmp_db.execute(trigger).fetchone()
    monkeypatch.setattr(ingest_module, "BULK_FTS_MIN", 2)
    folder = tmp_path / "in"
    folder.mkdir()
    for i, word in enumerate(["walrus", "narwhal", "walrus narwhal"]):
        (folder / f"{i}.txt").write_text(f"Title {i}\n\nA {word} was seen.\n", encoding="utf-8")
    added = ingest_module.ingest_paths(tmp_db, [folder]).added
    assert len(added) == 3
    assert sorted(search_ids(tmp_db, "walrus")) == sorted([added[0], added[2]])
    assert tmp_db.execute(trigger).fetchone() == before
    later, _ = ingest_text(tmp_db, "Late\n\nA walrus again.", "late.txt")  # the trigger indexes it
    assert later in search_ids(tmp_db, "walrus")
    # FTS5 raises SQLITE_CORRUPT here if the index and the articles disagree.
    tmp_db.execute("insert into articles_fts (articles_fts) values ('integrity-check')")

    def broken(*_args) -> int:
        raise RuntimeError("disk gone")

    (folder / "3.txt").write_text("Another\n\nA beluga.\n", encoding="utf-8")
    (folder / "4.txt").write_text("More\n\nA beluga too.\n", encoding="utf-8")
    monkeypatch.setattr(ingest_module, "link_versions", broken)
    with pytest.raises(RuntimeError):
        ingest_module.ingest_paths(tmp_db, [folder])
    assert tmp_db.execute(trigger).fetchone() == before  # rolled back with the rest
    assert search_ids(tmp_db, "beluga") == [] and Matches(tmp_db, "walrus").count() == 3
