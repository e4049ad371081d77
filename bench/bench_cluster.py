"""Analysis on Dask: throughput with 1 and 2 workers against plain `nlp.pipe` in the same run,
the rate at which the one database writer stores results, and whether `--processes N`
beats the in-process path at a few batch sizes.

Run from the repository root, with the `cluster` extra installed (see bench/README.md):

    .venv/bin/python bench/bench_cluster.py            # about 15 minutes on 2 cores
    .venv/bin/python bench/bench_cluster.py --only t   # throughput and storing only: about 4 minutes

Prints a table and writes bench/results/cluster.json. Every figure is the median of --repeats runs.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# bench/ is first on sys.path when this script runs: bench.py's figures and table, the synthetic corpus.
from synth import synthetic_articles  # noqa: E402

from bench import Figure, median_time, print_table, remove_db  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "cluster.json"
# Shards of the throughput figures: small enough that 2 workers get an even share of a small
# corpus (the last shard of a run leaves one worker idle while the other finishes it).
BENCH_SHARD_CHARS = 20_000
BATCH_SIZES = (20, 100, 400, 1000)
PATHS = ("in-process", "nlp.pipe n_process=2", "local cluster, 2 workers")


def build_db(path: Path, n: int) -> list[str]:
    """A database of `n` synthetic articles, not analysed; returns their ids in order."""
    from newsmark.store import open_db
    from newsmark.store.ingest import ingest_text

    remove_db(path)
    db = open_db(path)
    with db.atomic():
        ids = [ingest_text(db, text, f"{stem}.txt")[0] for stem, text in synthetic_articles(n, seed=5)]
    db.conn.close()
    return ids


def fresh_copy(source: Path, target: Path) -> Path:
    remove_db(target)
    shutil.copyfile(source, target)
    return target


def bench_throughput(work: Path, n: int, repeats: int) -> list[Figure]:
    """The same texts through nlp.pipe and newsmark's analysis in this process, and on local
    clusters of 1 and of 2 workers (analysis only: shards out, results back), and analysed and
    stored by analyze_on_cluster; interleaved, so a busy moment on the machine hits all alike.
    Then the one writer storing those results."""
    from newsmark.nlp.analyze import analyze_texts
    from newsmark.nlp.cluster.run import cluster_client
    from newsmark.nlp.cluster.shards import shards
    from newsmark.nlp.pipeline import load_pipeline
    from newsmark.store import open_db
    from newsmark.store.articles import texts_for

    source = work / "unanalysed.db"
    ids = build_db(source, n)
    db = open_db(source)
    items = list(texts_for(db, ids))
    db.conn.close()
    texts = [text for _, text in items]
    pieces = list(shards(items, BENCH_SHARD_CHARS))
    nlp = load_pipeline()
    for _ in nlp.pipe(texts[:20], batch_size=16):  # warm-up: first calls allocate
        pass

    def plain() -> None:
        for _ in nlp.pipe(texts, batch_size=16):
            pass

    results: list = []
    with cluster_client(workers=1) as one, cluster_client(workers=2) as two:
        on_one, on_two = analysis_on(one, pieces), analysis_on(two, pieces)

        def on_two_kept() -> None:
            nonlocal results
            results = on_two()

        both = work / "both.db"
        seconds = interleaved(
            {
                "pipe": plain,
                "in_process": lambda: list(analyze_texts(nlp, items)),
                "one": on_one,
                "two": on_two_kept,
                "both": lambda: analyse_and_store(two, both, ids),
            },
            repeats,
            setups={"both": lambda: fresh_copy(source, both)},
        )
    store_s = time_storing(results, source, work / "stored.db", repeats)
    bulk_s, rows = time_bulk_insert(work / "stored.db", work / "bulk.db", repeats)
    result_bytes = len(pickle.dumps(results))
    pipe_s, one_s, two_s, both_s = (seconds[k] for k in ("pipe", "one", "two", "both"))
    chars = sum(len(t) for t in texts)
    shape = {"articles": n, "chars": chars, "shards": len(pieces), "shard_chars": BENCH_SHARD_CHARS}
    return [
        Figure("cluster", "nlp.pipe in this process", n / pipe_s, "/s", detail={"s": pipe_s, **shape}),
        Figure(
            "cluster",
            "newsmark's analysis in this process vs nlp.pipe",
            pipe_s / seconds["in_process"],
            "x",
            detail={"articles_per_s": n / seconds["in_process"], "s": seconds["in_process"]},
        ),
        Figure(
            "cluster",
            "1 Dask worker vs nlp.pipe",
            pipe_s / one_s,
            "x",
            0.9,
            detail={"articles_per_s": n / one_s, "s": one_s},
        ),
        Figure(
            "cluster",
            "2 Dask workers vs 1",
            one_s / two_s,
            "x",
            1.8,
            detail={"articles_per_s": n / two_s, "s": two_s, "cores": os.cpu_count()},
        ),
        Figure("cluster", "2 workers, analysed and stored", n / both_s, "/s", detail={"s": both_s}),
        Figure(
            "cluster",
            "storing results (the one writer)",
            n / store_s,
            "/s",
            detail={
                "s": store_s,
                "shards_per_s": len(pieces) / store_s,
                "chars_per_s": chars / store_s,
                "result_bytes_per_article": result_bytes / n,
            },
        ),
        Figure(
            "cluster",
            "the same rows bulk-inserted (what a loader of result files could reach)",
            n / bulk_s,
            "/s",
            detail={"s": bulk_s, **{f"{table}_rows": count for table, count in rows.items()}},
        ),
    ]


def interleaved(
    runs: dict[str, Callable[[], object]], repeats: int, setups: dict[str, Callable[[], object]]
) -> dict[str, float]:
    """Median seconds of each run, the runs taking turns (setups untimed)."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            if name in setups:
                setups[name]()
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def analysis_on(client, pieces: list[list[tuple[str, str]]]) -> Callable[[], list]:
    """A run that analyses every shard on the cluster and brings the results back here;
    the pipeline is loaded in each worker and warmed up first (untimed, as for nlp.pipe)."""
    from newsmark.nlp.cluster.worker import PipelineOnWorker, analyze_shard
    from newsmark.nlp.pipeline import DEFAULT_MODEL

    plugin = PipelineOnWorker(DEFAULT_MODEL)
    client.register_plugin(plugin)

    def analyse(some: list[list[tuple[str, str]]] = pieces) -> list:
        return client.gather(client.map(analyze_shard, some, plugin_name=plugin.name, pure=False))

    analyse(pieces[:4])
    return analyse


