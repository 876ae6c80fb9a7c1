"""Shared test set-up: tests/ on the import path (factory, results_fixture) and a Dask client."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="module")
def client():
    """A Dask client on a LocalCluster of 2 single-threaded worker processes, one per test module."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl, \
            Client(cl) as c:
        yield c
