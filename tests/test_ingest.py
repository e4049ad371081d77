"""store.ingest: files to articles, idempotence, exact text, bad inputs; its parts alone
(walk, decode, titles, the reading process); and `newsmark import` reading as ingest reads."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from unprivileged import as_other_user, shared_folder

from newsmark.store.articles import get_article, list_page_after
from newsmark.store.ingest import ingest_paths, ingest_text
from newsmark.store.ingest.titles import title_for, word_count

SEED_TITLES = {
    "000_bec322a2207c2d7e.txt": "India, Russia Gear Up for Putin’s Visit: Lavrov and Jaishankar Hold Key Talks in Moscow",
    "001_75e423dfb05b201f.txt": "India and Russia on Thursday reaffirmed their resolve to deepen trade and…",
    "002_bdfb0737a03295ca.txt": "NEW DELHI: Russian Foreign Minister Sergey Lavrov announced on Thursday that…",
    "003_ac18db9d2749b516.txt": "Jaishankar Meets Counterpart Sergey Lavrov, Says India-Russia Ties In World's Interest",
    "004_785f2f0506f01fbf.txt": "Putin invites PM Modi to visit Russia in meeting with Jaishankar",
}

GOOD = "A headline here\nThe body of the article.\n"


def test_ingest_seeds(tmp_db, seeds_dir: Path) -> None:
    result = ingest_paths(tmp_db, [seeds_dir])
    assert (len(result.added), result.present, result.errors) == (5, [], [])
    assert result.summary == "5 added, 0 already present, 0 skipped"
    rows = list_page_after(tmp_db, None, 1000)
    assert {Path(r.source).name: r.title for r in rows} == SEED_TITLES
    for row in rows:
        article = get_article(tmp_db, row.id)
        assert article.text == Path(row.source).read_text(encoding="utf-8").replace("\r\n", "\n")
        assert row.word_count > 400
        assert not row.analyzed


def test_ingest_is_idempotent(tmp_db, seeds_dir: Path) -> None:
    first = ingest_paths(tmp_db, [seeds_dir])
    second = ingest_paths(tmp_db, [seeds_dir, seeds_dir / "000_bec322a2207c2d7e.txt"])
    assert second.added == []
    assert sorted(second.present) == sorted(first.added)
    assert second.summary == "0 added, 5 already present, 0 skipped"
    assert tmp_db.execute("select count(*) from articles").fetchone()[0] == 5


def test_same_text_twice_in_one_call(tmp_db, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "b.txt").write_text(GOOD)
    result = ingest_paths(tmp_db, [tmp_path / "a.txt", tmp_path / "b.txt"])
    assert (len(result.added), len(result.present)) == (1, 1)


def test_crlf_is_normalised_and_offsets_match_file(tmp_db, tmp_path: Path) -> None:
    raw = "Title line\r\nLavrov said “yes”.\r\nSecond\rline\r\n"
    path = tmp_path / "crlf.txt"
    path.write_bytes(raw.encode("utf-8"))
    result = ingest_paths(tmp_db, [path])
    article = get_article(tmp_db, result.added[0])
    assert article.text == "Title line\nLavrov said “yes”.\nSecond\nline\n"
    assert article.title == "Title line"
    start = article.text.index("“")
    assert article.text[start : start + 5] == "“yes”"
    # Offsets count characters of the file's text as a reader sees it, one per line break.
    normalised_file = path.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    assert normalised_file[start : start + 5] == "“yes”"


def test_utf8_bom_is_dropped(tmp_db, tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfHeadline\nBody.\n")
    result = ingest_paths(tmp_db, [path])
    assert get_article(tmp_db, result.added[0]).text == "Headline\nBody.\n"


def test_bad_inputs_each_reported_once_and_good_ones_ingested(tmp_db, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    md = tmp_path / "notes.md"
    md.write_text("# Markdown headline\n\nBody text.\n")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_bytes(b"  \r\n\t\n \n")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"PK\x03\x04\x00\x00\x01\x02 some zip")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café crème\n".encode("latin-1"))
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    missing = tmp_path / "missing.txt"

    result = ingest_paths(tmp_db, [missing, good, empty, blank, binary, latin, pdf, md])

    assert result.errors == [
        f"{missing}: no such file or folder",
        f"{pdf}: not a .txt, .md, .html, .htm, .jsonl, .json, .csv, .warc or .warc.gz file",
        f"{empty}: empty file",
        f"{blank}: only whitespace, no text",
        f"{binary}: binary file, not text",
        f"{latin}: not UTF-8 text (byte 0xe9 at offset 3)",
    ]
    assert all("\n" not in e for e in result.errors)
    assert len(result.added) == 2
    titles = sorted(r.title for r in list_page_after(tmp_db, None, 1000))
    assert titles == ["A headline here", "Markdown headline"]
    assert result.summary == "2 added, 0 already present, 6 skipped"


def test_nothing_good_adds_nothing(tmp_db, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = ingest_paths(tmp_db, [tmp_path])
    assert (result.added, len(result.errors)) == ([], 1)
    assert tmp_db.execute("select count(*) from articles").fetchone()[0] == 0


def test_folder_with_nested_files(tmp_db, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "a" / "b").mkdir(parents=True)
    (root / "top.txt").write_text("Top story\nText one.\n")
    (root / "a" / "mid.md").write_text("Middle story\nText two.\n")
    (root / "a" / "b" / "deep.TXT").write_text("Deep story\nText three.\n")
    (root / "a" / "b" / "image.png").write_bytes(b"\x89PNG\r\n")
    (root / "a" / "ignored.xml").write_text("<x/>\n")
    result = ingest_paths(tmp_db, [root])
    assert (len(result.added), result.errors) == (3, [])
    sources = sorted(Path(r.source).relative_to(root).as_posix() for r in list_page_after(tmp_db, None, 1000))
    assert sources == ["a/b/deep.TXT", "a/mid.md", "top.txt"]


def test_symlink_loops_do_not_hang_or_crash(tmp_db, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "story.txt").write_text(GOOD)
    os.symlink("..", root / "sub" / "up")  # a folder loop
    os.symlink("self.txt", root / "self.txt")  # a file that links to itself
    os.symlink("story.txt", root / "sub" / "alias.txt")  # the same file twice
    result = ingest_paths(tmp_db, [root])
    assert len(result.added) == 1
    assert result.errors == [f"{root / 'self.txt'}: symbolic link loop"]
    named = ingest_paths(tmp_db, [root / "self.txt"])
    assert named.errors == [f"{root / 'self.txt'}: broken symbolic link or link loop"]


def test_progress_callback(tmp_db, seeds_dir: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    ingest_paths(tmp_db, [seeds_dir], on_file=lambda p, n, t: calls.append((Path(p).name, n, t)))
    assert calls == [(name, i, 5) for i, name in enumerate(sorted(SEED_TITLES), 1)]


def test_seed_copy_ingested_from_elsewhere_is_present(tmp_db, seeds_dir: Path, tmp_path: Path) -> None:
    ingest_paths(tmp_db, [seeds_dir])
    copy = tmp_path / "copy.txt"
    shutil.copy(seeds_dir / "003_ac18db9d2749b516.txt", copy)
    result = ingest_paths(tmp_db, [copy])
    assert (result.added, len(result.present)) == ([], 1)


def test_title_rules(tmp_path: Path) -> None:
    assert title_for("\n\nShort headline\nbody", Path("x.txt")) == "Short headline"
    assert title_for("## A markdown title\nbody", Path("x.md")) == "A markdown title"
    assert title_for("A sentence that ends with a stop.\nbody", Path("x.txt")) == (
        "A sentence that ends with a stop."
    )
    long_line = "word " * 40
    assert title_for(long_line, Path("x.txt")) == ("word " * 16).strip() + "…"
    assert title_for("...\n", Path("name.txt")) == "..."
    assert title_for("\n\n  \nbody", "folder/name.md") == "name"  # a blank first line: the file's name


def test_word_count_counts_runs_of_non_space() -> None:
    assert word_count("Lavrov's “long-awaited” visit —\tat last\n\n") == 6
    assert word_count(" \n") == 0


def test_ingest_text(tmp_db) -> None:
    article_id, new = ingest_text(tmp_db, "Head\r\nBody\r\n", "import:1")
    assert new
    assert get_article(tmp_db, article_id).text == "Head\nBody\n"
    assert ingest_text(tmp_db, "Head\nBody\n", "import:2") == (article_id, False)


def test_utf16_with_bom_is_read_and_bom_only_is_empty(tmp_db, tmp_path: Path) -> None:
    wide = tmp_path / "wide.txt"
    wide.write_bytes("Überschrift\r\nText.\r\n".encode("utf-16"))
    bom_only = tmp_path / "bom.txt"
    bom_only.write_bytes(b"\xef\xbb\xbf")
    result = ingest_paths(tmp_db, [wide, bom_only])
    assert result.errors == [f"{bom_only}: empty file"]
    article = get_article(tmp_db, result.added[0])
    assert (article.text, article.title) == ("Überschrift\nText.\n", "Überschrift")


def mixed_corpus(root: Path, seeds_dir: Path) -> Path:
    """Good files, refused files and a duplicate text, in two folders."""
    corpus = root / "corpus"
    (corpus / "more").mkdir(parents=True)
    for seed in sorted(seeds_dir.glob("*.txt")):
        shutil.copy(seed, corpus / seed.name)
    shutil.copy(next(seeds_dir.glob("*.txt")), corpus / "more" / "copy.txt")  # already present
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "latin.txt").write_bytes("Caf\xe9 society\n".encode("latin-1"))
    for i in range(7):
        note = f"# Note {i}\n\nA quetzal, seen on day {i}.\n"
        (corpus / "more" / f"note{i}.md").write_text(note, encoding="utf-8")
    return corpus


def stored_rows(db) -> list[tuple]:
    return db.execute(
        "select id, source, title, text, word_count, version from articles order by rowid"
    ).fetchall()


def test_reading_in_a_second_process_stores_what_reading_here_does(
    tmp_path: Path, seeds_dir: Path, monkeypatch
) -> None:
    from newsmark.store import ingest as ingest_module
    from newsmark.store import open_db
    from newsmark.store.ingest import reading

    corpus = mixed_corpus(tmp_path, seeds_dir)
    here = open_db(tmp_path / "here.db")
    expected = ingest_paths(here, [corpus])
    assert len(expected.added) == 12 and len(expected.present) == 1 and len(expected.errors) == 2

    # Several small chunks, few read ahead: the order of results must still be the files' order.
    monkeypatch.setattr(reading, "PARALLEL_READ_MIN", 2)
    monkeypatch.setattr(reading, "READ_CHUNK", 3)
    monkeypatch.setattr(reading, "CHUNKS_AHEAD", 2)
    monkeypatch.setattr(ingest_module, "INSERT_BATCH", 4)
    monkeypatch.setattr(ingest_module, "BULK_FTS_MIN", 2)
    spawned = []
    import concurrent.futures

    class CountingPool(concurrent.futures.ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            spawned.append(len(args[0]))
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountingPool)
    there = open_db(tmp_path / "there.db")
    cache = there.execute("pragma cache_size").fetchone()[0]
    progress: list[int] = []
    got = ingest_paths(there, [corpus], on_file=lambda _p, n, _t: progress.append(n))
    assert there.execute("pragma cache_size").fetchone()[0] == cache  # the bulk load's cache is undone
    assert spawned == [3, 3, 3, 3, 3]  # 15 files read in the other process
    assert (got.added, got.present, got.errors) == (expected.added, expected.present, expected.errors)
    assert progress == list(range(1, 16))
    assert stored_rows(there) == stored_rows(here)
    # The search index was built batch by batch and agrees with the articles.
    there.execute("insert into articles_fts (articles_fts) values ('integrity-check')")
    notes = "select count(*) from articles_fts where articles_fts match 'quetzal'"
    assert there.execute(notes).fetchone()[0] == 7
    here.conn.close()
    there.conn.close()


@pytest.mark.parametrize("how", ["its result", "the next submit"])
def test_a_reading_process_that_dies_leaves_the_reading_to_this_one(
    tmp_path: Path, seeds_dir: Path, monkeypatch, how: str
) -> None:
    import concurrent.futures
    from concurrent.futures.process import BrokenProcessPool

    from newsmark.store import open_db
    from newsmark.store.ingest import reading

    corpus = mixed_corpus(tmp_path, seeds_dir)
    here = open_db(tmp_path / "here.db")
    ingest_paths(here, [corpus])
    monkeypatch.setattr(reading, "PARALLEL_READ_MIN", 2)
    monkeypatch.setattr(reading, "READ_CHUNK", 4)

    class DyingPool(concurrent.futures.ProcessPoolExecutor):
        """The second chunk's process is killed (by the OOM killer, say)."""

        calls = 0

        def submit(self, fn, /, *args, **kwargs):
            DyingPool.calls += 1
            if DyingPool.calls == 2:
                broken = BrokenProcessPool("a child process terminated abruptly")
                if how == "the next submit":
                    raise broken
                future: concurrent.futures.Future = concurrent.futures.Future()
                future.set_exception(broken)
                return future
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", DyingPool)
    there = open_db(tmp_path / "there.db")
    got = ingest_paths(there, [corpus])
    assert DyingPool.calls >= 2
    assert len(got.added) == 12 and len(got.errors) == 2
    assert stored_rows(there) == stored_rows(here)
    here.conn.close()
    there.conn.close()


