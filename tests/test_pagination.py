"""Every paged list uses the GOV.UK pagination component, from one shared include."""

import re
from pathlib import Path

from django.core.paginator import Paginator
from django.template.loader import render_to_string

from partners.templatetags.partner_tags import page_items

ROOT = Path(__file__).resolve().parent.parent


def test_the_component_numbers_the_pages_with_an_ellipsis_for_each_gap():
    page = Paginator(range(200), 10).get_page(7)
    items = page_items(page, "status=open")
    numbers = [i.get("number", "…") for i in items["items"]]
    assert numbers == [1, "…", 6, 7, 8, "…", 20]
    assert items["previous"] == "?status=open&page=6" and items["next"] == "?status=open&page=8"
    assert [i["number"] for i in items["items"] if i.get("current")] == [7]


def test_the_include_renders_govuk_pagination_and_nothing_for_one_page():
    html = render_to_string("includes/pagination.html", {"page": Paginator(range(60), 25).get_page(2), "query": ""})
    assert 'class="govuk-pagination"' in html and 'class="govuk-pagination__list"' in html
    assert 'aria-current="page">2<' in html and 'rel="prev"' in html and 'rel="next"' in html
    assert "govuk-pagination" not in render_to_string("includes/pagination.html",
                                                      {"page": Paginator(range(5), 25).get_page(1)})


def test_every_view_that_pages_renders_a_template_with_the_shared_include():
    views = [p for p in ROOT.glob("*/views*.py") if ".venv" not in p.parts and "Paginator(" in p.read_text()]
    assert views
    for view in views:
        for template in re.findall(r'render\(request, "([^"]+)"', view.read_text()):
            text = (ROOT / "templates" / template).read_text()
            if "page" in re.findall(r"\{%\s*for \w+ in (\w+)", text) or "page.paginator" in text:
                assert '{% include "includes/pagination.html"' in text, template
    for template in (ROOT / "templates").rglob("*.html"):
        assert "govuk-pagination" not in template.read_text() or template.name == "pagination.html", template
