"""The weekly retention job: who it anonymises, what it keeps for the figures, and that it does it once.

The young person at the centre, Robin Testperson (synthetic), was born on 17 May 2004 (25 on 17 May
2029). A school referred them in March 2025 (declined after a question to the school); police diverted a
common assault in April 2025 (the force knew Robin: it had referred them in September 2024, declined), the
lead agency reported a breach, and police recorded a charge on 20 May 2025. Six years after that last closure
is 20 May 2031, later than the 25th birthday, so the record is due from then.
"""

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobs import registry
from jobs.models import JobRun
from notifications.models import Notification, OutboxMessage
from outcomes import services as outcome_services
from outcomes.models import (
    Assessment,
    CaseEvent,
    Condition,
    DiversionCase,
    Intervention,
    PoliceOutcome,
    ReturnToPolice,
    Session,
)
from partners.access import acting_for
from partners.models import AuditEvent
from referrals import retention
from referrals import services as referral_services
from referrals.models import (
    ANONYMISED_LABEL,
    Allocation,
    InfoRequest,
    NameKey,
    NameWord,
    PossibleMatch,
    Referral,
    ReferralConcern,
    ReferralEvent,
    RetentionAction,
    YoungPerson,
)
from referrals.retention_rules import REMOVED
from tests.outcomes import factories as f
from tests.referrals.factories import ReferralFactory, referral_data

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
BORN = date(2004, 5, 17)
LAST_ACTIVITY = date(2025, 5, 20)
DUE = date(2031, 5, 20)
# Words that identify Robin: none may survive anywhere once the record is anonymised.
IDENTIFYING = ("Robin", "Robbie", "Testperson", "B1 1AA", "20/004321/25", "Park Road", "date(2004, 5, 17)", "17 May 2004")

TABLES = (YoungPerson, NameKey, NameWord, Referral, ReferralConcern, ReferralEvent, InfoRequest, Allocation, PossibleMatch,
          DiversionCase,
          Condition, Intervention, Session, Assessment, ReturnToPolice, PoliceOutcome, CaseEvent, Notification, OutboxMessage)


def at(day, hour=10):
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def robin(referrer, triager, caseworker, decision_maker, yos, police):
    """Robin's history, through the same services people use, each at its own date."""
    school, vru = acting_for(referrer), acting_for(triager)
    draft = referral_services.save_draft(school, referral_data(
        given_name="Robin", family_name="Testperson", preferred_name="Robbie", date_of_birth=BORN, postcode="B1 1AA",
        ethnicity="black_caribbean", sex="female", urgent=True, urgency_reason="Robin was threatened on Park Road.",
        account="Robin Testperson was seen with a knife near Park Road.", concerns=["weapon", "gang"],
    ), now=at(date(2025, 3, 3)))
    referral = referral_services.submit_referral(school, draft, now=at(date(2025, 3, 3)))
    referral_services.claim(vru, referral, now=at(date(2025, 3, 3), 11))
    referral_services.claim(vru, referral, now=at(date(2025, 3, 3), 12))
    referral_services.decide(vru, referral, decision="request_info", question="Does Robin still live on Park Road?",
                             now=at(date(2025, 3, 3), 12))
    referral_services.answer_info(school, referral, "Yes, Robin lives at 4 Park Road.", now=at(date(2025, 3, 3), 14))
    referral_services.claim(vru, referral, now=at(date(2025, 3, 4)))
    referral_services.claim(vru, referral, now=at(date(2025, 3, 4), 11))
    referral_services.decide(vru, referral, decision="decline", rag="green", decline_reason="already_supported",
                             reason="Robin already works with a Park Road youth worker.", now=at(date(2025, 3, 4), 11))
    person = YoungPerson.objects.get(referrals=referral)
    # The force's own earlier referral is what lets its officer pick Robin as a known young person.
    ReferralFactory(created_by=decision_maker, young_person=person, source="police", status="declined", decision="decline",
                    rag="green", received_at=at(date(2024, 9, 2)), decided_at=at(date(2024, 9, 2), 12),
                    closed_at=at(date(2024, 9, 2), 12), triage_deadline=at(date(2024, 9, 2), 17))
    police_acting, lead = acting_for(decision_maker), acting_for(caseworker)
    case = outcome_services.start_case(
        police_acting, crime_reference="20/004321/25", offence=f.offence("CJA1988-S39"), offence_date=date(2025, 3, 28),
        pathway=f.pathway("outcome22"), lead_organisation=yos, start_date=date(2025, 4, 1), now=at(date(2025, 4, 1)),
        young_person=person, admission=True, sufficient_evidence=True,
    )
    outcome_services.add_condition(lead, case, description="Stay away from Park Road.", due_on=date(2025, 7, 1),
                                   now=at(date(2025, 4, 2)))
    intervention = case.interventions.get()
    outcome_services.record_session(lead, intervention, held_on=date(2025, 4, 8), attendance="did_not_attend",
                                    reason="Robin was at a hospital appointment.", now=at(date(2025, 4, 8)))
    outcome_services.propose_breach(lead, case, reason="No contact from Robin for three weeks.", now=at(date(2025, 4, 30)))
    outcome_services.disengage(lead, intervention, on=date(2025, 5, 1), note="Robin stopped coming.",
                               now=at(date(2025, 5, 1)))
    outcome_services.confirm_breach(police_acting, case, reason="Robin refused further sessions.", now=at(date(2025, 5, 2)))
    outcome_services.receive_return(police_acting, case, now=at(date(2025, 5, 3)))
    outcome_services.record_police_outcome(police_acting, case, outcome_code=1, notes="Robin admitted it in interview.",
                                           now=at(LAST_ACTIVITY))
    return person, Referral.objects.get(pk=referral.pk), DiversionCase.objects.get(pk=case.pk)


