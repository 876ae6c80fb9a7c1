"""Hand-solvable cases, one per constraint family: the optimum is worked out in each docstring.

Common set-up (tests/factory.py): one period of one year (2020), discount rate 0, so an investment of
``capex`` with lifetime ``L`` costs ``capex / L`` per year; money in bn CNY; every day identical unless
stated; the full year of 8760 hours is modelled (no time reduction), so nothing is approximate.
"""
import factory
import numpy as np
import pytest

from model import run_scenario

BN = 1e-9


def solve(folder, scenario="test", sets=None):
    return run_scenario(folder, scenario, sets).results


def revenue_bn(ds):
    """Σ price × load × hours + Σ reserve price × requirement: equals total cost when every cost is an
    energy or capacity cost (zero-profit condition of the LP)."""
    energy = float((ds["electricity_price"] * ds["load"] * ds["weight"]).sum()) * 1e-6
    return energy + float((ds["reserve_price"] * ds["reserve_requirement"]).sum()) * 1e-3


def test_screening_curve(tmp_path):
    """Base: 1000 CNY/kW/yr + 10 CNY/MWh; peak: 200 CNY/kW/yr + 200 CNY/MWh; break-even 4210.5 h.
    Load 30 GW for 6 h, 60 GW for 12 h, 100 GW for 6 h each day: the 0–60 GW slices run ≥ 6570 h
    (base), the 60–100 GW slice 2190 h (peak). Cost = 60×1000 + 40×200 (capacity, M CNY) +
    (30×8760 + 30×6570)×10 + 40×2190×200 (energy, k CNY) = 90.119 bn CNY."""
    f = factory.write(tmp_path, techs=[{"tech": "base", "fuel": "none", "efficiency": 1},
                                       {"tech": "peak", "fuel": "none", "efficiency": 1}],
                      costs=[{"tech": "base", "capex_cny_per_kw": 10000, "vom_cny_per_mwh": 10},
                             {"tech": "peak", "capex_cny_per_kw": 2000, "vom_cny_per_mwh": 200}],
                      demand={"A": 547.5}, load={"A": factory.hours_profile([30] * 6 + [60] * 12 + [100] * 6)})
    ds = solve(f)
    cap = ds["capacity"].sel(region="A", period=2020)
    assert cap.sel(tech="base") == pytest.approx(60, abs=1e-6)
    assert cap.sel(tech="peak") == pytest.approx(40, abs=1e-6)
    assert float(ds["total_cost"]) == pytest.approx(90.119, rel=1e-9)
    assert float(ds["total_cost"]) == pytest.approx(ds.attrs["objective_bn_cny"], rel=1e-9)
    assert revenue_bn(ds) == pytest.approx(90.119, rel=1e-6)


def test_storage_arbitrage_day(tmp_path):
    """Load 40 GW for 12 h then 80 GW for 12 h. Cheap plant 60 GW at 10 CNY/MWh, peaker at 500, a
    battery of 10 GW / 40 GWh with 90 % charge and discharge efficiency. Daily: charge 40/0.9 = 44.44 GWh
    at 10, deliver 36 GWh that replaces the peaker at 500. Cost per day without the battery 132,000 k CNY;
    saving 36×500 − 44.44×10 = 17,555.6 k CNY; year: 365 × 114,444.4 k CNY = 41.7722 bn CNY."""
    f = two_level_case(
        tmp_path, extra_techs=[{"tech": "battery", "kind": "storage", "round_trip_efficiency": 0.81,
                                "charge_efficiency": 0.9, "storage_duration_max_h": 10, "new_build": False,
                                "lifetime_yr": 30}],
        extra_costs=[{"tech": "battery", "capex_cny_per_kw": 0}], extra_existing=[("A", "battery", 2015, 10, 40)])
    ds = solve(f)
    assert float(ds["total_cost"]) == pytest.approx(365 * (132_000 - 36 * 500 + 40 / 0.9 * 10) * 1e3 * BN,
                                                    rel=1e-8)
    price = ds["electricity_price"].sel(region="A", period=2020)
    low, high = price.where(ds["first_hour"] < 12, drop=True), price.where(ds["first_hour"] >= 12, drop=True)
    assert float(low.mean()) == pytest.approx(10, rel=1e-6)
    assert float(high.mean()) == pytest.approx(500, rel=1e-6)
    charged = float(ds["charge"].sel(tech="battery").sum())
    assert charged == pytest.approx(365 * 40 / 0.9, rel=1e-6)


