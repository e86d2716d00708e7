"""The referral workflow through its services: what each action changes, and what it refuses."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from notifications.models import Notification, OutboxMessage
from partners.access import NotFound, acting_for, visible
from partners.models import AuditAction, AuditEvent
from referrals import services
from referrals.models import Allocation, PossibleMatch, Referral, ReferralEvent, Status, YoungPerson
from tests.referrals.factories import referral_data

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)


def submit(user, now=NOW, **overrides):
    acting = acting_for(user)
    return services.submit_referral(acting, services.save_draft(acting, referral_data(**overrides), now=now), now=now)


def test_submitting_gives_a_reference_a_deadline_and_a_young_person(referrer):
    referral = submit(referrer)
    assert referral.status == Status.SUBMITTED
    assert referral.reference == "VRU-2026-000001"
    assert referral.triage_deadline == datetime(2026, 11, 25, 17, 0, tzinfo=LONDON)
    assert referral.young_person.date_of_birth == referral.date_of_birth
    assert submit(referrer).reference == "VRU-2026-000002"
    assert list(referral.events.values_list("kind", flat=True)) == ["created", "submitted"]


def test_an_urgent_referral_is_due_in_four_hours(referrer):
    referral = submit(referrer, urgent=True, urgency_reason="Threats made this morning.")
    assert referral.triage_deadline == NOW + timedelta(hours=4)


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"date_of_birth": datetime(2030, 1, 1).date()}, "date_of_birth"),
        ({"date_of_birth": datetime(2001, 11, 24).date()}, "date_of_birth"),  # 25 on the day
        ({"lawful_basis": ""}, "lawful_basis"),
        ({"account": ""}, "account"),
        ({"account": "   "}, "account"),
        ({"concerns": []}, "concerns"),
        ({"informed": "not_told", "not_informed_reason": ""}, "not_informed_reason"),
        ({"urgent": True, "urgency_reason": ""}, "urgency_reason"),
    ],
)
def test_an_incomplete_or_invalid_referral_is_not_submitted(referrer, overrides, field):
    acting = acting_for(referrer)
    draft = services.save_draft(acting, referral_data(**overrides), now=NOW)
    with pytest.raises(ValidationError) as error:
        services.submit_referral(acting, draft, now=NOW)
    assert field in error.value.message_dict
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.reference is None
    assert not YoungPerson.objects.exists()


def test_an_account_over_20000_characters_is_refused_and_nothing_saved(referrer):
    with pytest.raises(ValidationError):
        services.save_draft(acting_for(referrer), referral_data(account="x" * 20001), now=NOW)
    assert not Referral.objects.exists()


def test_a_double_submit_makes_one_referral(referrer):
    import uuid

    acting, key = acting_for(referrer), uuid.uuid4()
    first = services.save_draft(acting, referral_data(), now=NOW, idempotency_key=key)
    second = services.save_draft(acting, referral_data(), now=NOW, idempotency_key=key)
    assert first.pk == second.pk
    services.submit_referral(acting, first, now=NOW)
    again = services.submit_referral(acting, second, now=NOW)
    assert again.reference == "VRU-2026-000001" and Referral.objects.count() == 1


def test_a_possible_match_is_shown_never_merged_and_confirming_links_it(referrer, triager):
    earlier = submit(referrer, upn="")
    later = submit(referrer, given_name="Jordon")  # same date of birth, similar name, same postcode
    match = PossibleMatch.objects.get(referral=later)
    assert match.candidate == earlier.young_person
    assert set(match.reasons) == {"Same date of birth and similar name", "Same postcode"}
    assert later.has_open_match and later.young_person != earlier.young_person
    services.resolve_match(acting_for(triager), match, confirm=True, now=NOW)
    later.refresh_from_db()
    assert later.young_person == earlier.young_person and not later.has_open_match
    # The provisional record made at submission is kept, pointing at the known young person.
    assert YoungPerson.objects.filter(merged_into=earlier.young_person).count() == 1


def test_a_referral_within_12_months_of_a_closed_one_is_a_re_referral(referrer, triager):
    first = submit(referrer, now=NOW - timedelta(days=200))
    services.claim(acting_for(triager), first, now=NOW - timedelta(days=199))
    services.decide(acting_for(triager), first, decision="decline", rag="green", decline_reason="threshold",
                    reason="Below threshold.", now=NOW - timedelta(days=199))
    second = submit(referrer)
    services.resolve_match(acting_for(triager), second.possible_matches.get(), confirm=True, now=NOW)
    second.refresh_from_db()
    assert second.is_re_referral and second.previous_referral == first


def test_claims_are_exclusive_and_lapse_after_two_hours(referrer, triager):
    from tests.factories import member

    other = member(role="triager", organisation=triager.memberships.get().organisation)
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=NOW)
    with pytest.raises(services.ClaimConflict):
        services.claim(acting_for(other), referral, now=NOW + timedelta(minutes=119))
    assert services.lapse_claims(now=NOW + timedelta(minutes=119)) == []
    assert services.lapse_claims(now=NOW + timedelta(hours=2)) == [referral.pk]
    services.claim(acting_for(other), referral, now=NOW + timedelta(hours=2, minutes=1))
    referral.refresh_from_db()
    assert referral.claimed_by == other and referral.status == Status.IN_TRIAGE


def test_take_next_takes_urgent_then_overdue_then_earliest(referrer, triager):
    later = submit(referrer)
    overdue = submit(referrer, now=NOW - timedelta(days=6))
    urgent = submit(referrer, urgent=True, urgency_reason="Immediate risk.")
    acting = acting_for(triager)
    taken = []
    while (referral := services.claim_next(acting, now=NOW)) is not None:
        taken.append(referral)
        services.decide(acting, referral, decision="signpost", rag="green", signpost_to="Youth club", now=NOW)
    assert taken == [urgent, overdue, later]


def test_take_next_takes_urgent_before_a_week_overdue_routine_item(referrer, triager):
    week_late = submit(referrer, now=NOW - timedelta(days=9))
    urgent = [submit(referrer, now=NOW - timedelta(hours=hours), urgent=True, urgency_reason="Immediate risk.")
              for hours in (1, 5, 3, 2)]  # due in 3 hours, 1 hour overdue, due in 1 hour, due in 2 hours
    acting = acting_for(triager)
    taken = []
    while (referral := services.claim_next(acting, now=NOW)) is not None:
        taken.append(referral)
        services.decide(acting, referral, decision="signpost", rag="green", signpost_to="Youth club", now=NOW)
    assert week_late.triage_deadline < NOW - timedelta(days=6)
    assert taken == [urgent[1], urgent[2], urgent[3], urgent[0], week_late]


def test_taking_next_lets_go_of_the_item_held_before(referrer, triager):
    first, second = submit(referrer), submit(referrer)
    acting = acting_for(triager)
    assert services.claim_next(acting, now=NOW) == first
    assert services.claim_next(acting, now=NOW) == second
    assert list(Referral.objects.filter(claimed_by=triager)) == [second]


def test_allocating_shows_the_partner_the_referral_and_tells_people(referrer, triager, caseworker, yos):
    referral = submit(referrer)
    assert visible(caseworker, Referral.objects.all()).count() == 0
    services.claim(acting_for(triager), referral, now=NOW)
    services.decide(acting_for(triager), referral, decision="allocate", rag="red", organisation=yos,
                    programme="Knife crime programme", now=NOW)
    referral.refresh_from_db()
    assert referral.status == Status.ALLOCATED and referral.claimed_by is None
    allocation = referral.allocations.get()
    assert allocation.accept_due == datetime(2026, 11, 24, 17, 0, tzinfo=LONDON)  # red: the same working day
    assert list(visible(caseworker, Referral.objects.all())) == [referral]
    assert Notification.objects.filter(user=caseworker, kind="allocation").count() == 1
    assert Notification.objects.filter(user=referrer, kind="decision").count() == 1
    assert OutboxMessage.objects.filter(state="queued").count() == 2
    assert "Jordan" not in OutboxMessage.objects.first().body  # no personal data in emails


def test_a_partner_hands_back_and_loses_sight_of_the_referral(referrer, triager, caseworker, yos):
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=NOW)
    services.decide(acting_for(triager), referral, decision="allocate", rag="amber", organisation=yos,
                    programme="Mentoring", now=NOW)
    allocation = referral.allocations.get()
    with pytest.raises(ValidationError):
        services.hand_back(acting_for(caseworker), allocation, "  ", now=NOW)
    services.hand_back(acting_for(caseworker), allocation, "No capacity in this area.", now=NOW)
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE and referral.returned_at == NOW
    assert visible(caseworker, Referral.objects.all()).count() == 0
    with pytest.raises(ValidationError):
        services.accept_allocation(acting_for(caseworker), allocation, now=NOW)


def test_accepting_sets_the_first_contact_deadline_by_rag(referrer, triager, caseworker, yos):
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=NOW)
    services.decide(acting_for(triager), referral, decision="allocate", rag="green", organisation=yos,
                    programme="Mentoring", now=NOW)
    allocation = services.accept_allocation(acting_for(caseworker), referral.allocations.get(), now=NOW)
    assert allocation.state == Allocation.State.ACCEPTED
    assert allocation.first_contact_due == datetime(2026, 12, 1).date()  # 5 working days
    with pytest.raises(ValidationError):
        services.accept_allocation(acting_for(caseworker), allocation, now=NOW)


def test_more_information_round_trip(referrer, triager):
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=NOW)
    services.decide(acting_for(triager), referral, decision="request_info", question="Which year group?", now=NOW)
    referral.refresh_from_db()
    assert referral.status == Status.INFO_REQUESTED
    assert Notification.objects.filter(user=referrer, kind="decision").exists()
    services.answer_info(acting_for(referrer), referral, "Year 10.", now=NOW + timedelta(hours=1))
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE and referral.returned_at is not None
    with pytest.raises(ValidationError):
        services.answer_info(acting_for(referrer), referral, "Again.", now=NOW + timedelta(hours=2))


def test_an_unanswered_question_returns_after_five_working_days(referrer, triager):
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=NOW)
    services.decide(acting_for(triager), referral, decision="request_info", question="Which year group?", now=NOW)
    assert services.expire_info_requests(now=NOW + timedelta(days=6)) == []  # Tue + 6 days = Mon: 4 working days
    assert services.expire_info_requests(now=NOW + timedelta(days=7)) == [referral.pk]
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE


def test_a_decision_not_allowed_from_the_status_is_refused(referrer, triager, yos):
    referral = submit(referrer)
    acting = acting_for(triager)
    services.claim(acting, referral, now=NOW)
    services.decide(acting, referral, decision="signpost", rag="green", signpost_to="Youth club", now=NOW)
    with pytest.raises(ValidationError) as error:
        services.decide(acting, referral, decision="allocate", rag="red", organisation=yos, programme="X", now=NOW)
    assert "signposted" in str(error.value)
    assert not Allocation.objects.exists()


def test_a_decision_needs_its_details(referrer, triager):
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=NOW)
    with pytest.raises(ValidationError) as error:
        services.decide(acting_for(triager), referral, decision="allocate", now=NOW)
    assert set(error.value.message_dict) == {"rag", "organisation", "programme"}
    referral.refresh_from_db()
    # Nothing decided: still the claimant's, in triage.
    assert referral.status == Status.IN_TRIAGE and referral.claimed_by == triager and referral.decision == ""


def test_only_triagers_decide_and_only_the_referrer_answers(referrer, other_referrer, triager, caseworker):
    referral = submit(referrer)
    with pytest.raises(PermissionDenied):
        services.decide(acting_for(referrer), referral, decision="decline", now=NOW)
    with pytest.raises(PermissionDenied):
        services.claim(acting_for(caseworker), referral, now=NOW)
    services.claim(acting_for(triager), referral, now=NOW)
    services.decide(acting_for(triager), referral, decision="request_info", question="?", now=NOW)
    with pytest.raises(NotFound):
        services.answer_info(acting_for(other_referrer), referral, "Not mine", now=NOW)


def test_a_correction_is_a_new_entry_and_the_original_stays(referrer, triager):
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=NOW)
    services.decide(acting_for(triager), referral, decision="signpost", rag="green", signpost_to="Youth club", now=NOW)
    original = referral.events.get(kind="signposted")
    correction = services.correct(acting_for(triager), original, summary="Signposted to the youth centre on Mill Street.",
                                  reason="Wrong service named.", now=NOW)
    assert correction.corrects == original and correction.detail["reason"] == "Wrong service named."
    original.refresh_from_db()
    assert original.summary == "Signposted to Youth club"
    kinds = list(ReferralEvent.objects.filter(referral=referral).values_list("kind", flat=True))
    assert kinds == ["created", "submitted", "claimed", "rag_rated", "signposted", "correction"]


def test_every_action_is_audited(referrer, triager):
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=NOW)
    actions = list(AuditEvent.objects.filter(object_id=str(referral.pk)).values_list("action", "detail"))
    assert (AuditAction.CREATE, {}) in actions
    assert (AuditAction.UPDATE, {"action": "submit"}) in actions
    assert (AuditAction.UPDATE, {"action": "claim"}) in actions
