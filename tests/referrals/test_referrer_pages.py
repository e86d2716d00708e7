"""A school safeguarding lead's pages, through the Django test client: start, steps, check, submit,
My referrals, a referral's page, and answering the VRU's question."""

import re
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.access import NotFound, acting_for
from partners.models import AuditAction, AuditEvent, Role
from referrals import services
from referrals.models import Allocation, Referral, ReferralConcern, ReferralEvent, Status
from tests.factories import member
from tests.referrals.factories import ReferralFactory, referral_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DOB = date(TODAY.year - 15, 3, 14)


def young_person_answers(**overrides):
    data = {
        "given_name": "Jordan", "family_name": "Example", "preferred_name": "",
        "date_of_birth_0": str(DOB.day), "date_of_birth_1": str(DOB.month), "date_of_birth_2": str(DOB.year),
        "sex": "male", "gender_identity": "", "ethnicity": "not_stated", "postcode": "b1  1aa", "area": "birmingham",
        "upn": "a 1234 5678 9012", "nhs_number": "943 476 5919", "continue": "",
    }
    data.update(overrides)
    return data


def concern_answers(**overrides):
    data = {"concerns": ["weapon", "online"], "account": "Seen with a knife near the school gates.", "continue": ""}
    data.update(overrides)
    return data


def urgency_answers(**overrides):
    data = {"urgent": "no", "urgency_reason": "", "continue": ""}
    data.update(overrides)
    return data


def sharing_answers(**overrides):
    data = {"lawful_basis": "public_task", "informed": "young_person", "not_informed_reason": "", "continue": ""}
    data.update(overrides)
    return data


ANSWERS = {"young-person": young_person_answers, "concern": concern_answers, "urgency": urgency_answers,
           "sharing": sharing_answers}


@pytest.fixture
def school_client(client, referrer):
    client.force_login(referrer)
    return client


def step_url(referral, slug):
    return reverse("referral-step", args=[referral.pk, slug])


def start_key(client):
    page = client.get(reverse("referral-start"))
    assert page.status_code == 200
    return re.search(r'name="idempotency_key" value="([0-9a-f-]+)"', page.content.decode()).group(1)


def start_draft(client):
    response = client.post(reverse("referral-start"), {"idempotency_key": start_key(client)})
    assert response.status_code == 302
    return Referral.objects.get(pk=int(re.search(r"/referrals/(\d+)/edit/young-person/", response["Location"]).group(1)))


def complete_draft(user, **overrides):
    return services.save_draft(acting_for(user), referral_data(date_of_birth=DOB, **overrides), now=timezone.now())


def submitted(user, **overrides):
    acting = acting_for(user)
    return services.submit_referral(acting, complete_draft(user, **overrides), now=timezone.now())


def error_summary(response):
    html = response.content.decode()
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return match.group(0) if match else ""


def inline_errors(response):
    found = re.findall(r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>(.*?)</span>',
                       response.content.decode(), re.S)
    return " | ".join(" ".join(text.split()) for text in found)


# --- The whole journey ------------------------------------------------------------------------------


def test_the_whole_journey_from_start_to_my_referrals(school_client):
    draft = start_draft(school_client)
    assert draft.status == Status.DRAFT and draft.created_by.email == "dsl@school-a.example.org"

    expected_next = {
        "young-person": step_url(draft, "concern"), "concern": step_url(draft, "urgency"),
        "urgency": step_url(draft, "sharing"), "sharing": reverse("referral-check", args=[draft.pk]),
    }
    for slug, answers in ANSWERS.items():
        page = school_client.get(step_url(draft, slug))
        assert page.status_code == 200 and "Save and come back later" in page.content.decode()
        response = school_client.post(step_url(draft, slug), answers())
        assert response.status_code == 302, inline_errors(response)
        assert response["Location"] == expected_next[slug]

    draft.refresh_from_db()
    # The services normalise what is stored.
    assert (draft.postcode, draft.upn, draft.nhs_number) == ("B1 1AA", "A123456789012", "9434765919")
    assert draft.date_of_birth == DOB
    assert sorted(draft.concerns.values_list("concern", flat=True)) == ["online", "weapon"]

    check = school_client.get(reverse("referral-check", args=[draft.pk]))
    html = check.content.decode()
    assert check.status_code == 200
    for shown in ("Jordan Example", "B1 1AA", "Carrying or suspected of carrying a knife or weapon", "Public task",
                  f"{DOB:%-d %B %Y}"):
        assert shown in html
    assert f'href="{step_url(draft, "concern")}?next=check#id_concerns_1"' in html

    response = school_client.post(reverse("referral-check", args=[draft.pk]))
    assert response["Location"] == reverse("referral-confirmation", args=[draft.pk])
    draft.refresh_from_db()
    reference = f"VRU-{timezone.localdate(timezone.now()).year}-000001"
    assert draft.status == Status.SUBMITTED and draft.reference == reference

    confirmation = school_client.get(response["Location"]).content.decode()
    assert "Referral submitted" in confirmation and reference in confirmation
    assert "govuk-panel--confirmation" in confirmation and "1 working day" in confirmation

    mine = school_client.get(reverse("my-referrals")).content.decode()
    row = re.search(rf'<tr class="govuk-table__row" data-testid="referral-{draft.pk}">.*?</tr>', mine, re.S).group(0)
    assert reference in row and "Jordan Example" in row
    assert "govuk-tag--blue" in row and "Submitted" in row


