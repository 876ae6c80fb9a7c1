"""results.nc follows CF-1.10: units that UDUNITS-2 parses (checked with cf-units, the UDUNITS binding of
the CF tools), long names, currency, coordinate and global attributes, solver noise and -0 written as 0
in netCDF and CSVs."""
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from results_fixture import make_results

from model.results import cf
from model.results.write import write_results

cf_units = pytest.importorskip("cf_units")  # UDUNITS-2, the unit library of the CF conventions


def test_udunits_translation():
    cases = {"GW": ("GW", False), "GWh": ("GW h", False), "TWh/yr": ("TW h/yr", False),
             "Mt/yr": ("Mt/yr", False), "CNY/t": ("1/t", True), "CNY/MWh": ("1/(MW h)", True),
             "bn CNY": ("1e9", True), "bn CNY/yr": ("1e9/yr", True), "CNY/(kW*yr)": ("1/(kW yr)", True),
             "-": ("1", False), "fraction": ("1", False), "h/yr": ("h/yr", False)}
    for written, expected in cases.items():
        assert cf.udunits(written) == expected, written
        cf_units.Unit(expected[0])  # parses
    # the translation keeps the quantity: 1 TWh/yr is 1e12 W h per year
    assert cf_units.Unit("TW h/yr").convert(1.0, cf_units.Unit("W h/yr")) == pytest.approx(1e12)
    assert cf_units.Unit("1/(MW h)").convert(1.0, cf_units.Unit("1/(kW h)")) == pytest.approx(1e-3)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    ds = make_results("3060")
    ds["capacity"][0, 0, 0] = -0.0
    ds["capacity"][0, 1, 0] = 3e-14  # solver noise
    ds["capacity"][0, 2, 0] = -2e-12
    ds.attrs["cli_overrides"] = "discount_rate=0.05; days=12"
    out = write_results(ds, tmp_path_factory.mktemp("cf") / "run")
    return out, xr.open_dataset(out / "results.nc")


def test_every_variable_has_udunits_units_and_long_name(written):
    _, ds = written
    for name, da in ds.data_vars.items():
        assert da.attrs.get("long_name"), name
        if np.issubdtype(da.dtype, np.number):
            cf_units.Unit(da.attrs["units"])  # raises unless UDUNITS parses it
    assert ds["cost"].attrs["units"] == "1e9/yr" and ds["cost"].attrs["display_units"] == "bn CNY/yr"
    assert ds["cost"].attrs["currency"] == "CNY (real 2020 prices)"
    assert ds["generation"].attrs["units"] == "TW h/yr" and "currency" not in ds["generation"].attrs
    assert ds["capacity"].attrs["units"] == "GW"


def test_coordinates_and_global_attributes(written):
    _, ds = written
    assert ds["period"].attrs["long_name"].startswith("first calendar year")
    assert ds["duration"].attrs["units"] == "h" and ds["weight"].attrs["units"] == "h/yr"
    for key in ("title", "Conventions", "source", "history", "scenario", "settings", "model_version",
                "git_commit", "created", "price_base_year", "currency"):
        assert key in ds.attrs, key
    assert ds.attrs["Conventions"] == "CF-1.10" and ds.attrs["price_base_year"] == 2020
    assert "variant" in ds.attrs["title"] and "discount_rate=0.05" in ds.attrs["title"]
    for name in ds.coords:
        assert ds[name].attrs.get("long_name"), name


def test_noise_and_negative_zero_written_as_zero(written):
    out, ds = written
    first = ds["capacity"].isel(region=0, period=0).to_numpy()[:3]
    assert list(first) == [0.0, 0.0, 0.0] and not np.signbit(first).any()
    text = (out / "capacity.csv").read_text()
    assert ",-0\n" not in text and "e-14" not in text and "e-12" not in text
    csv = pd.read_csv(out / "capacity.csv")
    assert not np.signbit(csv["capacity_gw"].to_numpy()[csv["capacity_gw"].to_numpy() == 0]).any()


def test_clean_keeps_nan_and_real_values():
    v = np.array([np.nan, -0.0, 1e-10, -1e-10, 1e-6, -5.0])
    out = cf.clean(v)
    assert np.isnan(out[0]) and list(out[1:]) == [0.0, 0.0, 0.0, 1e-6, -5.0]
    assert not np.signbit(out[1:4]).any()