def test_files_go_to_the_reading_process_in_chunks_bounded_by_bytes(monkeypatch) -> None:
    from newsmark.store.ingest import reading

    monkeypatch.setattr(reading, "READ_CHUNK", 3)
    monkeypatch.setattr(reading, "READ_CHUNK_BYTES", 100)
    sizes = [10, 10, 10, 10, 90, 20, 500, 1]
    files = [(f"f{i}", size, 1) for i, size in enumerate(sizes)]
    assert list(reading.chunked(files)) == [["f0", "f1", "f2"], ["f3", "f4"], ["f5"], ["f6"], ["f7"]]


@pytest.mark.parametrize("how", ["a script with no main guard", "a script on stdin"])
def test_the_reading_process_never_runs_the_callers_script(tmp_path: Path, seeds_dir: Path, how: str) -> None:
    """multiprocessing re-runs the caller's script in a new process; an unguarded script
    would ingest again in there (and `python -` has no file to re-run)."""
    import subprocess
    import sys

    corpus = mixed_corpus(tmp_path, seeds_dir)
    script = f"""
import concurrent.futures
from newsmark.store import ingest, open_db
from newsmark.store.ingest import reading

submitted = []
class Counting(concurrent.futures.ProcessPoolExecutor):
    def submit(self, fn, /, *args, **kwargs):
        submitted.append(fn.__name__)
        return super().submit(fn, *args, **kwargs)
concurrent.futures.ProcessPoolExecutor = Counting
reading.PARALLEL_READ_MIN, reading.READ_CHUNK = 2, 4
result = ingest.ingest_paths(open_db({str(tmp_path / "x.db")!r}), [{str(corpus)!r}])
print(result.summary, len(submitted))
"""
    repo = Path(__file__).resolve().parent.parent
    if how == "a script on stdin":
        run = subprocess.run(
            [sys.executable, "-"], input=script, capture_output=True, text=True, cwd=repo, timeout=120
        )
    else:
        (tmp_path / "unguarded.py").write_text(script, encoding="utf-8")
        run = subprocess.run(
            [sys.executable, str(tmp_path / "unguarded.py")],
            capture_output=True,
            text=True,
            cwd=repo,
            timeout=120,
        )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # no traceback from a process re-running the script
    assert run.stdout.split() == ["12", "added,", "1", "already", "present,", "2", "skipped", "4"]


