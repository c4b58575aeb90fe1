"""Engines run the parse stage's chunk tasks: `local` (this process or a multiprocessing pool) and `dask`
(dask.distributed: a LocalCluster, or an existing cluster by scheduler address).

Both take tasks in order and yield their results in the same order, with a bounded number in flight,
so memory stays flat however long the input is; each task writes its own checkpointed part.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from toolkit.parallel import OrderedPool, bounded_in_order


class LocalEngine(OrderedPool):
    """This process (jobs 1) or a pool of `jobs` processes (toolkit.parallel.OrderedPool)."""


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
        submit = lambda task: self.client.submit(function, task, pure=False)  # noqa: E731
        for future in bounded_in_order(submit, tasks, self.window):
            yield future.result()

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_engine(name: str, jobs: int = 1, scheduler: str | None = None, processes: bool = True):
    if name == "dask":
        return DaskEngine(scheduler, workers=max(1, jobs), processes=processes)
    return LocalEngine(jobs)
