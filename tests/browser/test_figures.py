"""The managers' figures in a real browser: a VRU manager opens them, changes the period and area, and downloads a CSV.

The demo organisations and users, with the 18 months of synthetic history and population figures that seed_demo
adds for the figures (reporting/demo.py), written into the database the live server uses.
"""

import csv
import re

import pytest
from playwright.sync_api import expect

from core import clock
from partners import demo as demo_data
from partners.models import AuditEvent
from reporting import rules

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

MANAGER = "manager@vru.example.org"


@pytest.fixture
def history(demo_users):
    from reporting import demo

    orgs, users = demo_users.seed_organisations_and_users()
    demo.seed_history(orgs, users)
    demo.seed_population()


def long_date(day):
    return f"{day:%-d %B %Y}"


def test_a_manager_opens_the_figures_changes_the_period_and_downloads_a_csv(page, history, tmp_path):
    sign_in(page, MANAGER, demo_data.DEMO_PASSWORD)
    page.locator(".govuk-service-navigation").get_by_role("link", name="Figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Figures")
    today = clock.today()
    year = rules.preset_period(rules.LAST_12_MONTHS, today)
    shown = page.get_by_test_id("period-shown")
    expect(shown).to_contain_text(f"Showing {long_date(year.start)} to {long_date(year.last_day)}")
    # The trend is a picture with a name, and the same numbers are in a table beside it.
    expect(page.get_by_role("img", name=re.compile(r"^Column chart of referrals received each month"))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile(r"^Referrals received each month"))).to_be_visible()
    assert_accessible(page)

    # --- The last quarter, in Birmingham ----------------------------------------------------------------------
    page.get_by_text("Change the period or area").click()
    page.get_by_label("Last quarter").check()
    page.get_by_label("Area").select_option(label="Birmingham")
    page.get_by_role("button", name="Show figures").click()
    quarter = rules.preset_period(rules.LAST_QUARTER, today)
    expect(shown).to_contain_text(f"Showing {long_date(quarter.start)} to {long_date(quarter.last_day)} in Birmingham")
    expect(page).to_have_url(re.compile(r"preset=last_quarter.*area=birmingham"))
    assert_accessible(page)

    # --- Dates of one's own, and a mistake put right ------------------------------------------------------------
    page.get_by_text("Change the period or area").click()
    page.get_by_label("Choose dates").check()
    start = page.get_by_role("group", name="From")
    start.get_by_label("Day").fill("1")
    start.get_by_label("Month").fill("1")
    start.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the end date")
    assert_accessible(page)
    end = page.get_by_role("group", name="To")
    end.get_by_label("Day").fill(str(today.day))
    end.get_by_label("Month").fill(str(today.month))
    end.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Show figures").click()
    expect(shown).to_contain_text(f"Showing 1 January {today.year} to {long_date(today)} in Birmingham")

    # --- A download, with small numbers withheld, recorded in the audit trail ---------------------------------
    exports = AuditEvent.objects.filter(action="export").count()
    page.locator(".moj-sub-navigation").get_by_role("link", name="Triage").click()
    expect(page.get_by_role("heading", level=2, name="Triage")).to_be_visible()
    expect(shown).to_contain_text(f"Showing 1 January {today.year} to {long_date(today)} in Birmingham")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the triage figures (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"figures-triage-{today.year}-01-01-to-{today:%Y-%m-%d}-birmingham.csv"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert {row["section"] for row in rows} == {"Triage"}
    decided = next(r for r in rows if r["category"] == "Referrals with a decision" and r["period"] == "This period")
    assert decided["value"] == "<5" or int(decided["value"]) >= 5
    assert AuditEvent.objects.filter(action="export").count() == exports + 1


def test_each_section_has_its_own_page_and_the_last_12_months_are_compared_once(page, history):
    sign_in(page, MANAGER, demo_data.DEMO_PASSWORD)
    page.locator(".govuk-service-navigation").get_by_role("link", name="Figures").click()
    tabs = page.locator(".moj-sub-navigation")
    expect(tabs.locator("[aria-current=page]")).to_have_text("Summary")
    expect(page.get_by_role("heading", level=2, name="Summary")).to_be_visible()
    year = rules.preset_period(rules.LAST_12_MONTHS, clock.today())
    before = rules.year_earlier(year)
    # Over 12 months the previous period and a year earlier are the same dates: one column, named for both.
    expect(page.get_by_test_id("period-shown")).to_contain_text(
        f"compared with the same dates a year earlier, which are also the previous period "
        f"({long_date(before.start)} to {long_date(before.last_day)})")
    received = page.get_by_role("table", name=re.compile(r"^Referrals received$"))
    expect(received.locator("thead th")).to_have_count(3)
    expect(received.locator("thead")).to_contain_text("Previous period and a year earlier")
    assert_accessible(page)

    for title in ("Referrals", "Triage", "Interventions", "Outcome 22 and Checkpoint", "Re-referral within 12 months",
                  "Disproportionality"):
        tabs.get_by_role("link", name=title).click()
        expect(tabs.locator("[aria-current=page]")).to_have_text(title)
        expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
        expect(page.get_by_role("link", name=f"Download the {title.lower()} figures (CSV)")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollHeight") < 17_000 / 2
    assert_accessible(page)

    # A quarter's previous period is another quarter: three columns, each named.
    page.get_by_text("Change the period or area").click()
    page.get_by_label("Last quarter").check()
    page.get_by_role("button", name="Show figures").click()
    expect(tabs.locator("[aria-current=page]")).to_have_text("Disproportionality")
    expect(page).to_have_url(re.compile(r"/figures/disproportionality/\?.*preset=last_quarter"))
    tabs.get_by_role("link", name="Referrals").click()
    expect(page).to_have_url(re.compile(r"/figures/referrals/\?.*preset=last_quarter"))
    expect(page.get_by_role("table", name=re.compile(r"^Referrals received$")).locator("thead th")).to_have_count(4)
