"""Documents in a real browser, with a real clamd: a school attaches a chronology at submission, the VRU sees it on
the triage page, the partner it is allocated to downloads it, another organisation's user gets 404 for its URL.
Then a case note is written, amended, and its original stays beside the amendment, in the referral's timeline."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partners.access import acting_for
from partners.models import Organisation, User
from referrals import services
from referrals.models import Referral

from .conftest import assert_accessible
from .test_referrals import (
    SCHOOL_LEAD,
    TRIAGER,
    YOS_CASEWORKER,
    assert_accessible_with_conditional_radios,
    fill_young_person,
    start_a_referral,
    submit_through_services,
    success_banner,
    switch_user,
)

pytestmark = pytest.mark.browser

CHRONOLOGY = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
             b"trailer<</Root 1 0 R>>\n%%EOF\n"
ST_GILES = "caseworker@stgiles.example.org"


def answer_the_referral(page):
    fill_young_person(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Carrying or suspected of carrying a knife or weapon").check()
    page.get_by_label("What has happened").fill("Synthetic: a teacher saw a knife in a bag on Monday.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Public task").check()
    page.get_by_label("Yes, a parent or carer has been told").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending the referral")


def documents(page):
    return page.get_by_test_id("documents")


def test_a_school_attaches_a_chronology_the_vru_sees_it_and_the_partner_downloads_it(page, demo_users, clamd,
                                                                                      tmp_path):
    from partners.demo import USERS

    assert ST_GILES in [u[0] for u in USERS]
    switch_user(page, SCHOOL_LEAD)
    start_a_referral(page)
    answer_the_referral(page)
    expect(documents(page)).to_contain_text("No documents.")
    documents(page).get_by_role("link", name="Add a document").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a document")
    assert_accessible(page)

    page.get_by_role("button", name="Add the document").click()  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a file")
    (tmp_path / "Chronology autumn term.pdf").write_bytes(CHRONOLOGY)
    page.get_by_label("File").set_input_files(tmp_path / "Chronology autumn term.pdf")
    page.get_by_label("Title").fill("Chronology of concerns, autumn term")
    page.get_by_label("Chronology", exact=True).check()
    expect(page.get_by_text("Can the referring organisation see this document?")).to_have_count(0)  # it is theirs
    page.get_by_role("button", name="Add the document").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending the referral")
    expect(success_banner(page)).to_contain_text("“Chronology of concerns, autumn term” was added.")
    expect(documents(page)).to_contain_text("Chronology autumn term.pdf")
    page.get_by_role("button", name="Accept and send").click()
    reference = page.get_by_test_id("reference").inner_text().strip()

    # --- The VRU sees it on the triage page, and allocates the referral to YOS Birmingham --------------
    switch_user(page, TRIAGER)
    page.goto("/triage/")
    page.get_by_role("link", name=reference, exact=True).click()
    expect(documents(page)).to_contain_text("Chronology of concerns, autumn term")
    assert_accessible(page)
    page.get_by_role("button", name="Claim").click()
    page.get_by_label("Amber (medium)").check()
    page.get_by_label("Accept and allocate").check()
    page.get_by_label("Partner organisation").select_option(label="YOS Birmingham")
    page.get_by_label("Programme").fill("Knife crime mentoring")
    assert_accessible_with_conditional_radios(page)
    page.get_by_role("button", name="Record decision").click()
    expect(success_banner(page)).to_contain_text(f"{reference}: accept and allocate recorded.")

    # --- The partner downloads it ----------------------------------------------------------------------------
    switch_user(page, YOS_CASEWORKER)
    page.goto("/allocations/")
    page.get_by_role("link", name=reference, exact=True).click()
    link = documents(page).get_by_role("link", name=re.compile(r"^Chronology of concerns, autumn term\s+\(download\)"))
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Chronology autumn term.pdf"
    assert open(download.value.path(), "rb").read() == CHRONOLOGY
    url = link.get_attribute("href")

    # --- Another organisation's user asks for it by its address ----------------------------------------------
    switch_user(page, ST_GILES)
    response = page.goto(url)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_a_partner_writes_a_note_on_its_allocation_and_amends_it(page, demo_users, clamd):
    reference = submit_through_services(SCHOOL_LEAD)
    referral = Referral.objects.get(reference=reference)
    triager = acting_for(User.objects.get(email=TRIAGER))
    services.claim(triager, referral, now=timezone.now())
    services.decide(triager, referral, decision="allocate", rag="amber", programme="Mentoring", now=timezone.now(),
                    organisation=Organisation.objects.get(name="YOS Birmingham"))

    switch_user(page, YOS_CASEWORKER)
    page.goto("/allocations/")
    page.get_by_role("link", name=reference, exact=True).click()
    page.get_by_test_id("notes").get_by_role("link", name="Add a note").click()
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the note")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who can read this note")
    page.get_by_label("Note", exact=True).fill("Met the young person at school on Tuesday.")
    page.get_by_label("Only my organisation and the VRU").check()
    assert_accessible(page)
    page.get_by_role("button", name="Add the note").click()
    expect(success_banner(page)).to_contain_text("The note was added.")
    notes = page.get_by_test_id("note")  # in the referral's timeline, among what else happened
    expect(notes).to_contain_text("Met the young person at school on Tuesday.")
    expect(notes).to_contain_text("Not shared")

    notes.get_by_role("link", name=re.compile("^Amend")).click()
    expect(page.get_by_test_id("original-note")).to_contain_text("on Tuesday")
    page.get_by_label("The note as it should read").fill("Met the young person at school on Wednesday.")
    page.get_by_label("Why are you amending it?").fill("The day was wrong.")
    assert_accessible(page)
    page.get_by_role("button", name="Amend the note").click()
    expect(success_banner(page)).to_contain_text("The original is kept beside the amendment.")
    expect(notes).to_contain_text("Met the young person at school on Tuesday.")  # the original, as written
    expect(notes.get_by_test_id("amendment")).to_contain_text("The day was wrong.")
    expect(notes.get_by_test_id("amendment")).to_contain_text("on Wednesday.")

    # The school sees neither: the note was not shared.
    switch_user(page, SCHOOL_LEAD)
    page.goto(f"/referrals/{referral.pk}/")
    expect(page.get_by_test_id("timeline")).to_be_visible()
    expect(page.get_by_test_id("note")).to_have_count(0)
