"""The code's shape, checked: imports point down the layers in pyproject.toml, no module reaches into
another's private names, and no import hides inside a function to dodge a cycle."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["config", "core", "notifications", "audit", "councils", "talentpool", "bookings", "needs", "payments"]
APPS += ["privacy", "sso"]
APPS += ["oversight", "insights", "demo"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(), filename=str(path))


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imported_module(node: ast.ImportFrom, importer: str) -> str:
    if not node.level:
        return node.module or ""
    package = importer.split(".")[: -node.level] if not importer.endswith("__init__") else importer.split(".")
    return ".".join([*package, *([node.module] if node.module else [])])


def test_the_import_contract_is_kept():
    result = subprocess.run([str(LINT_IMPORTS)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("importer", "line", "contract"),
    [
        ("councils/models.py", "import payments.models  # an upward import", "layers below them"),
        ("talentpool/selectors.py", "from talentpool import views  # a cycle inside the app", "No import cycles"),
    ],
)
def test_an_upward_import_or_a_cycle_breaks_the_contract(tmp_path, importer, line, contract):
    """The contract is not a formality: the same check on a copy of the code with one bad import fails."""
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / importer
    target.write_text(target.read_text() + f"\n{line}\n")
    result = subprocess.run([str(LINT_IMPORTS)], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout
    assert "BROKEN" in result.stdout


def test_no_private_name_is_imported_from_another_module():
    offences = []
    for path, tree in _modules():
        importer = _module_name(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                source = _imported_module(node, importer)
                if source.split(".")[0] not in APPS:
                    continue
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        offences.append(f"{path.relative_to(ROOT)}: from {source} import {alias.name}")
    assert offences == []


def test_no_project_import_hides_inside_a_function():
    """Only an AppConfig.ready may import inside a function (Django's way to connect receivers)."""
    offences = []
    for path, tree in _modules():
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or func.name == "ready":
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] in APPS):
                    offences.append(f"{path.relative_to(ROOT)}:{node.lineno} in {func.name}()")
                if isinstance(node, ast.Import) and any(a.name.split(".")[0] in APPS for a in node.names):
                    offences.append(f"{path.relative_to(ROOT)}:{node.lineno} in {func.name}()")
    assert offences == []
