"""The words staff read, in a real browser: a notification that says what to do and by when and opens its record;
the scheduled jobs in plain words, with Run now for the VRU's administrators only; the audit trail in sentences,
each record a link to its page.

What came before (a referral made and allocated) is arranged through the services, as in the other browser tests.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jobs import tasks
from partners.access import acting_for
from partners.models import Organisation, User
from referrals import services as referral_services
from tests.referrals.factories import referral_data

from .conftest import assert_accessible, sign_in
from .test_outcomes import go_to, success_banner

pytestmark = pytest.mark.browser


def _allocated():
    school = acting_for(User.objects.get(email="dsl@northfield.example.sch.uk"))
    triager = acting_for(User.objects.get(email="triager@vru.example.org"))
    when = timezone.now() - timedelta(hours=2)
    referral = referral_services.submit_referral(
        school, referral_services.save_draft(school, referral_data(given_name="Rowan", family_name="Wordtest"), now=when),
        now=when)
    referral_services.claim(triager, referral, now=when + timedelta(minutes=30))
    referral_services.decide(triager, referral, decision="allocate", rag="amber",
                             organisation=Organisation.objects.get(name="YOS Birmingham"),
                             programme="Knife crime programme", now=when + timedelta(hours=1))
    return referral


def test_a_caseworker_reads_what_to_do_by_when_and_the_link_opens_the_allocation(page, demo_users):
    referral = _allocated()
    sign_in(page, "caseworker@yos-birmingham.example.org", demo_users.DEMO_PASSWORD)
    page.get_by_role("link", name="Notifications (1 unread)").click()
    told = page.get_by_role("link", name=f"Accept or hand back the allocation for {referral.reference} by 17:00 on")
    expect(told).to_be_visible()
    expect(page.get_by_text("Accept it, or hand it back with a reason, on the allocation's page.")).to_be_visible()
    assert_accessible(page)
    told.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rowan Wordtest")
    expect(page.get_by_role("button", name="Accept")).to_be_visible()


def test_the_school_is_told_the_decision_in_a_sentence_and_opens_its_referral(page, demo_users):
    referral = _allocated()
    sign_in(page, "dsl@northfield.example.sch.uk", demo_users.DEMO_PASSWORD)
    page.get_by_role("link", name="Notifications (1 unread)").click()
    page.get_by_role("link", name=f"The VRU has allocated referral {referral.reference} to a partner programme").click()
    expect(page).to_have_url(re.compile(rf"/referrals/{referral.pk}/$"))


def test_an_administrator_of_the_vru_runs_a_job_now_and_a_manager_sees_no_button(page, demo_users, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.run_job, "delay", lambda *args, **kwargs: queued.append(args))  # no worker runs here
    sign_in(page, "admin@vru.example.org", demo_users.DEMO_PASSWORD)
    go_to(page, "Scheduled jobs")
    digest = page.get_by_role("row").filter(has_text="Send the morning triage digest")
    expect(digest).to_contain_text("Every weekday at 07:30")
    expect(page.get_by_role("row").filter(has_text="Escalate late allocations")).to_contain_text(
        "Every hour from 08:45 to 17:45 on weekdays")
    expect(page.locator("main")).not_to_contain_text("triage_digest")
    expect(page.locator("main")).not_to_contain_text("minute 45")
    assert_accessible(page)
    outbox = page.get_by_role("row").filter(has_text="Send queued emails")
    outbox.get_by_role("button", name=re.compile("Run now")).click()
    expect(success_banner(page)).to_contain_text("Send queued emails is queued to run now.")
    assert queued == [("send_outbox",)]

    page.context.clear_cookies()
    sign_in(page, "manager@vru.example.org", demo_users.DEMO_PASSWORD)
    go_to(page, "Scheduled jobs")
    expect(page.get_by_role("row").filter(has_text="Send queued emails")).to_be_visible()
    expect(page.get_by_role("button", name="Run now")).to_have_count(0)


def test_the_audit_trail_says_who_viewed_which_referral_and_links_it(page, demo_users):
    referral = _allocated()
    sign_in(page, "manager@vru.example.org", demo_users.DEMO_PASSWORD)
    page.goto(f"/triage/{referral.pk}/")  # the manager views the referral: an audit event
    go_to(page, "Audit trail")
    manager = User.objects.get(email="manager@vru.example.org")
    row = page.get_by_role("row").filter(has_text=f"{manager.full_name} (West Midlands Violence Reduction Unit) viewed")
    expect(row.first).to_contain_text(f"referral {referral.reference}, about young person {referral.young_person_id}")
    expect(page.locator("main")).not_to_contain_text("referrals.referral " + str(referral.pk))
    assert_accessible(page)
    row.first.get_by_role("link", name=f"referral {referral.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rowan Wordtest")
