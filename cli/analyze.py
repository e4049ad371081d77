"""`newsmark analyze`: in this process, on a local Dask cluster, or on a running one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsmark.cli.common import (
    DEFAULT_MODEL,
    _stderr_console,
    db_option,
    fail,
    model_option,
    open_or_fail,
    processes_option,
    root_option,
    run_analysis,
)
from newsmark.nlp.cluster.shards import DEFAULT_SHARD_CHARS

if TYPE_CHECKING:
    from sqlite_utils import Database

CLUSTER_EXTRA_MISSING = "--scheduler needs the cluster extra: pip install 'newsmark[cluster]'"
# From this many articles on, `--processes N` starts a local Dask cluster; below it, spaCy's
# own processes are as fast or faster (bench/bench_cluster.py, "batch sizes"; the figures
# are in bench/README.md). Without --processes analysis stays in this process, the fastest
# for a small batch such as one ingest.
LOCAL_CLUSTER_MIN_ARTICLES = 500


def _scheduler_address(_ctx: click.Context, _param: click.Parameter, address: str | None) -> str | None:
    """tcp://HOST:PORT, or Dask's other forms (HOST:PORT, tls://...): checked here, before
    anything is started, as Dask would refuse it with a traceback."""
    if address is not None and not re.fullmatch(r"(\w+://)?\S+:\d+", address):
        fail(f"--scheduler {address}: not a scheduler address (tcp://HOST:PORT)")
    return address


@click.command()
@db_option
@model_option
@processes_option
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    default=None,
    callback=_scheduler_address,
    help="Analyse on a running Dask cluster (its workers need newsmark and the model installed); "
    "this process stores the results. Needs the cluster extra: pip install 'newsmark[cluster]'.",
)
@click.option(
    "--shard-chars",
    type=click.IntRange(1),
    default=DEFAULT_SHARD_CHARS,
    show_default=True,
    help="On a cluster: characters of text per shard, the unit a worker analyses and this "
    "process stores in one transaction (a longer article is a shard of its own).",
)
@click.option("--all", "everything", is_flag=True, help="Re-analyse every article, not only new ones.")
def analyze(
    db_path: Path | None,
    model: str | None,
    processes: int,
    scheduler: str | None,
    shard_chars: int,
    everything: bool,
) -> None:
    """Analyse articles not analysed yet (entities, sentences, quotes); resumable.

    With --processes N, a batch of 500 articles or more runs on a local Dask cluster
    of N worker processes when the cluster extra is installed; a smaller batch, or
    any without the extra, runs on spaCy's own N processes.
    Each shard of articles is stored as it completes: after Ctrl+C, run the command
    again to analyse the rest.
    """
    from newsmark.store.articles import unanalyzed_article_ids

    if scheduler is not None and processes > 1:
        fail("--scheduler and --processes: give one (a running cluster has its own workers)")
    db = open_or_fail(db_path)
    if everything:
        ids = [r[0] for r in db.execute("select id from articles order by rowid")]
    else:
        ids = unanalyzed_article_ids(db)
    model_name = root_option("model", model) or DEFAULT_MODEL
    if scheduler is not None:
        done = _analyze_on_cluster(db, ids, model_name, shard_chars, scheduler=scheduler)
    elif processes > 1 and len(ids) >= LOCAL_CLUSTER_MIN_ARTICLES and _cluster_extra_installed():
        done = _analyze_on_cluster(db, ids, model_name, shard_chars, workers=processes)
    else:
        done = run_analysis(db, ids, model_name, processes)
    click.echo(f"{done} analysed")


def _cluster_extra_installed() -> bool:
    from importlib.util import find_spec

    return find_spec("distributed") is not None


def _analyze_on_cluster(
    db: Database,
    ids: list[str],
    model_name: str,
    shard_chars: int,
    *,
    scheduler: str | None = None,
    workers: int = 1,
) -> int:
    """The cluster path, with a progress line of shards, articles and throughput."""
    try:
        from newsmark.nlp.cluster.run import (
            ClusterProgress,
            analyze_on_cluster,
            cluster_client,
            load_pipeline_on_workers,
        )
    except ImportError as e:
        if (e.name or "").split(".")[0] in ("dask", "distributed"):
            fail(CLUSTER_EXTRA_MISSING)
        raise
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from newsmark.nlp.pipeline import ModelNotInstalled
    from newsmark.store.timestamps import now_iso

    if not ids:
        return 0
    started = now_iso()
    columns = (
        TextColumn("analysing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[shards]} shards, {task.fields[rate]:.0f} articles/s"),
        TimeElapsedColumn(),
    )
    console = _stderr_console()
    try:
        with cluster_client(scheduler, workers=workers) as client:
            # Before the progress bar: a model a worker lacks is then the only line shown.
            load_pipeline_on_workers(client, model_name)
            bar = Progress(*columns, console=console)
            task = bar.add_task("analyse", total=len(ids), shards=0, rate=0.0)

            def show(progress: ClusterProgress) -> None:
                bar.update(
                    task,
                    completed=progress.articles_done,
                    shards=progress.shards_done,
                    rate=progress.articles_per_second,
                )

            with bar:
                return analyze_on_cluster(db, client, ids, model_name, shard_chars=shard_chars, on_shard=show)
    except KeyboardInterrupt:
        # Counted in the database: Ctrl+C may land between a shard's commit and its progress line.
        stored = db.execute("select count(*) from articles where analyzed_at >= ?", [started]).fetchone()[0]
        fail(f"interrupted: {stored} analysed and stored; run the command again for the rest")
    except ModelNotInstalled as e:
        fail(str(e))
    except OSError as e:
        fail(f"--scheduler {scheduler}: cannot reach the scheduler ({e})" if scheduler else str(e))
