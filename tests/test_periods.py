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