def test_storage_energy_potential_binds(tmp_path):
    """The arbitrage day with a new battery: power free, energy 100 CNY/kWh over 10 years (10 CNY/kWh/yr).
    Each GWh of store earns 365 × (0.9 × 500 − 10/0.9) k CNY/yr = 160.2 M CNY, so the battery grows until
    the cheap plant's spare 20 GW × 12 h = 240 GWh a day are charged (216 GWh of store) — unless the
    region's storage energy potential of 50 GWh stops it: then cost = 48.18 − 365 × (0.9 × 50 × 500 −
    50/0.9 × 10) × 1e-6 + 50 × 10 × 1e-3 = 40.6703 bn CNY."""
    battery = [{"tech": "battery", "kind": "storage", "round_trip_efficiency": 0.81, "charge_efficiency": 0.9,
                "storage_duration_max_h": 1000}]
    cost = [{"tech": "battery", "capex_cny_per_kw": 0, "capex_energy_cny_per_kwh": 100}]
    free = solve(two_level_case(tmp_path / "a", extra_techs=battery, extra_costs=cost, settings={"days": 1}))
    assert float(free["storage_energy_capacity"].sum()) == pytest.approx(240 * 0.9, rel=1e-6)
    f = two_level_case(tmp_path / "b", extra_techs=battery, extra_costs=cost, settings={"days": 1},
                       storage_potentials=[("A", "battery", 50.0)])
    ds = solve(f)
    assert float(ds["storage_energy_capacity"].sum()) == pytest.approx(50, rel=1e-9)
    saving = 365 * (0.9 * 50 * 500 - 50 / 0.9 * 10) * 1e3 * BN
    assert float(ds["total_cost"]) == pytest.approx(365 * 132_000 * 1e3 * BN - saving + 0.5, rel=1e-8)


def _cap_case(tmp_path, cap_mt, lifetime=10):
    return factory.write(
        tmp_path,
        techs=[{"tech": "coal", "fuel": "coal", "efficiency": 0.4, "lifetime_yr": lifetime},
               {"tech": "gas_ccs", "fuel": "gas", "efficiency": 0.5, "capture_rate": 0.9,
                "lifetime_yr": lifetime}],
        costs=[{"tech": "coal", "capex_cny_per_kw": 1000}, {"tech": "gas_ccs", "capex_cny_per_kw": 1000}],
        fuels=[("coal", 0.1, False), ("gas", 0.05, False)], fuel_prices={"coal": 20, "gas": 40},
        demand={"A": 876.0}, co2_caps=[("c", 2000, cap_mt), ("c", 2100, cap_mt)],
        settings={"co2_cap": "c"})


def test_cap_forces_switch_and_co2_price(tmp_path):
    """Flat 100 GW load. Coal: 180 CNY/MWh fuel, 0.9 t/MWh; gas+CCS: 288 CNY/MWh, 0.036 t/MWh net; same
    capex. Uncapped emissions 788.4 Mt; a 400 Mt cap needs x TWh of gas with 788.4 − 0.864 x = 400,
    x = 449.537 TWh; CO2 price = (288 − 180) / (0.9 − 0.036) = 125 CNY/t."""
    ds = solve(_cap_case(tmp_path, 400.0))
    gas = float(ds["generation"].sel(region="A", tech="gas_ccs", period=2020))
    assert gas == pytest.approx(388.4 / 0.864, rel=1e-6)
    assert float(ds["emissions"].sum()) == pytest.approx(400.0, rel=1e-6)
    assert float(ds["co2_price"].sel(period=2020)) == pytest.approx(125.0, rel=1e-6)
    captured = float(ds["captured_co2"].sum())
    assert captured == pytest.approx(gas * 0.324, rel=1e-6)


