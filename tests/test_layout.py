"""platform/ and locale/ are plain folders: the standard library's modules must win."""

import importlib
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()


def test_platform_locale_uuid_are_the_standard_library():
    for name in ("platform", "locale", "uuid"):
        module = importlib.import_module(name)
        assert Path(module.__file__).resolve().parent == STDLIB, (name, module.__file__)
    assert callable(sys.modules["platform"].python_version)
    assert callable(sys.modules["locale"].getlocale)
    assert sys.modules["uuid"].uuid4().version == 4


def test_plain_folders_have_no_init():
    assert not (REPO / "platform" / "__init__.py").exists()
    assert not (REPO / "locale" / "__init__.py").exists()


def test_apps_in_the_designed_places():
    for folder in (
        "platform/config",
        "platform/hub",
        "county_sites",
        "farmers",
        "service_points",
        "locale",
        "tests",
        "bench",
        "docs/adr",
    ):
        assert (REPO / folder).is_dir(), folder
    assert (REPO / "manage.py").is_file()
    assert (REPO / "requirements.txt").is_file()
