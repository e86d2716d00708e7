"""The police decision maker in a real browser, from the demo portal: start a Checkpoint case through the question
pages, add a further condition on the case page, mark it missed with why, and see the case at risk.

Only links and buttons on the pages are used. The live server runs on the real clock; the case starts today.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in
from .test_outcomes import (
    DECISION_MAKER,
    PASSWORD,
    answer,
    born_aged,
    case_status,
    checklist,
    fill_contract,
    fill_date,
    long_date,
    open_new_case,
    success_banner,
    summary_row,
    today,
)
from .test_outcomes import reference_data as reference_data  # noqa: F401 - a fixture, used by name

pytestmark = pytest.mark.browser

BLADED_ARTICLE = "Possession of a bladed article in a public place (Criminal Justice Act 1988 s139; either way)"
APOLOGY = "Write a letter of apology to the shop owner"


def test_police_start_a_checkpoint_case_then_add_a_condition_and_mark_it_missed(page, reference_data, demo):  # noqa: F811
    day = today()
    offence_date = day - datetime.timedelta(days=2)
    crime_reference = "20/007777/26"
    sign_in(page, DECISION_MAKER, PASSWORD)
    open_new_case(page)

    # The crime: a question left out is named in the summary, and its link lands on the question.
    page.get_by_label("Crime reference").fill(crime_reference)
    page.get_by_label("Offence", exact=True).select_option(label=BLADED_ARTICLE)
    fill_date(page, "When was the offence committed?", offence_date)
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the pathway: Outcome 22 or Checkpoint")
    assert_accessible(page)
    summary.get_by_role("link", name="Select the pathway: Outcome 22 or Checkpoint").click()
    expect(page.get_by_role("group", name="Which pathway?").get_by_label("Checkpoint")).to_be_focused()
    answer(page, "Which pathway?", "Checkpoint")
    page.get_by_role("button", name="Continue").click()

    # The young person: nobody the force knows, so a new one.
    expect(page.get_by_role("heading", level=1)).to_have_text("Find the young person")
    dob = born_aged(15, offence_date)
    page.get_by_label("Name").fill("Riley Newcase")
    fill_date(page, "Date of birth", dob)
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="0 young people found")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="None of these: enter a new young person").click()
    page.get_by_label("First name").fill("Riley")
    page.get_by_label("Last name").fill("Newcase")
    fill_date(page, "Date of birth", dob)
    answer(page, "Sex", "Female")
    page.get_by_label("Local authority area").select_option(label="Birmingham")
    page.get_by_role("button", name="Continue").click()

    # Checkpoint's questions, none answered for them, then the result rule by rule.
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkpoint questions")
    expect(page.get_by_role("radio", checked=True)).to_have_count(0)
    answer(page, "Were there aggravating circumstances?", "No")
    answer(page, "Did the young person admit the offence?", "Yes")
    answer(page, "Is there enough evidence to charge?", "Yes")
    answer(page, "What is the young person's criminal history?", "No previous criminal history")
    page.get_by_role("button", name="Continue").click()
    expect(checklist(page).get_by_role("listitem").filter(has_text="Met")).to_have_count(6)
    assert_accessible(page)

    # The contract and Check your answers, with a Change link that comes back here.
    fill_contract(page, start_date=day)
    assert_accessible(page)
    summary_row(page, "Crime reference").get_by_role("link", name="Change").click()
    expect(page.get_by_label("Crime reference")).to_have_value(crime_reference)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eligibility")
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before starting the case")
    page.get_by_role("button", name="Start case").click()

    expect(success_banner(page)).to_contain_text(f"Case {crime_reference} started.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riley Newcase")
    expect(case_status(page)).to_have_text("Active")

    # A further condition from the case page.
    page.get_by_role("link", name="Add a condition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a condition")
    page.get_by_label("What must the young person do?").fill(APOLOGY)
    due = day + datetime.timedelta(days=30)
    fill_date(page, "When is it due?", due)
    assert_accessible(page)
    page.get_by_role("button", name="Add condition").click()
    expect(success_banner(page)).to_contain_text("Condition added.")
    expect(summary_row(page, APOLOGY)).to_contain_text(f"Pending due {long_date(due)}")

    # Marked missed: a reason is needed, then the case is at risk.
    summary_row(page, APOLOGY).get_by_role("link", name=re.compile(r"^Mark as missed")).click()
    page.get_by_role("button", name="Mark as missed").click()
    summary = page.locator(".govuk-error-summary")
    summary.get_by_role("link", name="Explain why the condition was missed").click()
    expect(page.get_by_label("Why was it missed?")).to_be_focused()
    assert_accessible(page)
    page.get_by_label("Why was it missed?").fill("Refused to write it.")
    page.get_by_role("button", name="Mark as missed").click()
    expect(success_banner(page)).to_contain_text("Condition marked as missed.")
    expect(case_status(page)).to_have_text("At risk")
    expect(page.locator(".govuk-warning-text")).to_contain_text(f"missed {APOLOGY} (due {long_date(due)})")
    expect(summary_row(page, APOLOGY)).to_contain_text("Why it was missed: Refused to write it.")
    assert_accessible(page)
