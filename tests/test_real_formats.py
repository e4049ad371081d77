"""Real news in: saved web pages, JSON lines / JSON / CSV dumps and WARC crawls become
articles with their date, URL, outlet and author; bad pages and records are one line each;
`newsmark search` filters by outlet and date; exports carry the metadata."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli.main import main
from newsmark.store import open_db
from newsmark.store.articles import get_article
from newsmark.store.ingest import ingest_paths

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Lavrov and Jaishankar hold talks in Moscow | The Daily Courier</title>
<meta property="og:title" content="Lavrov and Jaishankar hold talks in Moscow">
<meta property="og:site_name" content="The Daily Courier">
<meta name="author" content="Anna Petrova">
<meta property="article:published_time" content="2024-03-05T10:30:00+00:00">
<link rel="canonical" href="https://courier.example/world/lavrov-talks">
<style>body { font-family: serif } .cookie-banner { position: fixed }</style>
<script>window.tracking = {"id": 42}; console.log("tracking pixel loaded");</script>
</head><body>
<div id="cookie-banner" class="cookie-banner">We use cookies to improve your experience on our site.
<button>Accept all cookies</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article>
<h1>Lavrov and Jaishankar hold talks in Moscow</h1>
<p>Russian Foreign Minister Sergey Lavrov met his Indian counterpart S. Jaishankar in Moscow on Tuesday for talks on trade and security.</p>
<p>“We will deepen our partnership in every field,” Lavrov said after the meeting, adding that both sides expected trade to grow further this year.</p>
<p>According to the ministry, the ministers also discussed the situation in the Middle East. 🇮🇳🤝🇷🇺</p>
</article>
<aside class="related"><h2>Related stories</h2><ul><li><a href="/a">Putin to visit India</a></li>
<li><a href="/b">Oil prices rise</a></li></ul></aside>
</main>
<footer><p>© 2024 The Daily Courier. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
<script>document.write("advertisement")</script>
</body></html>
"""
# A paragraph a line in trafilatura's output; stored with a blank line between paragraphs.
PAGE_TEXT = (
    "Lavrov and Jaishankar hold talks in Moscow\n\n"
    "Russian Foreign Minister Sergey Lavrov met his Indian counterpart S. Jaishankar in Moscow on Tuesday"
    " for talks on trade and security.\n\n"
    "“We will deepen our partnership in every field,” Lavrov said after the meeting, adding that both sides"
    " expected trade to grow further this year.\n\n"
    "According to the ministry, the ministers also discussed the situation in the Middle East. 🇮🇳🤝🇷🇺"
)
# Latin-1 as its <meta charset> says; a title that reads as Rich markup; the date in JSON-LD.
SECOND = """<!DOCTYPE html>
<html><head><meta charset="iso-8859-1"><title>[bold red]Breaking[/] rates held | Wire</title>
<meta property="og:site_name" content="Wire">
<meta name="author" content="John Smith">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "[bold red]Breaking[/] rates held", "datePublished": "2023-11-02T08:00:00Z"}</script>
</head><body><nav><a href="/">Home</a> <a href="/markets">Markets</a></nav>
<article><h1>[bold red]Breaking[/] rates held</h1>
<p>The central bank kept its main rate unchanged on Thursday, citing slowing inflation and weak growth in the région.</p>
<p>"We remain vigilant," the governor said at a press conference in the capital.</p></article>
<footer>© 2024 Wire</footer></body></html>
"""
LOGIN = """<!DOCTYPE html><html><head><title>Sign in</title></head><body>
<nav><a href="/">Home</a></nav>
<form><label>Email</label><input name="email"><label>Password</label><input type="password">
<button>Sign in</button></form><footer>© 2024 Example</footer></body></html>
"""
INDEX = """<!DOCTYPE html><html><head><title>World news</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<ul><li><a href="/a">Putin to visit India</a></li><li><a href="/b">Oil prices rise</a></li>
<li><a href="/c">Talks in Moscow</a></li></ul><footer>© 2024 Example</footer></body></html>
"""


