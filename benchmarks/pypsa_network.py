"""The peer case as a PyPSA network, built from the project's own prepared data (one period).

Units as in the model: capacity GW (storage energy GWh), dispatch GW, money bn CNY. Snapshot weightings:
``objective`` and ``generators`` = w_s (hours per year the timestep stands for), ``stores`` = δ_s (hours
the timestep lasts). Per (region, tech):

* generators: ``p_max_pu`` = capacity factor × availability (wind/solar below 10⁻³ → 0; hydro: the
  availability, its inflow is a daily budget), ``p_min_pu`` = min load × that (nuclear);
  ``capital_cost`` = (capex × annuity weight + fixed O&M × period weight) × 10⁻³ [bn CNY/GW];
  ``marginal_cost`` = (VOM + fuel + CO2 transport & storage × capture) × period weight × 10⁻⁶
  [bn CNY/GWh]; carrier ``co2_emissions`` = net CO2 × 10⁻³ [Mt/GWh];
* the existing fleet as ``p_nom_min`` of the same extendable component; the capex this charges on the
  existing capacity is a constant, returned as ``offset`` and subtracted from PyPSA's objective;
* storage: a Store (energy), a charger Link (grid → store, efficiency η_c) and a discharger Link (store →
  grid, efficiency η_d; its ``p_nom`` × η_d is the model's power capacity);
* corridors: two lossy Links (efficiency 1 − loss), equal ``p_nom`` imposed in
  :func:`extra_functionality`;
* unserved energy: a generator per region bounded by the load, at the value of lost load.

What PyPSA has no component for is added as linopy constraints in :func:`extra_functionality`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

MIN_CF = 1e-3  # model.lp.components.dispatch.MIN_CF


def _alive_existing(data, s, name: str) -> pd.Series:
    """Existing capacity (or energy) alive in the period, by (region, tech)."""
    from model.lp.components.capacity import alive

    p = int(data["period"][0])
    ex = data[name].to_series()
    life = ex.index.get_level_values("tech").map(data["lifetime_yr"].to_series())
    ok = alive(ex.index.get_level_values("vintage"), life, p, s.period_years)
    return ex[np.asarray(ok)].groupby(level=["region", "tech"]).sum()


def unit_table(data, s) -> pd.DataFrame:
    """One row per (region, tech) that can hold capacity in the period: existing capacity, potential,
    whether new capacity may be built, costs [bn CNY/GW, /GWh] and attributes."""
    p = int(data["period"][0])
    w = float(data["period_weight"][0])
    idx = pd.MultiIndex.from_product([data["region"].to_numpy(), data["tech"].to_numpy()],
                                     names=["region", "tech"])
    t = pd.DataFrame({c: data[c].to_series() for c in (
        "kind", "fuel", "capture_rate", "new_build", "retrofit_of", "first_build_year", "availability",
        "min_load", "min_capacity_factor", "capacity_credit", "separate_charge_capacity",
        "storage_duration_min_h", "storage_duration_max_h", "charge_efficiency", "discharge_efficiency",
        "co2_net_t_per_mwh", "co2_captured_t_per_mwh")})
    per_t = lambda v: data[v].sel(period=p).to_series()  # noqa: E731
    aw = per_t("annuity_weight")
    t["capex_gw"] = per_t("capex") * aw * 1e-3
    t["fom_gw"] = per_t("fom") * w * 1e-3
    t["capex_energy_gwh"] = per_t("capex_energy") * aw * 1e-3
    t["capex_charge_gw"] = per_t("capex_charge") * aw * 1e-3
    op = per_t("vom") + per_t("fuel_cost") + t["co2_captured_t_per_mwh"] * s.co2_transport_storage_cny_per_t
    t["mc"] = op * w * 1e-6
    t["vom_mc"] = per_t("vom") * w * 1e-6
    u = t.reindex(idx.get_level_values("tech")).set_index(idx)
    u["potential"] = data["potential"].to_series().reindex(idx)
    for col, name in (("ex_power", "existing_capacity"), ("ex_energy", "existing_energy"),
                      ("ex_charge", "existing_charge")):
        u[col] = _alive_existing(data, s, name).reindex(idx).fillna(0.0)
    first = u["first_build_year"].astype(float).fillna(-np.inf)
    banned = (s.no_new_coal_after is not None and p >= s.no_new_coal_after) & \
        (u["fuel"] == "coal") & (u["capture_rate"] == 0)
    u["buildable"] = (u["new_build"].astype(bool) & (u["retrofit_of"] == "") & (u["potential"] > 0)
                      & (first <= p) & ~banned)
    u = u[(u["ex_power"] > 0) | (u["ex_energy"] > 0) | u["buildable"]].copy()
    u["p_nom_max"] = np.where(u["buildable"], u["potential"], u["ex_power"])
    u.index = [f"{r} {t}" for r, t in u.index]
    u["region"] = [n.split(" ")[0] for n in u.index]
    u["tech"] = [n.split(" ", 1)[1] for n in u.index]
    return u


def snapshot_frame(data) -> pd.DataFrame:
    """Per timestep: weight w_s [h/yr], duration δ_s [h], representative day."""
    return pd.DataFrame({"weight": data["weight"].to_numpy(), "duration": data["duration"].to_numpy(),
                         "day": data["timestep_day"].to_numpy()},
                        index=pd.Index(data["timestep"].to_numpy(), name="snapshot"))


def availability(data, gens: pd.DataFrame) -> pd.DataFrame:
    """p_max_pu (snapshot × generator): capacity factor × availability, as the model's generation_limit."""
    cf = data["capacity_factor"].transpose("timestep", "region", "tech").to_numpy()
    r_pos = pd.Index(data["region"].to_numpy()).get_indexer(gens["region"])
    t_pos = pd.Index(data["tech"].to_numpy()).get_indexer(gens["tech"])
    a = cf[:, r_pos, t_pos] * gens["availability"].to_numpy(float)
    hydro = (gens["kind"] == "hydro").to_numpy()
    a[:, hydro] = gens["availability"].to_numpy(float)[hydro]
    variable = (gens["kind"] == "variable").to_numpy()
    a[:, variable] = np.where(a[:, variable] < MIN_CF, 0.0, a[:, variable])
    return pd.DataFrame(a, index=data["timestep"].to_numpy(), columns=gens.index)


