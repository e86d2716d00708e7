"""For every scheduled job: a day on which it has real work, and a snapshot of everything jobs change.

A scenario builds its own people and records (as the portal's services would have left them) and
returns the `now` to run its job at. Each scenario gives its job at least two effects, so that a
run can be stopped part way. The idempotency and crash tests run every job in SCENARIOS; a job
registered without a scenario fails the suite (tests/jobs/test_idempotency.py), so a new job
arrives with one; a job that changes a table `effects()` does not read adds that table there.
"""

import json
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.db import transaction
from django.db.models import Case, When

from documents.models import Document
from jobs import registry
from notifications.models import Notification, OutboxMessage
from notifications.services import notify
from outcomes import reference_data
from outcomes import services as outcome_services
from outcomes.models import CaseEvent, Condition, DiversionCase
from partners.access import acting_for
from partners.models import ApiToken, AuditEvent, IdempotencyKey, Role
from partners.models import OrganisationKind as K
from referrals import services as referral_services
from referrals.models import Allocation, InfoRequest, Referral, ReferralEvent, RetentionAction, YoungPerson
from reporting.models import DailyCount, RollupState, StaleDay
from tests.factories import OrganisationFactory, member
from tests.outcomes.factories import YoungPersonFactory, make_case
from tests.referrals.factories import ReferralFactory, referral_data

LONDON = ZoneInfo("Europe/London")


def at(*args):
    return datetime(*args, tzinfo=LONDON)


def _vru(tag):
    vru = OrganisationFactory(name=f"VRU {tag}", kind=K.VRU, area="")
    return {
        "triagers": [member(role=Role.TRIAGER, organisation=vru, email=f"triager{i}.{tag}@vru.example.org") for i in (1, 2)],
        "lead": member(role=Role.MANAGER, organisation=vru, email=f"lead.{tag}@vru.example.org"),
    }


def _submitted(tag, n, when):
    referrer = member(role=Role.REFERRER, organisation=OrganisationFactory(name=f"School {tag}", kind=K.SCHOOL),
                      email=f"dsl.{tag}@school.example.org")
    acting = acting_for(referrer)
    return [
        referral_services.submit_referral(
            acting, referral_services.save_draft(acting, referral_data(given_name=f"Jordan{i}"), now=when), now=when)
        for i in range(n)
    ]


def _diversion_parties(tag):
    yos = OrganisationFactory(name=f"YOS {tag}", kind=K.YOS)
    police = OrganisationFactory(name=f"Police {tag}", kind=K.POLICE)
    member(role=Role.CASEWORKER, organisation=yos, email=f"caseworker.{tag}@yos.example.org")
    member(role=Role.MANAGER, organisation=yos, email=f"manager.{tag}@yos.example.org")
    decision_maker = member(role=Role.DECISION_MAKER, organisation=police, email=f"decisions.{tag}@police.example.org")
    return {"lead": yos, "police": police, "decision_maker": decision_maker}


# --- One scenario per job ---------------------------------------------------------------------


def send_outbox():
    """Three queued emails, due since a minute ago."""
    people = [member(role=Role.REFERRER, email=f"person{i}@school.example.org") for i in range(3)]
    for i, person in enumerate(people):
        notify([person], kind="decision", key=f"scenario:{i}", subject=f"Referral VRU-2026-00000{i}: declined",
               body="See the portal.", url="/referrals/")
    return max(OutboxMessage.objects.values_list("next_attempt_at", flat=True)) + timedelta(minutes=1)


def lapse_claims():
    """Two triagers each left a claim idle since 09:00; at noon both claims lapse."""
    staff = _vru("lapse")
    referrals = _submitted("lapse", 2, at(2026, 9, 1, 16, 0))
    for triager, referral in zip(staff["triagers"], referrals, strict=True):
        referral_services.claim(acting_for(triager), referral, now=at(2026, 9, 2, 9, 0))
    return at(2026, 9, 2, 12, 0)


