"""A real PostgreSQL streaming replica of the test server, for this test process: pg_basebackup of the primary
(DATABASE_URL's server) into a directory of its own, started by pg_ctl on another port as a hot standby.

The primary must accept replication connections from 127.0.0.1 (`make replication` adds the line to its
pg_hba.conf). The replica is started when a test first asks for it and stopped when the process ends.
"""

import atexit
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from django.db import connections

HBA = "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n"
_SHARED = {}


def _bindir():
    return Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip())


def _as_postgres(command):
    """The server refuses to run as root: as root, run it as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _port():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return 5433 + int(worker.removeprefix("gw") or 0)


class Replica:
    def __init__(self, primary: dict):
        self.primary = primary
        self.port = _port()
        self.directory = Path(tempfile.mkdtemp(prefix="vrp-replica-"))
        self.data = self.directory / "data"
        self.started = False

    def _primary_dsn(self, dbname="postgres"):
        p = self.primary
        return f"host={p['HOST'] or '127.0.0.1'} port={p['PORT'] or 5432} user={p['USER'] or 'postgres'} dbname={dbname}"

    def start(self, timeout=120):
        bindir = _bindir()
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        p = self.primary
        backup = subprocess.run(_as_postgres([
            str(bindir / "pg_basebackup"), "-h", p["HOST"] or "127.0.0.1", "-p", str(p["PORT"] or 5432),
            "-U", p["USER"] or "postgres", "-D", str(self.data), "-X", "stream", "-R", "--checkpoint=fast"]),
            capture_output=True, text=True, timeout=timeout)
        if backup.returncode != 0:
            raise RuntimeError("pg_basebackup failed (does the primary's pg_hba.conf allow replication from "
                               f"127.0.0.1? `make replication` adds it): {backup.stderr.strip()}")
        # Debian keeps a cluster's configuration outside its data directory: the copy needs its own.
        for name, text in (("postgresql.conf", ""), ("pg_hba.conf", HBA), ("pg_ident.conf", "")):
            (self.data / name).write_text(text)
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "postgres:postgres", str(self.directory)], check=True)
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c hot_standby=on"
        started = subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(self.data), "-o", options,
                                               "-l", str(self.directory / "log"), "-w", "-t", str(timeout), "start"]),
                                 capture_output=True, text=True, timeout=timeout + 10)
        if started.returncode != 0:
            log = (self.directory / "log").read_text() if (self.directory / "log").exists() else ""
            raise RuntimeError(f"the replica did not start: {started.stderr.strip()}\n{log[-2000:]}")
        self.started = True
        return self

    def stop(self):
        if self.started:
            subprocess.run(_as_postgres([str(_bindir() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
                           capture_output=True, timeout=60)
            self.started = False
        shutil.rmtree(self.directory, ignore_errors=True)

    def _on_replica(self, sql, dbname="postgres"):
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}", autocommit=True) as c:
            return c.execute(sql).fetchone()[0]

    def catch_up(self, timeout=30):
        """Wait until the replica has replayed everything the primary has written so far."""
        with psycopg.connect(self._primary_dsn(), autocommit=True) as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._on_replica(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
                return
            time.sleep(0.05)
        raise RuntimeError("the replica did not catch up")

    def pause(self):
        self.catch_up()
        self._on_replica("SELECT pg_wal_replay_pause()::text")

    def resume(self):
        self._on_replica("SELECT pg_wal_replay_resume()::text")
        self.catch_up()


def shared():
    if "replica" not in _SHARED:
        replica = Replica(connections["default"].settings_dict)
        atexit.register(replica.stop)
        _SHARED["replica"] = replica.start()
    return _SHARED["replica"]