def test_a_change_link_from_the_check_page_comes_back_to_it(school_client, referrer):
    draft = complete_draft(referrer)
    response = school_client.post(step_url(draft, "concern") + "?next=check", concern_answers(account="Changed account."))
    assert response["Location"] == reverse("referral-check", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.account == "Changed account."


def test_save_and_come_back_later_keeps_the_answers(school_client):
    draft = start_draft(school_client)
    partial = {"given_name": "Riley", "family_name": "", "postcode": "B1 1AA", "save_later": ""}
    response = school_client.post(step_url(draft, "young-person"), partial, follow=True)
    assert response.redirect_chain[-1][0] == reverse("my-referrals")
    assert "Your answers have been saved" in response.content.decode()
    assert "govuk-notification-banner--success" in response.content.decode()

    draft.refresh_from_db()
    assert (draft.given_name, draft.postcode, draft.status) == ("Riley", "B1 1AA", Status.DRAFT)
    again = school_client.get(step_url(draft, "young-person")).content.decode()
    assert 'value="Riley"' in again and 'value="B1 1AA"' in again
    # My referrals takes the referrer back to the first step with an answer missing.
    assert f'href="{step_url(draft, "young-person")}"' in response.content.decode()


def test_saving_for_later_still_refuses_a_wrong_answer(school_client, referrer):
    draft = complete_draft(referrer)
    response = school_client.post(step_url(draft, "young-person"),
                                  {"given_name": "Riley", "postcode": "NOT A POSTCODE", "save_later": ""})
    assert response.status_code == 200
    assert "Enter a real postcode, like B1 1AA" in error_summary(response)
    draft.refresh_from_db()
    assert (draft.given_name, draft.postcode) == ("Jordan", "B1 1AA")


# --- Each bad answer gives its message and saves nothing ------------------------------------------


def _years_ago(years, days=0):
    try:
        born = TODAY.replace(year=TODAY.year - years)
    except ValueError:  # 29 February
        born = TODAY.replace(year=TODAY.year - years, day=28)
    return born - timedelta(days=days)


def _dob(value):
    return {"date_of_birth_0": str(value.day), "date_of_birth_1": str(value.month), "date_of_birth_2": str(value.year)}


BAD_ANSWERS = [
    ("young-person", _dob(TODAY + timedelta(days=1)), "Date of birth must be in the past", "date_of_birth"),
    ("young-person", _dob(_years_ago(25)), "The young person must be under 25 on the date of referral. They are 25.",
     "date_of_birth"),
    ("young-person", {"date_of_birth_1": ""}, "Date of birth must include a month", "date_of_birth"),
    ("young-person", {"date_of_birth_0": "31", "date_of_birth_1": "2"}, "Date of birth must be a real date", "date_of_birth"),
    ("young-person", {"date_of_birth_2": "10"}, "Year must include 4 numbers", "date_of_birth"),
    ("young-person", {"postcode": "B1 1CC"}, "Enter a real postcode, like B1 1AA", "postcode"),
    ("young-person", {"upn": "A123456789013"}, "Enter a unique pupil number of 13 characters, like A123456789012", "upn"),
    ("young-person", {"nhs_number": "1234567890"}, "Enter a valid 10-digit NHS number", "nhs_number"),
    ("concern", {"account": ""}, "Describe what has happened", "account"),
    ("concern", {"account": "   "}, "Describe what has happened", "account"),
    ("concern", {"account": "x" * 20001}, "The account must be 20,000 characters or fewer. It is 20,001 characters.", "account"),
    ("concern", {"concerns": []}, "Select at least one concern", "concerns"),
    ("urgency", {"urgent": "yes", "urgency_reason": ""}, "Explain the immediate risk of harm", "urgency_reason"),
    ("urgency", {"urgent": ""}, "Select yes if the young person is at immediate risk of harm", "urgent"),
    ("sharing", {"lawful_basis": ""}, "Select the lawful basis for sharing this information", "lawful_basis"),
    ("sharing", {"informed": "not_told", "not_informed_reason": " "}, "Explain why telling them would put them at risk",
     "not_informed_reason"),
]

SNAPSHOT = ("given_name", "date_of_birth", "postcode", "upn", "nhs_number", "account", "urgent", "urgency_reason",
            "lawful_basis", "informed", "not_informed_reason")


@pytest.mark.parametrize("slug,bad,message,field", BAD_ANSWERS, ids=[f"{b[0]}:{b[3]}:{b[2][:30]}" for b in BAD_ANSWERS])
def test_each_bad_answer_gives_its_message_and_saves_nothing(school_client, referrer, slug, bad, message, field):
    draft = complete_draft(referrer, upn="A123456789012")
    before = {name: getattr(draft, name) for name in SNAPSHOT}
    concerns_before = sorted(draft.concerns.values_list("concern", flat=True))

    response = school_client.post(step_url(draft, slug), ANSWERS[slug](**bad))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert message in error_summary(response), error_summary(response) or inline_errors(response)
    assert message in inline_errors(response)
    draft.refresh_from_db()
    assert {name: getattr(draft, name) for name in SNAPSHOT} == before
    assert sorted(draft.concerns.values_list("concern", flat=True)) == concerns_before


def test_error_summary_links_go_to_the_inputs(school_client, referrer):
    draft = complete_draft(referrer)
    response = school_client.post(step_url(draft, "young-person"), young_person_answers(date_of_birth_1="", sex="", postcode="x"))
    summary = error_summary(response)
    html = response.content.decode()
    for anchor in ("id_date_of_birth_1", "id_sex_1", "id_postcode"):
        assert f'href="#{anchor}"' in summary
        assert f'id="{anchor}"' in html
    # Only the month (the part missing) is marked in error.
    inputs = {name: tag for tag in re.findall(r"<input[^>]*>", html) for name in re.findall(r'name="(date_of_birth_\d)"', tag)}
    assert "govuk-input--error" in inputs["date_of_birth_1"]
    assert "govuk-input--error" not in inputs["date_of_birth_0"] and "govuk-input--error" not in inputs["date_of_birth_2"]


def test_the_urgent_explanation_is_a_conditional_reveal_without_inline_script_or_style(school_client, referrer):
    draft = complete_draft(referrer)
    html = school_client.get(step_url(draft, "urgency")).content.decode()
    assert 'data-module="govuk-radios"' in html
    assert 'data-aria-controls="conditional_urgent_0"' in html and 'id="conditional_urgent_0"' in html
    assert "conditional_urgent_1" not in html  # "No" reveals nothing
    concern = school_client.get(step_url(draft, "concern")).content.decode()
    assert 'data-module="govuk-character-count"' in concern and 'data-maxlength="20000"' in concern
    for page in (html, concern):
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)
        assert " style=" not in page and "<style" not in page