def test_co2_price_is_undiscounted_in_every_period(tmp_path):
    """The same cap case over three 5-year periods (2020, 2025, 2030) discounted at 7 %/yr, plants living
    one period: the cap's dual is in present-value bn CNY per Mt of one year's emissions; divided by the
    period weight (Σ of its years' discount factors) it is 125 CNY/t in each period's own money."""
    sets = ["last_period=2030", "period_years=5", "discount_rate=0.07", "days=1"]
    ds = solve(_cap_case(tmp_path / "a", 400.0, lifetime=5), sets=sets)
    weights = [sum(1.07 ** -(y - 2020) for y in range(p - 2, p + 3)) for p in (2020, 2025, 2030)]
    assert ds["period"].values.tolist() == [2020, 2025, 2030]
    assert ds["period_weight"].values.tolist() == pytest.approx(weights)
    assert ds["co2_price"].values.tolist() == pytest.approx([125.0] * 3, rel=1e-6)
    assert ds["emissions"].sum("region").values.tolist() == pytest.approx([400.0] * 3, rel=1e-6)
    # Plants living 10 years tie 2020 and 2025 to one cohort: the two periods' prices are then not
    # unique (a kink of the value function), but their discounted sum is: 125 CNY/t × Σ W_p.
    ds = solve(_cap_case(tmp_path / "b", 400.0, lifetime=10), sets=sets)
    assert float((ds["co2_price"] * ds["period_weight"]).sum()) == pytest.approx(125.0 * sum(weights), rel=1e-6)


def test_slack_cap_has_zero_price(tmp_path):
    ds = solve(_cap_case(tmp_path, 1000.0))
    assert float(ds["co2_price"].sel(period=2020)) == pytest.approx(0.0, abs=1e-6)
    assert float(ds["generation"].sel(tech="gas_ccs").sum()) == pytest.approx(0.0, abs=1e-6)


def _two_regions(tmp_path, max_gw, capex=0.0):
    return factory.write(
        tmp_path, regions=("A", "B"),
        techs=[{"tech": "cheap", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 30},
               {"tech": "dear", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 30}],
        costs=[{"tech": "cheap", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 10},
               {"tech": "dear", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 300}],
        existing=[("A", "cheap", 2015, 100, 0), ("B", "dear", 2015, 50, 0)],
        demand={"A": 20 * 8.76, "B": 30 * 8.76},
        lines=[("AB", "A", "B", 10, 1000, capex / 1000, 0, 0, 0.05, 0, max_gw, 10)])


def test_transmission_imports_up_to_limit(tmp_path):
    """A (cheap, 10 CNY/MWh, load 20 GW) sends 10 GW over a full line with 5 % losses to B (300 CNY/MWh,
    load 30 GW): B generates 20.5 GW. Cost/h = 30×10 + 20.5×300 k CNY → 56.502 bn CNY/yr.
    Prices: A 10, B 300 CNY/MWh."""
    ds = solve(_two_regions(tmp_path, 10))
    flow = ds["flow"].sel(line="AB", period=2020)
    assert float(flow.min()) == pytest.approx(10, rel=1e-9)
    assert float(ds["total_cost"]) == pytest.approx((300 + 20.5 * 300) * 8760 * 1e3 * BN, rel=1e-9)
    price = ds["electricity_price"].sel(period=2020).mean("timestep")
    assert float(price.sel(region="A")) == pytest.approx(10, rel=1e-6)
    assert float(price.sel(region="B")) == pytest.approx(300, rel=1e-6)


