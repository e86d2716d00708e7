"""Cohorts in a real browser: a VRU triager creates a cohort, finds a young person and adds them, changes their
tier, records a review and sees the history; then a partner named on the cohort sees the member's plan. Every page
on the way is checked with axe-core (no serious or critical violation)."""

import datetime

import pytest
from playwright.sync_api import expect

from core import clock
from partners import demo as demo_data

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

PASSWORD = demo_data.DEMO_PASSWORD
TRIAGER = "triager@vru.example.org"
YOS_MANAGER = "manager@yos-birmingham.example.org"


def today():
    return clock.today()


def long_date(day):
    return f"{day:%-d %B %Y}"


def fill_date(page, group, day):
    fieldset = page.get_by_role("group", name=group, exact=True)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def success_banner(page):
    return page.locator(".govuk-notification-banner--success")


@pytest.fixture
def young_person(demo_users):
    from tests.outcomes.factories import YoungPersonFactory

    return YoungPersonFactory(given_name="Rowan", family_name="Kestrelby", area="birmingham",
                              date_of_birth=datetime.date(2010, 3, 14))


def test_a_vru_triager_creates_a_cohort_adds_a_member_changes_their_tier_and_records_a_review(page, young_person):
    day = today()
    sign_in(page, TRIAGER, PASSWORD)
    page.locator(".govuk-service-navigation").get_by_role("link", name="Cohorts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohorts")
    assert_accessible(page)

    # --- A new cohort: a mistake first, then put right -----------------------------------------------
    page.get_by_role("link", name="Create a cohort").click()
    assert_accessible(page)
    page.get_by_role("button", name="Create the cohort").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the cohort's name")
    expect(summary).to_contain_text("Select the tier model")
    assert_accessible(page)
    page.get_by_label("Name").fill("Operation Merlin (Birmingham West)")
    page.get_by_label("Area").select_option(label="Birmingham")
    page.get_by_role("group", name="Tier model").get_by_label("Scaled model (PIP2/3)").check()
    page.get_by_label("Lead organisation").select_option(label="West Midlands Police – Birmingham West NPU")
    partners = page.get_by_role("group", name="Partner organisations")
    partners.get_by_label("YOS Birmingham").check()
    partners.get_by_label("St Giles Trust").check()
    page.get_by_role("button", name="Create the cohort").click()
    expect(success_banner(page)).to_contain_text("Cohort Operation Merlin (Birmingham West) created.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Operation Merlin (Birmingham West)")
    assert_accessible(page)

    # --- Find the young person and add them ----------------------------------------------------------
    page.get_by_role("link", name="Add a young person").click()
    page.get_by_label("Find the young person").fill("rowan kestrel")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    assert_accessible(page)
    page.get_by_label("Rowan Kestrelby, born 14 March 2010, Birmingham").check()
    page.get_by_role("group", name="Tier").get_by_label("Tier 3: Neighbourhood").check()
    page.get_by_label("Lead agency").select_option(label="YOS Birmingham")
    page.get_by_label("Why do they join the cohort?").fill("Named at the threat and risk meeting: carrying a knife.")
    page.get_by_role("button", name="Add to the cohort").click()
    expect(success_banner(page)).to_contain_text("Young person added to the cohort.")
    tier3 = page.get_by_test_id("tier-3")
    expect(tier3).to_contain_text("Rowan Kestrelby")
    expect(tier3).to_contain_text("YOS Birmingham")
    next_review = day + datetime.timedelta(weeks=4)
    expect(tier3).to_contain_text(f"{next_review:%-d %b %Y}")
    assert_accessible(page)

    # --- Change the tier ----------------------------------------------------------------------------
    tier3.get_by_role("link", name="Rowan Kestrelby").click()
    expect(page.get_by_test_id("current-tier")).to_have_text("Tier 3: Neighbourhood")
    assert_accessible(page)
    page.get_by_role("link", name="Change the tier").click()
    assert_accessible(page)
    page.get_by_role("button", name="Change the tier").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Explain why the tier changes")
    page.get_by_role("group", name="New tier").get_by_label("Tier 2: Neighbourhood task force or LOMU").check()
    page.get_by_label("Why does the tier change?").fill("Arrested with a bladed article last night.")
    page.get_by_role("button", name="Change the tier").click()
    expect(success_banner(page)).to_contain_text("Tier changed.")
    expect(page.get_by_test_id("current-tier")).to_have_text("Tier 2: Neighbourhood task force or LOMU")
    history = page.get_by_test_id("tier-history")
    expect(history.locator(".moj-timeline__title")).to_have_text(["Joined in tier 3", "Tier 3 to tier 2"])
    expect(history).to_contain_text("Arrested with a bladed article last night.")
    expect(history).to_contain_text("by Tara Triage, West Midlands Violence Reduction Unit")

    # --- Record a review: the next one defaults to four weeks on ---------------------------------------
    page.get_by_role("link", name="Record a review").click()
    assert_accessible(page)
    fill_date(page, "Date of the review", day)
    attendees = page.get_by_role("group", name="Organisations that attended")
    attendees.get_by_label("West Midlands Police – Birmingham West NPU").check()
    attendees.get_by_label("YOS Birmingham").check()
    page.get_by_label("Summary").fill("Engaging with the YOS worker; police report no new intelligence.")
    decided = page.get_by_role("group", name="Tier decided")
    expect(decided.get_by_role("radio", checked=True)).to_have_count(0)  # the reviewer decides: nothing pre-selected
    decided.get_by_label("Tier 2: Neighbourhood task force or LOMU").check()
    page.get_by_role("button", name="Record the review").click()
    expect(success_banner(page)).to_contain_text("Review recorded.")
    expect(page.get_by_test_id("next-review")).to_contain_text(long_date(day + datetime.timedelta(weeks=4)))
    expect(page.get_by_text("Engaging with the YOS worker; police report no new intelligence.")).to_be_visible()
    assert_accessible(page)

    # --- A plan action owned by the partner, who sees the cohort and marks it done ----------------------
    page.get_by_role("link", name="Add a plan action").click()
    page.get_by_role("group", name="Which of the four Ps?").get_by_label("Prevent").check()
    page.get_by_label("Action").fill("Weekly mentoring with a youth worker")
    page.get_by_label("Owner").select_option(label="YOS Birmingham")
    fill_date(page, "Due by", day + datetime.timedelta(days=14))
    assert_accessible(page)
    page.get_by_role("button", name="Add the action").click()
    expect(success_banner(page)).to_contain_text("Action added to the plan.")
    member_url = page.url

    page.context.clear_cookies()
    sign_in(page, YOS_MANAGER, PASSWORD)
    page.locator(".govuk-service-navigation").get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name="Operation Merlin (Birmingham West)").click()
    expect(page.get_by_role("link", name="Add a young person")).to_have_count(0)
    page.get_by_role("link", name="Rowan Kestrelby").click()
    assert page.url == member_url
    expect(page.get_by_role("link", name="Record a review")).to_have_count(0)
    page.get_by_text("Update the status").click()
    page.get_by_label("Status").select_option(label="Done")
    page.get_by_label("Note (needed when dropped)").fill("First session held.")
    assert_accessible(page)
    page.get_by_role("button", name="Update").click()
    expect(success_banner(page)).to_contain_text("Action updated.")
    expect(page.locator(".govuk-summary-list__row", has_text="Weekly mentoring with a youth worker")).to_contain_text("Done")
