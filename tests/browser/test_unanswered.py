"""A question nobody answered is never sent as an answer: the school lead who saves the urgency page without
choosing sees "Not answered" on Check your answers, cannot send, and is led back to the question."""

import re

import pytest
from playwright.sync_api import expect

from partners import demo as demo_data

from .conftest import assert_accessible, sign_in
from .test_referrals import (
    SCHOOL_LEAD,
    assert_accessible_with_conditional_radios,
    fill_young_person,
    go_to,
    start_a_referral,
)

pytestmark = pytest.mark.browser

URGENT_MESSAGE = "Select yes if the young person is at immediate risk of harm"


def heading(page):
    return page.get_by_role("heading", level=1)


def test_an_unanswered_urgency_is_shown_refused_and_answered_before_sending(page, demo_users):
    sign_in(page, SCHOOL_LEAD, demo_data.DEMO_PASSWORD)
    start_a_referral(page)
    fill_young_person(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Carrying or suspected of carrying a knife or weapon").check()
    page.get_by_label("What has happened").fill("Synthetic: a knife was seen in a bag at break time.")
    page.get_by_role("button", name="Continue").click()

    # The urgency page, left unanswered: nothing is chosen for the referrer.
    expect(heading(page)).to_have_text("Urgency")
    for choice in ("Yes – immediate risk of harm", "No"):
        expect(page.get_by_label(choice, exact=True)).not_to_be_checked()
    page.get_by_role("button", name="Save and come back later").click()
    expect(heading(page)).to_have_text("My referrals")

    # Coming back: the draft carries on to the questions still to answer.
    page.get_by_role("link", name=re.compile("^Continue")).click()
    expect(heading(page)).to_have_text("Sharing information")
    page.get_by_label("Public task").check()
    page.get_by_label("Yes, a parent or carer has been told").check()
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("Check your answers before sending the referral")
    urgency = page.get_by_test_id("section-urgency")
    expect(urgency).to_contain_text("Not answered")
    expect(urgency.get_by_role("link", name=re.compile("^Change"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Accept and send").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(URGENT_MESSAGE)
    expect(page).to_have_title(re.compile("^Error: "))
    assert_accessible(page)

    summary.get_by_role("link", name=URGENT_MESSAGE).click()
    expect(heading(page)).to_have_text("Urgency")
    expect(page).to_have_url(re.compile(r"#id_urgent_0$"))
    question = page.locator("#id_urgent_0")
    expect(question).to_be_in_viewport()
    expect(question).not_to_be_checked()
    assert_accessible_with_conditional_radios(page)
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("Check your answers before sending the referral")
    expect(page.get_by_test_id("section-urgency")).to_contain_text("No")
    expect(page.get_by_test_id("section-urgency")).not_to_contain_text("Not answered")
    page.get_by_role("button", name="Accept and send").click()
    expect(heading(page)).to_have_text("Referral submitted")

    go_to(page, "My referrals")
    expect(page.get_by_test_id("my-referrals")).to_contain_text("Submitted")
