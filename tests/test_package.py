"""A wheel built from this tree works outside the checkout: templates, fonts
and content travel inside it and are found through importlib.resources."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.pdf
def test_wheel_carries_its_data_and_builds_from_another_folder(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("handouts-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "handouts/_data/templates/base.html",
        "handouts/_data/fonts/OFL.txt",
        "handouts/_data/fonts/NotoSansKhmer-Regular.ttf",
        "handouts/_data/content/facts.yaml",
        "handouts/_data/content/red-card/es.yaml",
        "handouts/cli/__init__.py",
    ):
        assert needed in names
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    script = (
        "import sys, handouts; assert handouts.__file__.startswith(sys.argv[1]), handouts.__file__; "
        "sys.argv = ['handouts', 'build', '--lang', 'es', '--handout', 'red-card', '--out', 'x']; "
        "from handouts.cli import run; run()"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(target)], cwd=elsewhere, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Built 1 of 1 PDF(s) into x/.\n"
    assert (elsewhere / "x" / "es" / "red-card-wallet.pdf").stat().st_size > 1000