# --- Double clicks ---------------------------------------------------------------------------------


def test_a_double_posted_start_makes_one_draft(school_client):
    key = start_key(school_client)
    first = school_client.post(reverse("referral-start"), {"idempotency_key": key})
    second = school_client.post(reverse("referral-start"), {"idempotency_key": key})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Referral.objects.count() == 1
    # A fresh start page carries a fresh key: a second referral is a second draft.
    school_client.post(reverse("referral-start"), {"idempotency_key": start_key(school_client)})
    assert Referral.objects.count() == 2


def test_a_start_without_a_key_makes_nothing(school_client):
    response = school_client.post(reverse("referral-start"), {"idempotency_key": "not-a-uuid"})
    assert response["Location"] == reverse("referral-start")
    assert not Referral.objects.exists()


def test_a_double_posted_submit_makes_one_referral(school_client, referrer):
    draft = complete_draft(referrer)
    url = reverse("referral-check", args=[draft.pk])
    first, second = school_client.post(url), school_client.post(url)
    assert first["Location"] == second["Location"] == reverse("referral-confirmation", args=[draft.pk])
    assert Referral.objects.count() == 1
    assert list(Referral.objects.values_list("reference", flat=True)) == [f"VRU-{TODAY.year}-000001"]
    assert ReferralEvent.objects.filter(kind=ReferralEvent.Kind.SUBMITTED).count() == 1


