"""Stop at once, with one clear line, if the test database or Redis cannot be reached."""

import os
import socket
import sys
from urllib.parse import urlparse

START = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no",
}


def reachable(url, default_port):
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=3):
            return True
    except OSError:
        return False


for name, var, port in (("PostgreSQL", "DATABASE_URL", 5432), ("Redis", "REDIS_URL", 6379)):
    url = os.environ.get(var, "")
    if url.startswith(("postgres", "redis")) and not reachable(url, port):
        print(f"{name} is not reachable at {var}={url}; start it with: {START[name]}", file=sys.stderr)
        sys.exit(2)
