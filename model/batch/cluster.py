"""The Dask side of a batch of solves: a client (a new ``LocalCluster`` or a running scheduler), and the
outcomes of submitted tasks gathered as they finish, with a progress bar, a failed task recorded
rather than raised, and every task cancelled when the driver is interrupted.
"""
from __future__ import annotations

import logging
import os
import warnings


def make_client(workers: int | None = None, scheduler: str | None = None):
    """A ``distributed.Client``: on ``scheduler`` if given, else on a new LocalCluster of ``workers``
    single-threaded processes (default: CPU count)."""
    from distributed import Client, LocalCluster

    if scheduler:
        client = Client(scheduler)
        client.wait_for_workers(1, timeout=120)
        return client
    for name in ("distributed", "bokeh", "tornado"):  # the CLI logs INFO; keep Dask's chatter out
        logging.getLogger(name).setLevel(logging.WARNING)
    with warnings.catch_warnings():  # "Port 8787 is already in use": another cluster's; a free port is taken
        warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.WARNING)
    return Client(cluster)


def close_client(client, scheduler: str | None) -> None:
    """Close a client from :func:`make_client`, and its LocalCluster (a running scheduler is left up)."""
    cluster = client.cluster if not scheduler else None
    client.close()
    if cluster is not None:
        cluster.close()


def worker_addresses(client) -> list:
    """Addresses of the client's workers, sorted ([None] when none are known yet)."""
    try:
        info = client.scheduler_info(n_workers=-1)
    except TypeError:  # distributed < 2025
        info = client.scheduler_info()
    return sorted(info["workers"]) or [None]


def gather(client, futures: dict, progress: bool = True, desc: str = "solves", unit: str = "solve") -> dict:
    """Outcomes by id of ``futures`` (future -> id) in the order they finish. A task that raises (e.g.
    its worker died) becomes ``{"status": "error", "message": ..., "key": None}``; an outcome whose
    ``status`` is not ``optimal`` counts as failed on the progress bar. On any interruption every
    future is cancelled and the exception re-raised."""
    from distributed import as_completed
    from tqdm import tqdm

    outcomes, n_bad = {}, 0
    try:
        with tqdm(total=len(futures), disable=not progress, unit=unit, desc=desc) as bar:
            for fut in as_completed(futures):
                key = futures[fut]
                try:
                    outcomes[key] = fut.result()
                except Exception as err:  # noqa: BLE001 - e.g. a worker died; record, go on
                    outcomes[key] = {"status": "error", "message": f"{type(err).__name__}: {err}",
                                     "key": None}
                n_bad += outcomes[key]["status"] != "optimal"
                bar.set_postfix(failed=n_bad)
                bar.update()
    except BaseException:
        client.cancel(list(futures))
        raise
    return outcomes
