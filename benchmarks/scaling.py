"""How build, hand-over, solve time and memory grow with the size of the LP.

    python benchmarks/scaling.py                     # all points below (about 15-20 min here)
    python benchmarks/scaling.py --axes days --days 2 4        # a quick subset

The "3060" scenario, perfect foresight, at increasing size along three axes from a base of
``inputs/china7``, 4 representative days × 4 segments, 9 periods (2020–2060):

* ``days``: 2, 4, 8, 16 representative days (segments fixed at 4);
* ``periods``: ``last_period`` 2030, 2040, 2050, 2060 (3, 5, 7, 9 periods);
* ``regions``: 7 grid regions (``inputs/china7``) → 31 provinces (``inputs/china31``).

Each point runs once in a fresh process (stages of :mod:`stages`, route ``pyomo``, no writing; one run
per point: the fitted exponents use all points, so one noisy point moves them little). A point that
runs past ``--timeout`` is recorded as such. Reported per point: seconds [s] for build, hand-over and
solve, peak RSS [MB], variables, constraints, non-zeros. The exponent ``b`` of ``time ≈ a · nnz^b``
is fitted by least squares on log-log for build, hand-over, solve and their sum, and for peak-memory
increase. Writes ``benchmarks/out/scaling.json`` and the log-log plot ``benchmarks/out/scaling.png``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from common import OUT, child_print, print_table, run_child, write_json

BASE = {"inputs": "inputs/china7", "days": 4, "segments": 4, "last_period": 2060}
AXES = {
    "days": [{"days": d} for d in (2, 4, 8, 16)],
    "periods": [{"last_period": p} for p in (2030, 2040, 2050, 2060)],
    "regions": [{"inputs": "inputs/china7"}, {"inputs": "inputs/china31"}],
}


def points(axes: list[str], days: list[int] | None = None) -> list[dict]:
    """The distinct points of the chosen axes (a point on several axes runs once)."""
    out: dict[tuple, dict] = {}
    for axis in axes:
        for change in AXES[axis]:
            if axis == "days" and days and change["days"] not in days:
                continue
            p = {**BASE, **change}
            key = tuple(sorted(p.items()))
            out.setdefault(key, {**p, "axes": []})["axes"].append(axis)
    return list(out.values())


def one_point(inputs: str, sets: list[str]) -> dict:
    """Child: stages up to extraction (no writing), route ``pyomo``."""
    from stages import derived, run_stages

    r = run_stages(inputs, "3060", sets, route="pyomo", write=False)
    r.update(derived(r))
    return r


def fit_exponent(x, y) -> float | None:
    """Least-squares slope of log(y) on log(x) (None with fewer than 2 positive points)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = (x > 0) & (y > 0)
    if ok.sum() < 2:
        return None
    return float(np.polyfit(np.log(x[ok]), np.log(y[ok]), 1)[0])


def plot(rows: list[dict], fits: dict, path: Path) -> None:
    """Log-log plot of build, hand-over and solve seconds against non-zeros, with fitted lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = [r for r in rows if "error" not in r]
    x = np.array([r["n_nonzeros"] for r in ok], float)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, marker, label in (("build_s", "s", "build (numpy blocks)"),
                               ("handover_s", "^", "hand-over (Pyomo + compile + pass)"),
                               ("solve_s", "o", "HiGHS solve")):
        y = np.array([r[key] for r in ok], float)
        ax.loglog(x, y, marker, label=f"{label}: exponent {fits[key]:.2f}" if fits.get(key) else label)
        if fits.get(key):
            b = fits[key]
            a = np.exp(np.mean(np.log(y) - b * np.log(x)))
            xs = np.geomspace(x.min(), x.max(), 20)
            ax.loglog(xs, a * xs ** b, "-", color=ax.lines[-1].get_color(), alpha=0.5)
    for r in ok:
        ax.annotate(r["label"], (r["n_nonzeros"], r["solve_s"]), fontsize=7, xytext=(3, 3),
                    textcoords="offset points")
    ax.set_xlabel("non-zeros of the LP")
    ax.set_ylabel("seconds")
    ax.set_title("cn-3060 scaling (3060 scenario, perfect foresight)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def label(p: dict) -> str:
    reg = "31p" if "china31" in p["inputs"] else "7r"
    return f"{reg} {p['days']}d×{p['segments']} →{p['last_period']}"


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--axes", nargs="+", default=list(AXES), choices=list(AXES))
    ap.add_argument("--days", nargs="+", type=int, help="subset of the days axis")
    ap.add_argument("--timeout", type=float, default=900.0, help="per point [s]")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--inputs", help=argparse.SUPPRESS)
    ap.add_argument("--set", dest="sets", action="append", default=[], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child_print(one_point(args.inputs, args.sets))
        return {}
    rows = []
    for p in points(args.axes, args.days):
        sets = [f"days={p['days']}", f"segments={p['segments']}", f"last_period={p['last_period']}"]
        r = run_child(Path(__file__), ["--inputs", p["inputs"], *[a for x in sets for a in ("--set", x)]],
                      timeout_s=args.timeout)
        r = {"label": label(p), **p, **r}
        print(f"  {r['label']}: " + (r["error"] if "error" in r else
              f"{r['n_nonzeros']:,} nnz, build {r['build_s']:.1f} s, hand-over {r['handover_s']:.1f} s, "
              f"solve {r['solve_s']:.1f} s, peak {r['peak_rss_mb']:.0f} MB"), flush=True)
        rows.append(r)
    ok = [r for r in rows if "error" not in r]
    nnz = [r["n_nonzeros"] for r in ok]
    fits = {k: fit_exponent(nnz, [r[k] for r in ok]) for k in ("build_s", "handover_s", "solve_s", "end_to_end_s",
                                                              "generation_peak_increment_mb")}
    print_table(rows, ["label", "axes", "n_variables", "n_constraints", "n_nonzeros", "build_s", "handover_s",
                       "solve_s", "peak_rss_mb", "generation_peak_increment_mb"], "Scaling (one run per point)")
    print("fitted exponents of time (and memory) vs non-zeros: " +
          ", ".join(f"{k} {v:.2f}" for k, v in fits.items() if v is not None))
    if ok:
        plot(rows, fits, OUT / "scaling.png")
    payload = {"base": BASE, "points": rows, "exponents": fits, "solve_exponent": fits["solve_s"],
               "plot": "benchmarks/out/scaling.png"}
    largest = max(ok, key=lambda r: r["n_nonzeros"]) if ok else {}
    for key in ("solve_s", "build_s", "peak_rss_mb", "n_variables", "n_constraints", "n_nonzeros",
                "overhead_ratio"):
        if key in largest:
            payload[key] = largest[key]  # of the largest point
    print(f"wrote {write_json('scaling', payload)}")
    return payload


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
