"""Bad input: each gets one line naming the file and the problem, and the rest goes on.

Also: encodings decoded only when a byte-order mark, a declaration or --encoding
says so; offsets stay code points through emoji, zero-width and right-to-left
characters; escape sequences in an article are stored as they are and shown as
visible symbols, never sent to the terminal.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner
from unprivileged import as_other_user, shared_folder

from newsmark.store.annotations import add_annotation
from newsmark.store.articles import get_article, list_page_after
from newsmark.store.check import check_database
from newsmark.store.export import export_items
from newsmark.store.export.jsonl import write_jsonl
from newsmark.store.ingest import ingest_paths, ingest_text
from newsmark.store.ingest.article_files import MAX_ARTICLE_BYTES

GOOD = "A good headline\nThe body of a good article.\n"


def texts(db) -> dict[str, str]:
    """Stored text by file name."""
    return {Path(r.source).name: get_article(db, r.id).text for r in list_page_after(db, None, 1000)}


# --- encodings ----------------------------------------------------------------------


def test_encodings_decoded_when_declared_else_refused(tmp_db, tmp_path: Path) -> None:
    cafe = "Café crème\nÀ la carte, señor.\n"
    files = {
        # decoded: a byte-order mark or a declaration says how
        "utf16le-bom.txt": "\ufeff".encode("utf-16-le") + cafe.encode("utf-16-le"),
        "utf16be-bom.txt": "\ufeff".encode("utf-16-be") + (cafe + "BE\n").encode("utf-16-be"),
        "utf32-bom.txt": (cafe + "32\n").encode("utf-32"),
        "utf8-bom.txt": b"\xef\xbb\xbf" + cafe.replace("Café", "Cafè").encode("utf-8"),
        "html-meta.txt": b'<meta charset="iso-8859-1">\n' + "Caf\xe9 in HTML\n".encode("latin-1"),
        "xml-decl.txt": b"<?xml version='1.0' encoding='ISO-8859-15'?>\n"
        + "Euro \u20ac\n".encode("iso-8859-15"),
        "emacs.txt": b"# -*- coding: latin-1 -*-\n" + "Na\xefve caf\xe9\n".encode("latin-1"),
        # "latin-1" with bytes 0x80-0x9F is Windows-1252, as browsers read it: curly quotes
        "latin1-smart.txt": b"-*- coding: latin-1 -*-\n\x93Quoted,\x94 he said \x96 twice.\n",
        "vim-line2.txt": b"Headline\n# vim: set fileencoding=cp1252 :\n\x93Hi\x94\n",
        # an ASCII-readable declaration of UTF-16 is false: read as UTF-8, as browsers do
        "xml-utf16-decl.txt": b'<?xml version="1.0" encoding="UTF-16"?>\n' + "Caf\u00e9 16\n".encode(),
        # prose that says "coding:" after the first two lines declares nothing
        "prose.txt": "Title\nBody\nRavi: -*- coding: rot13 -*- was a joke. Caf\u00e9.\n".encode(),
        # refused: nothing says how, or what is said is wrong
        "latin1-plain.txt": cafe.encode("latin-1"),
        "utf16-no-bom.txt": cafe.encode("utf-16-le"),
        "unknown-decl.txt": b"<meta charset=x-klingon>\nQapla'\n",
        "rot13-decl.txt": b"# -*- coding: rot13 -*-\nUryyb\n",
        "false-decl.txt": b'<meta charset="utf-8">\nCaf\xe9\n',
        "odd-utf16.txt": b"\xff\xfeA\x00B",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    result = ingest_paths(tmp_db, [tmp_path / name for name in files])
    p = {name: tmp_path / name for name in files}
    assert result.errors == [
        f"{p['latin1-plain.txt']}: not UTF-8 text (byte 0xe9 at offset 3)",
        f"{p['utf16-no-bom.txt']}: binary file, not text",
        f"{p['unknown-decl.txt']}: declares unknown text encoding 'x-klingon'",
        f"{p['rot13-decl.txt']}: declares unknown text encoding 'rot13'",
        f"{p['false-decl.txt']}: not valid utf-8 text as its declared encoding utf-8 says "
        "(byte 0xe9 at offset 26)",
        f"{p['odd-utf16.txt']}: not valid utf-16 text as its byte-order mark says (byte 0x42 at offset 4)",
    ]
    stored = texts(tmp_db)
    assert stored == {
        "utf16le-bom.txt": cafe,
        "utf16be-bom.txt": cafe + "BE\n",
        "utf32-bom.txt": cafe + "32\n",
        "utf8-bom.txt": cafe.replace("Café", "Cafè"),
        "html-meta.txt": '<meta charset="iso-8859-1">\nCafé in HTML\n',
        "xml-decl.txt": "<?xml version='1.0' encoding='ISO-8859-15'?>\nEuro €\n",
        "emacs.txt": "# -*- coding: latin-1 -*-\nNaïve café\n",
        "latin1-smart.txt": "-*- coding: latin-1 -*-\n“Quoted,” he said – twice.\n",
        "vim-line2.txt": "Headline\n# vim: set fileencoding=cp1252 :\n“Hi”\n",
        "xml-utf16-decl.txt": '<?xml version="1.0" encoding="UTF-16"?>\nCafé 16\n',
        "prose.txt": "Title\nBody\nRavi: -*- coding: rot13 -*- was a joke. Café.\n",
    }
    assert result.summary == "11 added, 0 already present, 6 skipped"


def test_encoding_option_decodes_what_nothing_declares(tmp_db, tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("Café crème\n".encode("latin-1"))
    (tmp_path / "wide.txt").write_bytes("Überschrift\n".encode("utf-16-le"))
    (tmp_path / "bom.txt").write_bytes("\ufeffMit BOM\n".encode("utf-16-le"))
    assert ingest_paths(tmp_db, [tmp_path / "latin.txt"], encoding="latin-1").errors == []
    assert ingest_paths(tmp_db, [tmp_path / "wide.txt"], encoding="utf-16-le").errors == []
    # A byte-order mark outranks --encoding: it cannot be wrong about itself.
    assert ingest_paths(tmp_db, [tmp_path / "bom.txt"], encoding="latin-1").errors == []
    assert texts(tmp_db) == {"latin.txt": "Café crème\n", "wide.txt": "Überschrift\n", "bom.txt": "Mit BOM\n"}
    wrong = ingest_paths(tmp_db, [tmp_path / "latin.txt"], encoding="nonsense-8")
    assert wrong.errors == [
        f"{tmp_path / 'latin.txt'}: unknown text encoding 'nonsense-8' (given with --encoding)"
    ]


def test_cli_encoding_option_and_bad_name(tmp_path: Path) -> None:
    from newsmark.cli.main import main

    (tmp_path / "latin.txt").write_bytes("Café crème\n".encode("latin-1"))
    db = tmp_path / "n.db"
    runner = CliRunner()
    refused = runner.invoke(main, ["--db", str(db), "ingest", "--no-analyze", str(tmp_path / "latin.txt")])
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[-1] == (
        f"newsmark: skipped {tmp_path / 'latin.txt'}: not UTF-8 text (byte 0xe9 at offset 3)"
    )
    done = runner.invoke(
        main,
        ["--db", str(db), "ingest", "--no-analyze", "--encoding", "latin-1", str(tmp_path / "latin.txt")],
    )
    assert (done.exit_code, done.stdout) == (0, "1 added, 0 already present, 0 skipped; 0 analysed\n")
    bad = runner.invoke(main, ["--db", str(db), "ingest", "--encoding", "base64", str(tmp_path)])
    assert (bad.exit_code, bad.stderr) == (1, "newsmark: --encoding base64: not a known text encoding\n")


# --- files: size, links, names, kinds ------------------------------------------------


def test_bad_files_each_one_line_and_the_rest_ingested(tmp_db, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.md").write_bytes(b" \n\t\n")
    (corpus / "binary.txt").write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)))
    (corpus / "nul-in-utf16.txt").write_bytes("\ufeffbad\x00text\n".encode("utf-16-le"))
    # 50 MB of real text: refused before it is read, with what to do about it.
    big = corpus / "huge.txt"
    with big.open("wb") as f:
        line = b"All work and no play makes a long article. " * 24 + b"\n"
        f.write(line * (50_000_000 // len(line) + 1))
    big_mb = big.stat().st_size / 1_000_000
    # Just under the limit: accepted (analysis splits long texts; the reader shows them).
    near = corpus / "near-limit.txt"
    near.write_bytes(b"Near the limit\n" + b"word " * ((MAX_ARTICLE_BYTES - 100) // 5))
    # One very long line (1 MB, no line break): stored whole, titled by its first words.
    (corpus / "one-line.txt").write_text("word " * 200_000)
    # Symbolic links: a folder loop, a self loop, a dangling link, a link to a device.
    (corpus / "sub").mkdir()
    (corpus / "sub" / "story.txt").write_text("Story in a sub folder\nText.\n")
    os.symlink("..", corpus / "sub" / "up")
    os.symlink("self.txt", corpus / "self.txt")
    os.symlink("nowhere.txt", corpus / "dangling.txt")
    os.symlink("/dev/zero", corpus / "zeros.txt")
    os.mkfifo(corpus / "pipe.txt")  # would block a reader forever
    # Odd but fine names: spaces, quotes, a leading dash, emoji, URI and glob characters.
    fine = ["with space.txt", 'quote\'s "double".txt', "-dash.txt", "emoji 📰.txt", "100% ?#[x]*.txt"]
    for i, name in enumerate(fine):
        (corpus / name).write_text(f"Odd name {i}\nBody {i}.\n")
    # Names that cannot be shown or stored as they are: refused, shown escaped on one line.
    bad_names = {
        b"new\nline.txt": "new\\nline.txt",
        b"esc\x1b]0;pwned\x07.txt": "esc\\x1b]0;pwned\\x07.txt",
        b"rtl\xe2\x80\xaetxt.exe.txt": "rtl\\u202etxt.exe.txt",
        b"latin\xe9.txt": "latin\\xe9.txt",
    }
    for raw in bad_names:
        with open(os.path.join(os.fsencode(corpus), raw), "wb") as f:
            f.write(b"Fine text\nIn a badly named file.\n")

    result = ingest_paths(tmp_db, [corpus, tmp_path / "missing.txt", tmp_path / "notes.pdf"])

    c = str(corpus)
    expected = [
        f"{tmp_path / 'missing.txt'}: no such file or folder",
        f"{tmp_path / 'notes.pdf'}: no such file or folder",
        f"{c}/dangling.txt: cannot read (No such file or directory)",
        f"{c}/esc\\x1b]0;pwned\\x07.txt: file name holds control characters; rename the file",
        f"{c}/huge.txt: {big_mb:.1f} MB is over the 5 MiB limit for one article; split it into smaller files",
        f"{c}/latin\\xe9.txt: file name is not valid UTF-8; rename the file",
        f"{c}/new\\nline.txt: file name holds control characters; rename the file",
        f"{c}/pipe.txt: not a regular file",
        f"{c}/rtl\\u202etxt.exe.txt: file name holds control characters; rename the file",
        f"{c}/self.txt: symbolic link loop",
        f"{c}/zeros.txt: not a regular file",
        f"{c}/blank.md: only whitespace, no text",
        f"{c}/binary.txt: binary file, not text",
        f"{c}/empty.txt: empty file",
        f"{c}/nul-in-utf16.txt: binary file, not text (it holds NUL characters)",
    ]
    assert sorted(result.errors) == sorted(expected)
    assert all("\n" not in e and "\x1b" not in e for e in result.errors)
    stored = texts(tmp_db)
    assert sorted(stored) == sorted(["good.txt", "near-limit.txt", "one-line.txt", "story.txt", *fine])
    assert stored["one-line.txt"] == "word " * 200_000
    titles = {Path(r.source).name: r.title for r in list_page_after(tmp_db, None, 1000)}
    assert titles["one-line.txt"] == ("word " * 16).strip() + "…"
    assert titles["emoji 📰.txt"] == "Odd name 3"
    assert len(stored["near-limit.txt"]) > 5_000_000


def test_unreadable_file_and_folder_are_reported() -> None:
    from newsmark.store import open_db

    with shared_folder() as shared:
        corpus = shared / "corpus"
        corpus.mkdir()
        (corpus / "good.txt").write_text(GOOD)
        secret = corpus / "secret.txt"
        secret.write_text("Secret headline\nHidden.\n")
        secret.chmod(0o000)
        locked = corpus / "locked"
        locked.mkdir()
        (locked / "inside.txt").write_text("Inside a locked folder\nText.\n")
        locked.chmod(0o000)
        corpus.chmod(0o777)
        db_path = shared / "n.db"

        def ingest() -> dict:
            db = open_db(db_path)
            result = ingest_paths(db, [corpus])
            db.close()
            return {"errors": result.errors, "added": len(result.added)}

        assert as_other_user(ingest) == {
            "errors": [
                f"{locked}: cannot read folder (Permission denied)",
                f"{secret}: cannot read (Permission denied)",
            ],
            "added": 1,
        }


# --- offsets through emoji, zero-width and right-to-left characters ------------------

TRICKY = (
    "👩‍👩‍👧 Family news 🇺🇦\n"
    "Zero\u200bwidth, joiner\u200d and a soft\u00adhyphen.\n"
    "\u202eRight to left override\u202c, Arabic: قال لافروف, Hebrew: אמר.\n"
    "Combining: cafe\u0301. Then Lavrov said “We will talk.” 🙂 and left.\n"
)


def test_offsets_after_emoji_and_invisible_characters_are_code_points(tmp_db, tmp_path: Path) -> None:
    path = tmp_path / "tricky.txt"
    path.write_text(TRICKY, encoding="utf-8")
    result = ingest_paths(tmp_db, [path])
    article_id = result.added[0]
    assert get_article(tmp_db, article_id).text == TRICKY  # nothing normalised away
    quote_start = TRICKY.index("“")
    quote_end = TRICKY.index("”") + 1
    speaker_start = TRICKY.index("Lavrov")
    arabic_start = TRICKY.index("قال")
    add_annotation(
        tmp_db,
        article_id,
        quote_start,
        quote_end,
        "QUOTE",
        speaker="Lavrov",
        speaker_start=speaker_start,
        speaker_end=speaker_start + 6,
    )
    add_annotation(tmp_db, article_id, arabic_start, arabic_start + len("قال لافروف"), "CLAIM")
    add_annotation(tmp_db, article_id, 0, 5, "SOURCE")  # the family emoji: 5 code points, 1 glyph

    out = tmp_path / "out.jsonl"
    with out.open("w", encoding="utf-8") as f:
        assert write_jsonl(export_items(tmp_db), f) == 1
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    spans = {s["label"]: s for s in record["spans"]}
    assert (spans["QUOTE"]["start"], spans["QUOTE"]["end"]) == (quote_start, quote_end)
    assert spans["QUOTE"]["text"] == "“We will talk.”"
    assert record["text"][quote_start:quote_end] == "“We will talk.”"
    assert record["text"][spans["QUOTE"]["speaker_start"] : spans["QUOTE"]["speaker_end"]] == "Lavrov"
    assert spans["CLAIM"]["text"] == "قال لافروف"
    assert spans["SOURCE"]["text"] == "👩‍👩‍👧"
    # Not UTF-8 bytes, not UTF-16 units: the quote starts well before its byte offset.
    assert quote_start < TRICKY.encode("utf-8").index("“".encode())
    assert quote_start < len(TRICKY[:quote_start].encode("utf-16-le")) // 2
    # `newsmark check` agrees: SQLite's substr counts code points too.
    assert check_database(tmp_db).span_problems == []


# --- text is shown, never interpreted ---------------------------------------------------

HOSTILE = (
    "Breaking \x1b]0;pwned title\x07 news \x1b[31mred\x1b[0m\n"
    "Clear screen \x1b[2J\x1b[H here; cursor up \x1b[5A; C1 CSI \x9b31m; DCS \x1bP1$r\x1b\\ end.\n"
    "Bell \x07, backspace \x08, delete \x7f, vertical tab \x0b, form feed \x0c.\n"
    "Lavrov said “We will talk.”\n"
)
CONTROL = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} - {"\n"}


def strips_text(widget) -> str:
    from textual.geometry import Region

    lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join("".join(segment.text for segment in strip) for strip in lines)


async def test_escape_sequences_are_stored_and_shown_as_symbols(tmp_path: Path) -> None:
    from newsmark.store import open_db
    from newsmark.tui.app import NewsmarkApp
    from newsmark.tui.keymap import load_keymap
    from newsmark.tui.widgets.article_view import ArticleView

    db_path = tmp_path / "n.db"
    db = open_db(db_path)
    article_id, _ = ingest_text(db, HOSTILE, "hostile.txt")
    assert get_article(db, article_id).text == HOSTILE  # stored exactly, escapes and all
    db.close()

    app = NewsmarkApp(db_path, keymap=load_keymap("default"), seed_if_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        library = "\n".join(strips_text(w) for w in app.screen.query("*") if w.size.area)
        assert not CONTROL & set(library), [c for c in library if c in CONTROL]
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        shown = "".join(segment.text for y in range(view.size.height) for segment in view.render_line(y))
        assert not CONTROL & set(shown), [c for c in shown if c in CONTROL]
        # Every control character is there as a visible symbol, in its place.
        assert "␛]0;pwned title␇" in shown
        assert "␛[2J␛[H" in shown
        assert "␈" in shown and "␡" in shown and "␋" in shown and "␌" in shown


async def test_reader_title_and_panels_show_escapes_as_symbols(tmp_path: Path) -> None:
    """The article's first line is its title: shown above the text, it must be as inert."""
    from newsmark.store import open_db
    from newsmark.tui.app import NewsmarkApp
    from newsmark.tui.keymap import load_keymap

    db_path = tmp_path / "n.db"
    db = open_db(db_path)
    ingest_text(db, HOSTILE, "hostile.txt")
    db.close()
    app = NewsmarkApp(db_path, keymap=load_keymap("default"), seed_if_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        for widget in app.screen.query("*"):
            if widget.size.area:
                text = strips_text(widget)
                assert not CONTROL & set(text), (widget, [c for c in text if c in CONTROL])
