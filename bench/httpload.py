"""A small HTTP load generator for when wrk is not installed: one thread per connection, GET in a loop.

Standard library only. A response other than 200, or a failed connection, counts as an error. The
server (gunicorn's sync workers) closes each connection after its response, so a thread reconnects
whenever it is told to.
"""

import http.client
import math
import statistics
import threading
import time
from urllib.parse import urlsplit


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def run(base, path, header_sets, seconds, connections):
    parts = urlsplit(base)
    latencies = [[] for _ in range(connections)]
    errors = [0] * connections
    start = threading.Barrier(connections + 1)
    stop_at = [0.0]

    def worker(n):
        conn = None
        headers = header_sets[n % len(header_sets)]
        start.wait()
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[n] += 1
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                if conn is not None:
                    conn.close()
                conn = None
                continue
            latencies[n].append(time.perf_counter() - began)
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ms = [s * 1000 for per in latencies for s in per]
    return {
        "requests": len(ms), "seconds": round(elapsed, 1), "rps": round(len(ms) / elapsed, 1),
        "p50_ms": round(statistics.median(ms), 1) if ms else None, "p99_ms": round(_percentile(ms, 0.99), 1),
        "max_ms": round(max(ms), 1) if ms else None, "errors": sum(errors),
    }
