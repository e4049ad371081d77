"""Analysis on a Dask cluster, stored by the one process that owns the database.

Shards go out a few at a time (enough to keep every worker busy), and each result is
stored as it arrives, one transaction per shard: an interrupted run keeps every shard
that finished, and the next `newsmark analyze` picks up the articles still unanalysed.
A worker that dies mid-shard loses nothing: the scheduler runs its shards again on
another worker, and the client receives one result per shard.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import dask.config
from distributed import Client, Future, LocalCluster, as_completed

from newsmark.nlp.cluster.shards import DEFAULT_SHARD_CHARS, shards
from newsmark.nlp.cluster.worker import PipelineOnWorker, ShardResult, analyze_shard
from newsmark.store.analysis import save_analysis
from newsmark.store.articles import texts_for
from newsmark.store.db import retrying

if TYPE_CHECKING:
    from sqlite_utils import Database

CONNECT_TIMEOUT = "10s"
# Shards queued per worker thread: one running and the next ones waiting, so no worker
# idles while the owner stores; more would only hold texts in memory and widen what a
# Ctrl+C has to cancel.
SHARDS_PER_THREAD = 2
# Local workers as fast as this process (bench/README.md: 0.86-0.90x of in-process analysis with
# Dask's defaults, 0.94-1.02x with these). The nanny's default MALLOC_TRIM_THRESHOLD_ makes glibc
# hand memory back after every spaCy batch; the statistical profiler samples each task's stack
# every 10 ms. bench/README.md says how to start a real cluster's workers the same way.
LOCAL_WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
}


@dataclass(frozen=True)
class ClusterProgress:
    shards_done: int
    articles_done: int
    articles_total: int
    seconds: float

    @property
    def articles_per_second(self) -> float:
        return self.articles_done / self.seconds if self.seconds > 0 else 0.0


@contextmanager
def cluster_client(scheduler: str | None = None, *, workers: int = 2) -> Iterator[Client]:
    """A client of the running scheduler at `scheduler` (tcp://host:port), else of a local
    cluster of `workers` processes with one thread each; closed (the local cluster stopped)
    on the way out. OSError when the scheduler cannot be reached."""
    if scheduler is not None:
        with Client(scheduler, timeout=CONNECT_TIMEOUT) as client:
            yield client
        return
    with _ctrl_c_left_to_this_process(), dask.config.set(LOCAL_WORKER_CONFIG):
        local = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            # No dashboard (it needs bokeh), and the scheduler's own HTTP routes on any free
            # port: Dask's 8787 may be taken by another cluster on this machine.
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": ":0"},
            # A shard cancelled by Ctrl+C is a warning in a worker's log; the user sees one line.
            silence_logs=logging.ERROR,
        )
    with local, Client(local) as client:
        yield client


@contextmanager
def _ctrl_c_left_to_this_process() -> Iterator[None]:
    """Processes started inside this block ignore SIGINT (an ignored signal stays ignored
    across exec). Ctrl+C in a terminal reaches every process of the foreground group: the
    local workers would die with tracebacks of their own while this process cancels their
    shards and stops them in order."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; a caller off it owns its signals
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def load_pipeline_on_workers(client: Client, model_name: str) -> PipelineOnWorker:
    """Load the pipeline on every worker now (ModelNotInstalled if one lacks it), and on
    workers that join later. Once per cluster: a second call, or a rerun, keeps the
    pipelines already loaded."""
    plugin = PipelineOnWorker(model_name)
    try:
        client.register_plugin(plugin)
    except Exception:
        # Not left registered: each worker joining later would fail to load it again, and a
        # rerun, once the model is installed, must register it afresh.
        client.unregister_worker_plugin(plugin.name)
        raise
    return plugin


def store_shard(db: Database, result: ShardResult, stored: set[str]) -> int:
    """Store one shard's analyses in one transaction; returns how many were new.

    Keyed by article id: an article this run stored already is skipped, so however often
    a shard's task ran on the cluster, its articles are stored once."""
    new = [(article_id, found) for article_id, found in result.analyses if article_id not in stored]

    def save_all() -> None:
        for article_id, found in new:
            # inside the shard's transaction: it nests as a savepoint
            save_analysis(db, found.for_article(article_id, result.model))

    retrying(db, save_all)
    stored.update(article_id for article_id, _ in new)
    return len(new)


def analyze_on_cluster(
    db: Database,
    client: Client,
    article_ids: Sequence[str],
    model_name: str,
    *,
    shard_chars: int = DEFAULT_SHARD_CHARS,
    on_shard: Callable[[ClusterProgress], None] | None = None,
) -> int:
    """Analyse `article_ids` on the client's cluster with the pipeline `model_name` (installed
    on every worker) and store each shard as it completes. Returns how many were analysed.

    On any exception (KeyboardInterrupt included) the shards not yet stored are cancelled
    and the exception goes on; every shard stored before it stays stored."""
    plugin = load_pipeline_on_workers(client, model_name)
    started = time.monotonic()
    waiting = shards(texts_for(db, article_ids), shard_chars)
    running: set[Future] = set()
    completed = as_completed()

    def keep_workers_busy() -> None:
        wanted = SHARDS_PER_THREAD * max(1, sum(client.nthreads().values()))
        while len(running) < wanted and (shard := next(waiting, None)) is not None:
            future = client.submit(analyze_shard, shard, plugin.name, pure=False)
            running.add(future)
            completed.add(future)

    stored: set[str] = set()
    shards_done = 0
    try:
        keep_workers_busy()
        for future in completed:
            running.discard(future)
            store_shard(db, future.result(), stored)
            shards_done += 1
            if on_shard is not None:
                seconds = time.monotonic() - started
                on_shard(ClusterProgress(shards_done, len(stored), len(article_ids), seconds))
            keep_workers_busy()
    except BaseException:
        client.cancel(list(running))
        raise
    return len(stored)