# --- walk, alone ---------------------------------------------------------------------


def test_walk_lists_named_files_and_folders_in_order_and_reports_the_rest(tmp_path: Path) -> None:
    from newsmark.store.ingest.walk import iter_files

    root = tmp_path / "set"
    (root / "b").mkdir(parents=True)
    (root / "a").mkdir()
    for name in ["b/2.ann", "b/1.txt", "a/z.TXT", "top.txt", "skip.md", "..txt", ".txt"]:
        (root / name).write_text("x")
    os.symlink("a", root / "link-to-a")  # a folder through a link: not followed
    os.symlink("top.txt", root / "again.txt")  # the same file twice: listed once, as met first
    os.symlink("gone", root / "gone.ann")
    os.mkfifo(root / "pipe.txt")
    errors: list[str] = []
    named = [root, tmp_path / "missing", root / "skip.md", root / "b" / "1.txt"]
    files = list(iter_files(named, (".txt", ".ann"), errors))
    assert [Path(f.path).relative_to(root).as_posix() for f in files] == [
        "..txt",
        "again.txt",
        "a/z.TXT",
        "b/1.txt",
        "b/2.ann",
    ]
    assert [f.size for f in files] == [1] * 5
    assert errors == [
        f"{root}/gone.ann: cannot read (No such file or directory)",
        f"{root}/pipe.txt: not a regular file",
        f"{tmp_path / 'missing'}: no such file or folder",
        f"{root / 'skip.md'}: not a .txt or .ann file",
    ]