def write_pages(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "page": folder / "lavrov.html",
        "second": folder / "rates.htm",
        "login": folder / "login.html",
        "index": folder / "index.html",
    }
    files["page"].write_text(PAGE, encoding="utf-8")
    files["second"].write_bytes(SECOND.encode("latin-1"))
    files["login"].write_text(LOGIN, encoding="utf-8")
    files["index"].write_text(INDEX, encoding="utf-8")
    return files


def stored(db, source: str):
    (article_id,) = db.execute("select id from articles where source = ?", [source]).fetchone()
    return get_article(db, article_id)


# --- saved web pages ------------------------------------------------------------------


def test_a_saved_page_is_its_main_text_with_its_metadata(tmp_db, tmp_path: Path) -> None:
    files = write_pages(tmp_path / "pages")
    result = ingest_paths(tmp_db, [files["page"], files["second"]])
    assert (len(result.added), result.errors) == (2, [])

    page = stored(tmp_db, str(files["page"]))
    # Navigation, cookie banner, related links, footer, scripts and styles are left out.
    assert page.text == PAGE_TEXT
    assert (page.title, page.date, page.url, page.outlet, page.author) == (
        "Lavrov and Jaishankar hold talks in Moscow",
        "2024-03-05",
        "https://courier.example/world/lavrov-talks",
        "The Daily Courier",
        "Anna Petrova",
    )
    # Offsets are into the stored (extracted) text, emoji and all.
    quote = page.text.index("“")
    assert page.text[quote : quote + 48] == "“We will deepen our partnership in every field,”"
    assert page.text[page.text.index("🤝") :] == "🤝🇷🇺"

    second = stored(tmp_db, str(files["second"]))
    assert "weak growth in the région." in second.text  # decoded as its <meta charset> says
    assert (second.title, second.date, second.outlet, second.author) == (
        "[bold red]Breaking[/] rates held",
        "2023-11-02",
        "Wire",
        "John Smith",
    )
    row = tmp_db.execute("select date, outlet from article_list where id = ?", [page.id]).fetchone()
    assert row == ("2024-03-05", "The Daily Courier")


