"""Find a young person in a real browser: the police decision maker types a spelling variant into the header's
search, sees the young person the force already knows with why they matched and their case, then starts a new case
for them, finding them again on *start a case* by a variant of their name alone.

Only links, buttons and boxes on the pages are used; the earlier case is written with the services beforehand.
"""

import datetime

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in
from .test_outcomes import (
    DECISION_MAKER,
    LEAD,
    PASSWORD,
    answer,
    born_aged,
    case_status,
    checklist,
    fill_contract,
    fill_date,
    open_new_case,
    success_banner,
    today,
)
from .test_outcomes import reference_data as reference_data  # noqa: F401 - a fixture, used by name

pytestmark = [pytest.mark.browser, pytest.mark.journey]

BLADED_ARTICLE = "Possession of a bladed article in a public place (Criminal Justice Act 1988 s139; either way)"


def _known_to_the_force(date_of_birth):
    """Mohammed Kestrel-Vane, on an Outcome 22 case the demo decision maker started a month ago."""
    from django.utils import timezone

    from outcomes import selectors, services
    from partners.access import acting_for
    from partners.models import Organisation, User

    start = today() - datetime.timedelta(days=30)
    return services.start_case(
        acting_for(User.objects.get(email=DECISION_MAKER)), crime_reference="20/005151/26",
        offence=selectors.offences().get(code="CJA1988-S139"), offence_date=start - datetime.timedelta(days=2),
        pathway=selectors.pathways().get(code="outcome22"), lead_organisation=Organisation.objects.get(name=LEAD),
        start_date=start, now=timezone.now(), admission=True, sufficient_evidence=True,
        person={"given_name": "Mohammed", "family_name": "Kestrel-Vane", "date_of_birth": date_of_birth,
                "sex": "male", "area": "birmingham"},
    )


def test_police_find_a_known_young_person_by_a_variant_of_the_name_and_start_a_case(page, demo, reference_data):  # noqa: F811
    day = today()
    offence_date = day - datetime.timedelta(days=1)
    born = born_aged(15, offence_date)
    _known_to_the_force(born)
    sign_in(page, DECISION_MAKER, PASSWORD)

    # The header's search: "Muhammad Vane" sounds like Mohammed, and Vane is one of his two surnames.
    page.get_by_label("Find a young person").fill(f"Muhammad Vane {born:%d/%m/%Y}")
    page.get_by_label("Find a young person").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a young person")
    expect(page.get_by_test_id("result-count")).to_have_text("1 young person found")
    result = page.get_by_test_id("search-result")
    expect(result.get_by_role("link", name="Mohammed Kestrel-Vane")).to_be_visible()
    expect(result.get_by_test_id("why")).to_contain_text("Same date of birth; name sounds alike")
    expect(result).to_contain_text("Outcome 22 case 20/005151/26: Active")
    assert_accessible(page)

    # Someone the force has never met is not found: the same answer as a name nobody has.
    page.get_by_role("main").get_by_label("Name, date of birth, reference, postcode, UPN or NHS number").fill(
        "Nobody Kestrelvane-Unknown")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("result-count")).to_have_text("0 young people found")

    # Starting a case: the same search finds him by a variant of his name, without a date of birth.
    open_new_case(page)
    page.get_by_label("Crime reference").fill("20/006262/26")
    page.get_by_label("Offence", exact=True).select_option(label=BLADED_ARTICLE)
    fill_date(page, "When was the offence committed?", offence_date)
    answer(page, "Which pathway?", "Checkpoint")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find the young person")
    page.get_by_role("main").get_by_label("Name").fill("Mohamed Kestrel Vane")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="1 young person found")).to_be_visible()
    expect(page.locator(".govuk-radios__hint")).to_contain_text("Name sounds alike")
    assert_accessible(page)
    page.get_by_label("Mohammed Kestrel-Vane").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Checkpoint questions")
    answer(page, "Were there aggravating circumstances?", "No")
    answer(page, "Did the young person admit the offence?", "Yes")
    answer(page, "Is there enough evidence to charge?", "Yes")
    answer(page, "What is the young person's criminal history?", "Very minor, non-violent history")
    page.get_by_role("button", name="Continue").click()
    expect(checklist(page)).to_be_visible()
    fill_contract(page, start_date=day)
    page.get_by_role("button", name="Start case").click()

    expect(success_banner(page)).to_contain_text("Case 20/006262/26 started.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mohammed Kestrel-Vane")
    expect(case_status(page)).to_have_text("Active")
