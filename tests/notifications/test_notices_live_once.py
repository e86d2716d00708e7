"""Notification words and links live in each app's notices.py: services decide who is told, and build no URLs."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p for app in ("outcomes", "referrals", "cohorts", "partners", "notifications")
                  for p in (ROOT / app).glob("*.py") if p.name.endswith("services.py") or p.name == "sweep.py")


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_service_builds_no_url(path):
    tree = ast.parse(path.read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module == "django.urls"
                for alias in node.names}
    assert "reverse" not in imported, f"{path.name}: resolve the link in the app's notices.py"
