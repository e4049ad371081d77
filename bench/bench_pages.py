"""Ingest of saved web pages against trafilatura alone, in the same run, on the same files.

Run from the repository root:

    .venv/bin/python bench/bench_pages.py               # 10,000 pages
    .venv/bin/python bench/bench_pages.py --pages 500   # a quick look

The pages are the synthetic articles of bench/synth.py, each wrapped in a news site's
page (head with metadata, a cookie banner, navigation, related links, a footer,
scripts and styles), written as .html files, 100 per folder, in a temporary folder.

- newsmark: `store.ingest.ingest_paths` of the folder into a new database (no analysis):
  listing, reading, decoding, extraction (trafilatura), hashing, titles, storing, the
  search index, in one transaction; extraction in a process per core from
  PARALLEL_PAGES_MIN pages on.
- baseline: trafilatura alone, `bare_extraction` with the same options
  (store.ingest.pages.EXTRACTION_OPTIONS) on each file's text, in a process per core
  (a ProcessPoolExecutor on the same forkserver context, chunks of PAGE_CHUNK pages),
  storing nothing.

The figure is newsmark's throughput over the baseline's (budget: at least 0.8x), the
median of --repeats runs of each, interleaved. It prints a line and writes
bench/results/pages.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from synth import synthetic_articles  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "pages.json"
BUDGET = 0.8
OUTLETS = ["The Daily Courier", "Wire", "Morning Post", "The Ledger"]
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | {outlet}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{outlet}">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{date}T{hour:02d}:00:00+00:00">
<link rel="canonical" href="https://{host}/world/{stem}">
<link rel="stylesheet" href="/static/site.css">
<style>body {{ font-family: Georgia, serif }} .cookie {{ position: fixed; bottom: 0 }}</style>
<script>window.dataLayer = [{{"page": "{stem}", "section": "world"}}];</script>
<script async src="/static/ads.js"></script>
</head><body>
<div class="cookie" id="cookie-consent">We use cookies to personalise content and ads.
<button>Accept all</button> <button>Manage choices</button></div>
<header><a class="logo" href="/">{outlet}</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/opinion">Opinion</a></li></ul></nav></header>
<main><article>
<h1>{title}</h1>
<p class="byline">By <a href="/authors/{author_slug}">{author}</a> · <time datetime="{date}">{date}</time></p>
{paragraphs}
</article>
<aside class="related"><h2>More from {outlet}</h2><ul>{related}</ul></aside>
</main>
<footer><ul><li><a href="/about">About us</a></li><li><a href="/privacy">Privacy</a></li>
<li><a href="/terms">Terms</a></li></ul><p>© 2024 {outlet}. All rights reserved.</p></footer>
<script>document.querySelectorAll(".cookie button")
  .forEach(b => b.onclick = () => b.parentNode.remove());</script>
</body></html>
"""


def write_pages(folder: Path, n: int, seed: int) -> int:
    """`n` pages under `folder`; returns their total size in bytes."""
    rng = random.Random(seed)
    total = 0
    for stem, text in synthetic_articles(n, seed=seed):
        title, _, body = text.partition("\n\n")
        outlet = rng.choice(OUTLETS)
        author = rng.choice(["Anna Petrova", "John Smith", "Priya Nair", "Li Wei"])
        paragraphs = "\n".join(f"<p>{p}</p>" for p in body.strip().split("\n\n"))
        related = "".join(f'<li><a href="/world/{rng.randint(1, 9999)}">Story {i}</a></li>' for i in range(6))
        page = PAGE.format(
            title=title,
            outlet=outlet,
            host=outlet.lower().replace(" ", "") + ".example",
            author=author,
            author_slug=author.lower().replace(" ", "-"),
            date=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            hour=rng.randint(0, 23),
            stem=stem,
            paragraphs=paragraphs,
            related=related,
        )
        sub = folder / stem[:4]
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{stem}.html").write_text(page, encoding="utf-8")
        total += len(page.encode("utf-8"))
    return total


def extract_alone(paths: list[str]) -> int:
    """The baseline's work on a chunk: each file's text through trafilatura, nothing kept."""
    from trafilatura import bare_extraction

    from newsmark.store.ingest.pages import EXTRACTION_OPTIONS

    found = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            document = bare_extraction(f.read(), **EXTRACTION_OPTIONS)
        found += document is not None
    return found


def baseline(paths: list[str], chunk: int) -> float:
    start = time.perf_counter()
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=context) as pool:
        chunks = [paths[i : i + chunk] for i in range(0, len(paths), chunk)]
        found = sum(pool.map(extract_alone, chunks))
    assert found == len(paths), found
    return time.perf_counter() - start


def newsmark(folder: Path, db_path: Path, n: int) -> float:
    from newsmark.store import open_db
    from newsmark.store.ingest import ingest_paths

    for leftover in db_path.parent.glob(db_path.name + "*"):
        leftover.unlink()
    start = time.perf_counter()
    db = open_db(db_path)
    result = ingest_paths(db, [folder])
    db.conn.close()
    elapsed = time.perf_counter() - start
    assert len(result.added) == n and not result.errors, result.summary
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from newsmark.store.ingest.reading import PAGE_CHUNK

    work = Path(tempfile.mkdtemp(prefix="newsmark-pages-"))
    try:
        folder = work / "pages"
        size = write_pages(folder, args.pages, args.seed)
        paths = sorted(str(p) for p in folder.rglob("*.html"))
        ours, theirs = [], []
        for _ in range(args.repeats):  # interleaved, so a busy moment falls on both
            theirs.append(baseline(paths, PAGE_CHUNK))
            ours.append(newsmark(folder, work / "pages.db", args.pages))
        ours_s, theirs_s = statistics.median(ours), statistics.median(theirs)
        ratio = theirs_s / ours_s
        figure = {
            "name": f"ingest {args.pages:,} saved pages vs trafilatura alone, a process per core",
            "ratio": ratio,
            "budget": BUDGET,
            "verdict": "ok" if ratio >= BUDGET else "OVER BUDGET",
            "newsmark_s": ours_s,
            "trafilatura_alone_s": theirs_s,
            "pages_per_s": args.pages / ours_s,
            "runs_newsmark_s": ours,
            "runs_trafilatura_s": theirs,
            "pages_mb": size / 1e6,
            "cores": os.cpu_count(),
            "python": platform.python_version(),
        }
        print(
            f"{figure['name']}: {ratio:.2f}x (budget {BUDGET}x, {figure['verdict']});"
            f" newsmark {ours_s:.2f} s ({args.pages / ours_s:.0f} pages/s),"
            f" trafilatura alone {theirs_s:.2f} s; median of {args.repeats}"
        )
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(figure, indent=2) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
