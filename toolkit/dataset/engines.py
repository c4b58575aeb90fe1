"""Engines run the parse stage's chunk tasks: `local` (this process or a multiprocessing pool) and `dask`
(dask.distributed: a LocalCluster, or an existing cluster by scheduler address).

Both take tasks in order and yield their results in the same order, with a bounded number in flight,
so memory stays flat however long the input is; each task writes its own checkpointed part.
"""

from __future__ import annotations

from collections import deque
from typing import Any, Callable, Iterable, Iterator


class LocalEngine:
    def __init__(self, jobs: int = 1) -> None:
        self.jobs = max(1, int(jobs))
        self._pool = None
        if self.jobs > 1:
            import multiprocessing

            self._pool = multiprocessing.get_context("fork").Pool(self.jobs)

    def map(self, function: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        if self._pool is None:
            for task in tasks:
                yield function(task)
            return
        pending: deque = deque()
        for task in tasks:
            pending.append(self._pool.apply_async(function, (task,)))
            if len(pending) >= 2 * self.jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()


class DaskEngine:
    """Tasks as dask.distributed futures; `scheduler` None starts a LocalCluster (`workers` workers)."""

    def __init__(self, scheduler: str | None = None, workers: int = 2, processes: bool = True) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise RuntimeError("--engine dask needs Dask: pip install 'judgstat[dask]'") from None
        self._cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                                         dashboard_address=None)
            self.client = Client(self._cluster)
        self.window = 2 * max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def map(self, function: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        pending: deque = deque()
        for task in tasks:
            pending.append(self.client.submit(function, task, pure=False))
            if len(pending) >= self.window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_engine(name: str, jobs: int = 1, scheduler: str | None = None, processes: bool = True):
    if name == "dask":
        return DaskEngine(scheduler, workers=max(1, jobs), processes=processes)
    return LocalEngine(jobs)
