"""Importer for hourly load in the PyPSA-China layout (uses the reference file when it is present)."""
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.data.importers import (
    PROVINCE_CODES,
    import_pypsa_china_load,
    read_pypsa_china_load,
)
from model.data.read import load_inputs
from model.data.settings import InputError

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "data" / "reference" / "pypsa-china-pik" / \
    "Hourly_demand_of_31_province_China_modified_V2.1.csv"


def _synthetic(path: Path) -> Path:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({code: rng.uniform(1000, 2000, 8760) for code in PROVINCE_CODES})
    df.insert(0, "Time Series", np.arange(1, 8761))
    df.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("dataset", ["china7", "china31"])
def test_import_sums_provinces_into_regions(tmp_path, dataset):
    src = REFERENCE if REFERENCE.exists() else _synthetic(tmp_path / "load.csv")
    folder = tmp_path / dataset
    shutil.copytree(ROOT / "inputs" / dataset, folder)
    out = import_pypsa_china_load(src, folder)
    written = pd.read_csv(out)
    provincial = read_pypsa_china_load(src)
    assert len(written) == 8760
    assert written.drop(columns="hour").to_numpy().sum() == pytest.approx(provincial.to_numpy().sum(), rel=1e-6)
    load_inputs(folder, "3060")  # the dataset stays valid


@pytest.mark.skipif(not REFERENCE.exists(), reason="PyPSA-China reference load not present")
def test_reference_shape_statistics():
    """The real 2018-based load: national peak/average about 1.36 (facts sheet §7)."""
    load = read_pypsa_china_load(REFERENCE).sum(axis=1)
    assert load.max() / load.mean() == pytest.approx(1.36, abs=0.02)


def test_wrong_layout_is_rejected(tmp_path):
    path = tmp_path / "bad.csv"
    pd.DataFrame({"AH": np.ones(100)}).to_csv(path, index=False)
    with pytest.raises(InputError, match="100 rows; expected 8760"):
        read_pypsa_china_load(path)