def build_network(data, s):
    """The PyPSA network of the prepared ``data`` (one period) and the objective offset [bn CNY]."""
    import pypsa

    n = pypsa.Network()
    snap = snapshot_frame(data)
    n.set_snapshots(snap.index)
    n.snapshot_weightings["objective"] = snap["weight"]
    n.snapshot_weightings["generators"] = snap["weight"]
    n.snapshot_weightings["stores"] = snap["duration"]
    u = unit_table(data, s)
    regions = data["region"].to_numpy()
    n.add("Carrier", "AC")
    n.add("Bus", regions, carrier="AC")
    offset = _add_generators(n, data, u[u["kind"] != "storage"])
    offset += _add_storage(n, u[u["kind"] == "storage"])
    offset += _add_lines(n, data)
    _add_load(n, data, s)
    cap = float(data["co2_cap"][0])
    if np.isfinite(cap):
        n.add("GlobalConstraint", "co2_cap", type="primary_energy", carrier_attribute="co2_emissions",
              sense="<=", constant=cap)
    n.meta = {"units": u}
    return n, offset


def _add_generators(n, data, g: pd.DataFrame) -> float:
    techs = sorted(set(g["tech"]))
    co2 = g.groupby("tech")["co2_net_t_per_mwh"].first()
    n.add("Carrier", techs, co2_emissions=(co2.reindex(techs) * 1e-3).to_numpy())
    a = availability(data, g)
    n.add("Generator", g.index, bus=g["region"], carrier=g["tech"], p_nom_extendable=True,
          p_nom_min=g["ex_power"], p_nom_max=g["p_nom_max"], capital_cost=g["capex_gw"] + g["fom_gw"],
          marginal_cost=g["mc"], p_max_pu=a, p_min_pu=a * g["min_load"].astype(float).to_numpy())
    return float((g["capex_gw"] * g["ex_power"]).sum())


