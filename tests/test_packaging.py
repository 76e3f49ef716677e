"""The wheel ships what the installed package needs outside Python files: the web demo's page
(`serve-demo` from a wheel) and the Node runner of TF.js exports."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_wheel_ships_the_web_demo_page_and_the_node_runner(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), REPO],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = glob.glob(str(tmp_path / "tf_imgtrans-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    page = {
        os.path.relpath(p, REPO)
        for p in glob.glob(f"{REPO}/tf_imgtrans/web_demo/**/*.*", recursive=True)
    }
    assert "tf_imgtrans/web_demo/index.html" in page and len(page) >= 6
    assert page <= names, sorted(page - names)
    assert "tf_imgtrans/export/js/run_graph_model.mjs" in names
    assert not any("node_modules" in n for n in names)