def expire_info_requests():
    """Two questions asked on a Thursday, unanswered for 5 working days: both referrals return to the queue."""
    staff = _vru("info")
    asked = at(2026, 8, 20, 10, 0)
    for referral in _submitted("info", 2, asked - timedelta(hours=1)):
        referral_services.claim(acting_for(staff["triagers"][0]), referral, now=asked)
        referral_services.decide(acting_for(staff["triagers"][0]), referral, decision="request_info", now=asked,
                                 question="Has the family been told about the referral?")
    return at(2026, 9, 2, 10, 0)


def triage_digest():
    """Wednesday 07:30 after the August bank holiday: two referrals from Friday are overdue, one is due today."""
    _vru("digest")
    _submitted("digest", 2, at(2026, 8, 28, 16, 30))
    _submitted("digest-tue", 1, at(2026, 9, 1, 10, 0))
    return at(2026, 9, 2, 7, 30)


def allocation_escalations():
    """One allocation never accepted, one accepted with no first contact: both late, told to the partner's manager."""
    staff = _vru("alloc")
    partner = OrganisationFactory(name="St Giles alloc", kind=K.VOLUNTARY)
    member(role=Role.MANAGER, organisation=partner, email="manager.alloc@stgiles.example.org")
    caseworker = member(role=Role.CASEWORKER, organisation=partner, email="caseworker.alloc@stgiles.example.org")
    allocated = at(2026, 11, 23, 11, 0)
    for referral in _submitted("alloc", 2, allocated - timedelta(hours=1)):
        referral_services.claim(acting_for(staff["triagers"][0]), referral, now=allocated)
        referral_services.decide(acting_for(staff["triagers"][0]), referral, decision="allocate", rag="amber",
                                 organisation=partner, programme="Mentoring", now=allocated)
    first = Allocation.objects.filter(organisation=partner).order_by("pk").first()
    referral_services.accept_allocation(acting_for(caseworker), first, now=allocated + timedelta(hours=1))
    return at(2026, 12, 10, 12, 0)


def compliance_sweep():
    """On a contract's last day: one case missed its assessment (at risk), one met everything (proposed for closure)."""
    reference_data.ensure()
    parties = _diversion_parties("sweep")
    caseworker = member(role=Role.CASEWORKER, organisation=parties["lead"], email="worker2.sweep@yos.example.org")
    make_case(**parties, start=date(2026, 7, 1))
    done = make_case(**parties, start=date(2026, 7, 1))
    acting, intervention = acting_for(caseworker), done.interventions.get()
    outcome_services.record_assessment(acting, intervention, kind="checkpoint", completed_on=date(2026, 7, 3),
                                       now=at(2026, 7, 3, 15, 0))
    for i in range(done.conditions.get(kind="sessions").target):
        held_on = date(2026, 7, 6) + timedelta(days=7 * i)
        outcome_services.record_session(acting, intervention, held_on=held_on, attendance="attended",
                                        now=at(held_on.year, held_on.month, held_on.day, 15, 0))
    return at(done.end_date.year, done.end_date.month, done.end_date.day, 6, 0)


def deadline_warnings():
    """One case 7 days from its return-to-police deadline (warned); one returned to police, its deadline passed (flagged)."""
    reference_data.ensure()
    parties = _diversion_parties("deadline")
    warned = make_case(**parties, start=date(2026, 11, 24))
    make_case(**parties, start=date(2025, 11, 24), status="re_referred")
    day = warned.return_deadline - timedelta(days=7)
    return at(day.year, day.month, day.day, 6, 15)


def retention():
    """Two young people whose referrals closed in January 2020: six years on, past their 25th birthdays, both are due."""
    referrer = member(role=Role.REFERRER, organisation=OrganisationFactory(name="School retention", kind=K.SCHOOL),
                      email="dsl.retention@school.example.org")
    for name in ("Kit", "Lee"):
        person = YoungPersonFactory(given_name=name, date_of_birth=date(2000, 3, 14), postcode="WS1 1AA")
        closed = at(2020, 1, 10, 12, 0)
        referral = ReferralFactory(
            created_by=referrer, young_person=person, given_name=name, date_of_birth=date(2000, 3, 14), status="declined",
            decision="decline", rag="green", received_at=closed - timedelta(hours=2), decided_at=closed, closed_at=closed,
            triage_deadline=closed + timedelta(hours=5), postcode="WS1 1AA", account=f"{name} was seen at the bus station.",
        )
        # The message that told the school names the referral: it goes with the record.
        notify([referrer], kind="decision", key=f"decision:{referral.pk}:decline:{closed.isoformat()}",
               subject=f"Referral {referral.reference}: declined")
    return at(2026, 3, 2, 10, 0)


