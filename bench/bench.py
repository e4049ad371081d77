"""newsmark's benchmark: each figure against a baseline measured in the same run.

Run from the repository root (see bench/README.md):

    .venv/bin/python bench/bench.py            # 100,000 articles, about 10 minutes
    .venv/bin/python bench/bench.py --quick    # 10,000 articles, about 2 minutes

It builds its own data in a temporary folder (synthetic articles: the seeds'
sentences recombined, deterministic from --seed), prints a table and writes
bench/results/bench.json. Every timed figure is the median of --repeats runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# bench/ itself is first on sys.path when this script runs (and `bench` is this file).
from synth import SEEDS, long_article, synthetic_articles, write_articles  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "bench.json"
FIRST_PAINT = "FIRST-PAINT"


@dataclass
class Figure:
    section: str
    name: str
    value: float  # a ratio (higher is better unless `lower_is_better`) or an absolute figure
    unit: str  # "x" for ratios, "ms", "MB", "/s"
    budget: float | None = None
    lower_is_better: bool = False
    detail: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        if self.budget is None:
            return ""
        ok = self.value <= self.budget if self.lower_is_better else self.value >= self.budget
        return "ok" if ok else "OVER BUDGET"


def median_time(run: Callable[[], object], repeats: int, setup: Callable[[], object] | None = None) -> float:
    """Median wall time in seconds of `run` (after `setup`, untimed) over `repeats` runs."""
    times = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextmanager
def profiled(name: str, enabled: bool):
    """With --profile, a pyinstrument report per section in bench/results/profile-NAME.txt."""
    if not enabled:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler()
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        out = RESULTS.parent / f"profile-{name}.txt"
        out.write_text(profiler.output_text(unicode=True, color=False))
        print(f"  profile written to {out.relative_to(ROOT)}", file=sys.stderr)


async def painted(app) -> float:
    """perf_counter() once the app has processed what is pending and painted the result.

    call_after_refresh runs its callback after the next refresh of the screen, so
    this times a change up to its first frame (Pilot.pause instead waits for the
    process to look idle, which on a busy machine adds its own waiting)."""
    done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    app.screen.refresh()
    app.call_after_refresh(lambda: done.done() or done.set_result(time.perf_counter()))
    return await done


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def seeds_db(work: Path):
    """The seeds, ingested and analysed, plus one article of 20,000 words (analysed too)."""
    from newsmark.nlp.batch import analyze_articles
    from newsmark.nlp.pipeline import load_pipeline
    from newsmark.store import open_db
    from newsmark.store.articles import unanalyzed_article_ids
    from newsmark.store.ingest import ingest_paths, ingest_text

    path = work / "seeds.db"
    db = open_db(path)
    ingest_paths(db, [SEEDS])
    long_id, _ = ingest_text(db, long_article(20_000), "long-article.txt")
    analyze_articles(db, load_pipeline(), unanalyzed_article_ids(db))
    db.conn.close()
    return path, long_id


# -- 1. start to first paint ------------------------------------------------------


def first_paint_child(kind: str, db_path: str) -> None:
    """Runs in a subprocess: start an app headless, print the marker at its first paint.

    Both apps get the same hook: on Ready (Textual: "the first frame has been
    displayed") wait for the next refresh until the app shows what it is for
    (for newsmark: the library with its rows), then print the marker and exit."""
    if kind == "minimal":
        from textual.app import App
        from textual.widgets import Label

        class Minimal(App):
            def compose(self):
                yield Label("hello")

        base: type = Minimal
        css_path = None

        def painted(app) -> bool:
            return True

    else:
        from newsmark.tui.app import NewsmarkApp
        from newsmark.tui.screens.library import LibraryScreen

        base = NewsmarkApp
        # A subclass defined here would look for the stylesheet beside this file.
        css_path = str(Path(sys.modules[NewsmarkApp.__module__].__file__).parent / NewsmarkApp.CSS_PATH)

        def painted(app) -> bool:
            return isinstance(app.screen, LibraryScreen) and app.screen.article_list.row_count > 0

    class Timed(base):  # type: ignore[misc, valid-type]
        CSS_PATH = css_path

        def on_ready(self) -> None:
            self.call_after_refresh(self.check_painted)

        def check_painted(self) -> None:
            if painted(self):
                print(FIRST_PAINT, flush=True)
                self.exit()
            else:
                self.call_after_refresh(self.check_painted)

    if kind == "minimal":
        app = Timed()
    else:
        from newsmark.tui.keymap import load_keymap

        app = Timed(Path(db_path), keymap=load_keymap(), seed_if_empty=False)
    app.run(headless=True, size=(120, 40))


def time_first_paint(kind: str, db_path: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "_first_paint", kind, str(db_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == FIRST_PAINT:
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{kind}: the app exited without painting")
    proc.wait(timeout=30)
    return elapsed


def bench_first_paint(db_path: Path, repeats: int) -> list[Figure]:
    # Interleaved, so both see the same machine load; one warm-up each fills the OS file cache.
    time_first_paint("minimal", db_path), time_first_paint("newsmark", db_path)
    minimal, newsmark = [], []
    for _ in range(repeats):
        minimal.append(time_first_paint("minimal", db_path))
        newsmark.append(time_first_paint("newsmark", db_path))
    m, n = statistics.median(minimal), statistics.median(newsmark)
    return [
        Figure(
            "1 start",
            "first paint of the library vs a minimal Textual app",
            n / m,
            "x",
            1.5,
            lower_is_better=True,
            detail={"newsmark_ms": n * 1000, "minimal_app_ms": m * 1000},
        )
    ]


# -- 2. opening an article ----------------------------------------------------------


def bench_reader(db_path: Path, long_id: str, repeats: int) -> list[Figure]:
    from newsmark.store import open_db
    from newsmark.tui.app import NewsmarkApp
    from newsmark.tui.keymap import load_keymap
    from newsmark.tui.screens.reader import ReaderScreen

    db = open_db(db_path)
    seed_id = db.execute("select id from articles where source like '%004_%'").fetchone()[0]
    words = dict(db.execute("select id, word_count from articles").fetchall())
    db.conn.close()

    async def measure() -> dict[str, float]:
        app = NewsmarkApp(db_path, keymap=load_keymap(), seed_if_empty=False)
        results: dict[str, list[float]] = {
            seed_id: [],
            long_id: [],
            f"{seed_id}-direct": [],
            f"{long_id}-direct": [],
        }
        async with app.run_test(size=(120, 40)) as pilot:
            # As a reader opens the first article after seeing the list: once the start's
            # own background work (the warm-up imports, see NewsmarkApp.warm_up) is done.
            await app.workers.wait_for_complete()
            await pilot.pause()
            for _ in range(repeats + 1):  # the first of each is a warm-up
                for article_id in (seed_id, long_id):
                    start = time.perf_counter()
                    app.open_article(article_id)  # as the library does: the reader screen is reused
                    results[article_id].append(await painted(app) - start)  # and painted
                    screen = app.screen
                    assert isinstance(screen, ReaderScreen) and screen.article_id == article_id
                    assert screen.analyzed and any(i >= 0 for i in screen.view._entity_at)
                    # Direct: newsmark's own work, without Textual's screen machinery:
                    # read the article and its analysis, wrap, paint highlights, render the lines shown.
                    start = time.perf_counter()
                    screen.on_mount()
                    screen.view._wrap_width = 0
                    screen.view._rewrap()
                    for y in range(screen.view.size.height):
                        screen.view.render_line(y)
                    results[f"{article_id}-direct"].append(time.perf_counter() - start)
                    app.pop_screen()
                    await pilot.pause()
        medians = {k: statistics.median(v[1:]) for k, v in results.items()}
        # The very first open composes the reader screen; later ones reuse it.
        medians["first_open"] = results[seed_id][0]
        return medians

    times = asyncio.run(measure())
    return [
        Figure(
            "2 reader",
            f"open a seed article with highlights ({words[seed_id]} words)",
            times[seed_id] * 1000,
            "ms",
            50,
            lower_is_better=True,
            detail={
                "direct_ms": times[f"{seed_id}-direct"] * 1000,
                "first_open_of_session_ms": times["first_open"] * 1000,
            },
        ),
        Figure(
            "2 reader",
            f"open a {words[long_id]:,}-word article with highlights",
            times[long_id] * 1000,
            "ms",
            300,
            lower_is_better=True,
            detail={"direct_ms": times[f"{long_id}-direct"] * 1000},
        ),
    ]


# -- 3. analysis throughput -------------------------------------------------------


def bench_analysis(work: Path, n_texts: int, n_parallel: int, repeats: int, profile: bool) -> list[Figure]:
    from newsmark.nlp.batch import analyze_articles
    from newsmark.nlp.pipeline import load_pipeline
    from newsmark.store import open_db
    from newsmark.store.ingest import ingest_text

    nlp = load_pipeline()
    texts = [text for _, text in synthetic_articles(n_parallel, seed=3)]
    path = work / "analysis.db"
    remove_db(path)
    db = open_db(path)
    ids = [ingest_text(db, text, f"a{i}.txt")[0] for i, text in enumerate(texts)]

    def plain(n: int, processes: int = 1) -> None:
        for _ in nlp.pipe(texts[:n], batch_size=16, n_process=processes):
            pass

    def reset() -> None:
        db.execute("update articles set analysis_model = null")

    def ours(n: int, processes: int = 1) -> None:
        analyze_articles(db, nlp, ids[:n], n_process=processes)

    plain(20)  # warm-up: first calls allocate
    baseline = median_time(lambda: plain(n_texts), repeats)
    with profiled("analysis", profile):
        newsmark = median_time(lambda: ours(n_texts), repeats, setup=reset)
    one = median_time(lambda: ours(n_parallel, 1), 1, setup=reset)
    two = median_time(lambda: ours(n_parallel, 2), 1, setup=reset)
    db.conn.close()
    words = sum(len(t.split()) for t in texts[:n_texts])
    return [
        Figure(
            "3 analysis",
            f"analyse and store {n_texts} articles vs plain nlp.pipe",
            baseline / newsmark,
            "x",
            0.9,
            detail={
                "newsmark_s": newsmark,
                "nlp_pipe_s": baseline,
                "words_per_s": words / newsmark,
                "components": list(nlp.pipe_names),
            },
        ),
        Figure(
            "3 analysis",
            f"2 processes vs 1 ({n_parallel} articles, {os.cpu_count()} cores)",
            one / two,
            "x",
            None,
            detail={"one_process_s": one, "two_processes_s": two},
        ),
    ]


# -- 4. ingest ------------------------------------------------------------------------


def bench_ingest(
    work: Path, files_dir: Path, n: int, repeats: int, profile: bool
) -> tuple[list[Figure], Path]:
    from sqlite_utils import Database

    from newsmark.store import open_db
    from newsmark.store.articles import article_id_for
    from newsmark.store.ingest import ingest_paths
    from newsmark.store.ingest.article_files import iter_input_files
    from newsmark.store.ingest.titles import title_for, word_count
    from newsmark.store.timestamps import now_iso

    path = work / "big.db"
    plain_path = work / "plain.db"
    # The baseline gets the same rows ready-made: all it does is store them.
    rows = []
    for file, _size in iter_input_files([files_dir], []):
        text = Path(file).read_text(encoding="utf-8")
        rows.append(
            {
                "id": article_id_for(text),
                "source": str(file),
                "title": title_for(text, file),
                "text": text,
                "word_count": word_count(text),
                "ingested_at": now_iso(),
            }
        )

    def plain(with_search_index: bool = False) -> None:
        remove_db(plain_path)
        db = Database(plain_path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute(
            "create table articles (id text primary key, source text not null, title text not null,"
            " text text not null, word_count integer not null, ingested_at text not null,"
            " analysis_model text, analyzed_at text)"
        )
        with db.atomic():
            db["articles"].insert_all(rows, batch_size=500)
            if with_search_index:  # the same FTS5 index as newsmark's, built by sqlite-utils
                db["articles"].enable_fts(["title", "text"], tokenize="porter")
        db.conn.close()

    def read_only() -> None:
        """What reading the files costs by itself: read, decode, hash, title, count words."""
        for file, _size in iter_input_files([files_dir], []):
            text = Path(file).read_bytes().decode("utf-8")
            article_id_for(text), title_for(text, file), word_count(text)

    def ours() -> None:
        remove_db(path)
        db = open_db(path)
        result = ingest_paths(db, [files_dir])
        assert len(result.added) == n, result.summary
        db.conn.close()

    baseline = median_time(plain, repeats)
    # Not budgets: the arithmetic of the figure. Reading the files in one process and
    # building the search index are each measured on their own, and the same rows
    # stored and indexed for search by sqlite-utils.
    reading = median_time(read_only, repeats)
    with_index = median_time(lambda: plain(with_search_index=True), repeats)
    rows.clear()  # free them before newsmark's runs
    with profiled("ingest", profile):
        newsmark = median_time(ours, repeats)
    remove_db(plain_path)
    return [
        Figure(
            "4 ingest",
            f"ingest {n:,} files (no analysis) vs sqlite-utils insert_all of the same rows",
            baseline / newsmark,
            "x",
            0.5,
            detail={
                "newsmark_s": newsmark,
                "insert_all_s": baseline,
                "articles_per_s": n / newsmark,
                "reading_files_alone_s": reading,
                "insert_all_and_fts_s": with_index,
                "vs_insert_all_and_fts": with_index / newsmark,
            },
        )
    ], path


# -- 5. the library at scale (a subprocess, so its peak memory is its own) ------------


def date_the_articles(db_path: Path) -> None:
    """Publication dates over ten years (a date, or a date and time for one in three, many
    articles on each day) and one of 40 outlets for the synthetic articles, one in ten
    undated, as a corpus of dumps and saved pages has; the same for every run."""
    import sqlite3

    day = "date('2015-01-01', '+' || (rowid * 7919 % 3650) || ' days')"
    conn = sqlite3.connect(db_path)
    with conn:  # through the triggers that keep the library's copy (schema 0007)
        conn.execute(
            f"update articles set date = case when rowid % 10 = 0 then null"
            f" when rowid % 3 = 0 then {day} || 'T08:30:00+00:00' else {day} end,"
            " outlet = 'Outlet number ' || (rowid % 40) where date is null and outlet is null"
        )
    conn.close()


def library_child(db_path: str, repeats: int) -> None:
    from textual.widgets import Input

    from newsmark.tui.app import NewsmarkApp
    from newsmark.tui.keymap import load_keymap
    from newsmark.tui.library_rows import PAGE_SIZE, LibraryView
    from newsmark.tui.widgets.article_list import ArticleList

    out: dict[str, float] = {}

    async def main() -> None:
        start = time.perf_counter()
        app = NewsmarkApp(Path(db_path), keymap=load_keymap(), seed_if_empty=False)
        async with app.run_test(size=(120, 40)):
            await painted(app)
            table = app.screen.query_one(ArticleList)
            assert table.row_count > 0
            out["open_ms"] = (time.perf_counter() - start) * 1000
            out["articles"] = table.row_count

            async def step(action: Callable[[], object]) -> float:
                t = time.perf_counter()
                action()
                return (await painted(app) - t) * 1000

            screen = app.screen
            down = [await step(screen.action_cursor_down) for _ in range(30 * repeats)]
            pages = [await step(lambda: table.page(1)) for _ in range(30 * repeats)]
            jumps = []
            for i in range(repeats * 3):
                target = (table.row_count - 1) if i % 2 == 0 else table.row_count // (i + 2)
                jumps.append(await step(lambda t=target: setattr(table, "cursor", t)))
            out["scroll_down_ms"] = statistics.median(down)
            out["page_down_ms"] = statistics.median(pages)
            out["jump_ms"] = statistics.median(jumps)
            box = screen.query_one(Input)

            def typed(text: str) -> None:
                # What a key press in the box does: the value changes, the screen searches
                # and the list is repainted (Input.Changed is held so it runs once, here).
                with box.prevent(Input.Changed):
                    box.value = text
                screen.filter_changed()

            for word in ("sochi", "putin", "modi visit russia", "no 4242"):
                per_key = []
                for _ in range(repeats):
                    for k in range(1, len(word) + 1):
                        per_key.append(await step(lambda text=word[:k]: typed(text)))
                    # A long list's exact count comes later, from a worker (not timed).
                    while not all(w.is_finished for w in app.workers if w.group == "search-count"):
                        await asyncio.sleep(0.01)
                    await painted(app)
                    matches = table.row_count
                    await step(lambda: typed(""))
                out[f"search_keystroke_ms[{word}]"] = statistics.median(per_key)
                out[f"search_matches[{word}]"] = matches

            # Newest first (down the index on date, source, id, then the undated): the order
            # chosen (the list read again from its first page), a page down, and jumps to
            # pages never read, around the middle.
            def newest_first() -> None:
                screen.view = LibraryView(order="newest")
                screen.reload()

            def back_to_the_list() -> None:
                screen.view = LibraryView()
                screen.reload()

            chosen = []
            for _ in range(3 * repeats):
                chosen.append(await step(newest_first))
                await step(back_to_the_list)
            await step(newest_first)
            table.cursor = 0
            await painted(app)
            pages = [await step(lambda: table.page(1)) for _ in range(30 * repeats)]
            middle = table.row_count // 2
            jumps = [
                await step(lambda t=middle + (i - 3 * repeats) * 7 * PAGE_SIZE: setattr(table, "cursor", t))
                for i in range(6 * repeats)
            ]
            out["newest_order_ms"] = statistics.median(chosen)
            out["newest_page_down_ms"] = statistics.median(pages)
            out["newest_jump_ms"] = statistics.median(jumps)
        # VmHWM: this process's own peak (ru_maxrss would count the parent it was forked from).
        status = Path("/proc/self/status").read_text()
        out["peak_rss_mb"] = int(status.split("VmHWM:")[1].split()[0]) / 1024

    asyncio.run(main())
    print(json.dumps(out))


def bench_library(db_path: Path, repeats: int) -> list[Figure]:
    date_the_articles(db_path)
    proc = subprocess.run(
        [sys.executable, __file__, "_library", str(db_path), str(repeats)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    n = int(out["articles"])
    figures = [
        Figure(
            "5 library",
            f"open the library at {n:,} articles (app start to list shown)",
            out["open_ms"],
            "ms",
            1000,
            lower_is_better=True,
        ),
        Figure("5 library", "scroll one row (action to repaint)", out["scroll_down_ms"], "ms", 50, True),
        Figure("5 library", "scroll one page", out["page_down_ms"], "ms", 50, True),
        Figure("5 library", "jump to the end / the middle", out["jump_ms"], "ms", 50, True),
        Figure("5 library", "newest first: order chosen", out["newest_order_ms"], "ms", 50, True),
        Figure("5 library", "newest first: scroll one page", out["newest_page_down_ms"], "ms", 50, True),
        Figure("5 library", "newest first: jump to the middle", out["newest_jump_ms"], "ms", 50, True),
    ]
    for key, value in out.items():
        if key.startswith("search_keystroke_ms"):
            word = key[key.index("[") + 1 : -1]
            matches = int(out[f"search_matches[{word}]"])
            figures.append(
                Figure(
                    "5 library",
                    f"search as you type '{word}' ({matches:,} match), per key to repaint",
                    value,
                    "ms",
                    50,
                    True,
                )
            )
    figures.append(Figure("5 library", "peak memory of the app process", out["peak_rss_mb"], "MB", 250, True))
    return figures


# -- 6. export ------------------------------------------------------------------------


def bench_export(db_path: Path, n_annotations: int, repeats: int, profile: bool) -> list[Figure]:
    from newsmark.store import open_db
    from newsmark.store.export import export_items
    from newsmark.store.export.jsonl import write_jsonl
    from newsmark.store.timestamps import now_iso

    db = open_db(db_path)
    per_article = 10
    n_articles = n_annotations // per_article
    ids = [r[0] for r in db.execute("select id from articles order by rowid limit ?", [n_articles])]
    now = now_iso()
    with db.atomic():
        db.execute("delete from annotations")
        rows = []
        for article_id in ids:
            text = db.execute("select text from articles where id = ?", [article_id]).fetchone()[0]
            for k in range(per_article):
                start = k * 10
                rows.append((article_id, start, start + 5, "QUOTE", text[start : start + 5], now, now))
        db.conn.executemany(
            'insert into annotations (article_id, start, "end", label, text, created_at, updated_at)'
            " values (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    out = db_path.with_suffix(".jsonl")

    def plain() -> None:
        # The same rows read back: each article with its annotations, nothing written.
        for _ in db.execute(
            'select a.id, a.title, a.source, a.text, n.start, n."end", n.label, n.text from annotations n'
            " join articles a on a.id = n.article_id where n.deleted = 0 order by a.id, n.start"
        ):
            pass

    def ours() -> None:
        with out.open("w", encoding="utf-8") as f:
            write_jsonl(export_items(db, article_ids=ids), f)

    baseline = median_time(plain, repeats)
    with profiled("export", profile):
        newsmark = median_time(ours, repeats)
    out.unlink(missing_ok=True)
    db.conn.close()
    return [
        Figure(
            "6 export",
            f"jsonl export of {len(rows):,} annotations ({len(ids):,} articles) vs reading the rows",
            baseline / newsmark,
            "x",
            None,
            detail={"newsmark_s": newsmark, "read_rows_s": baseline},
        )
    ]


# -- 7. the sources screen at scale ----------------------------------------------------

# Given names with the spellings articles use for them (one source each, every spelling an alias).
GIVEN_NAMES = [
    ("Sergey", "Sergei"), ("Dmitry", "Dmitri"), ("Aleksandr", "Alexander"), ("Yevgeny", "Evgeny"),
    ("Mikhail", "Michail"), ("Elena", "Yelena"), ("Maria",), ("Anna",), ("John",), ("Priya",),
    ("Tom",), ("Ruth",), ("Olga",), ("Narendra",), ("Simon",), ("Margaret",), ("David",), ("Li",),
    ("Fatima",), ("Kwame",), ("Ines",), ("Pavel",), ("Hana",), ("Omar",),
]  # fmt: skip
# fmt: off
SYLLABLES = (
    "ka", "lo", "mir", "va", "sen", "dor", "pa", "ri", "no", "vik", "lav", "rov", "ja", "shan", "kar",
    "mo", "di", "pe", "skov", "tan", "bel", "gor", "us", "an",
)
ORGANISATIONS = (
    "Ministry", "Agency", "Council", "Party", "Union", "Bank", "Institute", "Corporation", "Court",
    "Commission",
)
# fmt: on


def synthetic_sources(n_articles: int, rng) -> list[tuple[str, list[str]]]:
    """(kind, aliases) for a corpus of `n_articles`: a person per four articles (family names
    made of syllables, given names in several spellings), an organisation per fifty, and
    unnamed sources by their description."""
    surnames = sorted({"".join(rng.sample(SYLLABLES, rng.randint(2, 3))).title() for _ in range(n_articles)})
    people: list[list[str]] = []
    spelled: set[str] = set()  # one spelling, one source
    while len(people) < n_articles // 4:
        given, surname = rng.choice(GIVEN_NAMES), rng.choice(surnames)
        names = [f"{g} {surname}" for g in given] + [f"{given[0][0]}. {surname}"]
        if names[0] not in spelled:
            people.append([name for name in names if name not in spelled])
            spelled.update(names)
    orgs = {f"{rng.choice(ORGANISATIONS)} of {rng.choice(surnames)}" for _ in range(n_articles // 50)}
    unnamed = {f"a spokesperson for the {org}" for org in sorted(orgs)[:300]}
    return (
        [("person", p) for p in people]
        + [("organisation", [o]) for o in sorted(orgs)]
        + [("unnamed", [u]) for u in sorted(unnamed)]
    )


def add_attributions(db_path: Path, seed: int) -> int:
    """Open suggestions for every article, said by sources of the corpus's (resolved as
    analysis resolves them: one source, its spellings as aliases). Who speaks follows a
    long tail, as in news: the most quoted source speaks in a tenth of the articles, most
    in one or two. Returns how many attributions were stored."""
    import random

    from newsmark.store import open_db
    from newsmark.store.sources.names import alias_key
    from newsmark.store.timestamps import now_iso

    rng = random.Random(seed)
    db = open_db(db_path)
    articles = db.execute("select id, length(text) from articles order by rowid").fetchall()
    sources = synthetic_sources(len(articles), rng)
    rng.shuffle(sources)
    weights = [1 / (rank + 1) ** 1.07 for rank in range(len(sources))]
    now = now_iso()
    rows = []
    for article_id, length in articles:
        for source_id in rng.choices(range(len(sources)), weights, k=rng.choice([0, 1, 2, 3, 3, 4, 5])):
            start = rng.randint(0, max(0, length - 150))
            end = min(length, start + rng.randint(40, 140))
            speaker = rng.choice(sources[source_id][1])
            kind = "direct" if rng.random() < 0.4 else "indirect"
            rows.append(
                (article_id, start, end, start + 1, end - start, speaker, kind, source_id + 1, article_id)
            )
    with db.atomic():  # through the triggers that keep each source's counts, as analysis stores them
        db.conn.executemany(
            "insert into sources (id, name, kind, created_at, updated_at) values (?, ?, ?, ?, ?)",
            [(i + 1, aliases[0], kind, now, now) for i, (kind, aliases) in enumerate(sources)],
        )
        db.conn.executemany(
            "insert into source_aliases (alias, source_id, key, surname) values (?, ?, ?, ?)",
            [
                (alias, i + 1, *alias_key(alias, kind))
                for i, (kind, aliases) in enumerate(sources)
                for alias in aliases
            ],
        )
        db.conn.executemany(
            "insert into suggestions"
            ' (article_id, start, "end", text, speaker, score, status, kind, source_id)'
            " select ?, ?, ?, substr(text, ?, ?), ?, 0.8, 'open', ?, ? from articles where id = ?",
            rows,
        )
    db.conn.close()
    return len(rows)


def sources_child(db_path: str, repeats: int) -> None:
    """Runs in a subprocess: the app on the big database, the sources screen opened from
    the library, searched as you type, a source opened, the list scrolled and re-sorted."""
    from textual.widgets import Input

    from newsmark.store.sources.listing import count_sources, list_sources
    from newsmark.tui.app import NewsmarkApp
    from newsmark.tui.keymap import load_keymap
    from newsmark.tui.screens.sources import SourcesScreen

    out: dict[str, float] = {}

    async def main() -> None:
        app = NewsmarkApp(Path(db_path), keymap=load_keymap(), seed_if_empty=False)
        async with app.run_test(size=(120, 40)):
            await painted(app)

            async def step(action: Callable[[], object]) -> float:
                t = time.perf_counter()
                action()
                return (await painted(app) - t) * 1000

            out["open_ms"] = await step(app.action_sources)  # the first time: the screen is composed
            screen = app.screen
            assert isinstance(screen, SourcesScreen) and screen.sources.row_count > 0
            reopen = []
            for _ in range(repeats):
                await step(app.pop_screen)
                reopen.append(await step(app.action_sources))
            out["reopen_ms"] = statistics.median(reopen)
            out["sources"] = count_sources(app.conn)
            box = screen.query_one(Input)

            def typed(text: str) -> None:
                # What a key press in the box does (Input.Changed held so the search runs once, here).
                with box.prevent(Input.Changed):
                    box.value = text
                screen.show_sources()

            top = list_sources(app.conn, limit=1)[0]
            for word in ("sergei", top.name.split()[-1].lower(), "ministry", "zzqx"):
                per_key = []
                for _ in range(repeats):
                    for k in range(1, len(word) + 1):
                        per_key.append(await step(lambda text=word[:k]: typed(text)))
                    await step(lambda: typed(""))
                out[f"search_keystroke_ms[{word}]"] = statistics.median(per_key)
                out[f"search_matches[{word}]"] = count_sources(app.conn, word)
                # The count that follows once typing pauses (on the event loop, not per key).
                counting = median_time(lambda word=word: count_sources(app.conn, word), repeats)
                out[f"count_ms[{word}]"] = counting * 1000
            out["scroll_down_ms"] = statistics.median(
                [await step(lambda: screen.action_cursor(1)) for _ in range(30)]
            )
            out["page_down_ms"] = statistics.median(
                [await step(lambda: screen.action_page(1)) for _ in range(30)]
            )
            out["sort_ms"] = statistics.median(
                [await step(screen.action_cycle_sort) for _ in range(2 * repeats)]
            )
            # The most quoted source (the worst case) and one from the middle of the list.
            middle = list_sources(
                app.conn, limit=1, after=list_sources(app.conn, limit=out["sources"] // 2)[-1]
            )[0]
            for label, source in (("top", top), ("typical", middle)):
                opened = []
                for _ in range(repeats):
                    opened.append(await step(lambda s=source: screen.open_source(s)))
                    await step(screen.close_source)
                out[f"open_source_ms[{label}]"] = statistics.median(opened)
                out[f"open_source_attributions[{label}]"] = source.attributions
        status = Path("/proc/self/status").read_text()
        out["peak_rss_mb"] = int(status.split("VmHWM:")[1].split()[0]) / 1024

    asyncio.run(main())
    print(json.dumps(out))


def bench_sources(db_path: Path, repeats: int, seed: int) -> list[Figure]:
    started = time.perf_counter()
    stored = add_attributions(db_path, seed)
    building = time.perf_counter() - started
    proc = subprocess.run(
        [sys.executable, __file__, "_sources", str(db_path), str(repeats)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    n = int(out["sources"])
    section = "7 sources"
    figures = [
        Figure(
            section,
            f"open the sources screen ({n:,} sources, {stored:,} attributions), first time",
            out["open_ms"],
            "ms",
            1000,
            lower_is_better=True,
            detail={"building_the_attributions_s": building},
        ),
        Figure(section, "open it again (kept as it was left)", out["reopen_ms"], "ms", 1000, True),
    ]
    for key, value in out.items():
        if key.startswith("search_keystroke_ms"):
            word = key[key.index("[") + 1 : -1]
            found = f"{int(out[f'search_matches[{word}]']):,}"
            figures.append(
                Figure(
                    section,
                    f"search as you type '{word}' ({found} sources), per key to repaint",
                    value,
                    "ms",
                    50,
                    True,
                    detail={"count_once_typing_pauses_ms": out[f"count_ms[{word}]"]},
                )
            )
    figures += [
        Figure(section, "scroll one row (action to repaint)", out["scroll_down_ms"], "ms", 50, True),
        Figure(section, "scroll one page (pages read as they come)", out["page_down_ms"], "ms", 50, True),
        Figure(section, "sort by name / by count", out["sort_ms"], "ms", 50, True),
    ]
    for label in ("top", "typical"):
        said = int(out[f"open_source_attributions[{label}]"])
        figures.append(
            Figure(
                section,
                f"open the {label} source's attributions ({said:,})",
                out[f"open_source_ms[{label}]"],
                "ms",
                None,
                True,
            )
        )
    figures.append(Figure(section, "peak memory of the app process", out["peak_rss_mb"], "MB", 250, True))
    return figures


# -- the run ------------------------------------------------------------------------------


def print_table(figures: list[Figure]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("section", "figure", "value", "budget", "", "baseline / detail", title="newsmark bench")
    for f in figures:
        value = f"{f.value:.2f}x" if f.unit == "x" else f"{f.value:,.1f} {f.unit}"
        budget = "" if f.budget is None else (("≤ " if f.lower_is_better else "≥ ") + f"{f.budget:g}{f.unit}")
        detail = ", ".join(
            f"{k} {v:,.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in f.detail.items()
        )
        table.add_row(f.section, f.name, value, budget, f.verdict, detail)
    Console(width=200).print(table)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10,000 articles instead of 100,000")
    parser.add_argument("--articles", type=int, default=None, help="articles for the scale figures")
    parser.add_argument("--repeats", type=int, default=3, help="runs per timed figure (the median is kept)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic articles")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default {RESULTS})")
    parser.add_argument("--only", default="1234567", help="sections to run, e.g. 45")
    parser.add_argument("--profile", action="store_true", help="pyinstrument reports in bench/results/")
    parser.add_argument("--keep", type=Path, default=None, help="build the data here and keep it")
    args = parser.parse_args()
    n = args.articles or (10_000 if args.quick else 100_000)
    n_analysis, n_parallel = (40, 120) if args.quick else (100, 400)

    work = args.keep or Path(tempfile.mkdtemp(prefix="newsmark-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    figures: list[Figure] = []
    started = time.perf_counter()

    errors: list[str] = []

    def section(name: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {name}", file=sys.stderr, flush=True)

    def run(name: str, measure: Callable[[], list[Figure]]) -> None:
        """One section; a failure is reported and recorded, and the others still run."""
        section(name)
        try:
            figures.extend(measure())
        except Exception as e:
            errors.append(f"{name}: {type(e).__name__}: {e}")
            traceback.print_exc()

    try:
        if set(args.only) & set("12"):
            section("building the seeds database (analysed) and a 20,000-word article")
            seeds_path, long_id = seeds_db(work)
            if "1" in args.only:
                # A start is a third of a second and the machine is noisy: three times the runs.
                run("1 start to first paint", lambda: bench_first_paint(seeds_path, 3 * args.repeats))
            if "2" in args.only:
                run("2 opening articles", lambda: bench_reader(seeds_path, long_id, args.repeats))
        if "3" in args.only:
            run(
                "3 analysis throughput",
                lambda: bench_analysis(work, n_analysis, n_parallel, args.repeats, args.profile),
            )
        if set(args.only) & set("4567"):
            files_dir = work / "files"
            if not files_dir.exists():
                section(f"writing {n:,} synthetic articles")
                write_articles(files_dir, n, seed=args.seed)
            section(f"4 ingest of {n:,} articles")
            ingest_figures, big_db = bench_ingest(work, files_dir, n, max(1, args.repeats - 1), args.profile)
            if "4" in args.only:
                figures.extend(ingest_figures)
            if "5" in args.only:
                run("5 the library at scale", lambda: bench_library(big_db, args.repeats))
            if "6" in args.only:
                run("6 export", lambda: bench_export(big_db, n, args.repeats, args.profile))
            if "7" in args.only:
                run("7 the sources screen at scale", lambda: bench_sources(big_db, args.repeats, args.seed))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    section("done")
    print_table(figures)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "articles": n,
        "repeats": args.repeats,
        "seed": args.seed,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        "seconds": round(time.perf_counter() - started, 1),
        "figures": [asdict(f) | {"verdict": f.verdict} for f in figures],
        "errors": errors,
    }
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"results written to {args.json}", file=sys.stderr)
    for error in errors:
        print(f"section failed: {error}", file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_first_paint":
        first_paint_child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "_library":
        library_child(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_sources":
        sources_child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
