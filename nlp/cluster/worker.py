"""What runs on a Dask worker: the pipeline, loaded once per worker, and the task that
analyses one shard and returns plain data (never spaCy Docs, which are large to pickle)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from distributed import WorkerPlugin, get_worker

from newsmark.nlp.analyze import TextAnalysis, analyze_texts
from newsmark.nlp.pipeline import load_pipeline, model_tag

if TYPE_CHECKING:
    from distributed import Worker
    from spacy.language import Language


@dataclass(frozen=True)
class ShardResult:
    """One shard's analyses, with the tag of the model that made them (stored with each)."""

    model: str
    analyses: list[tuple[str, TextAnalysis]]


class PipelineOnWorker(WorkerPlugin):
    """Loads the pipeline when the plugin reaches a worker, including a worker that joins or
    is restarted later. Registering it again under the same name (a rerun) keeps the loaded one."""

    idempotent = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name
        # One plugin per model name, so two runs with different models can share a cluster.
        self.name = f"newsmark-pipeline:{model_name}"

    def setup(self, worker: Worker) -> None:
        self.nlp: Language = load_pipeline(self.model_name)
        self.model = model_tag(self.nlp)
        # A worker with several threads runs several tasks at once; one pipeline and its
        # memory zones are not for concurrent use (and spaCy holds the GIL anyway).
        self.lock = threading.Lock()


def analyze_shard(shard: list[tuple[str, str]], plugin_name: str) -> ShardResult:
    """The Dask task: analyse (id, text) pairs with this worker's pipeline."""
    plugin = get_worker().plugins[plugin_name]
    assert isinstance(plugin, PipelineOnWorker), f"{plugin_name} is not newsmark's pipeline plugin"
    with plugin.lock:
        return ShardResult(plugin.model, list(analyze_texts(plugin.nlp, shard)))
