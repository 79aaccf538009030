"""The import contract in pyproject.toml (docs/architecture.md) holds, and it can fail: the
same check run on a copy of the code with one wrong arrow added reports that arrow."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["county_sites", "farmers", "service_points", "sandbox_bank", "demo"]
PLATFORM_PACKAGES = ["core", "config", "hub", "accounts"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _python_only(directory, names):
    return [n for n in names if not n.endswith(".py") and not os.path.isdir(f"{directory}/{n}")]


def _copy(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=_python_only)
    for name in PLATFORM_PACKAGES:
        shutil.copytree(ROOT / "platform" / name, tmp_path / "platform" / name, ignore=_python_only)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(root: Path) -> subprocess.CompletedProcess:
    # The copy comes first on the path, before the installed project.
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{root / 'platform'}"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def clean_copy(tmp_path_factory) -> Path:
    return _copy(tmp_path_factory.mktemp("contract"))


def test_the_code_keeps_every_contract(clean_copy):
    result = _lint(clean_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_a_service_importing_a_higher_app_breaks_the_layers(clean_copy):
    money = clean_copy / "platform" / "core" / "money.py"
    original = money.read_text()
    money.write_text(original + "\nimport hub.models  # noqa\n")
    try:
        result = _lint(clean_copy)
    finally:
        money.write_text(original)
    assert result.returncode == 1
    assert "core is not allowed to import hub" in result.stdout
    assert "core.money -> hub.models" in result.stdout


def test_a_service_importing_a_view_breaks_the_top_of_apps_contract(clean_copy):
    services = clean_copy / "service_points" / "services.py"
    original = services.read_text()
    services.write_text(original + "\nimport hub.views  # noqa\n")
    try:
        result = _lint(clean_copy)
    finally:
        services.write_text(original)
    assert result.returncode == 1
    assert "Only the top of an app imports the top of an app BROKEN" in result.stdout
    assert "service_points.services -> hub.views" in result.stdout


def test_a_helper_importing_a_view_of_its_own_app_breaks_the_top_of_apps_contract(clean_copy):
    # Not a model, service or selector, and in its own app: only this contract can see it.
    states = clean_copy / "county_sites" / "orders" / "states.py"
    original = states.read_text()
    states.write_text(original + "\nimport county_sites.orders.views  # noqa\n")
    try:
        result = _lint(clean_copy)
    finally:
        states.write_text(original)
    assert result.returncode == 1
    assert "Only the top of an app imports the top of an app BROKEN" in result.stdout
    assert "county_sites.orders.states -> county_sites.orders.views" in result.stdout
