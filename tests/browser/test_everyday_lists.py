"""Fit for every day, in Chromium: staff see young people's names and ages on their lists, each role's home page
says what waits for it (each count a link to exactly those), Allocated to us puts the work waiting first, filters
ignore what they do not know and offer "Clear filters" when nothing matches, and lists page with the GOV.UK
pagination component.

What came before (referrals, allocations, work started) is arranged through the services, as the other browser
tests do; everything after is done with the links and buttons on the pages.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core import clock
from outcomes import services as outcome_services
from partners.access import acting_for
from partners.models import Organisation, User
from referrals import rules
from referrals import services as referral_services
from referrals.models import Allocation
from tests.outcomes.factories import ProgrammeFactory
from tests.referrals.factories import referral_data

from .conftest import assert_accessible, sign_in
from .test_outcomes import go_to

pytestmark = pytest.mark.browser

SCHOOL_LEAD = "dsl@northfield.example.sch.uk"
TRIAGER = "triager@vru.example.org"
MANAGER = "manager@vru.example.org"
CASEWORKER = "caseworker@yos-birmingham.example.org"
BORN = date(2010, 3, 14)


def acting(email):
    return acting_for(User.objects.get(email=email))


def refer(n, **overrides):
    school, now = acting(SCHOOL_LEAD), timezone.now() - timedelta(hours=3)
    draft = referral_services.save_draft(school, referral_data(given_name=f"Rowan{n}", family_name="Listtest",
                                                               date_of_birth=BORN, **overrides), now=now)
    return referral_services.submit_referral(school, draft, now=now)


def allocate(referral):
    referral_services.claim(acting(TRIAGER), referral, now=timezone.now() - timedelta(hours=2))
    referral_services.decide(acting(TRIAGER), referral, decision="allocate", rag="amber",
                             organisation=Organisation.objects.get(name="YOS Birmingham"),
                             programme="Knife crime programme", now=timezone.now() - timedelta(hours=2))
    return referral.allocations.get()


def aged():
    return f"aged {rules.age_on(BORN, clock.today())}"


def test_staff_see_the_young_persons_name_and_age_on_their_lists(page, demo_users):
    waiting = refer(1)
    late = allocate(refer(2))
    Allocation.objects.filter(pk=late.pk).update(accept_due=timezone.now() - timedelta(hours=1))
    working = allocate(refer(3))
    referral_services.accept_allocation(acting(CASEWORKER), working, now=timezone.now())
    programme = ProgrammeFactory(owner=working.organisation, name="Knife crime programme")
    outcome_services.start_intervention(acting(CASEWORKER), working, programme=programme, started_on=clock.today(),
                                        planned_sessions=6, now=timezone.now())

    sign_in(page, TRIAGER, demo_users.DEMO_PASSWORD)
    go_to(page, "Triage queue")
    row = page.get_by_role("row").filter(has_text=waiting.reference)
    expect(row.get_by_test_id("person")).to_have_text(f"Rowan1 Listtest, {aged()}")
    page.get_by_role("link", name="Partners late to act").first.click()
    expect(page.get_by_test_id("person")).to_have_text(f"Rowan2 Listtest, {aged()}")
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, CASEWORKER, demo_users.DEMO_PASSWORD)
    go_to(page, "Allocated to us")
    for n in (2, 3):
        expect(page.get_by_text(f"Rowan{n} Listtest, {aged()}")).to_be_visible()
    go_to(page, "Our caseload")
    expect(page.get_by_role("heading", level=2, name=f"Rowan3 Listtest, {aged()}")).to_be_visible()
    assert_accessible(page)


def test_each_roles_home_page_counts_what_waits_and_each_count_opens_those(page, demo_users):
    for n in range(2):
        asked = refer(n)
        referral_services.claim(acting(TRIAGER), asked, now=timezone.now())
        referral_services.decide(acting(TRIAGER), asked, decision="request_info", question="Which year is Rowan in?",
                                 now=timezone.now())
    for n in range(3):
        allocate(refer(10 + n))
    refer(20)

    sign_in(page, SCHOOL_LEAD, demo_users.DEMO_PASSWORD)
    page.get_by_role("link", name="2 questions waiting for you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My referrals")
    expect(page.get_by_role("link", name="Answer the question")).to_have_count(2)
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, TRIAGER, demo_users.DEMO_PASSWORD)
    page.get_by_role("link", name="1 to triage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    expect(page.get_by_text("1 referral waiting for a decision")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, CASEWORKER, demo_users.DEMO_PASSWORD)
    expect(page.get_by_text("Coming soon")).to_have_count(0)
    page.get_by_role("link", name="3 allocations to accept").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocated to us")
    expect(page.locator("caption")).to_contain_text("3 allocations")
    expect(page.locator("tbody tr")).to_have_count(3)

    page.context.clear_cookies()
    sign_in(page, MANAGER, demo_users.DEMO_PASSWORD)
    expect(page.get_by_text("Coming soon")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Figures").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Figures")


def test_allocated_to_us_puts_the_allocations_waiting_for_us_on_page_1(page, demo_users):
    accepted = [allocate(refer(n)) for n in range(26)]
    Allocation.objects.filter(pk__in=[a.pk for a in accepted]).update(
        state="accepted", accepted_at=timezone.now(), first_contact_due=clock.today() + timedelta(days=2))
    waiting = [allocate(refer(100 + n)).referral.reference for n in range(4)]

    sign_in(page, CASEWORKER, demo_users.DEMO_PASSWORD)
    go_to(page, "Allocated to us")
    rows = page.locator("tbody tr")
    for i, reference in enumerate(waiting):
        expect(rows.nth(i)).to_contain_text(reference)
        expect(rows.nth(i)).to_contain_text("Accept by")
    expect(rows.nth(4)).to_contain_text("First contact by")
    assert_accessible(page)


def test_an_unknown_filter_is_ignored_and_an_empty_filtered_list_offers_clear_filters(page, demo_users):
    refer(1)
    sign_in(page, SCHOOL_LEAD, demo_users.DEMO_PASSWORD)
    go_to(page, "My referrals")
    page.goto(page.url.split("?")[0] + "?status=more_information_requested")
    expect(page.get_by_test_id("ignored-filters")).to_contain_text("“more_information_requested”")
    expect(page.get_by_text("Select a valid choice")).to_have_count(0)
    expect(page.get_by_text("1 referral", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Status").select_option(label="Closed")
    page.get_by_role("button", name="Apply filter").click()
    expect(page.get_by_text("No referrals have this status.")).to_be_visible()
    page.get_by_role("link", name="Clear filters").last.click()
    expect(page.get_by_text("1 referral", exact=True)).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, TRIAGER, demo_users.DEMO_PASSWORD)
    go_to(page, "Triage queue")
    page.goto(page.url.split("?")[0] + "?area=nowhere&source=school")
    expect(page.get_by_test_id("ignored-filters")).to_contain_text("“nowhere”")
    page.get_by_label("Area").select_option(label="Walsall")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("no-results")).to_be_visible()
    page.get_by_test_id("no-results").get_by_role("link", name="Clear filters").click()
    expect(page.get_by_text("1 referral waiting for a decision")).to_be_visible()
    assert_accessible(page)


def test_a_long_list_pages_with_the_govuk_pagination_component(page, demo_users):
    for n in range(30):
        refer(n)
    sign_in(page, SCHOOL_LEAD, demo_users.DEMO_PASSWORD)
    go_to(page, "My referrals")
    pagination = page.get_by_role("navigation", name="Pagination")
    expect(pagination).to_have_class("govuk-pagination")
    expect(pagination.get_by_role("link", name="Page 1")).to_have_attribute("aria-current", "page")
    pagination.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Page 2")).to_have_attribute(
        "aria-current", "page")
    expect(page.locator("tbody tr")).to_have_count(5)
    assert_accessible(page)
    page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Previous page").click()
    expect(page.locator("tbody tr")).to_have_count(25)