def test_submitting_with_answers_missing_shows_them_and_links_to_the_step(school_client, referrer):
    draft = complete_draft(referrer, lawful_basis="", concerns=[])
    response = school_client.post(reverse("referral-check", args=[draft.pk]))
    assert response.status_code == 200
    summary = error_summary(response)
    assert "Select the lawful basis for sharing this information" in summary
    assert f'href="{step_url(draft, "sharing")}?next=check#id_lawful_basis_1"' in summary
    assert f'href="{step_url(draft, "concern")}?next=check#id_concerns_1"' in summary
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.reference is None


def test_a_submitted_referral_cannot_be_edited(school_client, referrer):
    referral = submitted(referrer)
    page = school_client.get(step_url(referral, "young-person"), follow=True)
    assert page.redirect_chain[-1][0] == reverse("referral-detail", args=[referral.pk])
    assert "can no longer be changed" in page.content.decode()
    response = school_client.post(step_url(referral, "young-person"), young_person_answers(given_name="Changed"))
    assert response["Location"] == reverse("referral-detail", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.given_name == "Jordan"
    assert school_client.get(reverse("referral-check", args=[referral.pk]))["Location"] == reverse(
        "referral-detail", args=[referral.pk])


def test_an_unknown_step_is_404(school_client, referrer):
    assert school_client.get(step_url(complete_draft(referrer), "shoe-size")).status_code == 404


# --- My referrals --------------------------------------------------------------------------------


def test_my_referrals_never_shows_another_schools_referrals(school_client, referrer, other_referrer):
    submitted(referrer, given_name="Ours")
    submitted(other_referrer, given_name="Theirs")
    complete_draft(other_referrer, given_name="TheirDraft")
    html = school_client.get(reverse("my-referrals")).content.decode()
    assert "Ours Example" in html
    assert "Theirs" not in html and "TheirDraft" not in html
    assert "1 referral<" in html


def test_my_referrals_shows_status_tags_decisions_and_filters(school_client, referrer, triager, yos):
    vru = acting_for(triager)
    now = timezone.now()
    waiting = submitted(referrer, given_name="Waiting")
    allocated = submitted(referrer, given_name="Allocated")
    services.claim(vru, allocated, now=now)
    services.decide(vru, allocated, decision="allocate", rag="amber", organisation=yos, programme="Mentoring", now=now)
    declined = submitted(referrer, given_name="Declined")
    services.claim(vru, declined, now=now)
    services.decide(vru, declined, decision="decline", rag="green", decline_reason="threshold", reason="Below.", now=now)
    signposted = submitted(referrer, given_name="Signposted")
    services.claim(vru, signposted, now=now)
    services.decide(vru, signposted, decision="signpost", rag="green", signpost_to="the youth club", now=now)
    asked = submitted(referrer, given_name="Asked")
    services.claim(vru, asked, now=now)
    services.decide(vru, asked, decision="request_info", question="Which year group?", now=now)
    draft = complete_draft(referrer, given_name="Drafted")

    html = school_client.get(reverse("my-referrals")).content.decode()

    def row(referral):
        return re.search(rf'data-testid="referral-{referral.pk}">.*?</tr>', html, re.S).group(0)

    assert "govuk-tag--blue" in row(waiting) and "Waiting for the VRU" in row(waiting)
    assert "govuk-tag--green" in row(allocated) and "Allocated to Test YOS (Mentoring)" in row(allocated)
    assert "govuk-tag--red" in row(declined) and "Declined: does not meet the threshold" in row(declined)
    assert "Signposted to the youth club" in row(signposted)
    assert "govuk-tag--orange" in row(asked) and "Answer the question" in row(asked)
    assert f'{reverse("referral-detail", args=[asked.pk])}#answer' in row(asked)
    assert "govuk-tag--grey" in row(draft) and "Not sent yet" in row(draft)
    assert f'href="{reverse("referral-check", args=[draft.pk])}"' in row(draft)  # every answer given: check them
    # The newest first.
    assert html.index("Drafted") < html.index("Asked Example") < html.index("Waiting Example")
    assert 'href="/referrals/new/"' in html and "Make a referral" in html

    assert "csrfmiddlewaretoken" not in re.search(r'<form method="get".*?</form>', html, re.S).group(0)

    filtered = school_client.get(reverse("my-referrals"), {"status": "allocated"}).content.decode()
    assert "Allocated Example" in filtered and "Waiting Example" not in filtered and "Drafted" not in filtered


def _rows(user, count, start=0):
    """Referrals of every shape (decided, allocated, asked, draft), made directly: the page must not grow a query per row."""
    organisation = user.memberships.get().organisation
    partner = member(kind="yos", role=Role.CASEWORKER).memberships.get().organisation
    for n in range(start, start + count):
        kind = n % 4
        status = [Status.ALLOCATED, Status.DECLINED, Status.INFO_REQUESTED, Status.DRAFT][kind]
        referral = ReferralFactory(created_by=user, referring_organisation=organisation, status=status,
                                   reference=None if status == Status.DRAFT else f"VRU-2026-{900000 + n}",
                                   received_at=None if status == Status.DRAFT else timezone.now(),
                                   triage_deadline=None,
                                   decision={0: "allocate", 1: "decline"}.get(kind, ""))
        ReferralConcern.objects.create(referral=referral, concern="weapon")
        ReferralConcern.objects.create(referral=referral, concern="gang")
        if kind == 0:
            Allocation.objects.create(referral=referral, organisation=partner, programme="Mentoring", allocated_by=user,
                                      accept_due=timezone.now())
        elif kind == 1:
            ReferralEvent.objects.create(referral=referral, kind="declined", shared_with_referrer=True,
                                         detail={"reason_code": "threshold"})
        elif kind == 2:
            referral.info_requests.create(question="Which year?", asked_by=user)


def test_my_referrals_costs_the_same_number_of_queries_with_5_and_40_referrals(school_client, referrer):
    url = reverse("my-referrals")
    _rows(referrer, 5)
    school_client.get(url)  # warm the session and any per-process caches
    with CaptureQueriesContext(connection) as five:
        response = school_client.get(url)
    assert response.content.decode().count('data-testid="referral-') == 5
    _rows(referrer, 35, start=5)
    with CaptureQueriesContext(connection) as forty:
        response = school_client.get(url)
    html = response.content.decode()
    assert html.count('data-testid="referral-') == 25 and 'aria-label="Page 2"' in html
    assert len(forty) == len(five), "\n".join(q["sql"][:150] for q in forty.captured_queries)
    page_two = school_client.get(url, {"page": 2}).content.decode()
    assert page_two.count('data-testid="referral-') == 15


# --- A referral's page and the VRU's question ----------------------------------------------------


def test_the_more_information_round_trip(school_client, referrer, triager):
    referral = submitted(referrer)
    services.claim(acting_for(triager), referral, now=timezone.now())
    services.decide(acting_for(triager), referral, decision="request_info", question="Which year group is Jordan in?",
                    now=timezone.now())
    url = reverse("referral-detail", args=[referral.pk])

    page = school_client.get(url).content.decode()
    assert "Which year group is Jordan in?" in page and "More information requested" in page
    assert f'action="{reverse("referral-answer", args=[referral.pk])}"' in page
    assert "moj-timeline" in page

    empty = school_client.post(reverse("referral-answer", args=[referral.pk]), {"answer": "  "})
    assert empty.status_code == 200 and "Enter your answer" in error_summary(empty)
    referral.refresh_from_db()
    assert referral.status == Status.INFO_REQUESTED

    response = school_client.post(reverse("referral-answer", args=[referral.pk]), {"answer": "Year 10."}, follow=True)
    assert response.redirect_chain[-1][0] == url
    html = response.content.decode()
    assert "Your answer has been sent to the VRU" in html
    assert "More information given" in html and "Year 10." in html
    assert html.index("More information given") < html.index("More information requested</h3>")  # newest first
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE
    assert referral.info_requests.get().answer == "Year 10."
    # Answered: no form any more, and a second answer is refused with a message, not a 500.
    again = school_client.post(reverse("referral-answer", args=[referral.pk]), {"answer": "Again."}, follow=True)
    assert "no open question" in again.content.decode()


def test_the_referrer_sees_only_shared_events_and_the_deadline(school_client, referrer, triager):
    referral = submitted(referrer)
    services.claim(acting_for(triager), referral, now=timezone.now())
    html = school_client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    timeline = re.search(r'<div class="moj-timeline".*', html, re.S).group(0)
    assert "Submitted" in timeline and "Claimed" not in timeline and "Draft started" not in timeline
    assert 'data-testid="deadline"' in html
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(referral.pk), actor=referrer).exists()