def cohort_reviews():
    """Two cohort members: one's review is due this morning, the other's overdue; the lead YOS's manager and the VRU
    triager who created the cohort are told about each."""
    from cohorts import services as cohort_services

    staff = _vru("cohort")
    yos = OrganisationFactory(name="YOS cohort", kind=K.YOS)
    member(role=Role.MANAGER, organisation=yos, email="manager.cohort@yos.example.org")
    vru = acting_for(staff["triagers"][0])
    cohort = cohort_services.create_cohort(vru, name="Scenario cohort", area="walsall", tier_model="pip4",
                                           lead_organisation=yos, now=at(2026, 10, 1, 9, 0))
    for joined in (date(2026, 10, 5), date(2026, 10, 12)):
        cohort_services.add_member(vru, cohort, young_person=YoungPersonFactory(), tier=3, lead_agency=yos,
                                   reason="Scenario member.", joined_on=joined, now=at(2026, 10, 12, 9, 0))
    return at(2026, 11, 9, 6, 30)


def prune_idempotency_keys():
    """Three keys from two months ago (forgotten), one from yesterday (kept)."""
    who = member(role=Role.CASEWORKER, organisation=OrganisationFactory(name="YOS keys", kind=K.YOS),
                 email="caseworker.keys@yos.example.org")
    for made in (at(2026, 9, 1, 10, 0), at(2026, 9, 2, 10, 0), at(2026, 9, 3, 10, 0), at(2026, 10, 31, 10, 0)):
        IdempotencyKey.objects.create(key=uuid.uuid4(), action="record_session", user=who, created_at=made,
                                      organisation=who.memberships.get().organisation, object_type="outcomes.session",
                                      object_id="1")
    return at(2026, 11, 1, 2, 45)


def token_expiry():
    """A school's administrator, a token expiring in 10 days (warned) and one expired yesterday (audited)."""
    from partners import token_services

    school = OrganisationFactory(name="School tokens", kind=K.SCHOOL)
    member(role=Role.ORG_ADMIN, organisation=school, email="admin.tokens@school.example.org")
    owner = member(role=Role.REFERRER, organisation=school, email="dsl.tokens@school.example.org")
    now = at(2026, 11, 2, 7, 0)
    made = now - timedelta(days=200)
    for name, ends in (("School MIS", now + timedelta(days=10)), ("Old export", now - timedelta(days=1))):
        token, _ = token_services.create_token(acting_for(owner, school.pk), name, now=made, expires_at=made + timedelta(days=1))
        ApiToken.objects.filter(pk=token.pk).update(expires_at=ends)
    return now


def scan_held_documents():
    """Two documents held while the scanner was away, one clean and one carrying the EICAR test file; clamd is back."""
    import tempfile
    from pathlib import Path

    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents import services as document_services
    from tests.documents import clamd

    referral = _submitted("documents", 1, at(2026, 11, 2, 9, 0))[0]
    for name, body in (("plan.txt", b"A plan in plain words."), ("notes.txt", b"Words. " + clamd.EICAR)):
        document_services.add_document(acting_for(referral.created_by), referral, title=name, kind="plan",
                                       uploaded=SimpleUploadedFile(name, body), now=at(2026, 11, 2, 11, 0))
    # The test's own settings fixture puts this back afterwards.
    settings.CLAMD_URL = clamd.shared(lambda: Path(tempfile.mkdtemp(prefix="clamd-"))).url
    return at(2026, 11, 2, 11, 5)


def roll_up_figures():
    """Referrals that arrived over three days last week, one decided: the rollup has counted none of it yet."""
    when = at(2026, 11, 2, 10, 0)
    for day in range(3):
        referrals = _submitted(f"rollup{day}", 2, when + timedelta(days=day))
    Referral.objects.filter(pk=referrals[0].pk).update(first_decided_at=when + timedelta(days=2, hours=3))
    return at(2026, 11, 9, 6, 0)