def _add_storage(n, st: pd.DataFrame) -> float:
    if not len(st):
        return 0.0
    eta_d, eta_c = st["discharge_efficiency"].astype(float), st["charge_efficiency"].astype(float)
    sep = st["separate_charge_capacity"].astype(bool)
    new = st["buildable"]
    n.add("Carrier", ["storage", "charger", "discharger"])
    n.add("Bus", st.index, carrier="storage")
    n.add("Store", st.index, bus=st.index, carrier="storage", e_nom_extendable=True,
          e_nom_min=st["ex_energy"], e_nom_max=np.where(new, np.inf, st["ex_energy"]),
          capital_cost=st["capex_energy_gwh"])
    v = lambda x: np.asarray(x, dtype=float)  # noqa: E731  (Series of other names → values)
    n.add("Link", st.index + " charger", bus0=st["region"].to_numpy(), bus1=st.index, carrier="charger",
          efficiency=v(eta_c), p_nom_extendable=True, p_nom_min=np.where(sep, st["ex_charge"], 0.0),
          p_nom_max=np.where(sep & ~new, st["ex_charge"], np.inf),
          capital_cost=np.where(sep, st["capex_charge_gw"], 0.0))
    n.add("Link", st.index + " discharger", bus0=st.index, bus1=st["region"].to_numpy(), carrier="discharger",
          efficiency=v(eta_d), p_nom_extendable=True, p_nom_min=v(st["ex_power"] / eta_d),
          p_nom_max=v(st["p_nom_max"] / eta_d), capital_cost=v((st["capex_gw"] + st["fom_gw"]) * eta_d),
          marginal_cost=v(st["vom_mc"] * eta_d))
    return float((st["capex_gw"] * st["ex_power"] + st["capex_energy_gwh"] * st["ex_energy"]
                  + np.where(sep, st["capex_charge_gw"] * st["ex_charge"], 0.0)).sum())


def _add_lines(n, data) -> float:
    if not data.sizes.get("line", 0):
        return 0.0
    ln = pd.DataFrame({k: data[f"line_{k}"].to_series() for k in
                       ("from", "to", "existing", "capex", "loss", "fom_share", "max")})
    aw = data["line_annuity_weight"].isel(period=0).to_series()
    w = float(data["period_weight"][0])
    cost = ln["capex"] * (aw + ln["fom_share"] * w) * 1e-3
    n.add("Carrier", "line")
    kw = dict(carrier="line", efficiency=(1 - ln["loss"]).to_numpy(float), p_nom_extendable=True,
              p_nom_min=ln["existing"].to_numpy(float), p_nom_max=ln["max"].to_numpy(float))
    fwd, bwd = ln.index + " fwd", ln.index + " bwd"
    n.add("Link", fwd, bus0=ln["from"].to_numpy(), bus1=ln["to"].to_numpy(), capital_cost=cost.to_numpy(), **kw)
    n.add("Link", bwd, bus0=ln["to"].to_numpy(), bus1=ln["from"].to_numpy(), capital_cost=0.0, **kw)
    return float((ln["capex"] * aw * 1e-3 * ln["existing"]).sum())


def _add_load(n, data, s) -> None:
    from model.lp.components.balance import balance_index, demand_gw

    idx = balance_index(data)
    load = pd.Series(demand_gw(data, idx), index=pd.MultiIndex.from_frame(idx[["timestep", "region"]]))
    load = load.unstack("region")[data["region"].to_numpy()]
    n.add("Load", load.columns, bus=load.columns, p_set=load)
    peak = load.max()
    n.add("Carrier", "unserved")
    w = float(data["period_weight"][0])
    n.add("Generator", load.columns + " unserved", bus=load.columns.to_numpy(), carrier="unserved",
          p_nom=peak.to_numpy(), p_max_pu=load.div(peak).set_axis(load.columns + " unserved", axis=1),
          marginal_cost=s.value_of_lost_load_cny_per_mwh * w * 1e-6)