def test_a_page_with_no_article_is_refused_in_one_line_and_the_rest_goes_in(tmp_db, tmp_path: Path) -> None:
    files = write_pages(tmp_path / "pages")
    folder = tmp_path / "pages"
    (folder / "empty.html").write_bytes(b"")
    (folder / "logo.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    result = ingest_paths(tmp_db, [folder])
    assert result.errors == [
        f"{folder / 'empty.html'}: empty file",
        f"{files['index']}: no article text found",
        f"{files['login']}: no article text found",
        f"{folder / 'logo.html'}: binary file, not a web page",
    ]
    assert len(result.added) == 2
    assert result.summary == "2 added, 0 already present, 4 skipped"


def test_malformed_html_gives_the_article_it_holds(tmp_db, tmp_path: Path) -> None:
    cut = tmp_path / "cut.html"
    cut.write_text(PAGE[: PAGE.index("adding that")], encoding="utf-8")  # the download stopped here
    unclosed = tmp_path / "unclosed.html"
    unclosed.write_text(
        "<html><body><div><p>Russian Foreign Minister Sergey Lavrov met his Indian counterpart in Moscow"
        " on Tuesday for talks.<p>A second paragraph, never closed, and a stray </span></div></div>",
        encoding="utf-8",
    )
    result = ingest_paths(tmp_db, [cut, unclosed])
    assert result.errors == []
    texts = [get_article(tmp_db, i).text for i in result.added]
    assert texts == [
        PAGE_TEXT[: PAGE_TEXT.index("adding that")].rstrip(),
        "Russian Foreign Minister Sergey Lavrov met his Indian counterpart in Moscow on Tuesday for talks.\n\n"
        "A second paragraph, never closed, and a stray",
    ]


# --- dumps: JSON lines, CSV, JSON arrays ----------------------------------------------------


JSONL = [
    # NewsAPI's shape: the outlet as {"name": ...}, the date in UTC.
    {
        "title": "Rates held",
        "description": "A summary, not the text",
        "content": "The central bank kept its main rate unchanged.\r\nIt cited slowing inflation.",
        "publishedAt": "2024-03-05T10:30:00Z",
        "url": "https://wire.example/rates",
        "source": {"id": None, "name": "Wire"},
        "author": ["A. One", "B. Two"],
    },
    '{"title": "cut off',  # not JSON
    # An RSS item: pubDate as RFC 2822, a byline, a link.
    {
        "headline": "Talks go on",
        "body": "Talks went on late into the night, the ministry said.",
        "pubDate": "Tue, 05 Mar 2024 22:15:00 +0100",
        "link": "https://courier.example/talks",
        "publisher": "The Daily Courier",
        "byline": "Anna Petrova",
    },
    {"title": "No text here", "url": "https://x.example/none"},
    {"text": "A date nobody can read.", "date": "05/03/2024"},
    {"article": "An undated brief."},
]


def write_jsonl(path: Path) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in JSONL]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_json_lines_one_article_per_record_and_a_line_per_bad_record(tmp_db, tmp_path: Path) -> None:
    dump = write_jsonl(tmp_path / "feed.jsonl")
    result = ingest_paths(tmp_db, [dump])
    assert result.errors == [
        f"{dump}:2: not JSON (Invalid control character at column 19)",  # the line's end, in a string
        f"{dump}:4: no text field (one of text, body, content, article; name another with --field text=FIELD);"
        " its fields: 'title', 'url'",
        f"{dump}:5: date '05/03/2024' is not one newsmark reads (ISO 8601 like 2024-03-05, RFC 2822,"
        " a Unix time, or 5 March 2024)",
    ]
    assert result.summary == "3 added, 0 already present, 3 skipped"
    first = stored(tmp_db, f"{dump}:1")
    # "content" is the text ("description" is not one of its names); line endings normalised.
    assert first.text == "The central bank kept its main rate unchanged.\nIt cited slowing inflation."
    assert (first.title, first.date, first.url, first.outlet, first.author) == (
        "Rates held",
        "2024-03-05T10:30:00+00:00",  # publishedAt: published_at, whatever the case and separators
        "https://wire.example/rates",
        "Wire",
        "A. One, B. Two",
    )
    rss = stored(tmp_db, f"{dump}:3")
    assert (rss.title, rss.date, rss.url, rss.outlet, rss.author) == (
        "Talks go on",
        "2024-03-05T22:15:00+01:00",
        "https://courier.example/talks",
        "The Daily Courier",
        "Anna Petrova",
    )
    brief = stored(tmp_db, f"{dump}:6")
    assert (brief.text, brief.title, brief.date) == ("An undated brief.", "An undated brief.", None)


def test_a_field_option_names_the_fields_a_dump_calls_otherwise(tmp_db, tmp_path: Path) -> None:
    dump = tmp_path / "archive.jsonl"
    record = {"story_body": "Body under another name.", "released": "2024-01-02", "id": 7}
    dump.write_text(json.dumps(record) + "\n", encoding="utf-8")
    refused = ingest_paths(tmp_db, [dump])
    assert refused.errors == [
        f"{dump}:1: no text field (one of text, body, content, article; name another with --field"
        " text=FIELD); its fields: 'story_body', 'released', 'id'"
    ]
    result = ingest_paths(tmp_db, [dump], fields={"text": "story_body", "date": "Released"})
    assert result.errors == []
    article = get_article(tmp_db, result.added[0])
    assert (article.text, article.date) == ("Body under another name.", "2024-01-02")
    named = ingest_paths(tmp_db, [dump], fields={"text": "missing"})
    assert named.errors == [f"{dump}:1: no field 'missing' (named with --field text=)"]