def closed_person(referrer, *, born, closed_on, ethnicity="white_british", source="school", name="Kit"):
    """A young person with one declined referral, written straight to the database."""
    person = f.YoungPersonFactory(given_name=name, date_of_birth=born, ethnicity=ethnicity, postcode="WS1 1AA")
    ReferralFactory(created_by=referrer, young_person=person, given_name=name, date_of_birth=born, ethnicity=ethnicity,
                    source=source, status="declined", decision="decline", rag="green", received_at=at(closed_on),
                    decided_at=at(closed_on, 12), closed_at=at(closed_on, 12), triage_deadline=at(closed_on, 17),
                    postcode="WS1 1AA", account=f"{name} was seen at the bus station.")
    return person


def everything_written():
    """Every row of every table the job may touch, as text: for 'nothing changed' and 'no name left anywhere'."""
    return {model.__name__: sorted(map(repr, model.objects.order_by("pk").values())) for model in TABLES}


def figures():
    """What the managers count: none of it may change when a record is anonymised."""
    return {
        "referrals by ethnicity and source": Counter(Referral.objects.values_list("ethnicity", "source")),
        "referrals by decision, status and area": Counter(Referral.objects.values_list("decision", "status", "area")),
        "people by sex, ethnicity, area, birth year": Counter(
            (p.sex, p.ethnicity, p.area, p.date_of_birth.year) for p in YoungPerson.objects.all()),
        "concerns": Counter(ReferralConcern.objects.values_list("concern", flat=True)),
        "decision days": sorted(Referral.objects.values_list("received_at", "decided_at", "closed_at")),
        "cases": Counter(DiversionCase.objects.values_list("offence__code", "pathway__code", "status", "start_date")),
        "police outcomes": Counter(PoliceOutcome.objects.values_list("outcome__code", flat=True)),
        "interventions": Counter(Intervention.objects.values_list("programme_id", "status", "started_on", "ended_on")),
        "sessions": Counter(Session.objects.values_list("held_on", "attendance")),
        "conditions": Counter(Condition.objects.values_list("kind", "status", "due_on")),
        "re-referrals": Counter(ReturnToPolice.objects.values_list("deadline", "returned_at", "received_at")),
    }


@pytest.fixture
def history(referrer, triager, caseworker, decision_maker, yos, police):
    return robin(referrer, triager, caseworker, decision_maker, yos, police)


