"""Ordered parallel map with a bounded number of tasks in flight: results come back in task order.

Used by `judgstat load`, `judgstat parse` and the local engine of `judgstat dataset`. Tasks are consumed
lazily from an iterable and at most `window` of them (and their results) are held at once, so memory
stays flat however long the input is. `jobs=1` runs every task in this process (no pool, same results).
The function and its tasks must be picklable (module-level functions, plain data).
"""

from __future__ import annotations

import os
from collections import deque

TYPE_CHECKING = False  # typing is not imported at startup (`judgstat parse`, benchmarks/parse_startup.py)
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable, Iterator


def default_jobs() -> int:
    """The default for --jobs: the number of cores."""
    return os.cpu_count() or 1


def bounded_in_order(submit: Callable[[Any], Any], tasks: Iterable[Any], window: int) -> Iterator[Any]:
    """Submit tasks as results are taken, keeping at most `window` submitted; yield the handles in order.

    `submit(task)` returns a future-like handle (concurrent.futures or dask.distributed); the caller
    takes `.result()` of each handle as it is yielded.
    """
    pending: deque = deque()
    for task in tasks:
        pending.append(submit(task))
        if len(pending) >= window:
            yield pending.popleft()
    while pending:
        yield pending.popleft()


class OrderedPool:
    """`map(function, tasks)` over `jobs` worker processes, in order, at most 2 x jobs tasks in flight.

    A worker that dies (killed, out of memory) raises BrokenProcessPool in the caller instead of
    hanging; an exception in a task is re-raised in the caller when its result is reached.
    """

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = max(1, int(jobs))
        self._executor = None
        if self.jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
            self._executor = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context(method))

    def map(self, function: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        if self._executor is None:
            for task in tasks:
                yield function(task)
            return
        for future in bounded_in_order(lambda task: self._executor.submit(function, task), tasks, 2 * self.jobs):
            yield future.result()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> "OrderedPool":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
