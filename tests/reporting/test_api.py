"""The figures as JSON: the same numbers and scope as the page, audited, described in the OpenAPI schema."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from partners.models import AuditEvent

pytestmark = pytest.mark.django_db

MARCH_2025 = {"preset": "custom", "start": "2025-03-01", "end": "2025-03-31"}


def figure(data, section, slug):
    return next(f for s in data["sections"] if s["slug"] == section for f in s["figures"] if f["slug"] == slug)


def row(fig, key):
    return next(r for r in fig["rows"] if r["key"] == key)


def test_every_figure_for_a_period_with_its_comparisons(dataset, client, vru_manager):
    client.force_login(vru_manager)
    response = client.get(reverse("api-figures-list"), MARCH_2025)
    assert response.status_code == 200
    data = response.json()
    assert data["scope"] == "all"
    assert (data["current"], data["previous"], data["year_ago"]) == (
        {"start": "2025-03-01", "end": "2025-03-31"}, {"start": "2025-02-01", "end": "2025-02-28"},
        {"start": "2024-03-01", "end": "2024-03-31"})
    assert [s["slug"] for s in data["sections"]] == ["referrals", "triage", "interventions", "diversion", "re-referrals",
                                                     "disproportionality"]
    total = row(figure(data, "referrals", "total"), "total")
    assert [total[k]["count"] for k in ("current", "previous", "year_ago")] == [6, 2, 2]
    median = row(figure(data, "triage", "timeliness"), "median")
    assert median["kind"] == "hours" and median["current"]["value"] == pytest.approx(6.0)
    black = row(figure(data, "disproportionality", "referral"), "black")["current"]
    assert (black["numerator"], black["denominator"], round(black["value"], 4), round(black["ci_low"], 4)) == (
        2, 3000, 6.6667, 0.9394)
    assert figure(data, "referrals", "monthly")["series"][-1] == {"month": "2025-03-01", "count": 6}


def test_one_section_for_an_area_is_audited(dataset, client, vru_manager):
    client.force_login(vru_manager)
    response = client.get(reverse("api-figures-detail", args=["diversion"]), {**MARCH_2025, "area": "coventry"})
    data = response.json()
    assert [s["slug"] for s in data["sections"]] == ["diversion"]
    started = row(figure(data, "diversion", "outcome22"), "started")
    assert [started[k]["count"] for k in ("current", "previous", "year_ago")] == [1, 0, 0]  # C3 only: E lives in Coventry
    event = AuditEvent.objects.filter(action="export").latest("pk")
    assert event.detail == {"export": "figures_api", "section": "diversion", "from": "2025-03-01", "to": "2025-03-31",
                            "area": "coventry"}


def test_a_partner_manager_gets_its_own_work_only(dataset, client, yos_manager):
    client.force_login(yos_manager)
    data = client.get(reverse("api-figures-detail", args=["referrals"]), MARCH_2025).json()
    assert data["scope"] == "own work of Test YOS"
    total = row(figure(data, "referrals", "total"), "total")
    assert [total[k]["count"] for k in ("current", "previous", "year_ago")] == [2, 1, 0]


def test_bad_requests(dataset, client, vru_manager, caseworker):
    client.force_login(vru_manager)
    assert client.get(reverse("api-figures-list"), {"preset": "custom", "start": "2025-03-01"}).status_code == 400
    assert client.get(reverse("api-figures-list"), {**MARCH_2025, "end": "2025-02-01"}).json() == {
        "end": ["The end date must be the same as or after the start date."]}
    assert client.get(reverse("api-figures-list"), {"area": "atlantis"}).status_code == 400
    assert client.get(reverse("api-figures-detail", args=["everything"])).status_code == 404
    client.force_login(caseworker)
    assert client.get(reverse("api-figures-list")).status_code == 403


def test_the_figures_are_in_the_openapi_schema(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = path.read_text()
    assert "/api/v1/figures/:" in schema and "/api/v1/figures/{section}/:" in schema
    assert "FigureKindEnum" in schema