def time_storing(results: list, source: Path, target: Path, repeats: int) -> float:
    """Median seconds for the one writer to store every shard's results (store_shard)."""
    from newsmark.nlp.cluster.run import store_shard
    from newsmark.store import open_db

    def store_all() -> None:
        db = open_db(target)
        stored: set[str] = set()
        for result in results:
            store_shard(db, result, stored)
        db.conn.close()

    return median_time(store_all, repeats, setup=lambda: fresh_copy(source, target))


def time_bulk_insert(stored: Path, target: Path, repeats: int) -> tuple[float, dict[str, int]]:
    """Median seconds to insert the rows the writer stored into empty tables of the same shape
    (same pragmas, one transaction, indexes built after), with none of save_analysis's work:
    keeping the user's entities and decisions, resolving speakers, the library's triggers."""
    source = sqlite3.connect(stored)
    tables = ("entities", "sentences", "tokens", "suggestions")
    rows = {table: source.execute(f"select * from {table}").fetchall() for table in tables}
    schema = source.execute(
        f"select type, sql from sqlite_master where tbl_name in {tables} and sql is not null"
    ).fetchall()
    source.close()

    def load() -> None:
        remove_db(target)
        conn = sqlite3.connect(target)
        conn.execute("pragma journal_mode=wal")
        conn.execute("pragma synchronous=full")
        for _, sql in (s for s in schema if s[0] == "table"):
            conn.execute(sql)
        with conn:
            for table, values in rows.items():
                marks = ", ".join("?" * len(values[0]))
                conn.executemany(f"insert into {table} values ({marks})", values)
            for _, sql in (s for s in schema if s[0] == "index"):
                conn.execute(sql)
        conn.close()

    return median_time(load, repeats), {table: len(values) for table, values in rows.items()}


