"""Every page a signed-in person can reach by following links, one of each kind: for checks that hold on all pages.

From the home page, the crawl follows each link on the page (navigation and content alike) to a page of the
portal, and keeps one page per kind of address: /triage/12/ and /triage/40/ are the same kind, and so are two
drafts' steps. Links that leave the portal's pages (sign out, CSV, the API, the admin) are not followed.
The crawl itself only GETs, so it changes nothing but the audit trail; what `visit` does is up to the caller.
"""

import re
from urllib.parse import urlsplit

SKIP = re.compile(r"^/(sign-out|sign-in|admin|api|password-reset|invitation|healthz)(/|$)|\.(csv|json)$")
_ID = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?=/)")
# Each portal page has a few kinds of subpage, so this is far above any role's count.
LIMIT = 80


def kind(path):
    """The kind of a page's address: its ids replaced, so one record stands for all."""
    return _ID.sub("/<id>", path)


def links(page):
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query and _paging(parts.query) else ""))
    return found


def _paging(query):
    # Filters and pages of a list are the same kind of page; a figures period is too. Sections are not.
    return query.startswith("section=")


def crawl(page, visit, start="/"):
    """Open each kind of page once, from `start`, calling `visit(page)` on each; returns the paths visited."""
    seen, queue, visited = {kind(start)}, [start], []
    while queue and len(visited) < LIMIT:
        path = queue.pop(0)
        response = page.goto(path)
        if response is None or response.status != 200:
            continue
        landed = urlsplit(page.url).path
        if kind(landed) != kind(path):  # a redirect, such as a new case's first step
            if kind(landed) in seen:
                continue
            seen.add(kind(landed))
        visited.append(landed)
        for href in links(page):
            if kind(href) not in seen:
                seen.add(kind(href))
                queue.append(href)
        visit(page)  # after the links are read: a visit may submit the page's forms
    return visited


def add_a_draft(email="dsl@northfield.example.sch.uk"):
    """A complete draft referral for the school's lead: its steps and its check page are linked from My referrals."""
    from django.utils import timezone

    from partners.access import acting_for
    from partners.models import User
    from referrals import services
    from tests.referrals.factories import referral_data

    services.save_draft(acting_for(User.objects.get(email=email)), referral_data(), now=timezone.now())