def test_a_young_person_past_the_rule_is_anonymised_and_the_figures_stay_the_same(history, referrer):
    person, referral, case = history
    younger = closed_person(referrer, born=date(2008, 1, 9), closed_on=date(2024, 6, 1), ethnicity="asian_indian")
    before = figures()

    counts = retention.apply_retention(at(date(2031, 6, 1), 2))

    assert figures() == before
    assert counts["people_due"] == 1 and counts["people_anonymised"] == 1
    person.refresh_from_db()
    assert (person.given_name, person.family_name, person.preferred_name, person.postcode) == ("", "", "", "")
    assert person.date_of_birth == date(2004, 7, 1) and person.anonymised_at == at(date(2031, 6, 1), 2)
    assert (person.sex, person.ethnicity, person.area) == ("female", "black_caribbean", "birmingham")
    assert str(person) == ANONYMISED_LABEL
    referral.refresh_from_db()
    assert (referral.given_name, referral.family_name, referral.date_of_birth) == ("", "", date(2004, 7, 1))
    assert (referral.account, referral.urgency_reason) == (REMOVED, REMOVED)
    assert (referral.decision, referral.status, referral.source, referral.urgent) == ("decline", "declined", "school", True)
    assert referral.subject_name == ANONYMISED_LABEL
    case.refresh_from_db()
    assert case.crime_reference == f"Removed {case.pk}" and case.status == "outcome_recorded"
    assert Session.objects.get(intervention__case=case).reason == REMOVED
    assert Condition.objects.get(case=case, kind="other").description.startswith("Other condition")
    assert PoliceOutcome.objects.get(case=case).notes == REMOVED
    # Nothing that identifies Robin is left in any table the job looks after.
    written = repr(everything_written())
    assert not [word for word in IDENTIFYING if word.lower() in written.lower()]  # NameKey words are folded
    # Someone whose 25th birthday is still to come is untouched.
    younger.refresh_from_db()
    assert younger.anonymised_at is None and younger.given_name == "Kit" and younger.postcode == "WS1 1AA"


def test_an_auditor_sees_what_was_done_without_personal_data(history):
    person, _, _ = history
    run = registry.run("retention", now=at(date(2031, 6, 1), 2))
    assert run.outcome == JobRun.Outcome.SUCCEEDED
    assert run.counts["people_anonymised"] == 1 and run.counts["blanked_referral"] == 2
    assert run.counts["blanked_referral_event"] >= 3 and run.counts["blanked_case_event"] >= 3
    assert run.counts["deleted_notification"] >= 3
    action = RetentionAction.objects.get(young_person=person)
    assert (action.action, action.last_activity_on, action.due_on) == ("anonymised", LAST_ACTIVITY, DUE)
    assert action.rule == "6 years after the last referral, intervention or case closed, or the 25th birthday if later"
    event = AuditEvent.objects.get(young_person_id=person.pk, detail={"action": "retention"})
    assert (event.actor, event.action, event.object_type, event.object_id) == (None, "update", "referrals.youngperson",
                                                                               str(person.pk))
    assert not [word for word in IDENTIFYING if word in repr(list(RetentionAction.objects.values())) + str(run.counts)]


def test_messages_about_the_records_go_and_others_stay(history, referrer):
    person, referral, case = history
    other = closed_person(referrer, born=date(2001, 1, 1), closed_on=date(2030, 1, 1))
    kept = Notification.objects.create(user=referrer, kind="decision", key=f"decision:{other.referrals.get().pk}:decline:x",
                                       subject="Referral about someone else")
    about = Notification.objects.filter(key__startswith=f"case:{case.pk}:") | Notification.objects.filter(
        key__startswith=f"decision:{referral.pk}:")
    assert about.exists() and OutboxMessage.objects.filter(notification__in=about).exists()

    retention.apply_retention(at(date(2031, 6, 1), 2))

    assert not about.exists() and Notification.objects.filter(pk=kept.pk).exists()


def test_a_suggestion_that_someone_else_may_be_them_goes_too(history, referrer, triager):
    person, _, _ = history
    live = ReferralFactory(created_by=referrer, received_at=at(date(2031, 5, 30)), has_open_match=True)
    PossibleMatch.objects.create(referral=live, candidate=person, reasons=["Same postcode"], score=15)

    counts = retention.apply_retention(at(date(2031, 6, 1), 2))

    assert counts["deleted_possible_match"] == 1
    live.refresh_from_db()
    assert not live.has_open_match


