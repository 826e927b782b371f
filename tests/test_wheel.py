"""What ships in a wheel works on its own: standards, fonts, forms and migrations included,
nothing read from the source checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_install_runs_calc_store_and_finds_its_files(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True, timeout=600)
    target = tmp_path / "site"
    wheel = next(wheels.glob("*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=600)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "WULONG_DESK_HOME": str(tmp_path / "home")}
    code = (
        "import wulong_desk, wulong_desk.paths as p; "
        f"assert str(p.resources_dir()).startswith({str(target)!r}), p.resources_dir(); "
        "assert (p.resources_dir() / 'fonts' / 'wqy-microhei.ttc').exists(); "
        "print(wulong_desk.__file__)")
    out = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, check=True,
                         capture_output=True, text=True).stdout
    assert out.startswith(str(target))
    example = ROOT / "resources" / "examples" / "example-2.json"
    calc = subprocess.run([sys.executable, "-m", "wulong_desk", "calc", str(example)], cwd=work,
                          env=env, capture_output=True, text=True, check=True)
    assert json.loads(calc.stdout)["totals"]["total"] == "235004.00"
    demo = subprocess.run([sys.executable, "-m", "wulong_desk", "demo", "--db",
                           str(work / "d.sqlite"), "--json"], cwd=work, env=env,
                          capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr  # migrations found inside the installed package
