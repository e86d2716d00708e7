"""Every page reflows at 320 CSS pixels (WCAG 2.2 1.4.10): nothing but a table's own scrolling region scrolls sideways.

Each demo role signs in on a 320 px wide window and opens every kind of page its links reach (tests/browser/crawl.py),
the pages the journeys walk through among them. On each, the page is no wider than the window, and axe-core finds
no serious or critical violation at that width (a scrolling region must be focusable and named, for one).
"""

import pytest

from .conftest import assert_accessible, sign_in
from .crawl import add_a_draft, crawl, kind

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
# One person for each kind of work the demo has; between them they reach every page of the portal.
ROLES = [
    "triager@vru.example.org",
    "manager@vru.example.org",
    "admin@vru.example.org",
    "dsl@northfield.example.sch.uk",
    "admin@northfield.example.sch.uk",
    "caseworker@yos-birmingham.example.org",
    "manager@yos-birmingham.example.org",
    "caseworker@stgiles.example.org",
    "decisions@police.example.org",
    "multi@example.org",
]
# GOV.UK Frontend's conditional radios: its script sets aria-expanded on radio inputs (see assert_accessible).
CONDITIONAL_RADIOS = ("aria-allowed-attr",)


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def widest(page):
    """What sticks out furthest past the window's right edge, to name in a failure."""
    return page.evaluate("""() => {
        let worst = null, right = window.innerWidth;
        for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect().right;
            if (r > right && el.offsetParent !== null) { right = r; worst = el; }
        }
        return worst ? `${worst.tagName.toLowerCase()}.${worst.className} (${Math.round(right)} px)` : '';
    }""")


def test_every_page_reflows_at_320_pixels_and_stays_accessible(page, demo):
    add_a_draft()
    page.set_viewport_size(NARROW)
    too_wide, reached = [], set()

    def check(page):
        if page_width(page) > NARROW["width"]:
            too_wide.append(f"{page.url}: {page_width(page)} px wide, {widest(page)}")
        ignore = CONDITIONAL_RADIOS if page.locator(".govuk-radios__conditional").count() else ()
        assert_accessible(page, ignore=ignore)

    for email in ROLES:
        page.context.clear_cookies()
        sign_in(page, email, demo.DEMO_PASSWORD)
        reached.update(kind(p) for p in crawl(page, check))
    assert len(reached) > 40, sorted(reached)
    assert not too_wide, "Pages wider than 320 px:\n" + "\n".join(too_wide)
