"""Analysis on a Dask cluster: shards of articles go to workers that each hold the pipeline;
the one process that owns the database stores their results.

The modules here other than `shards` import dask's `distributed` (the `cluster` extra):
import them only when a cluster is asked for.
"""
