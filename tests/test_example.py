"""The worked example of docs/api.md runs (examples/quickstart.py) and its answers hold."""
import importlib.util
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "quickstart.py"


@pytest.mark.slow
def test_quickstart_runs(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("quickstart", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.main(tmp_path / "example")
    for name in ("results.nc", "capacity.csv", "manifest.json", "run.log"):
        assert (tmp_path / "example" / name).is_file(), name
    assert out["base"] == pytest.approx(out["objective"], rel=1e-6)  # the session solves the same LP
    assert out["tight"] >= out["base"] - 1e-6 and out["emissions"] <= 400 + 1e-3  # the tighter cap holds
    printed = capsys.readouterr().out
    assert "CO2 price 2030" in printed and "re-solves: {'updates': 1, 'rebuilds': 1}" in printed