def analyse_and_store(client, target: Path, ids: list[str]) -> None:
    """analyze_on_cluster: shards analysed by the workers while this process stores them."""
    from newsmark.nlp.cluster.run import analyze_on_cluster
    from newsmark.nlp.pipeline import DEFAULT_MODEL
    from newsmark.store import open_db

    db = open_db(target)
    assert analyze_on_cluster(db, client, ids, DEFAULT_MODEL, shard_chars=BENCH_SHARD_CHARS) == len(ids)
    db.conn.close()


def path_child(kind: str, db_path: str) -> None:
    """One run of a `newsmark analyze` path, in a fresh interpreter (so imports,
    loading the pipeline and starting workers are all paid, as a user pays them)."""
    from newsmark.nlp.pipeline import DEFAULT_MODEL
    from newsmark.store import open_db
    from newsmark.store.articles import unanalyzed_article_ids

    db = open_db(Path(db_path))
    ids = unanalyzed_article_ids(db)
    if kind == "local cluster, 2 workers":
        from newsmark.nlp.cluster.run import analyze_on_cluster, cluster_client

        with cluster_client(workers=2) as client:
            done = analyze_on_cluster(db, client, ids, DEFAULT_MODEL)
    else:
        from newsmark.nlp.batch import analyze_articles
        from newsmark.nlp.pipeline import load_pipeline

        done = analyze_articles(db, load_pipeline(), ids, n_process=2 if kind.startswith("nlp.pipe") else 1)
    assert done == len(ids)
    db.conn.close()


def bench_batch_sizes(work: Path, repeats: int) -> list[Figure]:
    """Wall time of each path, from starting the process to its exit, at a few batch sizes."""
    figures = []
    for n in BATCH_SIZES:
        source = work / f"batch-{n}.db"
        build_db(source, n)
        seconds: dict[str, list[float]] = {kind: [] for kind in PATHS}
        for _ in range(repeats):
            for kind in PATHS:  # interleaved: a busy moment on the machine hits all three alike
                target = fresh_copy(source, work / "batch-run.db")
                start = time.perf_counter()
                subprocess.run([sys.executable, __file__, "_path", kind, str(target)], check=True)
                seconds[kind].append(time.perf_counter() - start)
        medians = {kind: statistics.median(times) for kind, times in seconds.items()}
        base = medians["in-process"]
        for kind in PATHS[1:]:
            figures.append(
                Figure(
                    "batch sizes",
                    f"{n} articles: {kind} vs in-process",
                    base / medians[kind],
                    "x",
                    detail={"s": medians[kind], "in_process_s": base},
                )
            )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=240, help="articles for the throughput figures")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (the median is kept)")
    parser.add_argument("--only", default="ts", help="t: throughput and storing, s: batch sizes")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default {RESULTS})")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsmark-bench-cluster-"))
    started = time.perf_counter()
    figures: list[Figure] = []
    try:
        if "t" in args.only:
            figures += bench_throughput(work, args.articles, args.repeats)
        if "s" in args.only:
            figures += bench_batch_sizes(work, args.repeats)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(figures)
    report = {
        "repeats": args.repeats,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        "load_average_after": os.getloadavg(),
        "seconds": round(time.perf_counter() - started, 1),
        "figures": [asdict(f) | {"verdict": f.verdict} for f in figures],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"results written to {args.json}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_path":
        path_child(sys.argv[2], sys.argv[3])
    else:
        main()
