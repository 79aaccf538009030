"""deploy/.env.example names every setting read from the environment (issue 12, point 1): the
settings modules and gunicorn's configuration are parsed, not imported, so a new
os.environ.get, env_bool or env_list anywhere in them fails here until it is documented."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = sorted((ROOT / "platform" / "config" / "settings").glob("*.py"))
GUNICORN = ROOT / "deploy" / "gunicorn.conf.py"
# Read by settings/base.py at start-up (error_reporting_start(os.environ)).
ERROR_REPORTING = ROOT / "platform" / "config" / "error_reporting.py"
ENV_EXAMPLE = ROOT / "deploy" / ".env.example"
# Our helpers in settings/base.py that read one variable each (first argument: its name).
ENV_HELPERS = {"env_bool", "env_list"}


def _is_environ(node: ast.AST) -> bool:
    """os.environ, or a bare `environ` (production_problems takes it as an argument)."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _reads_one(call: ast.Call) -> bool:
    """environ.get(NAME), os.getenv(NAME), env_bool(NAME, ...), env_list(NAME, ...)."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in ENV_HELPERS
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr == "get":
        return _is_environ(func.value)
    return func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os"


def _name_read(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and _reads_one(node) and node.args:
        return _str(node.args[0])
    if isinstance(node, ast.Subscript) and _is_environ(node.value):
        return _str(node.slice)
    if isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
        return _str(node.left)
    return None


def names_read(source: str) -> set[str]:
    return {name for node in ast.walk(ast.parse(source)) if (name := _name_read(node))}


def documented() -> set[str]:
    """NAME= at the start of a line, commented out (default kept) or not."""
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE))


def test_the_parser_sees_every_kind_of_read():
    source = (
        'import os\nA = os.environ.get("ONE", "")\nB = env_bool("TWO", False)\n'
        'C = env_list("THREE", [])\nD = os.environ["FOUR"]\nE = "FIVE" in environ\n'
        'F = os.getenv("SIX")\nG = environ.get("SEVEN")\n'
    )

    assert names_read(source) == {"ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN"}


def test_every_setting_read_from_the_environment_is_in_env_example():
    read = set()
    for module in [*SETTINGS, GUNICORN, ERROR_REPORTING]:
        read |= names_read(module.read_text())

    assert {"SECRET_KEY", "DATABASE_URL", "FENGSHOU_TRUSTED_PROXY_COUNT"} <= read
    assert sorted(read - documented()) == []


def test_env_example_names_nothing_that_is_not_read():
    read = {"DJANGO_SETTINGS_MODULE"}
    for module in [*SETTINGS, GUNICORN, ERROR_REPORTING]:
        read |= names_read(module.read_text())

    assert sorted(documented() - read) == []