def test_transmission_expands_when_it_pays(tmp_path):
    """Line capex 1000 CNY/kW (100 CNY/kW/yr) against a saving of 8760 × (0.95×300 − 10)/1000 = 2409
    CNY/kW/yr: the line grows until B imports its whole 30 GW load: 30 / 0.95 = 31.579 GW."""
    ds = solve(_two_regions(tmp_path, "", capex=1000.0))
    cap = float(ds["transmission_capacity"].sel(line="AB", period=2020))
    assert cap == pytest.approx(30 / 0.95, rel=1e-6)
    assert float(ds["new_transmission_capacity"].sum()) == pytest.approx(30 / 0.95 - 10, rel=1e-6)


def retirement_case(tmp_path):
    """100 GW of coal built 2015 (40 years, 3500 CNY/kW, FOM 500 CNY/kW/yr) and a flat 50 GW load."""
    return factory.write(
        tmp_path,
        techs=[{"tech": "coal", "fuel": "none", "efficiency": 1, "lifetime_yr": 40,
                "early_retirement": True, "new_build": False}],
        costs=[{"tech": "coal", "capex_cny_per_kw": 3500, "fom_cny_per_kw_yr": 500, "vom_cny_per_mwh": 100}],
        existing=[("A", "coal", 2015, 100, 0)], demand={"A": 50 * 8.76},
        settings={"first_period_builds": False, "last_period": 2025, "period_years": 5, "days": 1})


def two_level_case(tmp_path, extra_techs=(), extra_costs=(), extra_existing=(), settings=None, **extra):
    """Cheap 60 GW at 10 CNY/MWh and a peaker at 500 serving 40 GW for 12 h and 80 GW for 12 h."""
    return factory.write(
        tmp_path,
        techs=[{"tech": "cheap", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 30},
               {"tech": "peaker", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 30},
               *extra_techs],
        costs=[{"tech": "cheap", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 10},
               {"tech": "peaker", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 500}, *extra_costs],
        existing=[("A", "cheap", 2015, 60, 0), ("A", "peaker", 2015, 100, 0), *extra_existing],
        demand={"A": 60 * 8.76}, load={"A": factory.hours_profile([40] * 12 + [80] * 12)},
        settings=settings, **extra)


def test_retirement_when_fixed_cost_exceeds_value(tmp_path):
    """100 GW of coal (FOM 500 CNY/kW/yr) serves a flat 50 GW load; from 2025 the surplus 50 GW is
    retired early, saving its fixed O&M. Nothing is retired in the base year."""
    ds = solve(retirement_case(tmp_path))
    assert float(ds["retired_capacity"].sel(tech="coal", period=2025).sum()) == pytest.approx(50, rel=1e-9)
    assert float(ds["retired_capacity"].sel(period=2020).sum()) == 0
    assert float(ds["capacity"].sel(tech="coal", period=2025).sum()) == pytest.approx(50, rel=1e-9)
    fom = ds["cost"].sel(component="fixed_om")
    assert float(fom.sel(period=2025)) == pytest.approx(50 * 500 * 1e-3, rel=1e-9)


def _fom_case(tmp_path, fom, extra_existing=()):
    """50 GW of 2015 coal (VOM 150 CNY/MWh, fixed O&M ``fom``) and a flat 50 GW load; from 2025 a new
    plant can be built: 10,000 CNY/kW over 10 years (1000 CNY/kW/yr at discount 0) + VOM 100 CNY/MWh."""
    return factory.write(
        tmp_path,
        techs=[{"tech": "coal", "fuel": "none", "efficiency": 1, "lifetime_yr": 40, "early_retirement": True,
                "new_build": False},
               {"tech": "new", "fuel": "none", "efficiency": 1, "lifetime_yr": 10}],
        costs=[{"tech": "coal", "capex_cny_per_kw": 3500, "fom_cny_per_kw_yr": fom, "vom_cny_per_mwh": 150},
               {"tech": "new", "capex_cny_per_kw": 10000, "vom_cny_per_mwh": 100}],
        existing=[("A", "coal", 2015, 50, 0), *extra_existing], demand={"A": 50 * 8.76},
        settings={"first_period_builds": False, "last_period": 2025, "period_years": 5, "days": 1})


