"""The memo's section against the published pathways: every row outside its range explained in words
with the run's own numbers, rows inside left alone."""
import numpy as np
import pandas as pd
import pytest

from model.report import pathways
from model.report.memo import _table
from results_fixture import make_results


@pytest.mark.parametrize("offset, status", [((-1, 1), "inside"), ((10, 20), "below"), ((-20, -10), "above")])
def test_outside_rows_are_explained_inside_rows_are_not(tmp_path, offset, status):
    ds = make_results()
    co2 = float(ds["emissions"].sum("region").sel(period=2060))
    csv = tmp_path / "pathways.csv"
    pd.DataFrame([{"indicator": "power_co2", "year": 2060, "unit": "Mt/yr", "low": co2 + offset[0],
                   "high": co2 + offset[1], "basis": "b", "sources": "s"}]).to_csv(csv, index=False)
    assert list(pathways.envelope_table(ds, csv)["Status"]) == [status]
    said = pathways.explanations(ds, csv)
    assert len(said) == (status != "inside")
    if said:
        assert said[0].startswith(f"Power-sector CO2 2060: {pathways.w.fmt(co2, 0)} Mt/yr is {status} the published")
        cap = float(ds["co2_cap"].sel(period=2060))
        assert np.isfinite(cap) and f"allows {pathways.w.fmt(cap, 0)} Mt in 2060" in said[0]
    html = pathways.pathway_section(ds, _table, csv)
    assert "Against the published pathways" in html and f"{int(status == 'inside')} of 1 indicators" in html
