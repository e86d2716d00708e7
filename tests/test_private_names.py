"""No app reaches into another app's private names (a leading underscore): what apps share is public, in core."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "web", "partners", "referrals", "outcomes", "cohorts", "reporting", "notifications", "jobs", "config")


def _package(module):
    return module.split(".")[0]


def _private_uses(path):
    """(line, text) for each private name this file takes from another package."""
    own = path.relative_to(ROOT).parts[0]
    tree = ast.parse(path.read_text(), filename=str(path))
    modules = {}  # local name -> the other package's module it stands for
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            package = _package(node.module)
            if package in PACKAGES and package != own:
                for alias in node.names:
                    if alias.name.startswith("_"):
                        found.append((node.lineno, f"from {node.module} import {alias.name}"))
                    modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _package(alias.name) in PACKAGES and _package(alias.name) != own:
                    modules[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append((node.lineno, f"{modules[node.value.id]}.{node.attr}"))
    return found


def test_no_app_imports_another_apps_private_names():
    offences = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else []:
            if "migrations" in path.parts:
                continue
            offences += [f"{path.relative_to(ROOT)}:{line}: {text}" for line, text in _private_uses(path)]
    assert not offences, "Private names used across apps (make them public, or move them to core):\n" + "\n".join(offences)
