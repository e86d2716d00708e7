"""The load run: gunicorn with 2 workers on the bench database, and a load generator in another process.

The generator is wrk when it is installed (`apt-get install wrk`: C, so it leaves the two cores to the
server); otherwise bench.httpload, a small client of our own with one thread per connection, which costs
the server some CPU (the results say which was used). Each endpoint gets its own run: the API list of
referrals for YOS Birmingham (token), then the triage queue (the session cookies of four triagers, in turn).
"""

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

from . import httpload

logger = logging.getLogger("bench")
BASE_DIR = Path(__file__).resolve().parent.parent
WORKERS = 2
WARM_UP_SECONDS = 2

WRK_SCRIPT = """
local headers = %(headers)s
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "%(path)s", headers[(n %% #headers) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50_us": %%d, "p99_us": %%d, "max_us": %%d}\\n', summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lua_headers(header_sets):
    def table(headers):
        return "{" + ", ".join(f'["{k}"] = "{v}"' for k, v in headers.items()) + "}"

    return "{" + ", ".join(table(h) for h in header_sets) + "}"


def _check(base, path, headers):
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        raise RuntimeError(f"GET {path} on gunicorn answered {status}, not 200")


def _wrk(base, path, header_sets, seconds, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"headers": _lua_headers(header_sets), "path": path})
    try:
        threads = min(2, connections)
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", script.name, base]
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 120).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in output.splitlines() if x.startswith("BENCH "))
    raw = json.loads(line.removeprefix("BENCH "))
    duration = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"], "seconds": round(duration, 1), "rps": round(raw["requests"] / duration, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1), "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "errors": sum(raw[k] for k in ("connect", "read", "write", "status", "timeout")),
        "error_kinds": {k: raw[k] for k in ("connect", "read", "write", "status", "timeout") if raw[k]},
    }


def _generate(base, path, header_sets, seconds, connections):
    if shutil.which("wrk"):
        return "wrk", _wrk(base, path, header_sets, seconds, connections)
    return "bench.httpload", httpload.run(base, path, header_sets, seconds, connections)


def _serve(env, port, log):
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", str(WORKERS),
               "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]
    return subprocess.Popen(command, cwd=BASE_DIR, env=dict(os.environ, **env), stdout=log, stderr=subprocess.STDOUT)


def _wait_ready(base, server, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped: " + Path(log_path).read_text()[-2000:])
        try:
            urllib.request.urlopen(base + "/sign-in/", timeout=5).close()
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 seconds")


def run(scale, env, *, token, sessions):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    cookie = settings.SESSION_COOKIE_NAME
    endpoints = [
        ("load_api", "/api/v1/referrals/", [{"Authorization": f"Token {token}"}]),
        ("load_queue", "/triage/", [{"Cookie": f"{cookie}={value}"} for value in sessions]),
    ]
    results = {}
    with tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False) as log:
        server = _serve(env, port, log)
        try:
            _wait_ready(base, server, log.name)
            for key, path, header_sets in endpoints:
                for headers in header_sets:
                    _check(base, path, headers)
                # Warm both workers with no more connections than workers: nothing is left queued to spill into the run.
                _generate(base, path, header_sets, WARM_UP_SECONDS, WORKERS)
                tool, outcome = _generate(base, path, header_sets, scale.load_seconds, scale.load_connections)
                # The requests wrk left queued in the listen backlog are still served: wait for them to drain.
                _check(base, path, header_sets[0])
                # Per core, so a figure from this 2-core machine compares with another's (the load generator and
                # PostgreSQL run here too: it is the whole machine's throughput for this page, divided by its cores).
                cores = os.cpu_count() or 1
                results[key] = {"path": path, "tool": tool, "workers": WORKERS, "connections": scale.load_connections,
                                **outcome, "cores": cores, "rps_per_core": round(outcome["rps"] / cores, 1)}
                logger.info("%s: %s requests/s, p99 %s ms, %s errors (%s)", key, outcome["rps"], outcome["p99_ms"],
                            outcome["errors"], tool)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    os.unlink(log.name)
    return results