CSV_TEXT = (
    "title,body,date,outlet,author\r\n"
    'First,"Body one, with a comma.",2024-01-02,Courier,Anna Petrova\r\n'
    "\r\n"  # an empty row
    'Second,"Body two\r\non two lines.",2024-01-03T08:00:00Z,Courier,\r\n'
    "Third,too,many,fields,in,this,row\r\n"
    'Fourth,"Body four, after the others.",1709634600,Wire,John Smith\r\n'
)


def test_csv_one_article_per_row_and_a_line_per_bad_row(tmp_db, tmp_path: Path) -> None:
    dump = tmp_path / "export.csv"
    dump.write_bytes(CSV_TEXT.encode("utf-8"))
    result = ingest_paths(tmp_db, [dump])
    assert result.errors == [f"{dump}:3: empty row", f"{dump}:6: 7 fields where the header has 5"]
    assert len(result.added) == 3
    rows = tmp_db.execute("select source, title, text, date, outlet, author from articles order by rowid")
    assert rows.fetchall() == [
        (f"{dump}:2", "First", "Body one, with a comma.", "2024-01-02", "Courier", "Anna Petrova"),
        (f"{dump}:4", "Second", "Body two\non two lines.", "2024-01-03T08:00:00+00:00", "Courier", None),
        (
            f"{dump}:7",
            "Fourth",
            "Body four, after the others.",
            "2024-03-05T10:30:00+00:00",
            "Wire",
            "John Smith",
        ),
    ]


def test_csv_without_a_text_column_names_the_columns_it_found(tmp_db, tmp_path: Path) -> None:
    dump = tmp_path / "wrong.csv"
    dump.write_text("id,headline,story_body\n1,Rates held,Body.\n", encoding="utf-8")
    assert ingest_paths(tmp_db, [dump]).errors == [
        f"{dump}: no text column (columns: id, headline, story_body); name it with --field text=COLUMN"
    ]
    result = ingest_paths(tmp_db, [dump], fields={"text": "story_body"})
    assert (result.errors, get_article(tmp_db, result.added[0]).title) == ([], "Rates held")


def test_json_array_one_article_per_record_numbered_from_one(tmp_db, tmp_path: Path) -> None:
    dump = tmp_path / "items.json"
    records = [
        {"title": "J1", "text": "JSON array article one.", "published_at": "5 March 2024", "site": "Wire"},
        {"title": "J2"},
        "not a record",
        {"title": "J4", "content": "JSON array article four.", "published": 1709634600000},
    ]
    dump.write_text(json.dumps({"status": "ok", "totalResults": 4, "articles": records}), encoding="utf-8")
    result = ingest_paths(tmp_db, [dump])
    assert result.errors == [
        f"{dump}:2: no text field (one of text, body, content, article; name another with --field"
        " text=FIELD); its fields: 'title'",
        f"{dump}:3: not a JSON object (a str)",
    ]
    assert [(a.source, a.date, a.outlet) for a in map(lambda i: get_article(tmp_db, i), result.added)] == [
        (f"{dump}:1", "2024-03-05", "Wire"),
        (f"{dump}:4", "2024-03-05T10:30:00+00:00", None),
    ]
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"text": "a"},\n  {"text": }\n]', encoding="utf-8")
    assert ingest_paths(tmp_db, [broken]).errors == [f"{broken}:3: not JSON (Expecting value at column 12)"]


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T10:30:00Z", "2024-03-05T10:30:00+00:00"),
        ("2024-03-05 10:30", "2024-03-05T10:30:00"),
        ("20240305", "2024-03-05"),
        ("Tue, 05 Mar 2024 10:30:00 GMT", "2024-03-05T10:30:00+00:00"),
        ("Tuesday, March 5, 2024", "2024-03-05"),
        ("5 March 2024", "2024-03-05"),
        ("20240305103000", "2024-03-05T10:30:00"),
        (1709634600, "2024-03-05T10:30:00+00:00"),
        ("1709634600000", "2024-03-05T10:30:00+00:00"),
        ("", None),
        (None, None),
    ],
)
def test_dates_become_iso_8601_as_precise_as_given(value: object, iso: str | None) -> None:
    from newsmark.store.ingest.dates import iso_date

    assert iso_date(value) == iso


