"""The figures page, its CSV downloads (small numbers suppressed, every download audited) and the population page."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import AuditEvent
from reporting.models import AreaPopulation

from .conftest import at

pytestmark = pytest.mark.django_db

MARCH_2025 = {"preset": "custom", "start_0": "1", "start_1": "3", "start_2": "2025", "end_0": "31", "end_1": "3",
              "end_2": "2025"}


@pytest.fixture
def manager_client(client, vru_manager):
    client.force_login(vru_manager)
    return client


def rows_of(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_a_vru_manager_finds_figures_in_the_navigation_and_others_do_not(client, vru_manager, triager):
    client.force_login(vru_manager)
    assert f'href="{reverse("figures")}"' in client.get(reverse("home")).content.decode()
    client.force_login(triager)
    assert f'href="{reverse("figures")}"' not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("figures")).status_code == 403


def test_the_page_shows_the_chosen_period_compared_with_the_one_before_and_a_year_earlier(dataset, manager_client):
    page = manager_client.get(reverse("figures"), MARCH_2025).content.decode()
    assert "Showing <strong>1 March 2025 to 31 March 2025</strong>" in page
    assert "previous period: 1 February 2025 to 28 February 2025" in page
    assert "a year earlier: 1 March 2024 to 31 March 2024" in page
    # The time-to-decision table: 60% in time this period (3 of 5), 100% before and a year earlier.
    assert "60% (3 of 5)" in page and "100% (2 of 2)" in page
    # The trend chart is drawn as SVG with a name, and its table holds the same numbers.
    assert 'role="img"' in page and "Column chart of referrals received each month" in page
    cell = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    assert f'<th scope="row" class="govuk-table__header">March 2025</th>{cell}6</td>' in page
    # The page says what the downloads do with small numbers, and shows them itself.
    assert "shown as <strong>&lt;5</strong>" in page


def test_each_section_has_its_own_page_under_the_sub_navigation_with_the_period_carried(dataset, manager_client):
    summary = manager_client.get(reverse("figures"), MARCH_2025).content.decode()
    triage_url = reverse("figures-section", args=["triage"])
    assert 'aria-current="page">Summary</a>' in summary and f'href="{triage_url}?preset=custom' in summary
    assert "Download the" not in summary  # each section's download is on its own page
    page = manager_client.get(triage_url, MARCH_2025).content.decode()
    assert 'aria-current="page">Triage</a>' in page
    assert "Time from arrival to the first triage decision" in page and "60% (3 of 5)" in page  # the same numbers
    assert "Download the triage figures (CSV)" in page and "Referrals received each month" not in page
    assert manager_client.get(reverse("figures-section", args=["everything"])).status_code == 404


def test_a_period_whose_previous_period_is_a_year_earlier_shows_that_comparison_once(dataset, manager_client):
    year = {**MARCH_2025, "start_1": "4", "start_2": "2024"}  # 1 April 2024 to 31 March 2025
    page = manager_client.get(reverse("figures"), year).content.decode()
    assert "which are also the previous period (1 April 2023 to 31 March 2024)" in page
    assert "Previous period and a year earlier" in page and ">Previous period<" not in page


def test_an_area_narrows_the_figures(dataset, manager_client):
    page = manager_client.get(reverse("figures"), {**MARCH_2025, "area": "coventry"}).content.decode()
    assert "in <strong>Coventry</strong>" in page


def test_a_wrong_period_is_explained_and_no_figures_are_shown(dataset, manager_client):
    response = manager_client.get(reverse("figures"), {**MARCH_2025, "end_0": "31", "end_1": "1", "end_2": "2025"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The end date must be the same as or after the start date" in page
    assert "Download the" not in page
    missing = manager_client.get(reverse("figures"), {"preset": "custom"})
    assert "Enter the start date" in missing.content.decode()


def test_csv_suppresses_numbers_under_5_and_what_is_worked_out_from_them(dataset, manager_client):
    response = manager_client.get(reverse("figures-csv", args=["referrals"]), MARCH_2025)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="figures-referrals-2025-03-01-to-2025-03-31.csv"' in response["Content-Disposition"]
    rows = rows_of(response)
    total = {r["period"]: r["value"] for r in rows if r["figure"] == "Referrals received"}
    assert total == {"This period": "6", "Previous period": "<5", "A year earlier": "<5"}
    school = {r["period"]: r["value"] for r in rows if r["figure"] == "By source" and r["category"] == "School or college"}
    assert school == {"This period": "<5", "Previous period": "<5", "A year earlier": "<5"}
    none = {r["period"]: r["value"] for r in rows if r["figure"] == "By source" and r["category"] == "Self or family"}
    assert none == {"This period": "0", "Previous period": "0", "A year earlier": "0"}
    march = next(r for r in rows if r["figure"] == "Referrals received each month" and r["category"] == "March 2025")
    assert (march["from"], march["to"], march["value"]) == ("2025-03-01", "2025-03-31", "6")

    rates = rows_of(manager_client.get(reverse("figures-csv", args=["disproportionality"]), MARCH_2025))
    black = next(r for r in rates if r["figure"].startswith("Referral rate") and r["category"].startswith("Black")
                 and r["period"] == "This period")
    # 2 referrals of 3,000 people against 2 of 20,000: the counts and the rate and interval resting on them are withheld,
    # the population is not.
    assert (black["numerator"], black["denominator"], black["value"], black["ci_low"], black["ci_high"]) == (
        "<5", "3000", "<5", "<5", "<5")
    assert (black["comparator_numerator"], black["comparator_denominator"]) == ("<5", "20000")


def test_a_figure_from_5_or_more_is_written_in_full(dataset, manager_client):
    rows = rows_of(manager_client.get(reverse("figures-csv", args=["re-referrals"]), MARCH_2025))
    people = next(r for r in rows if r["category"] == "Young people referred" and r["period"] == "This period")
    share = next(r for r in rows if r["category"].startswith("Of whom") and r["period"] == "This period")
    assert people["value"] == "6"
    assert (share["numerator"], share["denominator"], share["value"]) == ("<5", "6", "<5")


def test_every_download_is_audited_as_an_export(dataset, manager_client, vru_manager):
    before = AuditEvent.objects.filter(action="export").count()
    manager_client.get(reverse("figures-csv", args=["triage"]), {**MARCH_2025, "area": "walsall"})
    event = AuditEvent.objects.filter(action="export").latest("pk")
    assert AuditEvent.objects.filter(action="export").count() == before + 1
    assert event.actor == vru_manager
    assert event.detail == {"export": "figures_csv", "section": "triage", "from": "2025-03-01", "to": "2025-03-31",
                            "area": "walsall"}


def test_an_unknown_section_is_not_found(dataset, manager_client):
    assert manager_client.get(reverse("figures-csv", args=["everything"])).status_code == 404


def _more(dataset, n):
    """n more of everything the figures count, in March 2025 and the periods compared."""
    b = dataset.builder
    for i in range(n):
        for received in (at(2025, 3, 12, 9), at(2025, 2, 12, 9), at(2024, 3, 12, 9)):
            person = b.person(f"Extra{i}", "black_african", datetime.date(2009, 1, 1))
            r = b.referral(person, received, concerns=("weapon", "victim"))
            b.decide(r, "allocate", received + datetime.timedelta(hours=3), partner="yos")
            i1 = b.intervention(person, "yos", dataset.knife, received.date(), "completed", received.date())
            b.session(i1, received.date(), "attended")
            case = b.case(person, "checkpoint", "yos", received.date(), status="outcome_recorded", closed=received)
            b.case_event(case, "breach_proposed", received)
            b.re_refer(case, received, received.date(), received=received)
            b.outcome(case, 1, received)


def test_the_page_costs_the_same_number_of_queries_whatever_the_volume(dataset, manager_client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(reverse("figures"), MARCH_2025).status_code == 200
        return len(captured)

    small = queries()
    _more(dataset, 15)
    assert queries() == small
    assert small <= 30
    for slug in ("referrals", "triage", "interventions", "diversion", "re-referrals", "disproportionality"):
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(reverse("figures-section", args=[slug]), MARCH_2025).status_code == 200
        assert len(captured) <= 30


def test_a_vru_manager_updates_the_population_figures_and_it_is_audited(manager_client, vru_manager):
    AreaPopulation.objects.all().delete()
    url = reverse("figures-population")
    data = {"area": "sandwell", "ethnicity": "black_caribbean", "ages": "14-15", "year": "2021", "count": "1234",
            "source": "ONS Census 2021, table TS021"}
    response = manager_client.post(url, data)
    assert response.status_code == 302
    row = AreaPopulation.objects.get(area="sandwell", ethnicity="black_caribbean", age_from=14, age_to=15, year=2021)
    assert (row.count, row.source, row.updated_by) == (1234, "ONS Census 2021, table TS021", vru_manager)
    created = AuditEvent.objects.filter(object_type="reporting.areapopulation", object_id=str(row.pk)).latest("pk")
    assert (created.action, created.detail["count"], created.detail["previous_count"]) == ("create", 1234, None)

    manager_client.post(url, {**data, "count": "1300"})
    row.refresh_from_db()
    assert row.count == 1300 and AreaPopulation.objects.count() == 1
    changed = AuditEvent.objects.filter(object_type="reporting.areapopulation").latest("pk")
    assert (changed.action, changed.detail["count"], changed.detail["previous_count"]) == ("update", 1300, 1234)
    page = manager_client.get(url).content.decode()
    assert "1300" in page


def test_the_population_form_explains_its_errors(manager_client):
    response = manager_client.post(reverse("figures-population"), {"area": "", "ethnicity": "not_stated", "ages": "14-15",
                                                                   "year": "1990", "count": "-1", "source": ""})
    assert response.status_code == 400
    page = response.content.decode()
    for message in ("Select the area", "The year must be 2000 or later", "The number of people must be 0 or more",
                    "Enter where the figure comes from"):
        assert message in page
    assert not AreaPopulation.objects.filter(year=1990).exists()


def test_only_the_vru_managers_update_the_population(client, yos_manager):
    client.force_login(yos_manager)
    assert client.get(reverse("figures")).status_code == 200  # a partner's manager sees its own figures...
    assert client.get(reverse("figures-population")).status_code == 403  # ...but not the reference data
    assert client.post(reverse("figures-population"), {"area": "sandwell"}).status_code == 403


def test_once_the_rollup_has_run_the_page_reads_it_shows_the_same_and_costs_the_same_whatever_the_volume(
        dataset, manager_client):
    from django.utils import timezone

    from reporting import rollup

    def page(slug=None):
        url = reverse("figures-section", args=[slug]) if slug else reverse("figures")
        with CaptureQueriesContext(connection) as captured:
            response = manager_client.get(url, MARCH_2025)
        assert response.status_code == 200
        return response.context["section"].figures, captured

    slugs = (None, "referrals", "triage", "interventions")
    live = {slug: page(slug)[0] for slug in slugs}
    rollup.roll_up(timezone.now())
    for slug in slugs:
        figures, captured = page(slug)
        assert figures == live[slug], slug
        assert any("reporting_dailycount" in q["sql"] for q in captured.captured_queries), slug
    small = len(page()[1])
    _more(dataset, 15)
    rollup.roll_up(timezone.now())
    assert len(page()[1]) == small