def test_another_schools_referral_is_404_on_every_page(client, referrer, other_referrer):
    referral = submitted(referrer)
    draft = complete_draft(referrer)
    client.force_login(other_referrer)
    for url in (reverse("referral-detail", args=[referral.pk]), reverse("referral-confirmation", args=[referral.pk]),
                reverse("referral-check", args=[draft.pk]), step_url(draft, "concern")):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("referral-answer", args=[referral.pk]), {"answer": "x"}).status_code == 404
    assert client.post(reverse("referral-check", args=[draft.pk])).status_code == 404
    assert client.post(step_url(draft, "concern"), concern_answers(account="Overwritten")).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.account != "Overwritten"


def test_the_allocated_partner_reads_the_referral_and_the_referrer_sees_the_decision(client, referrer, triager, caseworker, yos):
    referral = submitted(referrer)
    services.claim(acting_for(triager), referral, now=timezone.now())
    services.decide(acting_for(triager), referral, decision="allocate", rag="red", organisation=yos, programme="Mentoring",
                    now=timezone.now())
    client.force_login(caseworker)
    page = client.get(reverse("referral-detail", args=[referral.pk]))
    assert page.status_code == 200 and 'action="/referrals/' not in page.content.decode()
    client.force_login(referrer)
    html = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "Allocated to Test YOS (Mentoring)" in html