def test_walk_reports_a_folder_it_cannot_list_and_goes_on() -> None:
    """As a user other than root (root lists any folder whatever its mode)."""
    from newsmark.store.ingest.walk import iter_files

    with shared_folder() as shared:
        (shared / "locked").mkdir()
        (shared / "locked" / "inside.txt").write_text("x")
        (shared / "open").mkdir()
        (shared / "open" / "seen.txt").write_text("x")
        (shared / "locked").chmod(0o000)

        def walk() -> dict:
            errors: list[str] = []
            files = [
                f.path for f in iter_files([shared, shared / "locked" / "inside.txt"], (".txt",), errors)
            ]
            return {"files": files, "errors": errors}

        assert as_other_user(walk) == {
            "files": [str(shared / "open" / "seen.txt")],
            "errors": [
                f"{shared / 'locked'}: cannot read folder (Permission denied)",
                f"{shared / 'locked' / 'inside.txt'}: cannot read (Permission denied)",
            ],
        }


def test_shown_path_escapes_what_a_terminal_would_act_on() -> None:
    from newsmark.store.ingest.walk import shown_path

    assert shown_path("/news/café 📰.txt") == "/news/café 📰.txt"
    assert shown_path("a\nb\x1b[2J\u202e.txt") == "a\\nb\\x1b[2J\\u202e.txt"
    assert shown_path(os.fsdecode(b"latin\xe9.txt")) == "latin\\xe9.txt"


