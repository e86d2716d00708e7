"""Page load times in Chromium, per role, on the demo data: what a person waits for on each main page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vrp python -m bench.page_times --database vrp_pages

The database named by --database (on the server of DATABASE_URL) is dropped and created again, migrated
and seeded with `seed_demo`; the static files are collected; the portal runs under gunicorn (production
settings, 2 workers). Each demo role signs in through the sign-in page (`sign_in`, the one place that knows
how) and opens its home page, every page of the service navigation (and of a page's sub-navigation), and the
first record of each kind linked from those pages. Each page is loaded once to warm it, then --loads times;
the table gives the median of the browser's navigation timing: loadEventEnd (the page and its assets loaded)
and responseEnd (the HTML arrived), in milliseconds from the start of the navigation.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from .loadrun import BASE_DIR, _free_port
from .run import DEFAULT_DATABASE_URL, environment, recreate, with_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# One person for each kind of work the demo has.
ROLES = [
    ("VRU triager", "triager@vru.example.org"),
    ("VRU manager", "manager@vru.example.org"),
    ("VRU administrator", "admin@vru.example.org"),
    ("School referrer", "dsl@northfield.example.sch.uk"),
    ("YOS caseworker", "caseworker@yos-birmingham.example.org"),
    ("YOS manager", "manager@yos-birmingham.example.org"),
    ("St Giles caseworker", "caseworker@stgiles.example.org"),
    ("Police decision maker", "decisions@police.example.org"),
    ("Police referrer", "referrer@police.example.org"),
]
# A record page: the first link of each kind found on a role's pages is timed too.
RECORD = re.compile(r"^/(triage|referrals|allocations|interventions|cases|young-people|cohorts|cohort-members|people)/\d+/$")
NAV_LINKS = ".govuk-service-navigation a[href], .moj-sub-navigation a[href]"
TIMING = "performance.getEntriesByType('navigation')[0]"


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.page_times", description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="vrp_pages", help="dropped and created again (default vrp_pages)")
    parser.add_argument("--loads", type=int, default=3, help="timed loads per page (default 3)")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    return parser.parse_args(argv)


def sign_in(page, email, password):
    """Sign in through the sign-in page and the security code page, as a person would, with the code the demo
    login's authenticator app shows now. The one place that knows how to sign in."""
    import pyotp

    from partners.demo import demo_totp_secret

    page.context.clear_cookies()
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if page.get_by_role("heading", name="Enter your security code").count():
        page.get_by_label("Security code").fill(pyotp.TOTP(demo_totp_secret(email)).now())
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    if urlsplit(page.url).path.startswith("/sign-in/"):
        raise RuntimeError(f"{email} could not sign in")


def prepare(database):
    database_url = with_database(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), database)
    recreate(database_url, database)
    env = environment(database_url)
    env["ALLOWED_HOSTS"] += ",localhost"
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", quiet_logins=True, verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    return env


def serve(env, port, log):
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "2",
               "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=dict(os.environ, **env), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped: " + Path(log.name).read_text()[-2000:])
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in/", timeout=5).close()
            return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 60 seconds")


def load(page, path):
    """Open `path`; return (loadEventEnd, responseEnd) in ms, and the page's first heading."""
    response = page.goto(path, wait_until="load")
    if response is None or response.status != 200:
        raise RuntimeError(f"{path} answered {response.status if response else 'nothing'}")
    page.wait_for_function(f"{TIMING}.loadEventEnd > 0")
    timing = page.evaluate(f"[{TIMING}.loadEventEnd, {TIMING}.responseEnd]")
    h1 = page.locator("h1").first
    title = h1.inner_text().strip() if h1.count() else page.title()
    return timing, title


def links(page, selector):
    hrefs = page.eval_on_selector_all(selector, "els => els.map(a => a.getAttribute('href'))")
    return [h for h in hrefs if h and h.startswith("/") and not h.endswith((".csv", ".json"))]


def pages_of(page):
    """Home, the navigation's pages and the first record of each kind they link to, in the order met."""
    found, kinds = ["/"], set()
    queue = ["/"]
    while queue:
        path = queue.pop(0)
        page.goto(path)
        for href in links(page, NAV_LINKS):
            href = href.split("?")[0].split("#")[0]
            if href not in found and not RECORD.match(href):
                found.append(href)
                queue.append(href)
        for href in links(page, "main a[href]"):
            match = RECORD.match(href.split("?")[0])
            if match and match.group(1) not in kinds:
                kinds.add(match.group(1))
                found.append(match.group(0))
    return found


def measure(browser, base, password, loads):
    rows = []
    for role, email in ROLES:
        context = browser.new_context(base_url=base, locale="en-GB", timezone_id="Europe/London")
        context.set_default_timeout(60_000)
        page = context.new_page()
        sign_in(page, email, password)
        for path in pages_of(page):
            load(page, path)  # warm: the first load after sign-in pays for caches the others share
            timings, title = zip(*(load(page, path) for _ in range(loads)), strict=True)
            rows.append((role, title[0], path, statistics.median(t[0] for t in timings),
                         statistics.median(t[1] for t in timings)))
        context.close()
    return rows


def table(rows, loads):
    head = ("role", "page", "path", "load ms", "html ms")
    cells = [head] + [(r, t[:40], p, f"{lo:.0f}", f"{html:.0f}") for r, t, p, lo, html in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    lines = [f"Median of {loads} loads in Chromium (navigation timing: loadEventEnd, responseEnd), demo data."]
    for n, c in enumerate(cells):
        lines.append("  ".join(c[i].rjust(widths[i]) if i >= 3 else c[i].ljust(widths[i]) for i in range(len(c))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv=None):
    args = parse(argv)
    env = prepare(args.database)
    from playwright.sync_api import sync_playwright

    from partners.demo import DEMO_PASSWORD

    port = _free_port()
    # localhost, not 127.0.0.1: Chromium keeps the production settings' Secure cookies on localhost over HTTP.
    base = f"http://localhost:{port}"
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        server = serve(env, port, log)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                rows = measure(browser, base, DEMO_PASSWORD, args.loads)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = table(rows, args.loads)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