def test_roles_that_may_not_refer_cannot_start_one(client, triager):
    client.force_login(triager)
    assert client.post(reverse("referral-start"), {"idempotency_key": str(uuid.uuid4())}).status_code == 403
    assert not Referral.objects.exists()


def test_a_vru_referrer_cannot_change_or_submit_a_schools_draft(client, referrer, vru):
    """The VRU sees every referral, but a VRU member who also refers must not edit another organisation's draft."""
    draft = complete_draft(referrer)
    vru_referrer = member(role=Role.REFERRER, organisation=vru, email="vru-referrer@test.example.org")
    with pytest.raises(NotFound):
        services.save_draft(acting_for(vru_referrer), {"account": "Changed"}, referral=draft, now=timezone.now())
    with pytest.raises(NotFound):
        services.submit_referral(acting_for(vru_referrer), draft, now=timezone.now())
    client.force_login(vru_referrer)
    assert client.post(step_url(draft, "concern"), concern_answers(account="Changed")).status_code == 404
    draft.refresh_from_db()
    assert draft.account != "Changed" and draft.status == Status.DRAFT


def test_the_navigation_and_home_page_lead_to_the_journey(school_client):
    html = school_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("referral-start")}"' in html
    assert f'href="{reverse("my-referrals")}"' in html and "My referrals" in html


def test_save_draft_rejects_what_the_form_would(referrer):
    """The service is the last line: a bad postcode never reaches the table even without the form."""
    with pytest.raises(ValidationError):
        services.save_draft(acting_for(referrer), {"postcode": "NOT A POSTCODE"}, now=timezone.now())
    assert not Referral.objects.exists()


def test_check_your_answers_uses_the_questions_words_and_the_forms_order(school_client, referrer):
    draft = complete_draft(referrer)
    school_client.post(step_url(draft, "concern"), concern_answers(concerns=["substance", "online", "weapon"]))
    html = school_client.get(reverse("referral-check", args=[draft.pk])).content.decode()
    assert '<span class="govuk-visually-hidden"> NHS number</span>' in html
    assert '<span class="govuk-visually-hidden"> date of birth</span>' in html
    assert "nhs number" not in html
    concerns = re.search(r'data-testid="section-concern".*?<ul class="govuk-list">(.*?)</ul>', html, re.S).group(1)
    listed = re.findall(r"<li>(.*?)</li>", concerns)
    assert listed == ["Carrying or suspected of carrying a knife or weapon",
                      "Online conflict (social media, drill videos)", "Substance misuse"]