SCENARIOS = {
    "roll_up_figures": roll_up_figures,
    "scan_held_documents": scan_held_documents,
    "token_expiry": token_expiry,
    "send_outbox": send_outbox,
    "lapse_claims": lapse_claims,
    "expire_info_requests": expire_info_requests,
    "triage_digest": triage_digest,
    "allocation_escalations": allocation_escalations,
    "compliance_sweep": compliance_sweep,
    "deadline_warnings": deadline_warnings,
    "retention": retention,
    "cohort_reviews": cohort_reviews,
    "prune_idempotency_keys": prune_idempotency_keys,
}


# --- What jobs change -------------------------------------------------------------------------


def _rows(queryset, *fields):
    # JSON text for dicts so rows sort, and None before any value (a job's events have no actor, a person's do);
    # no row ids of what a job creates, so two equal runs compare equal.
    return sorted(
        (tuple(json.dumps(v, sort_keys=True, default=str) if isinstance(v, dict | list) else v for v in row)
         for row in queryset.values_list(*fields)),
        key=lambda row: [(v is not None, v) for v in row],
    )


def effects():
    """Everything a job may change that a person would notice, in a form two runs can be compared by."""
    return {
        "notifications": _rows(Notification.objects, "user_id", "kind", "key", "subject", "body", "url"),
        # A new message is due when it was queued (the wall clock); only a retry's time is the sender's doing.
        "outbox": _rows(OutboxMessage.objects.annotate(retry_at=Case(When(attempts=0, then=None), default="next_attempt_at")),
                        "notification__user_id", "notification__key", "to", "subject", "state", "attempts", "retry_at",
                        "sent_at", "last_error"),
        "mail": sorted((tuple(m.to), m.subject, m.body) for m in mail.outbox),
        "referral_events": _rows(ReferralEvent.objects, "referral_id", "kind", "at", "actor_id", "summary", "detail"),
        "referrals": _rows(Referral.objects, "pk", "status", "claimed_by_id", "claim_activity_at", "returned_at",
                           "triage_deadline", "closed_at", "given_name", "family_name", "date_of_birth"),
        "info_requests": _rows(InfoRequest.objects, "pk", "answered_at", "expired_at"),
        "allocations": _rows(Allocation.objects, "pk", "state", "first_contact_due"),
        "young_people": _rows(YoungPerson.objects, "pk", "given_name", "family_name", "date_of_birth", "anonymised_at"),
        "retention_actions": _rows(RetentionAction.objects, "young_person_id", "action", "at", "rule", "last_activity_on",
                                   "due_on"),
        "case_events": _rows(CaseEvent.objects, "case_id", "kind", "at", "actor_id", "summary", "detail"),
        "cases": _rows(DiversionCase.objects, "pk", "status", "at_risk_since", "deadline_missed_on", "breach_proposed_at",
                       "closed_at"),
        "conditions": _rows(Condition.objects, "pk", "status", "progress", "met_on"),
        "audit": _rows(AuditEvent.objects, "actor_id", "action", "object_type", "object_id", "detail"),
        "idempotency_keys": _rows(IdempotencyKey.objects, "key", "created_at"),
        "api_tokens": _rows(ApiToken.objects, "name", "expiry_warned_at", "expiry_recorded_at"),
        "documents": _rows(Document.objects, "title", "scan", "scanned_at", "scan_result"),
        "figures_rollup": _rows(DailyCount.objects, "month", "day", "area", "measure", "value", "n")
        + _rows(RollupState.objects, "through") + _rows(StaleDay.objects, "day"),
    }


def changed(before, after):
    """The names of the parts of two snapshots that differ."""
    return sorted(name for name in after if before.get(name) != after[name])


def effect_of_one_run(name, now):
    """What one run does, measured and then undone, so a test can compare any other way of running with it."""
    before, sent = effects(), list(mail.outbox)
    with transaction.atomic():
        registry.JOBS[name].func(now)
        after = effects()
        transaction.set_rollback(True)
    mail.outbox[:] = sent  # the mailbox is no database: undo its part by hand
    assert changed(before, after), f"the {name} scenario gives the job nothing to do"
    assert effects() == before
    return after