def test_not_yet_due_changes_nothing(history):
    before = everything_written()
    counts = retention.apply_retention(at(date(2031, 5, 19), 23))
    assert counts == {"people_due": 0, "people_anonymised": 0}
    assert everything_written() == before


@pytest.mark.parametrize("still_open", ["referral", "intervention", "case", "return_to_police"])
def test_anything_still_open_keeps_the_record_however_old(still_open, referrer, yos, police, decision_maker):
    person = closed_person(referrer, born=date(1995, 1, 1), closed_on=date(2015, 1, 1))
    if still_open == "referral":
        ReferralFactory(created_by=referrer, young_person=person, status="allocated", received_at=at(date(2015, 2, 1)))
    elif still_open == "intervention":
        Intervention.objects.create(young_person=person, organisation=yos, started_on=date(2015, 2, 1),
                                    programme=f.ProgrammeFactory(owner=yos))
    else:
        status = "re_referred" if still_open == "return_to_police" else "active"
        case = f.make_case(lead=yos, police=police, decision_maker=decision_maker, young_person=person,
                           start=date(2015, 2, 1), status=status)
        case.interventions.update(ended_on=date(2015, 3, 1), status="disengaged")
        if still_open == "return_to_police":
            DiversionCase.objects.filter(pk=case.pk).update(closed_at=at(date(2015, 4, 1)))
    counts = retention.apply_retention(at(date(2040, 1, 1)))
    assert counts["people_anonymised"] == 0
    person.refresh_from_db()
    assert person.anonymised_at is None and person.given_name == "Kit"


def test_the_anonymised_page_shows_the_label_and_no_name(client, history, triager):
    person, referral, _ = history
    retention.apply_retention(at(date(2031, 6, 1), 2))
    client.force_login(triager)
    page = client.get(reverse("young-person", args=[person.pk])).content.decode()
    assert ANONYMISED_LABEL in page and "2004 (exact date removed under the retention rule)" in page
    assert not [word for word in (*IDENTIFYING, "17 May 2004", "1 July 2004") if word in page]
    triage_page = client.get(reverse("triage-referral", args=[referral.pk])).content.decode()
    assert ANONYMISED_LABEL in triage_page and not [word for word in IDENTIFYING if word in triage_page]


def test_a_second_run_changes_nothing(history, referrer):
    closed_person(referrer, born=date(1999, 2, 2), closed_on=date(2020, 2, 2))
    first = retention.apply_retention(at(date(2031, 6, 1), 2))
    assert first["people_anonymised"] == 2
    after_first = everything_written()
    actions, audits = RetentionAction.objects.count(), AuditEvent.objects.filter(detail={"action": "retention"}).count()

    second = retention.apply_retention(at(date(2031, 6, 8), 2))

    assert second == {"people_due": 0, "people_anonymised": 0}
    assert everything_written() == after_first
    assert RetentionAction.objects.count() == actions == 2
    assert AuditEvent.objects.filter(detail={"action": "retention"}).count() == audits == 2


def test_a_dry_run_reports_what_a_real_run_would_do_and_changes_nothing(history, referrer):
    closed_person(referrer, born=date(1999, 2, 2), closed_on=date(2020, 2, 2))
    before = everything_written()
    dry = retention.apply_retention(at(date(2031, 6, 1), 2), dry_run=True)
    assert everything_written() == before and not RetentionAction.objects.exists()
    real = retention.apply_retention(at(date(2031, 6, 1), 2))
    assert dry == {**real, "dry_run": 1} and real["people_anonymised"] == 2


@pytest.fixture
def crash_on_second_batch():
    """A handler that fails in the second batch, after every other handler has written its part of it."""
    calls = []

    def anonymise(batch):
        calls.append(batch.people)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return {}

    retention.register(retention.Handler(name="test_crash", anonymise=anonymise))
    yield calls
    del retention.HANDLERS["test_crash"]


