"""Cohort services: who may act, tier history kept with who, when and why, review dates, plan actions, and clear
errors for bad input."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, ProgrammingError, transaction

from cohorts import services
from cohorts.models import CohortMembership, TierChange
from partners.access import NotFound, acting_for, visible
from partners.models import AuditEvent
from partners.models import OrganisationKind as K
from referrals.models import YoungPerson
from tests.factories import OrganisationFactory

from .factories import NOW, TODAY, make_member

LATER = NOW + datetime.timedelta(days=3, hours=2)


def _add(acting, cohort, person, **overrides):
    data = {"young_person": person, "tier": 3, "lead_agency": cohort.lead_organisation,
            "reason": "Linked to a group carrying knives near the town centre.", "now": NOW,
            "joined_on": datetime.date(2026, 11, 2)}
    data.update(overrides)
    return services.add_member(acting, cohort, **data)


def _errors(excinfo):
    return excinfo.value.message_dict


# --- Cohorts ---------------------------------------------------------------------------------------------


def test_the_vru_creates_a_cohort_naming_its_lead_and_partners_audited(cohort, yos, police, triager):
    assert cohort.tier_model == "pip4" and cohort.review_weeks == 4 and cohort.created_by == triager
    assert cohort.lead_organisation == yos
    assert list(cohort.partner_organisations.all()) == [police]
    assert AuditEvent.objects.filter(action="create", object_type="cohorts.cohort", object_id=str(cohort.pk)).exists()


def test_only_the_vrus_triagers_and_managers_create_cohorts(caseworker, yos):
    with pytest.raises(PermissionDenied):
        services.create_cohort(acting_for(caseworker), name="Ours", area="walsall", tier_model="pip4",
                               lead_organisation=yos, now=NOW)


def test_a_new_cohort_with_bad_details_gets_an_error_for_each(vru_acting, cohort, school):
    with pytest.raises(ValidationError) as excinfo:
        services.create_cohort(vru_acting, name=" walsall YOUTH at risk 1 ", area="atlantis", tier_model="pip9",
                               lead_organisation=school, partner_organisations=[school], review_weeks=0, now=NOW)
    assert _errors(excinfo) == {
        "name": ["A cohort with this name already exists"],
        "area": ["Select the area"],
        "tier_model": ["Select the tier model"],
        "lead_organisation": ["Select the lead organisation: the VRU, police, a YOS, a voluntary or local authority body"],
        "partner_organisations": ["Partners must be active police, YOS, voluntary sector or local authority bodies"],
        "review_weeks": ["Enter how often members are reviewed: 1 to 52 weeks"],
    }


# --- Joining, tiers and leaving -----------------------------------------------------------------------


def test_a_member_joins_with_a_tier_and_a_review_four_weeks_on_and_the_joining_is_history(vru_acting, cohort, person,
                                                                                           triager):
    member = _add(vru_acting, cohort, person)
    assert (member.tier, member.joined_on, member.next_review_on) == (3, datetime.date(2026, 11, 2),
                                                                        datetime.date(2026, 11, 30))
    (joined,) = member.tier_changes.all()
    assert (joined.kind, joined.from_tier, joined.to_tier, joined.by, joined.at) == ("joined", None, 3, triager, NOW)
    assert joined.reason == "Linked to a group carrying knives near the town centre."
    event = AuditEvent.objects.get(action="create", object_type="cohorts.cohortmembership")
    assert event.young_person_id == person.pk


def test_joining_lets_the_cohorts_organisations_see_who_the_member_is(vru_acting, cohort, person, caseworker,
                                                                       decision_maker):
    for user in (caseworker, decision_maker):
        assert not visible(acting_for(user), YoungPerson.objects.filter(pk=person.pk)).exists()
    _add(vru_acting, cohort, person)
    for user in (caseworker, decision_maker):
        assert visible(acting_for(user), YoungPerson.objects.filter(pk=person.pk)).exists()


def test_one_open_membership_per_person_per_cohort_and_a_new_one_after_leaving(vru_acting, cohort, person):
    first = _add(vru_acting, cohort, person)
    with pytest.raises(ValidationError) as excinfo:
        _add(vru_acting, cohort, person)
    assert _errors(excinfo) == {"young_person": ["This young person is already in the cohort"]}
    # The database holds the rule even for a write that skips the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        CohortMembership.objects.create(cohort=cohort, young_person=person, tier=2, lead_agency=cohort.lead_organisation,
                                        reason="Again", joined_on=TODAY, next_review_on=TODAY, added_by=first.added_by)
    services.remove_member(vru_acting, first, reason="Moved out of the area.", now=NOW)
    again = _add(vru_acting, cohort, person, tier=5, now=LATER)
    assert again.pk != first.pk and again.is_open


def test_adding_a_member_with_bad_details_gets_an_error_for_each(vru_acting, cohort, person):
    scaled = services.create_cohort(vru_acting, name="Operation Example", area="birmingham", tier_model="scaled",
                                    lead_organisation=cohort.lead_organisation, now=NOW)
    elsewhere = OrganisationFactory(name="Not on the cohort", kind=K.VOLUNTARY)
    with pytest.raises(ValidationError) as excinfo:
        _add(vru_acting, scaled, person, tier=6, lead_agency=elsewhere, reason="  ", joined_on=TODAY + datetime.timedelta(days=1))
    assert _errors(excinfo) == {
        "tier": ["Select a tier of the Scaled model (PIP2/3): 1 to 5"],
        "lead_agency": ["Select the lead agency from the cohort's organisations"],
        "reason": ["Explain why the young person joins the cohort"],
        "joined_on": ["The date they joined must be today or in the past"],
    }
    assert not CohortMembership.objects.exists()


def test_only_the_vru_adds_members(cohort, person, caseworker):
    with pytest.raises(PermissionDenied):
        _add(acting_for(caseworker), cohort, person)


def test_a_tier_change_is_kept_with_who_when_and_why(vru_acting, cohort, person, vru_manager):
    member = _add(vru_acting, cohort, person)
    services.change_tier(acting_for(vru_manager), member, tier=2, reason="Arrested with a bladed article.", now=LATER)
    member.refresh_from_db()
    assert member.tier == 2
    change = member.tier_changes.get(kind="changed")
    assert (change.from_tier, change.to_tier, change.by, change.at, change.reason) == (
        3, 2, vru_manager, LATER, "Arrested with a bladed article.")
    assert change.organisation == acting_for(vru_manager).organisation
    assert [c.kind for c in member.tier_changes.all()] == ["joined", "changed"]


def test_a_tier_change_needs_a_reason_and_a_different_tier(vru_acting, cohort, person):
    member = _add(vru_acting, cohort, person)
    with pytest.raises(ValidationError) as excinfo:
        services.change_tier(vru_acting, member, tier=3, reason="", now=LATER)
    assert _errors(excinfo) == {"tier": ["The young person is already in tier 3: select a different tier"],
                                "reason": ["Explain why the tier changes"]}
    with pytest.raises(ValidationError) as excinfo:
        services.change_tier(vru_acting, member, tier=7, reason="Worse", now=LATER)
    assert _errors(excinfo) == {"tier": ["Select a tier of the PIP4 model (high threat): 1 to 6"]}
    assert member.tier_changes.count() == 1


def test_leaving_closes_the_membership_and_keeps_the_history(vru_acting, cohort, person, triager):
    member = _add(vru_acting, cohort, person)
    services.change_tier(vru_acting, member, tier=4, reason="Engaging well with the mentor.", now=LATER)
    services.remove_member(vru_acting, member, reason="No concerns for three months.", now=LATER,
                           left_on=datetime.date(2026, 11, 26))
    member.refresh_from_db()
    assert (member.left_on, member.left_reason, member.next_review_on) == (
        datetime.date(2026, 11, 26), "No concerns for three months.", None)
    history = [(c.kind, c.from_tier, c.to_tier, c.by, c.reason) for c in member.tier_changes.all()]
    assert history == [
        ("joined", None, 3, triager, "Linked to a group carrying knives near the town centre."),
        ("changed", 3, 4, triager, "Engaging well with the mentor."),
        ("left", 4, None, triager, "No concerns for three months."),
    ]
    with pytest.raises(ValidationError):
        services.change_tier(vru_acting, member, tier=1, reason="Too late", now=LATER)


def test_leaving_needs_a_reason_and_a_date_not_before_joining(vru_acting, cohort, person):
    member = _add(vru_acting, cohort, person)
    with pytest.raises(ValidationError) as excinfo:
        services.remove_member(vru_acting, member, reason=" ", left_on=datetime.date(2026, 11, 1), now=LATER)
    assert _errors(excinfo) == {"reason": ["Explain why the young person leaves the cohort"],
                                "left_on": ["The date they left must be on or after they joined, 2 November 2026"]}


def test_the_tier_history_cannot_be_edited_or_deleted(vru_acting, cohort, person):
    change = _add(vru_acting, cohort, person).tier_changes.get()
    with pytest.raises(ProgrammingError), transaction.atomic():
        TierChange.objects.filter(pk=change.pk).update(reason="Rewritten")
    with pytest.raises(ProgrammingError), transaction.atomic():
        TierChange.objects.filter(pk=change.pk).delete()


# --- Reviews -------------------------------------------------------------------------------------------


def test_a_review_sets_the_next_one_four_weeks_on_by_default(vru_acting, cohort, person, yos, police):
    member = _add(vru_acting, cohort, person)
    review = services.record_review(vru_acting, member, held_on=datetime.date(2026, 11, 23), attendees=[yos, police],
                                    summary="Attending school; no new intelligence.", tier_decision=3, now=NOW)
    member.refresh_from_db()
    assert review.next_review_on == member.next_review_on == datetime.date(2026, 12, 21)
    assert set(review.attendees.all()) == {yos, police}
    assert member.tier_changes.count() == 1  # the tier stayed


def test_a_review_that_decides_another_tier_changes_it_in_the_history(vru_acting, cohort, person, yos, triager):
    member = _add(vru_acting, cohort, person)
    review = services.record_review(vru_acting, member, held_on=datetime.date(2026, 11, 23), attendees=[yos],
                                    summary="Further intelligence of carrying.", tier_decision=2,
                                    next_review_on=datetime.date(2026, 12, 7), now=NOW)
    member.refresh_from_db()
    assert (member.tier, member.next_review_on) == (2, datetime.date(2026, 12, 7))
    change = member.tier_changes.get(kind="changed")
    assert (change.from_tier, change.to_tier, change.review, change.by, change.at) == (3, 2, review, triager, NOW)
    assert change.reason == "Decided at the review of 23 November 2026"


def test_a_cohort_reviewed_every_two_weeks_sets_its_next_review_two_weeks_on(vru_acting, yos, person):
    fortnightly = services.create_cohort(vru_acting, name="Fortnightly", area="walsall", tier_model="scaled",
                                         lead_organisation=yos, review_weeks=2, now=NOW)
    member = _add(vru_acting, fortnightly, person, tier=4)
    assert member.next_review_on == datetime.date(2026, 11, 16)
    review = services.record_review(vru_acting, member, held_on=datetime.date(2026, 11, 16), attendees=[yos],
                                    summary="Stable.", tier_decision=4, now=NOW)
    assert review.next_review_on == datetime.date(2026, 11, 30)


def test_a_review_with_bad_details_gets_an_error_for_each(vru_acting, cohort, person):
    member = _add(vru_acting, cohort, person)
    with pytest.raises(ValidationError) as excinfo:
        services.record_review(vru_acting, member, held_on=TODAY + datetime.timedelta(days=1), attendees=[],
                               summary="", tier_decision=9, now=NOW)
    assert _errors(excinfo) == {
        "held_on": ["The review date must be today or in the past"],
        "attendees": ["Select the organisations that attended"],
        "summary": ["Summarise the review"],
        "tier_decision": ["Select a tier of the PIP4 model (high threat): 1 to 6"],
    }
    with pytest.raises(ValidationError) as excinfo:
        services.record_review(vru_acting, member, held_on=datetime.date(2026, 11, 20), attendees=[cohort.lead_organisation],
                               summary="Fine", tier_decision=3, next_review_on=datetime.date(2026, 11, 20), now=NOW)
    assert _errors(excinfo) == {"next_review_on": ["The next review must be after this one"]}


def test_only_the_vru_records_reviews(vru_acting, cohort, person, caseworker, yos):
    member = _add(vru_acting, cohort, person)
    with pytest.raises(PermissionDenied):
        services.record_review(acting_for(caseworker), member, held_on=TODAY, attendees=[yos], summary="We met.",
                               tier_decision=3, now=NOW)


# --- The 4P plan --------------------------------------------------------------------------------------


def test_the_vru_adds_plan_actions_owned_by_an_organisation_on_the_cohort(vru_acting, cohort, person, police):
    member = _add(vru_acting, cohort, person)
    action = services.add_plan_action(vru_acting, member, strand="pursue", description="Disruption visit",
                                      owner=police, due_on=datetime.date(2026, 12, 1), now=NOW)
    assert (action.strand, action.owner, action.status) == ("pursue", police, "open")
    elsewhere = OrganisationFactory(name="Not on the cohort", kind=K.VOLUNTARY)
    with pytest.raises(ValidationError) as excinfo:
        services.add_plan_action(vru_acting, member, strand="p5", description="", owner=elsewhere,
                                 due_on=datetime.date(2026, 11, 1), now=NOW)
    assert _errors(excinfo) == {
        "strand": ["Select which of the four Ps the action is for"],
        "description": ["Describe the action"],
        "owner": ["Select the organisation that owns the action: one named on the cohort"],
        "due_on": ["The due date must be today or in the future"],
    }


def test_the_owner_organisation_updates_its_actions_status_others_may_not(vru_acting, cohort, person, police, yos,
                                                                            caseworker, decision_maker, outsider):
    member = _add(vru_acting, cohort, person)
    action = services.add_plan_action(vru_acting, member, strand="prevent", description="Mentoring referral",
                                      owner=yos, due_on=datetime.date(2026, 12, 1), now=NOW)
    services.update_plan_action(acting_for(caseworker), action, status="done", note="Mentor allocated.", now=LATER)
    action.refresh_from_db()
    assert (action.status, action.status_note, action.updated_by, action.updated_at) == (
        "done", "Mentor allocated.", caseworker, LATER)
    with pytest.raises(PermissionDenied):  # police are on the cohort but do not own this action
        services.update_plan_action(acting_for(decision_maker), action, status="open", now=LATER)
    with pytest.raises(NotFound):  # not on the cohort at all
        services.update_plan_action(acting_for(outsider), action, status="open", now=LATER)


def test_dropping_an_action_says_why(vru_acting, cohort, person, yos):
    member = _add(vru_acting, cohort, person)
    action = services.add_plan_action(vru_acting, member, strand="protect", description="Safety plan", owner=yos,
                                      due_on=datetime.date(2026, 12, 1), now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        services.update_plan_action(vru_acting, action, status="dropped", now=LATER)
    assert _errors(excinfo) == {"note": ["Explain why the action is dropped"]}


def test_a_member_added_straight_to_the_database_follows_the_same_review_rule(triager, cohort):
    member = make_member(cohort, by=triager, joined_on=datetime.date(2026, 10, 5))
    assert member.next_review_on == datetime.date(2026, 11, 2)
