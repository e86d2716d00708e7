"""`make test`'s security checks: bandit on the apps, pip-audit on requirements.txt.

Accepted findings live in one file, security-exceptions.toml, each with why. Anything else bandit or pip-audit
finds fails the build, and so does an accepted bandit finding that no longer exists (the list stays true).

pip-audit needs its vulnerability service (PyPI's per-release JSON, or OSV). Where it cannot reach it, as on a
machine that may reach only package mirrors, it audits nothing: this says so plainly, as SKIPPED, and passes,
so CI there stays green and never hangs (a time limit bounds the call). PIP_AUDIT_REQUIRED=1 makes a skipped
audit fail, for a CI that can reach the service.
"""

import json
import os
import subprocess  # nosec B404 - runs the venv's own bandit and pip-audit with fixed arguments
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
EXCEPTIONS = ROOT / "security-exceptions.toml"
APPS = ["config", "core", "partners", "referrals", "outcomes", "cohorts", "reporting", "notifications", "jobs", "web"]
PIP_AUDIT_SECONDS = 120


def _run(args, timeout):
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout)  # nosec B603


def bandit(accepted):
    answer = _run([str(BIN / "bandit"), "-q", "-r", *APPS, "-x", "*/migrations/*", "-f", "json"], timeout=300)
    report = json.loads(answer.stdout or "{}")
    if answer.returncode not in (0, 1) or report.get("errors"):
        return [f"bandit could not run: {report.get('errors') or answer.stderr.strip()}"]
    used, problems = set(), []
    for finding in report.get("results", []):
        path = os.path.relpath(finding["filename"], ROOT)
        match = next((i for i, e in enumerate(accepted) if e["file"] == path and e["test"] == finding["test_id"]
                      and e["code"] in finding["code"]), None)
        if match is None:
            problems.append(f"bandit {finding['test_id']} {path}:{finding['line_number']}: {finding['issue_text']}")
        else:
            used.add(match)
    problems += [f"security-exceptions.toml: bandit {e['test']} in {e['file']} ({e['code']!r}) is no longer found; "
                 "remove the entry" for i, e in enumerate(accepted) if i not in used]
    print(f"bandit: {len(report.get('results', []))} findings, {len(used)} accepted in security-exceptions.toml")
    return problems


def pip_audit(accepted):
    ignore = [arg for entry in accepted for arg in ("--ignore-vuln", entry["id"])]
    args = [str(BIN / "pip-audit"), "-r", "requirements.txt", "--no-deps", "--disable-pip", "--progress-spinner", "off",
            "--format", "json", "--timeout", "15", *ignore]
    try:
        answer = _run(args, timeout=PIP_AUDIT_SECONDS)
        report = json.loads(answer.stdout)
    except subprocess.TimeoutExpired:
        return _skipped(f"pip-audit gave no answer within {PIP_AUDIT_SECONDS} s")
    except json.JSONDecodeError:
        return _skipped(f"pip-audit could not run: {answer.stderr.strip()[-300:]}")
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    found = [f"pip-audit {d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v.get('fix_versions', [])) or '-'})"
             for d in audited for v in d.get("vulns", [])]
    if not audited:
        return found + _skipped(f"pip-audit could not reach its vulnerability service: none of {len(dependencies)} "
                                "pinned requirements was audited")
    skipped = len(dependencies) - len(audited)
    print(f"pip-audit: {len(audited)} requirements audited, {len(found)} known vulnerabilities, "
          f"{len(accepted)} accepted in security-exceptions.toml" + (f", {skipped} NOT audited" if skipped else ""))
    return found


def _skipped(why):
    if os.environ.get("PIP_AUDIT_REQUIRED") == "1":
        return [f"{why} (PIP_AUDIT_REQUIRED=1)"]
    print(f"pip-audit: SKIPPED. {why}. Known vulnerabilities in requirements.txt were NOT checked.")
    return []


def main():
    accepted = tomllib.loads(EXCEPTIONS.read_text())
    problems = bandit(accepted.get("bandit", [])) + pip_audit(accepted.get("pip-audit", []))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