# -- what PyPSA has no component for, as linopy constraints ---------------------------------------
def _pick(var, names, labels):
    """``var`` at components ``names``, relabelled ``labels`` on the shared dimension ``name``."""
    return var.sel(name=list(names)).assign_coords(name=list(labels))


def _da(values, labels) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, float), coords={"name": list(labels)}, dims="name")


def extra_functionality(data, s):
    """``f(n, snapshots)`` adding the model's constraints PyPSA has no component for: equal line
    capacity both ways, charger = power capacity (one power rating) and duration bounds on new storage,
    a state of charge cyclic within each representative day, hydro daily energy budgets, annual
    must-run, the reserve margin with reserve sharing over lines, and CO2 storage limits."""
    def f(n, sns):
        m, u = n.model, n.meta["units"]
        lines = list(data["line"].to_numpy())
        if lines:
            pnom = m["Link-p_nom"]
            m.add_constraints(_pick(pnom, [x + " bwd" for x in lines], lines)
                              - _pick(pnom, [x + " fwd" for x in lines], lines) == 0, name="line_both_ways")
        st = u[u["kind"] == "storage"]
        if len(st):
            _storage_rules(m, data, sns, st)
        _hydro_budget(m, data, sns, u)
        _must_run(m, data, sns, u)
        _reserve_margin(m, data, s, u, lines)
        _co2_storage(m, data, s, sns, u)
    return f


def _storage_rules(m, data, sns, st: pd.DataFrame) -> None:
    from model.lp.components.dispatch import previous_step

    pnom = m["Link-p_nom"]
    eta_d = _da(st["discharge_efficiency"], st.index)
    power = _pick(pnom, st.index + " discharger", st.index) * eta_d  # grid-side power capacity [GW]
    shared = st[~st["separate_charge_capacity"].astype(bool)].index
    if len(shared):
        m.add_constraints(_pick(pnom, shared + " charger", shared) - power.sel(name=list(shared)) == 0,
                          name="storage_charger_power")
    new = st[st["buildable"]]
    if len(new):
        e = _pick(m["Store-e_nom"], new.index, new.index)
        p = power.sel(name=list(new.index))
        for col, sign, tag in (("storage_duration_min_h", ">=", "min"), ("storage_duration_max_h", "<=", "max")):
            h = _da(new[col].astype(float).fillna(np.inf if tag == "max" else 0.0), new.index)
            ok = np.isfinite(h.values)
            lhs = (e - h * p).sel(name=list(new.index[ok]))
            rhs = (_da(new["ex_energy"], new.index) - h * _da(new["ex_power"], new.index)).sel(
                name=list(new.index[ok]))
            m.add_constraints(lhs >= rhs if sign == ">=" else lhs <= rhs, name=f"storage_duration_{tag}")
    e, p = m["Store-e"], m["Store-p"]
    prev = previous_step(data)
    dur = xr.DataArray(data["duration"].to_numpy(), coords={"snapshot": sns}, dims="snapshot")
    m.remove_constraints("Store-energy_balance")
    m.add_constraints(e - e.isel(snapshot=prev).assign_coords(snapshot=sns) + dur * p == 0,
                      name="Store-energy_balance_per_day")