# --- decode, alone -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding", "text"),
    [
        ("Überschrift\r\n".encode("utf-16"), None, "Überschrift\r\n"),  # the mark is dropped, \r\n kept
        (b"\xef\xbb\xbfCaf\xc3\xa9", None, "Café"),
        ("Café".encode("latin-1"), "latin-1", "Café"),
        ("Café".encode("utf-16-be"), "UTF-16BE", "Café"),
        ("\ufeffMit BOM".encode("utf-16-le"), "latin-1", "Mit BOM"),  # a mark outranks --encoding
        (b"<meta charset=iso-8859-1>Caf\xe9", None, "<meta charset=iso-8859-1>Café"),
        (b"-*- coding: latin-1 -*-\n\x93Hi\x94", None, "-*- coding: latin-1 -*-\n“Hi”"),  # as cp1252
    ],
)
def test_decode_text(data: bytes, encoding: str | None, text: str) -> None:
    from newsmark.store.ingest.decode import decode_text

    assert decode_text(data, encoding) == text


@pytest.mark.parametrize(
    ("data", "encoding", "declarations", "problem"),
    [
        (b"Caf\xe9", None, True, "not UTF-8 text (byte 0xe9 at offset 3)"),
        (b"Caf\xe9", "klingon-8", True, "unknown text encoding 'klingon-8' (given with --encoding)"),
        (b"Caf\xe9", "rot13", True, "unknown text encoding 'rot13' (given with --encoding)"),
        (b"<?xml encoding='x-none'?>", None, True, "declares unknown text encoding 'x-none'"),
        (
            b"\xff\xfeA\x00B",
            None,
            True,
            "not valid utf-16 text as its byte-order mark says (byte 0x42 at offset 4)",
        ),
        # In data (declarations=False) a declaration is text like any other: UTF-8 it must be.
        (
            b'{"text": "<meta charset=latin-1>Caf\xe9"}',
            None,
            False,
            "not UTF-8 text (byte 0xe9 at offset 35)",
        ),
    ],
)
def test_decode_text_refuses_with_one_line(
    data: bytes, encoding: str | None, declarations: bool, problem: str
) -> None:
    from newsmark.store.ingest.decode import DecodeError, decode_text

    with pytest.raises(DecodeError) as refused:
        decode_text(data, encoding, declarations=declarations)
    assert str(refused.value) == problem