@pytest.mark.parametrize("value", ["05/03/2024", "March 2024", "yesterday", True, [2024]])
def test_dates_that_would_need_a_guess_are_refused(value: object) -> None:
    from newsmark.store.ingest.dates import DateProblem, iso_date

    with pytest.raises(DateProblem):
        iso_date(value)


# --- crawls: WARC -------------------------------------------------------------------------


def write_warc(path: Path, *, gzip: bool = True) -> list[int]:
    """One HTML page, one image, one redirect (and a request record, which is no content);
    returns the records' offsets."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    offsets = []
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gzip)

        def response(uri: str, status: str, content_type: str, body: bytes, **headers: str) -> None:
            http = StatusAndHeaders(
                status, [("Content-Type", content_type), *headers.items()], protocol="HTTP/1.1"
            )
            offsets.append(f.tell())
            payload = io.BytesIO(body)
            writer.write_record(
                writer.create_warc_record(uri, "response", payload=payload, http_headers=http)
            )

        response(
            "https://courier.example/world/lavrov-talks?utm=feed",
            "200 OK",
            "text/html; charset=utf-8",
            PAGE.encode("utf-8"),
        )
        response("https://courier.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64))
        response(
            "https://courier.example/old",
            "301 Moved Permanently",
            "text/html",
            b"<html><body>Moved</body></html>",
            Location="https://courier.example/new",
        )
        offsets.append(f.tell())
        writer.write_record(
            writer.create_warc_record(
                "https://courier.example/logo.png",
                "request",
                payload=io.BytesIO(b"GET /logo.png HTTP/1.1\r\n\r\n"),
            )
        )
    return offsets


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_a_crawl_gives_its_pages_and_counts_what_it_leaves_out(tmp_db, tmp_path: Path, name: str) -> None:
    crawl = tmp_path / name
    offsets = write_warc(crawl, gzip=name.endswith(".gz"))
    result = ingest_paths(tmp_db, [crawl])
    assert (len(result.added), result.errors, result.left_out) == (1, [], 2)
    assert result.summary == "1 added, 0 already present, 0 skipped, 2 crawl records left out (not pages)"
    article = get_article(tmp_db, result.added[0])
    assert article.text == PAGE_TEXT  # the same extraction as a saved page's
    assert (article.source, article.url, article.outlet, article.date) == (
        f"{crawl}:{offsets[0]}",
        "https://courier.example/world/lavrov-talks?utm=feed",  # the record's, not the page's canonical
        "The Daily Courier",
        "2024-03-05",
    )


def test_a_truncated_crawl_names_the_record_and_keeps_what_came_before(tmp_db, tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc.gz"
    offsets = write_warc(whole)
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: offsets[2] + 40])  # inside the redirect's record
    result = ingest_paths(tmp_db, [cut])
    assert result.errors == [f"{cut}:{offsets[2]}: truncated record (the file ends inside it)"]
    assert (len(result.added), result.left_out) == (1, 1)
    cut.write_bytes(data[: offsets[0] + 300])  # inside the page's record: no half page is stored
    again = ingest_paths(tmp_db, [cut])
    assert (again.errors, again.added, again.present) == (
        [f"{cut}:{offsets[0]}: truncated record (the file ends inside it)"],
        [],
        [],
    )
    not_warc = tmp_path / "notes.warc"
    not_warc.write_text("hello\nworld\n", encoding="utf-8")
    assert ingest_paths(tmp_db, [not_warc]).errors == [
        f"{not_warc}:0: not a WARC file (Unknown archive format, first line: ['hello'])"
    ]


# --- the reading processes -------------------------------------------------------------------


def test_pages_and_crawls_extracted_in_other_processes_store_what_reading_here_does(
    tmp_path: Path, monkeypatch
) -> None:
    from newsmark.store.ingest import reading

    corpus = tmp_path / "corpus"
    write_pages(corpus)
    write_warc(corpus / "crawl.warc.gz")
    write_jsonl(corpus / "feed.jsonl")
    (corpus / "note.txt").write_text("A note\nWith a body.\n", encoding="utf-8")
    here = open_db(tmp_path / "here.db")
    expected = ingest_paths(here, [corpus])

    monkeypatch.setattr(reading, "PARALLEL_PAGES_MIN", 2)
    monkeypatch.setattr(reading, "PAGE_CHUNK", 1)
    submitted: list[int] = []
    import concurrent.futures

    class CountingPool(concurrent.futures.ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            submitted.append(len(args[0]))
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountingPool)
    there = open_db(tmp_path / "there.db")
    progress: list[int] = []
    got = ingest_paths(there, [corpus], on_file=lambda _p, n, _t: progress.append(n))
    assert len(submitted) >= 5  # pages, the crawl's page and the text file went to the processes
    assert (got.added, got.present, got.errors, got.left_out) == (
        expected.added,
        expected.present,
        expected.errors,
        expected.left_out,
    )
    assert progress == [1, 2, 3, 4, 5, 6, 7]  # a file at a time, the dump and the crawl included
    columns = "id, source, title, text, word_count, date, url, outlet, author"
    assert (
        there.execute(f"select {columns} from articles order by rowid").fetchall()
        == here.execute(f"select {columns} from articles order by rowid").fetchall()
    )
    here.conn.close()
    there.conn.close()


# --- the command line: ingest, search by metadata, export --------------------------------------


def corpus_for_cli(root: Path) -> Path:
    write_pages(root / "in" / "pages")
    write_jsonl(root / "in" / "feed.jsonl")
    write_warc(root / "in" / "crawl.warc.gz")
    return root / "in"


def test_ingest_then_search_by_outlet_and_date_then_export(tmp_path: Path) -> None:
    folder = corpus_for_cli(tmp_path)
    db = str(tmp_path / "n.db")
    runner = CliRunner()
    run = runner.invoke(main, ["ingest", "--no-analyze", "--db", db, str(folder)])
    assert run.exit_code == 1  # some pages and records were refused
    assert run.stdout.splitlines()[-1] == (
        "5 added, 1 already present, 5 skipped, 2 crawl records left out (not pages); 0 analysed"
    )
    assert f"newsmark: skipped {folder / 'pages' / 'login.html'}: no article text found" in run.stderr

    def search(*args: str) -> list[str]:
        run = runner.invoke(main, ["search", "--db", db, "--format", "jsonl", *args])
        assert run.exit_code == 0, run.output
        return [json.loads(line)["title"] for line in run.stdout.splitlines()]

    both = ["Lavrov and Jaishankar hold talks in Moscow", "Talks go on"]
    assert sorted(search("talks")) == both
    assert sorted(search("talks", "--outlet", "the daily courier", "--until", "2024-03-05")) == both
    assert search("talks", "--outlet", "Wire") == []
    assert sorted(search("talks", "--outlet", "daily COURIER")) == both  # part of the name, any case
    none = runner.invoke(main, ["search", "--db", db, "talks", "--outlet", "wire", "--since", "2024-01-01"])
    assert none.stdout == "No articles match 'talks' from an outlet named \"wire\", since 2024-01-01.\n"
    assert sorted(search("rates", "--outlet", "wire")) == ["Rates held", "[bold red]Breaking[/] rates held"]
    assert search("rates", "--since", "2024-01-01") == ["Rates held"]
    assert search("rates", "--until", "2023-12-31") == ["[bold red]Breaking[/] rates held"]
    assert search("rates", "--since", "2023-11-02", "--until", "2023-11-02") == [
        "[bold red]Breaking[/] rates held"
    ]
    assert search("brief", "--since", "2000-01-01") == []  # no date: in no range
    bad = runner.invoke(main, ["search", "--db", db, "rates", "--since", "March"])
    assert bad.exit_code == 2 and "'March' does not match the format '%Y-%m-%d'" in bad.stderr

    out = tmp_path / "out.jsonl"
    run = runner.invoke(
        main, ["export", "--db", db, "--format", "jsonl", "--status", "all", "--out", str(out)]
    )
    assert run.exit_code == 0, run.output
    metas = {r["meta"]["title"]: r["meta"] for r in map(json.loads, out.read_text().splitlines())}
    page = metas["Lavrov and Jaishankar hold talks in Moscow"]
    # The crawl (a folder's files come before its subfolders) stored the page first: its URL.
    assert {k: page[k] for k in ("date", "url", "outlet", "author")} == {
        "date": "2024-03-05",
        "url": "https://courier.example/world/lavrov-talks?utm=feed",
        "outlet": "The Daily Courier",
        "author": "Anna Petrova",
    }
    assert set(metas["An undated brief."]) == {"id", "title", "source", "status"}  # nothing unknown


def test_csv_export_has_a_column_for_each_piece_of_metadata(tmp_db, tmp_path: Path) -> None:
    from newsmark.store.annotations import add_annotation
    from newsmark.store.export import export_items
    from newsmark.store.export.csv import write_csv

    files = write_pages(tmp_path / "pages")
    (article_id,) = ingest_paths(tmp_db, [files["page"]]).added
    add_annotation(tmp_db, article_id, 0, 6, "SOURCE")
    out = io.StringIO()
    write_csv(export_items(tmp_db), out)
    [row] = csv.DictReader(io.StringIO(out.getvalue()))
    assert (row["date"], row["url"], row["outlet"], row["author"], row["text"]) == (
        "2024-03-05",
        "https://courier.example/world/lavrov-talks",
        "The Daily Courier",
        "Anna Petrova",
        "Lavrov",
    )


def test_titles_from_pages_are_shown_literally_never_as_markup(tmp_path: Path) -> None:
    files = write_pages(tmp_path / "pages")
    db = str(tmp_path / "n.db")
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", "--no-analyze", "--db", db, str(files["second"])]).exit_code == 0
    run = runner.invoke(main, ["search", "--db", db, "rates", "--outlet", "Wire"], env={"COLUMNS": "200"})
    assert run.exit_code == 0, run.output
    assert "│ [bold red]Breaking[/] rates held │" in run.stdout


def test_a_bad_field_option_is_one_line(tmp_path: Path) -> None:
    run = CliRunner().invoke(
        main, ["ingest", "--db", str(tmp_path / "n.db"), "--field", "body", str(tmp_path)]
    )
    assert (run.exit_code, run.stderr) == (
        1,
        "newsmark: --field body: write NAME=FIELD, as in --field text=story_body\n",
    )
    run = CliRunner().invoke(
        main, ["ingest", "--db", str(tmp_path / "n.db"), "--field", "words=x", str(tmp_path)]
    )
    assert run.stderr == (
        "newsmark: --field words=x: 'words' is not one of title, text, date, url, outlet, author\n"
    )


def test_the_summary_starts_a_line_of_its_own_after_the_bar(tmp_path: Path) -> None:
    """In a real terminal (a pty): the bar on stderr, the summary on stdout, never on one line."""
    folder = corpus_for_cli(tmp_path)
    main_fd, child_fd = pty.openpty()
    newsmark = Path(sys.executable).parent / "newsmark"
    run = subprocess.Popen(
        [str(newsmark), "ingest", "--no-analyze", "--db", str(tmp_path / "n.db"), str(folder)],
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"},
    )
    os.close(child_fd)
    output = b""
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # the child closed its side
            break
        if not chunk:
            break
        output += chunk
    run.wait(timeout=60)
    os.close(main_fd)
    # What the terminal shows: carriage returns and erases redraw the bar in place.
    shown = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", output).decode("utf-8")
    lines = [line.rsplit("\r", 1)[-1] for line in shown.replace("\r\n", "\n").split("\n")]
    summary = [line for line in lines if "added," in line]
    assert summary == [
        "5 added, 1 already present, 5 skipped, 2 crawl records left out (not pages); 0 analysed"
    ]
    assert [line for line in lines if line.startswith("reading ")] == ["reading " + "━" * 40 + " 6/6"]