def test_end_of_life_is_not_retired_twice(tmp_path):
    """A 1982 cohort of 10 GW reaches the end of its 40 years (2022) before the 2025 period's span begins
    (2023, model/data/periods.py): it leaves at end of life and is not counted again among the early
    retirements, which take only the 50 GW still alive (FOM 600, so every living plant is replaced)."""
    ds = solve(_fom_case(tmp_path, 600, extra_existing=[("A", "coal", 1982, 10, 0)]))
    assert float(ds["capacity"].sel(tech="coal", period=2020).sum()) == pytest.approx(60)
    assert float(ds["retired_end_of_life"].sel(tech="coal", period=2025).sum()) == pytest.approx(10)
    assert float(ds["retired_capacity"].sel(tech="coal", period=2025).sum()) == pytest.approx(50, abs=1e-6)
    assert float(ds["capacity"].sel(tech="coal", period=2025).sum()) == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize("fom, retired", [(500, 0.0), (600, 50.0)])
def test_retirement_when_fixed_om_exceeds_the_plants_value(tmp_path, fom, retired):
    """Keeping a kW of coal costs FOM + 8.76 × 150 = FOM + 1314 CNY/kW/yr; replacing it costs 1000 +
    876 = 1876. FOM 500 (1814): kept; FOM 600 (1914): all 50 GW retired in 2025 and replaced. Cost (bn
    CNY, 5 years a period): 2020 5 × 50 × (FOM + 1314) × 1e-3, plus 2025 the same (kept) or 5 × 50 × 1876
    × 1e-3 (replaced)."""
    ds = solve(_fom_case(tmp_path, fom))
    assert float(ds["retired_capacity"].sel(tech="coal", period=2025).sum()) == pytest.approx(retired, abs=1e-6)
    assert float(ds["new_capacity"].sel(tech="new", period=2025).sum()) == pytest.approx(retired, abs=1e-6)
    keep = 5 * 50 * (fom + 1314) * 1e-3
    assert float(ds["total_cost"]) == pytest.approx(keep + (keep if not retired else 5 * 50 * 1876 * 1e-3),
                                                    rel=1e-9)
    # retired at the start of the 2025 period's span (2023): 32 of its 40 years left
    assert float(ds["stranded_capital"].sum()) == pytest.approx(retired * 3500 * 32 / 40 * 1e-3, abs=1e-9)


def test_min_load_keeps_inflexible_plant_running(tmp_path):
    """Nuclear (VOM 200) with 50 % minimum load must run at ≥ 50 GW although gas (VOM 100) is cheaper."""
    f = factory.write(
        tmp_path,
        techs=[{"tech": "nuclear", "kind": "nuclear", "fuel": "none", "efficiency": 1, "min_load": 0.5,
                "new_build": False, "lifetime_yr": 40},
               {"tech": "gas", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40}],
        costs=[{"tech": "nuclear", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 200},
               {"tech": "gas", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 100}],
        existing=[("A", "nuclear", 2015, 100, 0), ("A", "gas", 2015, 100, 0)],
        demand={"A": 80 * 8.76}, load={"A": factory.hours_profile([60] * 12 + [100] * 12)},
        settings={"days": 1})
    ds = solve(f)
    nuc = ds["dispatch"].sel(region="A", tech="nuclear", period=2020)
    assert float(nuc.min()) == pytest.approx(50, rel=1e-9)
    assert float(ds["generation"].sel(tech="nuclear").sum()) == pytest.approx(50 * 8.76, rel=1e-9)