def _hydro_budget(m, data, sns, u) -> None:
    hy = u[u["kind"] == "hydro"]
    if not len(hy):
        return
    dur = data["duration"].to_numpy()
    day = xr.DataArray(data["timestep_day"].to_numpy(), coords={"snapshot": sns}, dims="snapshot", name="day")
    inflow = data["capacity_factor"].sel(tech="hydro").to_pandas().T[hy["region"].to_numpy()]  # snapshot × gen
    budget = (inflow.mul(dur, axis=0)).groupby(data["timestep_day"].to_numpy()).sum()
    budget = xr.DataArray(budget.to_numpy(), coords={"day": budget.index, "name": list(hy.index)},
                          dims=("day", "name"))
    p = m["Generator-p"].sel(name=list(hy.index))
    used = (p * xr.DataArray(dur, coords={"snapshot": sns}, dims="snapshot")).groupby(day).sum()
    m.add_constraints(used - budget * m["Generator-p_nom"].sel(name=list(hy.index)) <= 0,
                      name="hydro_budget")


def _must_run(m, data, sns, u) -> None:
    g = u[(u["kind"] != "storage") & (u["min_capacity_factor"] > 0)]
    if not len(g):
        return
    w = xr.DataArray(data["weight"].to_numpy(), coords={"snapshot": sns}, dims="snapshot")
    annual = (m["Generator-p"].sel(name=list(g.index)) * w).sum("snapshot")
    coef = _da(g["min_capacity_factor"] * g["availability"] * 8760.0, g.index)
    m.add_constraints(annual - coef * m["Generator-p_nom"].sel(name=list(g.index)) >= 0, name="must_run")


def _reserve_margin(m, data, s, u, lines) -> None:
    p = int(data["period"][0])
    if p < s.first_decision_period or s.reserve_margin is None:
        return
    pnom_g, pnom_l = m["Generator-p_nom"], m["Link-p_nom"]
    res = {}
    for d in ("fwd", "bwd"):
        res[d] = m.add_variables(lower=0, coords=[pd.Index(lines, name="name")], name=f"reserve_{d}")
        m.add_constraints(res[d] - _pick(pnom_l, [x + " fwd" for x in lines], lines) <= 0,
                          name=f"reserve_{d}_limit")
    eff = 1 - data["line_loss"].to_series()
    ends = {"fwd": (data["line_from"].to_series(), data["line_to"].to_series()),
            "bwd": (data["line_to"].to_series(), data["line_from"].to_series())}
    peak = data["peak_demand"].sel(period=p).to_series() * (1 + s.reserve_margin)
    for r in data["region"].to_numpy():
        mine = u[u["region"] == r]
        gens, st = mine[mine["kind"] != "storage"], mine[mine["kind"] == "storage"]
        lhs = (pnom_g.sel(name=list(gens.index)) * _da(gens["capacity_credit"], gens.index)).sum()
        if len(st):
            credit = st["capacity_credit"] * st["discharge_efficiency"]
            lhs = lhs + (pnom_l.sel(name=list(st.index + " discharger")) *
                         _da(credit, st.index + " discharger")).sum()
        for d, (frm, to) in ends.items():
            out, inn = frm.index[frm == r], to.index[to == r]
            if len(out):
                lhs = lhs - res[d].sel(name=list(out)).sum()
            if len(inn):
                lhs = lhs + (res[d].sel(name=list(inn)) * _da(eff[inn], inn)).sum()
        m.add_constraints(lhs >= float(peak[r]), name=f"reserve_margin_{r}")


def _co2_storage(m, data, s, sns, u) -> None:
    limit = data["co2_storage"].to_series()
    g = u[(u["kind"] != "storage") & (u["co2_captured_t_per_mwh"] > 0)]
    w = xr.DataArray(data["weight"].to_numpy(), coords={"snapshot": sns}, dims="snapshot")
    for r, cap in limit[np.isfinite(limit)].items():
        mine = g[g["region"] == r]
        if not len(mine):
            continue
        coef = _da(mine["co2_captured_t_per_mwh"] * 1e-3 * s.period_years, mine.index)
        stored = (m["Generator-p"].sel(name=list(mine.index)) * w * coef).sum()
        m.add_constraints(stored <= float(cap), name=f"co2_storage_{r}")
