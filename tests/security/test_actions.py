"""Every registered action × every role × own or another organisation's record, against the table in actions.py.

The rules are pure functions of the person and the record's fields, so the records here are unsaved: no database.
"""

from types import SimpleNamespace

import pytest

from cohorts.models import PlanAction
from documents.models import Note
from jobs.registry import JOBS
from outcomes import rules as case_rules
from outcomes.models import DiversionCase, Intervention
from partners import access
from partners.models import ApiToken, Organisation, Role, User
from partners.models import OrganisationKind as K
from referrals.models import Allocation, Referral, ReferralEvent

from .actions import ROLES, expected

EXPECTED = expected()

PERSONAS = {  # role: (organisation kind, role there)
    "referrer": (K.SCHOOL, Role.REFERRER),
    "triager": (K.VRU, Role.TRIAGER),
    "vru_manager": (K.VRU, Role.MANAGER),
    "caseworker": (K.YOS, Role.CASEWORKER),
    "yos_manager": (K.YOS, Role.MANAGER),
    "decision_maker": (K.POLICE, Role.DECISION_MAKER),
    "org_admin": (K.YOS, Role.ORG_ADMIN),
}
PERSON, COLLEAGUE = 1, 2


def _case(org, status=case_rules.ACTIVE, proposed_by=None):
    return DiversionCase(pk=1, lead_organisation_id=org.pk, police_organisation_id=org.pk, status=status,
                         breach_proposed_by_id=proposed_by)


def _referral_live_with(org):
    referral = Referral(pk=1, referring_organisation_id=org.pk + 100)
    referral.live_allocations = [Allocation(organisation_id=org.pk)]
    return referral


def _own_referral(org):
    referral = Referral(pk=1, referring_organisation_id=org.pk, status="submitted")
    referral.live_allocations = [Allocation(organisation_id=org.pk)]
    return referral


RECORDS = {  # action: the record of `org`
    "outcomes.work_case": _case,
    "outcomes.record_missed_reason": _case,
    "outcomes.decide_breach": _case,
    "outcomes.confirm_breach": lambda org: _case(org, case_rules.BREACH_PROPOSED, proposed_by=COLLEAGUE),
    "outcomes.record_reoffence": _case,
    "outcomes.propose_closure": _case,
    "outcomes.change_conditions": _case,
    "outcomes.police_decide": _case,
    "outcomes.record_work": lambda org: Intervention(pk=1, organisation_id=org.pk),
    "referrals.work_allocation": lambda org: Allocation(pk=1, organisation_id=org.pk),
    "referrals.act_as_referrer": lambda org: Referral(pk=1, referring_organisation_id=org.pk),
    "referrals.see_rag": _referral_live_with,
    "cohorts.update_plan_action": lambda org: PlanAction(pk=1, owner_id=org.pk),
    "partners.revoke_token": lambda org: ApiToken(pk=1, organisation_id=org.pk, user_id=COLLEAGUE),
    "partners.make_token_for": lambda org: User(pk=org.pk * 1000 + COLLEAGUE),  # a person of `org`
    "partners.reset_factors": lambda org: User(pk=org.pk * 1000 + COLLEAGUE),
    "jobs.run_now": lambda org: JOBS["send_outbox"],
    "referrals.decide": lambda org: Referral(pk=1, referring_organisation_id=org.pk + 100, claimed_by_id=PERSON),
    "referrals.hand_back": lambda org: _allocation_still_allocated(org),
    "referrals.correct_event": lambda org: ReferralEvent(pk=1, actor_id=COLLEAGUE, organisation_id=org.pk,
                                                         kind="decision"),
    "documents.add": _own_referral,
    "documents.amend": lambda org: Note(pk=1, organisation_id=org.pk, referral=_own_referral(org)),
    "referrals.delete_draft": lambda org: Referral(pk=1, referring_organisation_id=org.pk, status="draft",
                                                   created_by_id=PERSON),
}


def _allocation_still_allocated(org):
    allocation = Allocation(pk=1, organisation_id=org.pk, state=Allocation.State.ACCEPTED)
    allocation.referral = Referral(pk=1, status="allocated")
    return allocation


def _acting(role, organisation_pk=10):
    kind, role_there = PERSONAS[role]
    organisation = Organisation(pk=organisation_pk, kind=kind, name=f"{kind} {organisation_pk}")
    return access.Acting(user=SimpleNamespace(pk=PERSON), organisation=organisation, roles=frozenset({role_there}))


def test_every_registered_action_has_a_row_and_a_record():
    assert sorted(access.ACTIONS) == sorted(EXPECTED), "Actions without a row in tests/security/actions.py, or rows " \
                                                       "for actions no longer registered"
    assert sorted(RECORDS) == sorted(EXPECTED)


def test_every_role_of_the_table_is_a_persona():
    assert set(PERSONAS) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_role_may_do_what_the_table_says_to_its_own_and_anothers_record(action, role):
    acting = _acting(role)
    own = RECORDS[action](acting.organisation)
    other = RECORDS[action](Organisation(pk=99, kind=acting.organisation.kind, name="Another"))
    got = (access.may(acting, action, own), access.may(acting, action, other))
    assert got == EXPECTED[action][role], f"{role} {action}: may (own, other) = {got}, the table says {EXPECTED[action][role]}"


def test_the_proposer_of_a_breach_may_not_confirm_it():
    for role in ("yos_manager", "decision_maker"):
        acting = _acting(role)
        case = _case(acting.organisation, case_rules.BREACH_PROPOSED, proposed_by=PERSON)
        assert access.may(acting, "outcomes.decide_breach", case)
        assert not access.may(acting, "outcomes.confirm_breach", case)
        assert not access.may(acting, "outcomes.confirm_breach", _case(acting.organisation))  # nothing proposed


def test_a_person_may_revoke_their_own_token_whatever_their_role():
    acting = _acting("referrer")
    assert access.may(acting, "partners.revoke_token", ApiToken(pk=1, organisation_id=acting.organisation.pk, user_id=PERSON))
    assert access.may(acting, "partners.make_token_for", SimpleNamespace(pk=PERSON))


def test_only_the_vrus_administrators_may_run_a_job_now():
    vru = Organisation(pk=10, kind=K.VRU, name="VRU")
    admin = access.Acting(user=SimpleNamespace(pk=PERSON), organisation=vru, roles=frozenset({Role.ORG_ADMIN}))
    assert all(access.may(admin, "jobs.run_now", job) for job in JOBS.values())
    assert not access.may(_acting("vru_manager"), "jobs.run_now", JOBS["send_outbox"])


def test_nobody_without_an_organisation_may_do_anything():
    nobody = access.Acting(user=SimpleNamespace(pk=PERSON), organisation=None)
    org = Organisation(pk=10, kind=K.VRU)
    assert not any(access.may(nobody, action, RECORDS[action](org)) for action in access.ACTIONS)


def test_an_unknown_action_is_a_mistake_not_a_refusal():
    with pytest.raises(KeyError):
        access.may(_acting("triager"), "referrals.no_such_action", None)
