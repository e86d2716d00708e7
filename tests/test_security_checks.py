"""bin/security_checks.py, the security step of `make test`: what fails the build, and what only says SKIPPED."""

import importlib.util
import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "bin" / "security_checks.py"
spec = importlib.util.spec_from_file_location("security_checks", SCRIPT)
checks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checks)


def answering(report):
    return lambda args, timeout: SimpleNamespace(returncode=1, stdout=json.dumps(report), stderr="")


def test_a_known_vulnerability_fails_unless_accepted(monkeypatch):
    report = {"dependencies": [{"name": "django", "version": "5.2.19",
                                "vulns": [{"id": "GHSA-test-0000-0000", "fix_versions": ["5.2.20"]}]}]}
    monkeypatch.setattr(checks, "_run", answering(report))
    assert checks.pip_audit([]) == ["pip-audit django 5.2.19: GHSA-test-0000-0000 (fixed in 5.2.20)"]


def test_an_unreachable_service_says_skipped_and_passes_unless_required(monkeypatch, capsys):
    report = {"dependencies": [{"name": "django", "skip_reason": "Dependency not found on PyPI"}]}
    monkeypatch.setattr(checks, "_run", answering(report))
    assert checks.pip_audit([]) == []
    assert "SKIPPED" in capsys.readouterr().out
    monkeypatch.setenv("PIP_AUDIT_REQUIRED", "1")
    assert checks.pip_audit([]) != []


def test_a_hanging_audit_is_cut_off(monkeypatch):
    def hang(args, timeout):
        raise subprocess.TimeoutExpired(args, timeout)

    monkeypatch.setattr(checks, "_run", hang)
    monkeypatch.delenv("PIP_AUDIT_REQUIRED", raising=False)
    assert checks.pip_audit([]) == []


@pytest.mark.parametrize("accepted, expected", [
    ([], ["bandit B105 config/settings.py:24: Possible hardcoded password"]),
    ([{"file": "config/settings.py", "test": "B105", "code": "dev-only"}], []),
])
def test_bandit_findings_fail_unless_listed(monkeypatch, accepted, expected):
    finding = {"filename": str(checks.ROOT / "config/settings.py"), "test_id": "B105", "line_number": 24,
               "code": '_DEV_SECRET = "dev-only-insecure-key"', "issue_text": "Possible hardcoded password"}
    monkeypatch.setattr(checks, "_run", answering({"results": [finding], "errors": []}))
    assert checks.bandit(accepted) == expected


def test_an_accepted_finding_that_is_gone_fails(monkeypatch):
    monkeypatch.setattr(checks, "_run", answering({"results": [], "errors": []}))
    assert "no longer found" in checks.bandit([{"file": "a.py", "test": "B101", "code": "assert"}])[0]


def test_every_accepted_finding_says_why():
    accepted = checks.tomllib.loads(checks.EXCEPTIONS.read_text())
    for entry in accepted.get("bandit", []) + accepted.get("pip-audit", []):
        assert entry.get("why", "").strip(), entry