# --- newsmark import reads as ingest reads ----------------------------------------------


def test_import_reads_a_utf16_file_with_its_byte_order_mark(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsmark.cli.main import main
    from newsmark.store import open_db

    text = "Überschrift\r\n„Wir kommen“, sagte er.\r\n"
    quote = text.index("„")
    (tmp_path / "brat").mkdir()
    (tmp_path / "brat" / "doc.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "brat" / "doc.ann").write_bytes(
        f"T1\tQUOTE {quote} {quote + 12}\t„Wir kommen“\n".encode("utf-16")
    )
    line = {"text": "Zweiter Artikel: „Ja“.", "spans": [{"start": 17, "end": 21, "label": "QUOTE"}]}
    (tmp_path / "lines.jsonl").write_bytes(json.dumps(line, ensure_ascii=False).encode("utf-16"))
    db_path = tmp_path / "n.db"
    runner = CliRunner()
    for path in ["brat", "lines.jsonl"]:
        run = runner.invoke(main, ["import", str(tmp_path / path), "--db", str(db_path), "--no-analyze"])
        assert (run.exit_code, run.stderr) == (0, ""), run.output
    db = open_db(db_path)
    stored = db.execute(
        "select a.text, n.text from annotations n join articles a on a.id = n.article_id order by a.rowid"
    ).fetchall()
    assert stored == [
        ("Überschrift\n„Wir kommen“, sagte er.\n", "„Wir kommen“"),
        ("Zweiter Artikel: „Ja“.", "„Ja“"),
    ]
    db.conn.close()


def test_import_takes_no_declaration_from_the_data_in_a_json_lines_file(tmp_path: Path) -> None:
    """A web page's <meta charset> quoted in a record is data: the file stays UTF-8, as JSON is."""
    from click.testing import CliRunner

    from newsmark.cli.main import main
    from newsmark.store import open_db

    page = '<meta charset="windows-1252">\nCafé “crème”\n'
    (tmp_path / "pages.jsonl").write_text(json.dumps({"text": page}, ensure_ascii=False), encoding="utf-8")
    run = CliRunner().invoke(
        main, ["import", str(tmp_path / "pages.jsonl"), "--db", str(tmp_path / "n.db"), "--no-analyze"]
    )
    assert (run.exit_code, run.stderr) == (0, ""), run.output
    db = open_db(tmp_path / "n.db")
    assert db.execute("select text from articles").fetchall() == [(page,)]
    db.conn.close()


def test_import_decodes_what_encoding_says_as_ingest_does(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsmark.cli.main import main
    from newsmark.store import open_db

    text = "Café crème\nÀ la carte, señor.\n"
    (tmp_path / "brat").mkdir()
    (tmp_path / "brat" / "doc.txt").write_bytes(text.encode("latin-1"))
    (tmp_path / "brat" / "doc.ann").write_bytes("T1\tCLAIM 0 10\tCafé crème\n".encode("latin-1"))
    line = {"text": "Señor Núñez said so.", "spans": [{"start": 0, "end": 11, "label": "SOURCE"}]}
    (tmp_path / "lines.jsonl").write_bytes(json.dumps(line, ensure_ascii=False).encode("latin-1"))
    db = str(tmp_path / "n.db")
    runner = CliRunner()
    refused = runner.invoke(main, ["import", str(tmp_path / "lines.jsonl"), "--db", db, "--no-analyze"])
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"newsmark: {tmp_path / 'lines.jsonl'}: not UTF-8 text (byte 0xf1 at offset 12)\n",
    )
    for path in ["brat", "lines.jsonl"]:
        run = runner.invoke(
            main, ["import", str(tmp_path / path), "--encoding", "latin-1", "--db", db, "--no-analyze"]
        )
        assert (run.exit_code, run.stderr) == (0, ""), run.output
    bad = runner.invoke(main, ["import", str(tmp_path / "brat"), "--encoding", "base64", "--db", db])
    assert (bad.exit_code, bad.stderr) == (1, "newsmark: --encoding base64: not a known text encoding\n")
    stored = open_db(tmp_path / "n.db").execute(
        "select a.text, n.text from annotations n join articles a on a.id = n.article_id order by a.rowid"
    )
    assert stored.fetchall() == [(text, "Café crème"), ("Señor Núñez said so.", "Señor Núñez")]


def test_import_reports_a_folder_it_cannot_read_and_a_named_pipe() -> None:
    """A brat folder is walked as ingest walks one: nothing skipped silently, no pipe waited on.
    The locked folder is read as a user other than root, who meets its permissions."""
    from click.testing import CliRunner

    from newsmark.cli.main import main

    with shared_folder() as shared:
        corpus = shared / "brat"
        (corpus / "locked").mkdir(parents=True)
        (corpus / "locked" / "hidden.txt").write_text("Hidden\n")
        (corpus / "doc.txt").write_text("Seen\n")
        (corpus / "doc.ann").write_text("T1\tCLAIM 0 4\tSeen\n")
        os.mkfifo(corpus / "pipe.txt")
        (corpus / "locked").chmod(0o000)

        def import_() -> dict:
            run = CliRunner().invoke(
                main, ["import", str(corpus), "--db", str(shared / "n.db"), "--no-analyze"]
            )
            return {"exit": run.exit_code, "errors": run.stderr.splitlines(), "out": run.stdout}

        outcome = as_other_user(import_)
    assert (outcome["exit"], outcome["errors"]) == (
        1,
        [
            f"newsmark: {corpus / 'pipe.txt'}: not a regular file",
            f"newsmark: {corpus / 'locked'}: cannot read folder (Permission denied)",
        ],
    )
    assert outcome["out"].startswith("1 articles added, 0 already present; 1 annotations added")
