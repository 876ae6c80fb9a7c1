"""A worked example of the Python API (docs/api.md): run a scenario, open its results, re-solve variants
quickly with a Session, and compare them.

    python examples/quickstart.py                 # writes results/example/
    python examples/quickstart.py --out /tmp/ex

To keep it fast (well under a minute on 2 cores) it solves 2020–2030 only, on 2 representative days of 4
steps; drop SETS for the full 2020–2060 pathway (``run.py run`` does the same from the shell).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import xarray as xr

from model import Session, load_inputs, run_scenario

INPUTS = Path(__file__).resolve().parents[1] / "inputs" / "china7"
#: three periods (2020, 2025, 2030) on a coarse time resolution
SETS = ["last_period=2030", "days=2", "segments=4"]
YEAR = 2030


def main(out: Path) -> dict:
    # 1. Run a scenario and write its results folder (results.nc, CSVs, run.log; figures=True adds the memo)
    run = run_scenario(INPUTS, "3060", SETS, out=out)
    print(f"objective {run.solution.objective:,.0f} bn CNY; results in {out}")

    # 2. Open the results: an xarray Dataset following docs/results.md (CF units and long names)
    with xr.open_dataset(out / "results.nc") as ds:
        mix = ds["capacity"].sum("region").sel(period=YEAR).to_pandas()
        print(f"capacity {YEAR} [GW]:\n" + mix[mix > 1].round(0).to_string())
        print(f"CO2 price {YEAR}: {float(ds['co2_price'].sel(period=YEAR)):,.0f} CNY/t "
              f"(units attribute: {ds['co2_price'].attrs['units']!r}, {ds['co2_price'].attrs['currency']})")
    tidy = pd.read_csv(out / "capacity.csv")  # the same numbers as a tidy table
    total = float(run.results["capacity"].sum())
    assert abs(tidy["capacity_gw"].sum() - total) < 1e-5 * total  # CSVs keep 6 significant digits

    # 3. Re-solve variants with a Session: the model is built once, then only numbers change (warm start)
    session = Session(load_inputs(INPUTS, "3060", SETS))
    base = session.solve()
    tight = session.solve([f"co2_cap_value[3060,{YEAR}]=400"])  # a tighter 2030 cap [Mt/yr]
    for name, r in (("base", base), (f"cap 400 Mt/yr in {YEAR}", tight)):
        print(f"{name}: objective {r.solution.objective:,.0f} bn CNY, CO2 {YEAR} "
              f"{float(r.results['emissions'].sel(period=YEAR).sum()):,.0f} Mt/yr, CO2 price "
              f"{float(r.results['co2_price'].sel(period=YEAR)):,.0f} CNY/t")
    print(f"re-solves: {session.stats}")
    return {"objective": run.solution.objective, "base": base.solution.objective,
            "tight": tight.solution.objective,
            "emissions": float(tight.results["emissions"].sel(period=YEAR).sum())}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("results") / "example")
    main(ap.parse_args().out)
