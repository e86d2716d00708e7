"""The benchmark from start to finish: a fresh database, the load, the measurements, the results.

    python -m bench --scale small            # what `make bench SCALE=small` runs
    python -m bench --scale large            # `make bench`: the lead's run, about half an hour on 2 cores

The bench database (vrp_bench_<scale> by default) lives on the server of DATABASE_URL; it is dropped and
created again on every run, so nothing else is touched. Results go to bench/results/latest.json and
latest.md unless --out says where.
"""

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/vrp"
logger = logging.getLogger("bench")

# The bench serves and measures the production configuration (DEBUG off), over plain HTTP on loopback.
# Connections are kept between requests (CONN_MAX_AGE), as a deployment behind gunicorn would.
BENCH_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-key-not-for-production-4c1d2e3f5a6b7c8d9e0f",
    "SECURE_SSL_REDIRECT": "false",
    "CONN_MAX_AGE": "60",
    "LOG_LEVEL": "WARNING",
}
HOSTS = ("testserver", "127.0.0.1", "localhost")


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "large"], default="large")
    parser.add_argument("--database", help="the bench database's name (default vrp_bench_<scale>)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where latest.json and latest.md go")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the bench database as a previous run left it, without loading it again")
    parser.add_argument("--only", choices=["search", "pages"], help="only these measurements (with --reuse, to iterate)")
    return parser.parse_args(argv)


def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate(url, name):
    """Drop and create the bench database, from the server's maintenance database."""
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def environment(database_url):
    env = dict(BENCH_ENV, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings")
    hosts = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
    env["ALLOWED_HOSTS"] = ",".join(dict.fromkeys(hosts + list(HOSTS)))
    return env


def main(argv=None):
    args = parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    from .scales import SCALES

    scale = SCALES[args.scale]
    name = args.database or f"vrp_bench_{scale.name}"
    database_url = with_database(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), name)
    started = time.perf_counter()
    if not args.reuse:
        recreate(database_url, name)
    env = environment(database_url)
    os.environ.update(env)  # before Django reads its settings

    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger("bench").setLevel(logging.INFO)
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.perf_counter() - t0
    logger.info("migrated %s in %.1f s", name, migrate_seconds)

    from . import measure, report
    from .load import Loaded, Loader

    if args.reuse:
        from django.utils import timezone

        from . import plan

        loaded = Loaded(region=plan.region(scale), now=timezone.now(), cohorts="as a previous run loaded them")
    else:
        loaded = Loader(scale).run()
        logger.info("loaded %s scale in %.1f s", scale.name, loaded.seconds)
    results = measure.run_all(scale, loaded, env=env, only=args.only)
    results["database"] = name
    results["migrate_seconds"] = round(migrate_seconds, 2)
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    paths = report.write(results, args.out)
    logger.info("results: %s", ", ".join(str(p) for p in paths))
    return 0
