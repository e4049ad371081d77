"""Ingest made fair: `newsmark ingest --no-analyze` against what a user would run instead.

The baseline is sqlite-utils' own command line on the same files: `sqlite-utils
insert-files` (each file's path and text) followed by `sqlite-utils enable-fts` over the
text with FTS5 and the tokenizer newsmark's schema uses (porter). Both are run as a user
runs them, each command in a fresh process (interpreter start and imports included), each
run into a fresh database; the two take turns, and the median of --repeats runs is kept.

newsmark indexes an article's title and text; a text file's title is its first line, which
is also in its text, so the baseline indexes the one column holding the whole file
(`content_text`) and both indexes hold the same words. Before timing, both databases are
checked to return the same files for words of several frequencies and a phrase (the run
fails if not).

Run from the repository root:

    .venv/bin/python bench/bench_ingest.py --articles 2000 --repeats 3

It prints the figures and writes bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's commands: newsmark and sqlite-utils
RESULTS = ROOT / "bench" / "results" / "ingest.json"
TOKENIZER = "porter"  # newsmark's articles_fts (store/schema.py, migration 0001)
TARGET = 1.0

# bench/ itself is first on sys.path when this script runs.
from synth import write_articles  # noqa: E402

# Words of several frequencies in the synthetic corpus (nearly every article, most, a
# quarter, a tenth), a form found only through porter's stemming (the seeds say
# "strengthen"), a prefix, a phrase, and a word in no article.
QUERIES = [
    "the",
    "putin",
    "jaishankar",
    "settlement",
    "strengthening",
    "sanction*",
    '"prime minister"',
    "zzqx",
]


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def run_commands(commands: list[list[str]]) -> list[float]:
    """Wall time of each command, run one after the other as a user would (output dropped)."""
    times = []
    for command in commands:
        started = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - started)
    return times


def newsmark_commands(db: Path, files: Path) -> list[list[str]]:
    return [[str(BIN / "newsmark"), "ingest", "--no-analyze", "--db", str(db), str(files)]]


def baseline_commands(db: Path, files: Path) -> list[list[str]]:
    sqlite_utils = str(BIN / "sqlite-utils")
    return [
        [
            *(sqlite_utils, "insert-files", str(db), "articles", str(files)),
            *("-c", "path:path", "-c", "content_text:content_text", "--pk", "path", "--silent"),
        ],
        [sqlite_utils, "enable-fts", str(db), "articles", "content_text", "--fts5", "--tokenize", TOKENIZER],
    ]


def hits(db: Path, path_column: str, query: str) -> list[str]:
    """The file names (stems are unique) of the articles matching `query` in the FTS index."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            f"select a.{path_column} from articles a join articles_fts f on f.rowid = a.rowid"
            " where articles_fts match ?",
            (query,),
        ).fetchall()
    finally:
        conn.close()
    return sorted(Path(row[0]).name for row in rows)


def check_same_hits(ours: Path, theirs: Path, n: int) -> dict[str, int]:
    """The same files for every query in both databases, or the run stops here."""
    counts = {}
    for query in QUERIES:
        mine, baseline = hits(ours, "source", query), hits(theirs, "path", query)
        if mine != baseline:
            only_ours = sorted(set(mine) - set(baseline))[:5]
            only_theirs = sorted(set(baseline) - set(mine))[:5]
            sys.exit(
                f"search hits differ for {query!r}: newsmark {len(mine)}, baseline {len(baseline)};"
                f" only newsmark e.g. {only_ours}, only baseline e.g. {only_theirs}"
            )
        counts[query] = len(mine)
    stored = [
        sqlite3.connect(db).execute("select count(*) from articles").fetchone()[0] for db in (ours, theirs)
    ]
    if stored != [n, n]:
        sys.exit(f"articles stored: newsmark {stored[0]}, baseline {stored[1]}, expected {n}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000, help="synthetic .txt articles")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each (the median is kept)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic articles")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default {RESULTS})")
    args = parser.parse_args()
    n = args.articles

    work = Path(tempfile.mkdtemp(prefix="newsmark-bench-ingest-"))
    try:
        files = work / "files"
        write_articles(files, n, seed=args.seed)
        size = sum(p.stat().st_size for p in files.rglob("*.txt"))
        ours_db, theirs_db = work / "newsmark.db", work / "baseline.db"
        ours_times: list[float] = []
        theirs_times: list[float] = []
        insert_files_times: list[float] = []  # the baseline's two commands, each on its own
        enable_fts_times: list[float] = []
        counts: dict[str, int] = {}
        for i in range(args.repeats):
            # Taking turns, the order alternating, so a busy moment on the machine falls on both.
            runs = [("newsmark", ours_db), ("baseline", theirs_db)]
            for name, db in runs if i % 2 == 0 else runs[::-1]:
                remove_db(db)
                if name == "newsmark":
                    ours_times.append(sum(run_commands(newsmark_commands(db, files))))
                    took = ours_times[-1]
                else:
                    inserting, indexing = run_commands(baseline_commands(db, files))
                    insert_files_times.append(inserting)
                    enable_fts_times.append(indexing)
                    theirs_times.append(inserting + indexing)
                    took = theirs_times[-1]
                print(f"  run {i + 1}: {name} {took:.2f} s", flush=True)
            if i == 0:
                counts = check_same_hits(ours_db, theirs_db, n)
                print(f"same search hits in both: {counts}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ours, theirs = statistics.median(ours_times), statistics.median(theirs_times)
    ratio = (n / ours) / (n / theirs)  # throughput, newsmark over the baseline
    verdict = "ok" if ratio >= TARGET else "BELOW TARGET"
    print(f"newsmark ingest --no-analyze: {ours:.2f} s ({n / ours:,.0f} articles/s)")
    inserting, indexing = statistics.median(insert_files_times), statistics.median(enable_fts_times)
    print(
        f"sqlite-utils insert-files + enable-fts: {theirs:.2f} s ({n / theirs:,.0f} articles/s;"
        f" insert-files {inserting:.2f} s, enable-fts {indexing:.2f} s)"
    )
    print(f"newsmark / baseline throughput: {ratio:.2f}x (target >= {TARGET:g}x: {verdict})")
    report = {
        "articles": n,
        "bytes": size,
        "repeats": args.repeats,
        "seed": args.seed,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        "newsmark_command": " ".join(newsmark_commands(Path("DB"), Path("FILES"))[0][1:]),
        "baseline_commands": [" ".join(c[1:]) for c in baseline_commands(Path("DB"), Path("FILES"))],
        "newsmark_s": ours,
        "baseline_s": theirs,
        "newsmark_runs_s": ours_times,
        "baseline_runs_s": theirs_times,
        "insert_files_s": inserting,
        "enable_fts_s": indexing,
        "newsmark_articles_per_s": n / ours,
        "baseline_articles_per_s": n / theirs,
        "ratio": ratio,
        "target": TARGET,
        "verdict": verdict,
        "search_hits": counts,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"results written to {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