def test_hydro_budget_shifts_water_to_peak(tmp_path):
    """10 GW of hydro with a flat 50 % inflow has 120 GWh a day: it runs at 10 GW in the 12 peak hours
    (load 20 GW, where a 500 CNY/MWh peaker would run) and not at all in the 12 off-peak hours (load
    10 GW), where a 10 GW base plant at 50 CNY/MWh serves."""
    f = factory.write(
        tmp_path,
        techs=[{"tech": "hydro", "kind": "hydro", "profile": "hydro", "new_build": False, "lifetime_yr": 80},
               {"tech": "base", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40},
               {"tech": "gas", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40}],
        costs=[{"tech": "hydro", "capex_cny_per_kw": 0},
               {"tech": "base", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 50},
               {"tech": "gas", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 500}],
        existing=[("A", "hydro", 2015, 10, 0), ("A", "base", 2015, 10, 0), ("A", "gas", 2015, 100, 0)],
        demand={"A": 15 * 8.76}, load={"A": factory.hours_profile([10] * 12 + [20] * 12)},
        profiles={"hydro": {"A": np.full(8760, 0.5)}}, settings={"days": 1})
    ds = solve(f)
    h = ds["dispatch"].sel(region="A", tech="hydro", period=2020)
    assert float(h.where(ds["first_hour"] >= 12, drop=True).min()) == pytest.approx(10, rel=1e-9)
    assert float(h.where(ds["first_hour"] < 12, drop=True).max()) == pytest.approx(0, abs=1e-9)


def test_ramping_limits_output_changes(tmp_path):
    """A plant ramping 10 %/h of 100 GW cannot follow a 40 → 80 GW step; a dear peaker fills the gap."""
    f = factory.write(
        tmp_path,
        techs=[{"tech": "slow", "fuel": "none", "efficiency": 1, "ramp_rate_per_h": 0.1, "new_build": False,
                "lifetime_yr": 40},
               {"tech": "peak", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40}],
        costs=[{"tech": "slow", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 10},
               {"tech": "peak", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 500}],
        existing=[("A", "slow", 2015, 100, 0), ("A", "peak", 2015, 100, 0)],
        demand={"A": 60 * 8.76}, load={"A": factory.hours_profile([40] * 12 + [80] * 12)},
        settings={"days": 1, "ramping": True})
    ds = solve(f)
    slow = ds["dispatch"].sel(region="A", tech="slow", period=2020).to_numpy()
    assert np.abs(np.diff(np.r_[slow, slow[0]])).max() <= 10 + 1e-6
    assert float(ds["generation"].sel(tech="peak").sum()) > 1.0


def test_demand_response_shifts_load_within_the_day(tmp_path):
    """25 % of load may move within the day at 50 CNY/MWh shifted. Load 40 GW (12 h) / 80 GW (12 h),
    cheap 60 GW at 10, peaker at 500. Up-shift is limited to 25 % × 40 = 10 GW off-peak, so 120 GWh a day
    moves: saving 120 × (500 − 10) − 120 × 50 = 52,800 k CNY/day on 132,000: 28.908 bn CNY/yr."""
    f = two_level_case(tmp_path, settings={"days": 1, "demand_response_share": 0.25,
                                           "demand_response_cost_cny_per_mwh": 50})
    ds = solve(f)
    assert float(ds["total_cost"]) == pytest.approx(365 * (132_000 - 52_800) * 1e3 * BN, rel=1e-8)
    assert float(ds["cost"].sel(component="demand_response").sum()) == pytest.approx(
        365 * 120 * 50 * 1e3 * BN, rel=1e-8)
    assert float(ds["demand_shifted"].sum()) == pytest.approx(365 * 120 / 1000, rel=1e-8)  # TWh/yr
    shift = ds["demand_shift"].sel(region="A", period=2020)
    low = ds["load"].sel(region="A", period=2020) < 60
    assert float(shift.where(low, drop=True).min()) == pytest.approx(10, rel=1e-8)  # +10 GW off-peak
    assert float((shift * ds["weight"]).sum()) == pytest.approx(0, abs=1e-6)  # nets out within the day
