"""`make run` migrates a fresh SQLite database: every migration must work there too (PostgreSQL-only SQL such as
NULLS LAST in an index once stopped the demo at its first step while every PostgreSQL test passed)."""

import os
import subprocess  # nosec B404 - our own manage.py with fixed arguments
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_migration_runs_on_the_demos_sqlite(tmp_path):
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,  # nosec B603
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
