"""The access policy: who may do what, and which records each organisation sees."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import assign_perm

from cohorts.models import CohortMembership
from partners import access
from partners.access import NotFound
from partners.models import AuditAction, AuditEvent, Role
from partners.models import OrganisationKind as K
from referrals.models import Allocation, Referral, YoungPerson
from tests.cohorts.factories import make_cohort, make_member
from tests.factories import OrganisationFactory, member
from tests.outcomes.factories import YoungPersonFactory, make_case
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "kind,role,allowed",
    [
        (K.SCHOOL, Role.REFERRER, {"refer"}),
        (K.VRU, Role.TRIAGER, {"triage", "manage_cohorts", "view_cohorts", "view_outbox", "view_cases"}),
        (K.VRU, Role.MANAGER, {"triage", "manage_cohorts", "view_cohorts", "view_figures", "view_audit", "view_outbox",
                                "view_jobs", "manage_population", "view_cases"}),
        (K.VRU, Role.ORG_ADMIN, {"manage_organisation", "onboard_organisations", "view_jobs", "run_jobs"}),
        (K.YOS, Role.ORG_ADMIN, {"manage_organisation", "manage_programmes"}),
        (K.SCHOOL, Role.ORG_ADMIN, {"manage_organisation"}),
        (K.YOS, Role.CASEWORKER, {"work_allocations", "record_session", "view_cohorts", "view_cases"}),
        (K.YOS, Role.MANAGER, {"work_allocations", "confirm_breach", "view_figures", "view_cohorts", "manage_programmes",
                                  "view_cases"}),
        (K.VOLUNTARY, Role.CASEWORKER, {"work_allocations", "record_session", "view_cohorts", "view_cases"}),
        (K.POLICE, Role.DECISION_MAKER, {"decide_diversion", "confirm_breach", "view_cohorts", "view_cases"}),
        (K.POLICE, Role.REFERRER, {"refer"}),
        (K.SCHOOL, Role.MANAGER, {"view_figures"}),
    ],
)
def test_each_role_may_do_exactly_its_own_things(kind, role, allowed):
    user = member(kind=kind, role=role)
    granted = {cap for cap in access.CAPABILITIES if access.can(user, cap)}
    # Every staff role finds young people (who is found is the scope's business); an administrator does not.
    staff = role != Role.ORG_ADMIN
    assert granted == allowed | ({"search_young_people"} if staff else set())


def test_a_user_with_no_active_membership_may_do_nothing():
    user = member(kind=K.VRU, role=Role.MANAGER)
    user.memberships.get().organisation.__class__.objects.update(active=False)
    assert not any(access.can(user, cap) for cap in access.CAPABILITIES)
    assert access.visible(user, Referral.objects.all()).count() == 0


def test_unknown_capability_is_a_programming_error():
    with pytest.raises(KeyError):
        access.can(access.NOBODY, "fly")


def test_a_user_acts_for_the_organisation_they_chose():
    yos = OrganisationFactory(kind=K.YOS, name="YOS A")
    charity = OrganisationFactory(kind=K.VOLUNTARY, name="Charity A")
    user = member(role=Role.CASEWORKER, organisation=yos)
    user.memberships.create(organisation=charity, role=Role.MANAGER)
    assert access.acting_for(user, charity.pk).organisation == charity
    assert access.acting_for(user, charity.pk).roles == {Role.MANAGER}
    assert access.acting_for(user, yos.pk).roles == {Role.CASEWORKER}
    # An organisation they do not belong to falls back to one they do.
    assert access.acting_for(user, 999999).organisation in (yos, charity)


def test_vru_sees_every_referral(triager, referrer, other_referrer):
    mine = ReferralFactory(created_by=referrer)
    theirs = ReferralFactory(created_by=other_referrer)
    assert set(access.visible(triager, Referral.objects.all())) == {mine, theirs}


def test_a_school_sees_only_its_own_referrals(referrer, other_referrer):
    mine = ReferralFactory(created_by=referrer)
    theirs = ReferralFactory(created_by=other_referrer)
    assert list(access.visible(referrer, Referral.objects.all())) == [mine]
    assert access.require(referrer, "view", mine) == mine
    with pytest.raises(NotFound):
        access.require(referrer, "view", theirs)


def allocate(referral, organisation, state="pending"):
    return Allocation.objects.create(referral=referral, organisation=organisation, programme="Mentoring", state=state,
                                     allocated_by=referral.created_by, accept_due=timezone.now(),
                                     hand_back_reason="No capacity." if state == "handed_back" else "")


def test_a_partner_sees_a_referral_and_its_young_person_only_while_its_allocation_is_live(referrer, caseworker, yos):
    person = YoungPersonFactory()
    referral = ReferralFactory(created_by=referrer, young_person=person)
    assert access.visible(caseworker, Referral.objects.all()).count() == 0
    allocation = allocate(referral, yos)
    for state in ("pending", "accepted"):
        Allocation.objects.filter(pk=allocation.pk).update(state=state)
        assert list(access.visible(caseworker, Referral.objects.all())) == [referral]
        assert list(access.visible(caseworker, YoungPerson.objects.all())) == [person]
    # Handing back is also how a partner declines: it sees neither any more.
    Allocation.objects.filter(pk=allocation.pk).update(state="handed_back", hand_back_reason="No capacity.")
    assert access.visible(caseworker, Referral.objects.all()).count() == 0
    assert access.visible(caseworker, YoungPerson.objects.all()).count() == 0
    with pytest.raises(NotFound):
        access.require(caseworker, "view", referral)


def test_an_allocation_to_another_partner_shows_nothing(referrer, caseworker, yos):
    referral = ReferralFactory(created_by=referrer, young_person=YoungPersonFactory())
    allocate(referral, OrganisationFactory(kind=K.VOLUNTARY, name="Another charity"))
    assert access.visible(caseworker, Referral.objects.all()).count() == 0
    assert access.visible(caseworker, YoungPerson.objects.all()).count() == 0


def test_a_referral_handed_back_and_allocated_again_is_seen_once(referrer, caseworker, yos):
    referral = ReferralFactory(created_by=referrer)
    allocate(referral, yos, state="handed_back")
    allocate(referral, yos)
    assert list(access.visible(caseworker, Referral.objects.all())) == [referral]


def test_a_case_shows_its_young_person_to_the_lead_agency_and_the_force_only(caseworker, decision_maker, referrer, yos,
                                                                            police):
    person = YoungPersonFactory()
    assert access.visible(caseworker, YoungPerson.objects.all()).count() == 0
    assert access.visible(decision_maker, YoungPerson.objects.all()).count() == 0
    make_case(lead=yos, police=police, decision_maker=decision_maker, young_person=person)
    assert list(access.visible(caseworker, YoungPerson.objects.all())) == [person]
    assert list(access.visible(decision_maker, YoungPerson.objects.all())) == [person]
    assert access.visible(referrer, YoungPerson.objects.all()).count() == 0


def test_a_cohort_shows_its_members_to_its_lead_and_partners_even_after_they_leave(caseworker, decision_maker, referrer,
                                                                                  vru_manager, yos, police):
    person = YoungPersonFactory()
    cohort = make_cohort(by=vru_manager, lead=police, partners=[yos])
    member_row = make_member(cohort, by=vru_manager, young_person=person, lead_agency=yos)
    assert list(access.visible(caseworker, YoungPerson.objects.all())) == [person]
    assert list(access.visible(decision_maker, YoungPerson.objects.all())) == [person]
    assert access.visible(referrer, YoungPerson.objects.all()).count() == 0
    CohortMembership.objects.filter(pk=member_row.pk).update(left_on=member_row.joined_on, left_reason="Moved away.",
                                                            next_review_on=None)
    assert list(access.visible(caseworker, YoungPerson.objects.all())) == [person]


def test_the_policy_applied_twice_or_under_a_lock_answers_each_record_once(referrer, caseworker, yos):
    referral = ReferralFactory(created_by=referrer)
    allocate(referral, yos)
    twice = access.visible(caseworker, access.visible(caseworker, Referral.objects.all()))
    assert list(twice) == [referral]
    with transaction.atomic():
        assert list(access.visible(caseworker, Referral.objects.select_for_update())) == [referral]


def test_a_model_wide_permission_does_not_open_every_record(referrer, caseworker, yos):
    """Guardian accepts global permissions by default; our policy must not."""
    ReferralFactory(created_by=referrer)
    assign_perm("referrals.view_referral", yos.group)
    assert access.visible(caseworker, Referral.objects.all()).count() == 0


def test_visibility_answers_only_what_a_person_may_see(referrer):
    """Seeing a record never answers whether one may change it: that is a question of its own."""
    with pytest.raises(ValueError):
        access.visible(referrer, Referral.objects.all(), "change")


def test_get_visible_or_404_answers_the_same_for_missing_and_not_yours(referrer, other_referrer):
    theirs = ReferralFactory(created_by=other_referrer)
    for pk in (theirs.pk, 987654321, "not-a-number"):
        with pytest.raises(NotFound):
            access.get_visible_or_404(referrer, Referral.objects.all(), pk=pk)


def test_audit_events_are_for_vru_managers_only(vru_manager, triager, referrer):
    AuditEvent.objects.create(action=AuditAction.LOGIN, actor_email="x@example.org")
    assert access.visible(vru_manager, AuditEvent.objects.all()).count() == 1
    assert access.visible(triager, AuditEvent.objects.all()).count() == 0
    assert access.visible(referrer, AuditEvent.objects.all()).count() == 0


def test_a_draft_is_seen_only_by_its_own_organisation(triager, referrer, other_referrer):
    draft = ReferralFactory(created_by=referrer, status="draft", reference=None, received_at=None, triage_deadline=None)
    assert list(access.visible(referrer, Referral.objects.all())) == [draft]
    assert access.visible(triager, Referral.objects.all()).count() == 0
    assert access.visible(other_referrer, Referral.objects.all()).count() == 0


# --- What a person may do to one record (access.may, access.require_to) --------------------------------------


def test_require_to_refuses_in_plain_english_and_leaves_one_refused_event(referrer, other_referrer):
    mine, theirs = ReferralFactory(created_by=referrer), ReferralFactory(created_by=other_referrer)
    acting = access.acting_for(referrer)
    assert access.require_to(acting, "referrals.act_as_referrer", mine) == acting
    assert not AuditEvent.objects.exists()  # an allowed action is audited by the service that does it
    with pytest.raises(access.NotAllowed) as refused:
        access.require_to(acting, "referrals.act_as_referrer", theirs)
    assert isinstance(refused.value, PermissionDenied)
    assert str(refused.value) == "Only the referring organisation answers the VRU's questions."
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_id, event.detail) == (
        AuditAction.DENIED, referrer, str(theirs.pk), {"action": "referrals.act_as_referrer"})


def test_a_hidden_refusal_is_not_found_which_is_no_http404(referrer, other_referrer):
    theirs = ReferralFactory(created_by=other_referrer)
    assert not issubclass(access.NotFound, Http404)
    with pytest.raises(access.NotFound):
        access.require_to(referrer, "referrals.act_as_referrer", theirs, hide=True)
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == 1


def test_a_refusal_rolled_back_with_its_transaction_is_written_again_once(referrer, other_referrer):
    theirs = ReferralFactory(created_by=other_referrer)
    with pytest.raises(access.NotAllowed) as refused, transaction.atomic():
        access.require_to(referrer, "referrals.act_as_referrer", theirs)
    assert not AuditEvent.objects.exists()
    access.keep_denial(refused.value)
    access.keep_denial(refused.value)
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == 1


def test_may_asks_no_query_and_audits_nothing(referrer, django_assert_num_queries):
    mine = ReferralFactory(created_by=referrer)
    acting = access.acting_for(referrer)
    with django_assert_num_queries(0):
        assert access.may(acting, "referrals.act_as_referrer", mine)
        assert not access.may(access.NOBODY, "referrals.act_as_referrer", mine)


def test_the_api_answers_a_services_not_found_with_a_404_json():
    from partners.api_errors import exception_handler

    response = exception_handler(access.NotFound("No such record."), {})
    assert (response.status_code, response.data) == (404, {"detail": "No such record."})
