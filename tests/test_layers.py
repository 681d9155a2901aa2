"""Imports point down the floors of DESIGN.md §3, never up; the project package imports no app.

Every .py of every app is read (migrations included: `apps.get_model("app", "Model")` takes
strings, which are not imports). An app missing from FLOORS fails, so a new app must be placed.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

# Bottom to top; an app may import the apps on its floor or below. Future apps are listed so
# they are checked the day they are added.
FLOORS = ["territory", "partners", "accounts", "beneficiaries", "projects", "disbursements", "dashboards"]
PROJECT_PACKAGE = "reintegration"
ROOT = Path(settings.BASE_DIR)


def local_apps() -> list[str]:
    """The apps whose package is a folder of this repository (not Django's nor a dependency's)."""
    return [config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT]


def imported_modules(path: Path, package: str):
    """(line, dotted name) of every import in the file, relative ones resolved against `package`."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield node.lineno, ".".join([*base, node.module] if node.module else base)
            else:
                yield node.lineno, node.module


def upward_imports(top: str, allowed) -> list[str]:
    """'file:line imports module' for every import of an app that `allowed(app)` refuses."""
    found = []
    for path in sorted((ROOT / top).rglob("*.py")):
        relative = path.relative_to(ROOT)
        package = ".".join(relative.with_suffix("").parts[:-1])
        for line, module in imported_modules(path, package):
            app = module.split(".")[0]
            if app in FLOORS and not allowed(app):
                found.append(f"{relative}:{line} imports {module}")
    return found


def test_every_app_of_the_project_has_a_floor():
    assert [app for app in local_apps() if app not in FLOORS] == []


def test_no_app_imports_an_app_on_a_higher_floor():
    problems = []
    for app in local_apps():
        floor = FLOORS.index(app)
        problems += upward_imports(app, lambda other, floor=floor: FLOORS.index(other) <= floor)
    assert problems == []


def test_the_project_package_imports_no_app():
    assert upward_imports(PROJECT_PACKAGE, lambda other: False) == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The reader itself can fail: a territory module importing beneficiaries is reported."""
    monkeypatch.setattr("tests.test_layers.ROOT", tmp_path)
    (tmp_path / "territory").mkdir()
    (tmp_path / "territory" / "bad.py").write_text("def f():\n    from beneficiaries.models import Beneficiary\n")
    (tmp_path / "territory" / "mixed.py").write_text("from . import models\nfrom accounts import models\n")
    assert upward_imports("territory", lambda other: other == "territory") == [
        "territory/bad.py:2 imports beneficiaries.models",
        "territory/mixed.py:2 imports accounts",
    ]
