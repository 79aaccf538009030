"""platform/ and locale/ are plain folders: the standard library's modules must win."""

import importlib
import os
import subprocess
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


def test_platform_folder_is_never_on_sys_path():
    """config, hub and accounts come from the editable install, which maps each package to its
    folder (docs/adr/0013); nothing puts platform/ itself on the path."""
    platform_dir = (REPO / "platform").resolve()
    assert all(Path(entry or ".").resolve() != platform_dir for entry in sys.path), sys.path


def test_packages_import_from_their_folders_in_a_fresh_interpreter(tmp_path):
    """From another folder, with no PYTHONPATH: what gunicorn, Celery or a script sees."""
    code = (
        "import sys, platform, locale, config, hub, accounts, county_sites, farmers\n"
        "print(platform.__file__, locale.__file__, config.__file__, hub.__file__,"
        " accounts.__file__, county_sites.__file__, farmers.__file__)\n"
        "print(*sys.path)"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    files, path = (line.split() for line in result.stdout.splitlines())
    std_platform, std_locale, *ours = (Path(name).resolve() for name in files)
    assert std_platform.parent == std_locale.parent == STDLIB
    assert [file.parent.relative_to(REPO).as_posix() for file in ours] == [
        "platform/config",
        "platform/hub",
        "platform/accounts",
        "county_sites",
        "farmers",
    ]
    assert str(REPO / "platform") not in path and str(REPO) not in path


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