def test_a_crash_mid_run_leaves_each_person_done_or_untouched_and_the_rerun_finishes(referrer, crash_on_second_batch, caplog,
                                                                                     monkeypatch):
    monkeypatch.setattr(retention, "BATCH_SIZE", 2)
    people = [closed_person(referrer, born=date(1990, 1, 1 + i), closed_on=date(2020, 1, 1), name=f"Crash{i}")
              for i in range(5)]
    run = registry.run("retention", now=at(date(2031, 6, 1), 2))

    assert run.outcome == JobRun.Outcome.FAILED and "disk full" in run.error
    done = [p for p in people if YoungPerson.objects.get(pk=p.pk).anonymised_at is not None]
    assert [p.pk for p in done] == [p.pk for p in people[:2]]
    for person in people[2:]:
        untouched = YoungPerson.objects.get(pk=person.pk)
        referral = untouched.referrals.get()
        assert (untouched.given_name, untouched.date_of_birth, referral.given_name) == (person.given_name, person.date_of_birth,
                                                                                        person.given_name)
        assert referral.account.endswith("bus station.") and not RetentionAction.objects.filter(young_person=person).exists()
    assert "Crash" not in caplog.text and "WS1" not in caplog.text

    del retention.HANDLERS["test_crash"]
    retention.register(retention.Handler(name="test_crash", anonymise=lambda batch: {}))
    rerun = registry.run("retention", now=at(date(2031, 6, 8), 2))

    assert rerun.outcome == JobRun.Outcome.SUCCEEDED and rerun.counts["people_anonymised"] == 3
    assert all(YoungPerson.objects.get(pk=p.pk).given_name == "" for p in people)
    assert sorted(RetentionAction.objects.values_list("young_person_id", flat=True)) == sorted(p.pk for p in people)


def _bulk_due_people(referrer, caseworker, yos, n):
    """n young people, each with a closed referral, its timeline, an ended intervention and a session (bulk, for speed)."""
    people = YoungPerson.objects.bulk_create(
        YoungPerson(given_name=f"Bulk{i}", family_name="Example", date_of_birth=date(1995 + i % 5, 1 + i % 12, 1 + i % 28),
                    sex="male", ethnicity=["white_british", "black_african", "asian_pakistani"][i % 3], area="walsall",
                    postcode="WS2 2BB", created_at=at(date(2019, 1, 1)))
        for i in range(n))
    closed = at(date(2020, 1, 1))
    referrals = Referral.objects.bulk_create(
        ReferralFactory.build(created_by=referrer, young_person=p, status="closed", decision="signpost", rag="amber",
                              received_at=closed, decided_at=closed, closed_at=closed, triage_deadline=closed,
                              given_name=p.given_name, date_of_birth=p.date_of_birth)
        for p in people)
    ReferralEvent.objects.bulk_create(
        ReferralEvent(referral=r, kind="signposted", at=closed, summary="Signposted to a youth club", detail={"to": "club"})
        for r in referrals)
    programme = f.ProgrammeFactory(owner=yos)
    interventions = Intervention.objects.bulk_create(
        Intervention(young_person=p, organisation=yos, programme=programme, status="disengaged",
                     started_on=date(2019, 6, 1), ended_on=date(2019, 12, 1), end_reason="Moved away.")
        for p in people)
    Session.objects.bulk_create(
        Session(intervention=i, held_on=date(2019, 7, 1), attendance="did_not_attend", reason="Unwell.", recorded_by=caseworker)
        for i in interventions)


def _queries(now, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        counts = retention.apply_retention(now, **kwargs)
    return len(queries), counts


def test_the_query_count_does_not_grow_with_the_number_of_people(referrer, caseworker, yos):
    _bulk_due_people(referrer, caseworker, yos, 50)
    fifty, counts = _queries(at(date(2031, 6, 1), 2), batch_size=1000)
    assert counts["people_anonymised"] == 50 and counts["blanked_session"] == 50
    _bulk_due_people(referrer, caseworker, yos, 500)
    five_hundred, counts = _queries(at(date(2031, 6, 8), 2), batch_size=1000)
    assert counts["people_anonymised"] == 500 and counts["blanked_referral_event"] == 500
    assert five_hundred == fifty
    # In the job's own batches of 200, the cost grows by batch, not by person.
    _bulk_due_people(referrer, caseworker, yos, 500)
    batched, counts = _queries(at(date(2031, 6, 15), 2))
    assert counts["people_anonymised"] == 500 and batched <= 3 * fifty
