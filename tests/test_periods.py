"""Single- vs multi-period consistency (oemof #1047): with no coupling between periods (lifetime of one
period, no existing fleet) a period solved alone and inside a multi-period run make the same decisions."""
import factory
import numpy as np
import pytest

from model import run_scenario


def _case(tmp_path, first, last):
    shape = [30] * 6 + [60] * 12 + [100] * 6
    return factory.write(
        tmp_path, techs=[{"tech": "base", "fuel": "none", "efficiency": 1, "lifetime_yr": 5},
                         {"tech": "peak", "fuel": "none", "efficiency": 1, "lifetime_yr": 5}],
        costs=[{"tech": "base", "capex_cny_per_kw": 4000, "vom_cny_per_mwh": 10},
               {"tech": "peak", "capex_cny_per_kw": 2000, "vom_cny_per_mwh": 200}],
        demand={"A": 547.5}, load={"A": factory.hours_profile(shape)},
        settings={"first_period": first, "last_period": last, "period_years": 5, "discount_rate": 0.07,
                  "days": 1})


def test_one_period_alone_equals_inside_multi_period(tmp_path):
    multi = run_scenario(_case(tmp_path / "m", 2020, 2030), "test").results
    for p in (2020, 2025, 2030):
        alone = run_scenario(_case(tmp_path / str(p), p, p), "test").results
        np.testing.assert_allclose(alone["capacity"].sel(period=p).to_numpy(),
                                   multi["capacity"].sel(period=p).to_numpy(), rtol=1e-7, atol=1e-7)
        np.testing.assert_allclose(alone["generation"].sel(period=p).to_numpy(),
                                   multi["generation"].sel(period=p).to_numpy(), rtol=1e-7, atol=1e-7)
    assert float(multi["capacity"].sel(tech="base", period=2025).sum()) == pytest.approx(60, rel=1e-7)


def test_late_build_pays_only_inside_horizon(tmp_path):
    """A 40-year plant built in the last period pays 5 of its 40 annuities (the years of the period's span,
    2018–2022, centred on 2020): its annual cost in the last period equals the annuity, and the PV of its
    investment equals annuity × period weight (discounted to 2020)."""
    f = factory.write(
        tmp_path, techs=[{"tech": "base", "fuel": "none", "efficiency": 1, "lifetime_yr": 40}],
        costs=[{"tech": "base", "capex_cny_per_kw": 10000}], demand={"A": 87.6},
        settings={"first_period": 2020, "last_period": 2020, "period_years": 5, "discount_rate": 0.05,
                  "days": 1})
    ds = run_scenario(f, "test").results
    crf = 0.05 / (1 - 1.05 ** -40)
    weight = sum(1.05 ** -k for k in range(-2, 3))
    annual = 10 * 10000 * crf * 1e-3  # 10 GW, bn CNY/yr
    assert float(ds["cost"].sel(component="investment", period=2020)) == pytest.approx(annual, rel=1e-9)
    assert float(ds["cost_npv"].sel(component="investment")) == pytest.approx(annual * weight, rel=1e-9)


def test_lifetime_not_a_multiple_of_the_period_is_exact(tmp_path):
    """Milestone years 2030, 2035, 2040 stand for 2028–32, 2033–37, 2038–42 (model/data/periods.py). A
    plant living 12 years built for 2030 serves 2028–2039: it counts fully in 2030 and 2035 and with 2/5 in
    2040, so 10 GW built for 2030 leave 4 GW in 2040 and 6 GW more are built then (cheaper than building
    them for 2035, which would pay 10 years instead of 5). Each build pays CRF(12) × capex for exactly the
    years it is online inside the horizon (2028–2039 and 2038–2042), discounted to 2030 at 5 %."""
    f = factory.write(
        tmp_path, techs=[{"tech": "base", "fuel": "none", "efficiency": 1, "lifetime_yr": 12}],
        costs=[{"tech": "base", "capex_cny_per_kw": 1000, "vom_cny_per_mwh": 10}], demand={"A": 87.6},
        settings={"first_period": 2030, "last_period": 2040, "period_years": 5, "discount_rate": 0.05,
                  "days": 1})
    ds = run_scenario(f, "test").results
    new = ds["new_capacity"].sel(region="A", tech="base")
    assert new.sel(period=2030) == pytest.approx(10, rel=1e-7)
    assert new.sel(period=2035) == pytest.approx(0, abs=1e-7)
    assert new.sel(period=2040) == pytest.approx(6, rel=1e-7)
    assert float(ds["capacity"].sel(region="A", tech="base", period=2040)) == pytest.approx(10, rel=1e-7)
    crf = 0.05 / (1 - 1.05 ** -12)
    pv = lambda first, last: sum(1.05 ** -(y - 2030) for y in range(first, last + 1))  # noqa: E731
    invest = (10 * pv(2028, 2039) + 6 * pv(2038, 2042)) * 1000 * crf * 1e-3
    assert float(ds["cost_npv"].sel(component="investment")) == pytest.approx(invest, rel=1e-9)
    # annual payments in 2040: the 2030 build for 2 of the 5 years, the 2040 build for all of them
    assert float(ds["cost"].sel(component="investment", period=2040)) == pytest.approx(
        (10 * 0.4 + 6) * 1000 * crf * 1e-3, rel=1e-9)


def test_retrofit_lives_no_longer_than_its_host():
    """A 2015 coal cohort (40 years: to 2055) converted by a 25-year CCUS retrofit in the 2040 period (span
    from 2038) lives 17 years, not 25; the retrofit's capacity is 0.31/0.4 of the converted capacity."""
    import pandas as pd
    import xarray as xr

    from model.data.settings import Settings
    from model.lp.components.capacity import retrofit_cohorts

    data = xr.Dataset({"efficiency": ("tech", [0.4, 0.31]), "lifetime_yr": ("tech", [40.0, 25.0])},
                      coords={"tech": ["coal", "coal_ccs_retrofit"]})
    conv = pd.DataFrame({"region": ["A"], "tech": ["coal"], "vintage": [2015], "period": [2040], "new": [False],
                         "target": ["coal_ccs_retrofit"]})
    row = retrofit_cohorts(conv, data, Settings(period_years=5)).iloc[0]
    assert row["start"] == 2038 and row["life"] == pytest.approx(17) and row["ratio"] == pytest.approx(0.775)
