"""Where the per-ticket work runs: in this process (the default) or on a Dask cluster.

``[compute] scheduler`` (or ``--scheduler``) chooses:

- ``""``: in this process, as before; nothing extra is imported;
- ``"local:N"``: a Dask ``LocalCluster`` of N worker processes on this machine, started for the
  run and stopped after it;
- ``"tcp://host:8786"`` (or ``tls://``): an existing cluster (``dask scheduler`` and ``dask worker``
  on other machines, dask-kubernetes, dask-jobqueue).

Only the embarrassingly parallel stages go through :meth:`Compute.map`: clean + redact (row
chunks), embedding of the texts missing from the cache, and the per-text NLP features. The
driver keeps the DuckDB state; workers receive texts and return results, they never open the
state file. Results come back in input order, so a night on a cluster gives the same tickets,
topics and briefs as in-process. A task whose worker dies is run again on another worker (the
scheduler's own retry of lost tasks) and a task that raises is retried ``RETRIES`` times; a
result is only used once, so no row is lost or counted twice.

Only this module imports ``dask.distributed`` (an optional extra: ``pip install -c
constraints.txt -e '.[dask]'``).
"""
from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from .errors import COMPUTE_LOST, COMPUTE_NO_EXTRA, COMPUTE_NO_WORKERS, COMPUTE_UNREACHABLE, ComputeError

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: how often a task that raised is tried again (a worker that dies is handled by the scheduler)
RETRIES = 2
#: seconds to wait for a scheduler to answer and for its first worker to appear
CONNECT_TIMEOUT = 10
#: what ``[compute] scheduler`` may be
SCHEDULER = re.compile(r"^(|local:[1-9][0-9]*|(tcp|tls)://[^\s/:]+:[0-9]{1,5})$")


class Compute(Protocol):
    """Runs a function over items and returns the results in the items' order."""

    name: str          #: "in-process", "local:2", "tcp://host:8786"
    workers: int       #: worker processes (1 in-process)
    on_cluster: bool   #: False: run everything as before, in one piece

    def map(self, fn: Callable[..., R], items: Sequence[T], **shared: Any) -> list[R]:
        """``[fn(item, **shared) for item in items]``; ``shared`` is sent to each worker once."""
        ...

    def close(self) -> None:
        """Release the cluster (a LocalCluster is stopped)."""
        ...


class InProcess:
    """Today's behaviour: every item in this process, one after the other."""

    name = "in-process"
    workers = 1
    on_cluster = False

    def map(self, fn: Callable[..., R], items: Sequence[T], **shared: Any) -> list[R]:
        return [fn(item, **shared) for item in items]

    def close(self) -> None:
        pass

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DaskCompute:
    """Items as tasks on a Dask cluster (see the module docstring).

    Parameters
    ----------
    client : distributed.Client
    cluster : distributed.LocalCluster, optional
        Stopped by :meth:`close` (a cluster this run started).
    name : str
        The scheduler setting, for the manifest and messages.
    """

    on_cluster = True

    def __init__(self, client: Any, cluster: Any = None, name: str = "") -> None:
        self.client, self.cluster, self.name = client, cluster, name or client.scheduler.address

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, fn: Callable[..., R], items: Sequence[T], **shared: Any) -> list[R]:
        if not items:
            return []
        from distributed.comm.core import CommClosedError

        try:
            # Items and shared values travel in the task graph, not as scattered data: a task
            # can be run again when every worker holding its inputs died, scattered data could not.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Sending large graph")
                sent = {key: self.client.submit(_value, value, pure=False) for key, value in shared.items()}
                futures = self.client.map(fn, list(items), pure=False, retries=RETRIES, **sent)
            results = self.client.gather(futures)
        except (CommClosedError, OSError, TimeoutError) as exc:
            raise ComputeError(COMPUTE_LOST.format(address=self.name, task=fn.__name__, reason=exc)) from None
        except Exception as exc:
            if type(exc).__name__ not in ("KilledWorker", "FutureCancelledError", "CancelledError"):
                raise   # the function's own error, raised as in-process
            raise ComputeError(COMPUTE_LOST.format(address=self.name, task=fn.__name__, reason=exc)) from None
        del futures, sent
        return list(results)

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()

    def __enter__(self) -> DaskCompute:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _value(value: T) -> T:
    return value


def _distributed():  # noqa: ANN202 - the distributed module
    try:
        import distributed
    except ImportError:
        raise ComputeError(COMPUTE_NO_EXTRA) from None
    return distributed


def _worker_threads(n_workers: int) -> str:
    """Torch/BLAS threads per local worker: this machine's cores shared out, at least one."""
    return str(max(1, (os.cpu_count() or 1) // n_workers))


def open_compute(scheduler: str) -> InProcess | DaskCompute:
    """The compute the ``[compute] scheduler`` setting names, connected and checked.

    Raises
    ------
    ComputeError
        When the Dask extra is not installed, the scheduler does not answer, or it has no
        workers; raised before anything is read or written.

    Examples
    --------
    >>> open_compute("").name
    'in-process'
    """
    if not scheduler:
        return InProcess()
    distributed = _distributed()
    import dask

    if scheduler.startswith("local:"):
        n = int(scheduler.split(":", 1)[1])
        threads = _worker_threads(n)
        # Each worker process runs one task at a time with its share of the cores (torch
        # reads OMP_NUM_THREADS when it starts), like the in-process run with all of them.
        with dask.config.set({"distributed.nanny.pre-spawn-environ": {
                "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads,
                "TOKENIZERS_PARALLELISM": "false", "MALLOC_TRIM_THRESHOLD_": 65536},
                "distributed.worker.daemon": False}), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*already in use")   # another cluster's port: any will do
            cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                               dashboard_address=None, silence_logs=logging.ERROR)
        return DaskCompute(distributed.Client(cluster), cluster, scheduler)
    try:
        client = distributed.Client(scheduler, timeout=f"{CONNECT_TIMEOUT}s")
    except (OSError, TimeoutError) as exc:
        raise ComputeError(COMPUTE_UNREACHABLE.format(address=scheduler, reason=exc)) from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError):
        client.close()
        raise ComputeError(COMPUTE_NO_WORKERS.format(address=scheduler, seconds=CONNECT_TIMEOUT)) from None
    return DaskCompute(client, None, scheduler)


@contextmanager
def using(scheduler: str, given: Compute | None = None) -> Iterator[Compute]:
    """``given`` as it is (its owner closes it), else the compute of ``scheduler``, closed after.

    Examples
    --------
    >>> with using("") as compute:
    ...     compute.map(len, ["ab", "c"])
    [2, 1]
    """
    if given is not None:
        yield given
        return
    compute = open_compute(scheduler)
    try:
        yield compute
    finally:
        compute.close()


def split(items: Sequence[T], workers: int, *, least: int, most: int) -> list[Sequence[T]]:
    """``items`` (a list or a DataFrame's rows) cut into tasks: about four per worker (so a slow
    or lost one is a small part), each of ``least`` to ``most`` items, in order.

    Examples
    --------
    >>> [len(p) for p in split(list(range(100_000)), 2, least=1_000, most=20_000)][:2]
    [12500, 12500]
    >>> [len(p) for p in split(list(range(1_500)), 2, least=1_000, most=20_000)]
    [1000, 500]
    """
    size = min(most, max(least, -(-len(items) // (4 * workers))))
    rows = getattr(items, "iloc", items)
    return [rows[i:i + size] for i in range(0, len(items), size)]


__all__ = ["Compute", "DaskCompute", "InProcess", "SCHEDULER", "open_compute", "split", "using"]
