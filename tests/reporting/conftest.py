"""A small fixed data set for the figures, written straight to the database (synthetic data only).

The period under test is March 2025; the previous period is February 2025 and the year earlier March 2024.
Times are UTC. British Summer Time began at 01:00 UTC on 30 March 2025, so 22:30 UTC on 31 March is still
31 March in England and 23:30 UTC is 1 April.

Young people: A (Black Caribbean, referred in February and March 2025), B (White British), C (White
British, referred in March 2024 and March 2025), D (Asian Pakistani, referred in February 2024), E (Mixed
White and Black Caribbean), F (Black African), G (White British), H (White British), J (White British).

Referrals (received; first decision), March 2025:
  R1 3 Mar 09:00, school, Birmingham, A, male, born 4 Mar 2010 (14); weapon + gang; allocated to Test YOS
     at 15:00 (6 h, in time), accepted.
  R2 4 Mar 10:00, police, Walsall, B, female, born 4 Mar 2007 (18 that day); victim; declined 6 Mar 12:00
     (50 h, late: due 5 Mar 17:00).
  R3 7 Mar 16:00, urgent, school, Birmingham, C, male, born 1 Jun 2012 (12); weapon; signposted 18:00 (2 h,
     in time: urgent, due 20:00).
  R4 10 Mar 09:00, school, Birmingham, D, male, born 1 Jan 2009 (16); exploitation; allocated to Test YOS
     11:00 (2 h, in time), handed back 11 Mar 09:00, allocated to Other Partner 11 Mar 12:00.
  R5 14 Mar (Fri) 10:00, VRU (ftrm), Coventry, E, female, born 15 Mar 2005 (19); online + victim; more
     information asked 18 Mar 10:00 (96 h: due Mon 17 Mar 17:00, late), answered 19 Mar 09:00 (the stored
     deadline moves to 20 Mar 17:00), declined 19 Mar 15:00.
  R7 31 Mar 22:30 UTC (23:30 BST, still March), school, Birmingham, F, male, born 1 Apr 2003 (21); other;
     not decided yet.
  R6 31 Mar 23:30 UTC is 1 April in England: in no period.  A draft (never received) is in no period.
February 2025: P1 10 Feb 09:00 school, Birmingham, A; signposted 12:00 (3 h).
               P2 20 Feb 10:00 police, Walsall, G, born 5 May 2008 (16); allocated to Test YOS 21 Feb 10:00
               (24 h, due 21 Feb 17:00), accepted.
March 2024:    Y1 5 Mar 09:00 school, Birmingham, H, born 1 Jan 2010 (14); declined 13:00 (4 h).
               Y2 8 Mar 10:00 school, Birmingham, C; signposted 12:00 (2 h).
February 2024: an earlier referral of D (9 Feb), in no period.

Interventions (started): I1 Test YOS knife crime, A, 5 Mar, attended twice, completed. I2 Test YOS knife
crime, G, 3 Mar, did not attend, disengaged. I3 Other Partner mentoring, D, 12 Mar, did not attend but
corrected to attended, still running. I5 Other Partner mentoring, E, 20 Mar, attended but corrected to did
not attend, withdrawn. I4 Test YOS knife crime, G, 20 Feb 2025, attended, completed.

Diversion cases: C1 Checkpoint, Test YOS, A: started 4 Nov 2024, completed 10 Mar 2025 (outcome 22).
C2 Checkpoint, Test YOS, C: started 6 Mar; breach proposed 20 Mar; re-referred 25 Mar (deadline 30 Apr),
received 27 Mar; charged (outcome 1) 31 Mar 11:00 UTC. C3 Outcome 22, Other Partner, E: started 12 Mar;
further offence 15 Mar; breach proposed 22 Mar; re-referred 26 Mar with a deadline of 20 Mar, received
28 Mar (late). C4 Outcome 22, Test YOS, B: started 10 Feb 2025, breach proposed 20 Feb. C5 Checkpoint,
Test YOS, H: started 11 Mar 2024, re-referred 28 Mar 2024, never received: deadline missed 1 May 2024.

Population (2021): Birmingham White British 10-13 10,000, Black Caribbean 14-15 2,000, Black African 16-17
1,000, Asian Pakistani 10-13 4,000; Walsall White British 18-20 10,000; Coventry Mixed White and Black
Caribbean 18-20 2,500. Ignored: Birmingham White British 10-13 in 2011 (an older year) and 25-29 in 2021
(outside 10 to 24).
"""

import datetime
from types import SimpleNamespace

import pytest

from outcomes import reference_data
from outcomes.models import (
    CaseEvent,
    DiversionCase,
    Intervention,
    Offence,
    OutcomeCode,
    Pathway,
    PoliceOutcome,
    Programme,
    ReturnToPolice,
    Session,
)
from partners.models import OrganisationKind as K
from partners.models import Role
from referrals import rules as referral_rules
from referrals.models import Allocation, Referral, ReferralConcern, ReferralEvent, YoungPerson
from reporting import rules
from reporting.models import AreaPopulation
from tests.factories import OrganisationFactory, member

UTC = datetime.UTC
MARCH = rules.Period(datetime.date(2025, 3, 1), datetime.date(2025, 4, 1))


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


class Builder:
    def __init__(self, orgs, users):
        self.orgs, self.users = orgs, users
        self.n = 0

    def person(self, name, ethnicity, dob, sex="male", area="birmingham"):
        return YoungPerson.objects.create(given_name=name, family_name="Example", date_of_birth=dob, sex=sex,
                                          ethnicity=ethnicity, area=area)

    def referral(self, person, received, *, org="school", source="school", area="birmingham", concerns=("other",),
                 urgent=False, status="submitted"):
        self.n += 1
        r = Referral.objects.create(
            reference=f"VRU-T-{self.n:04d}", status=status, referring_organisation=self.orgs[org],
            created_by=self.users[org], source=source, young_person=person, given_name=person.given_name,
            family_name=person.family_name, date_of_birth=person.date_of_birth, sex=person.sex,
            ethnicity=person.ethnicity, area=area, urgent=urgent, received_at=received,
            triage_deadline=referral_rules.triage_deadline(received, urgent),
        )
        ReferralConcern.objects.bulk_create([ReferralConcern(referral=r, concern=c) for c in concerns])
        return r

    def decide(self, r, decision, when, *, partner=None):
        kind = {"allocate": "allocated", "signpost": "signposted", "decline": "declined", "request_info": "info_requested"}
        ReferralEvent.objects.create(referral=r, kind=kind[decision], at=when)
        r.decision, r.decided_at = decision, when
        r.first_decided_at = r.first_decided_at or when
        r.status = {"allocate": "allocated", "signpost": "signposted", "decline": "declined",
                    "request_info": "info_requested"}[decision]
        r.save()
        if partner is not None:
            return Allocation.objects.create(referral=r, organisation=self.orgs[partner], programme="Mentoring",
                                             allocated_by=self.users["vru"], allocated_at=when, accept_due=when)
        return None

    def intervention(self, person, org, programme, started, status, ended=None):
        return Intervention.objects.create(young_person=person, organisation=self.orgs[org], programme=programme,
                                           status=status, started_on=started, ended_on=ended)

    def session(self, intervention, day, attendance, corrects=None):
        return Session.objects.create(
            intervention=intervention, held_on=day, attendance=attendance, recorded_by=self.users["vru"],
            reason="Not at home." if attendance == "did_not_attend" else "", corrects=corrects,
            correction_reason="Recorded wrongly." if corrects else "",
        )

    def case(self, person, pathway, lead, start, *, status="active", closed=None, deadline=None, missed=None):
        self.n += 1
        path = Pathway.objects.get(code=pathway)
        end = start + datetime.timedelta(days=120)
        return DiversionCase.objects.create(
            crime_reference=f"20/T{self.n:05d}/25", offence=Offence.objects.get(code="CJA1988-S139"),
            offence_date=start - datetime.timedelta(days=3), young_person=person, pathway=path,
            lead_organisation=self.orgs[lead], police_organisation=self.orgs["police"],
            decision_maker=self.users["police"], status=status, start_date=start, end_date=end,
            return_deadline=deadline or end + datetime.timedelta(days=28), closed_at=closed, deadline_missed_on=missed,
        )

    def case_event(self, case, kind, when):
        return CaseEvent.objects.create(case=case, kind=kind, at=when)

    def re_refer(self, case, when, deadline, received=None):
        return ReturnToPolice.objects.create(case=case, returned_at=when, confirmed_by=self.users["police"],
                                         reason="Synthetic breach.", deadline=deadline, received_at=received)

    def outcome(self, case, code, when):
        return PoliceOutcome.objects.create(case=case, outcome=OutcomeCode.objects.get(code=code),
                                            recorded_by=self.users["police"], recorded_at=when)


@pytest.fixture
def yos_manager(yos):
    return member(role=Role.MANAGER, organisation=yos, email="manager@yos.example.org")


@pytest.fixture
def dataset(vru, school, yos, police, vru_manager, referrer, caseworker, decision_maker, triager):
    reference_data.ensure()  # offences, outcome codes and pathways, in case a transactional test flushed them
    other = OrganisationFactory(name="Other Partner", kind=K.VOLUNTARY, area="")
    orgs = {"vru": vru, "school": school, "yos": yos, "police": police, "other": other}
    users = {"vru": triager, "school": referrer, "yos": caseworker, "police": decision_maker, "other": triager}
    b = Builder(orgs, users)
    d = datetime.date
    A = b.person("A", "black_caribbean", d(2010, 3, 4))
    B = b.person("B", "white_british", d(2007, 3, 4), sex="female", area="walsall")
    C = b.person("C", "white_british", d(2012, 6, 1))
    D = b.person("D", "asian_pakistani", d(2009, 1, 1))
    E = b.person("E", "mixed_white_black_caribbean", d(2005, 3, 15), sex="female", area="coventry")
    F = b.person("F", "black_african", d(2003, 4, 1))
    G = b.person("G", "white_british", d(2008, 5, 5), sex="female", area="walsall")
    H = b.person("H", "white_british", d(2010, 1, 1))
    J = b.person("J", "white_british", d(2011, 1, 1))

    r1 = b.referral(A, at(2025, 3, 3, 9), concerns=("weapon", "gang"))
    b.decide(r1, "allocate", at(2025, 3, 3, 15), partner="yos")
    Allocation.objects.filter(referral=r1).update(state="accepted", accepted_at=at(2025, 3, 3, 17))
    r2 = b.referral(B, at(2025, 3, 4, 10), org="police", source="police", area="walsall", concerns=("victim",))
    b.decide(r2, "decline", at(2025, 3, 6, 12))
    r3 = b.referral(C, at(2025, 3, 7, 16), urgent=True, concerns=("weapon",))
    b.decide(r3, "signpost", at(2025, 3, 7, 18))
    r4 = b.referral(D, at(2025, 3, 10, 9), concerns=("exploitation",))
    handed = b.decide(r4, "allocate", at(2025, 3, 10, 11), partner="yos")
    Allocation.objects.filter(pk=handed.pk).update(state="handed_back", handed_back_at=at(2025, 3, 11, 9),
                                                   hand_back_reason="No capacity.")
    ReferralEvent.objects.create(referral=r4, kind="handed_back", at=at(2025, 3, 11, 9))
    Referral.objects.filter(pk=r4.pk).update(returned_at=at(2025, 3, 11, 9), triage_deadline=at(2025, 3, 12, 17))
    r4.refresh_from_db()
    b.decide(r4, "allocate", at(2025, 3, 11, 12), partner="other")
    r5 = b.referral(E, at(2025, 3, 14, 10), org="vru", source="ftrm", area="coventry", concerns=("online", "victim"))
    b.decide(r5, "request_info", at(2025, 3, 18, 10))
    Referral.objects.filter(pk=r5.pk).update(returned_at=at(2025, 3, 19, 9), triage_deadline=at(2025, 3, 20, 17))
    r5.refresh_from_db()
    b.decide(r5, "decline", at(2025, 3, 19, 15))
    r7 = b.referral(F, at(2025, 3, 31, 22, 30))
    b.referral(J, at(2025, 3, 31, 23, 30))  # R6: 1 April in England
    Referral.objects.create(status="draft", referring_organisation=school, created_by=referrer, source="school",
                            given_name="Draft", family_name="Example", area="birmingham")

    p1 = b.referral(A, at(2025, 2, 10, 9))
    b.decide(p1, "signpost", at(2025, 2, 10, 12))
    p2 = b.referral(G, at(2025, 2, 20, 10), org="police", source="police", area="walsall")
    b.decide(p2, "allocate", at(2025, 2, 21, 10), partner="yos")
    y1 = b.referral(H, at(2024, 3, 5, 9))
    b.decide(y1, "decline", at(2024, 3, 5, 13))
    y2 = b.referral(C, at(2024, 3, 8, 10))
    b.decide(y2, "signpost", at(2024, 3, 8, 12))
    b.referral(D, at(2024, 2, 9, 10))

    knife = Programme.objects.create(owner=yos, name="Knife crime programme")
    mentoring = Programme.objects.create(owner=other, name="Mentoring")
    i1 = b.intervention(A, "yos", knife, d(2025, 3, 5), "completed", d(2025, 3, 28))
    b.session(i1, d(2025, 3, 7), "attended")
    b.session(i1, d(2025, 3, 14), "attended")
    i2 = b.intervention(G, "yos", knife, d(2025, 3, 3), "disengaged", d(2025, 3, 24))
    b.session(i2, d(2025, 3, 10), "did_not_attend")
    i3 = b.intervention(D, "other", mentoring, d(2025, 3, 12), "engaged")
    b.session(i3, d(2025, 3, 14), "attended", corrects=b.session(i3, d(2025, 3, 14), "did_not_attend"))
    i5 = b.intervention(E, "other", mentoring, d(2025, 3, 20), "withdrawn", d(2025, 3, 25))
    b.session(i5, d(2025, 3, 21), "did_not_attend", corrects=b.session(i5, d(2025, 3, 21), "attended"))
    i4 = b.intervention(G, "yos", knife, d(2025, 2, 20), "completed", d(2025, 3, 20))
    b.session(i4, d(2025, 2, 25), "attended")

    c1 = b.case(A, "checkpoint", "yos", d(2024, 11, 4), status="completed", closed=at(2025, 3, 10, 12))
    b.outcome(c1, 22, at(2025, 3, 10, 12))
    c2 = b.case(C, "checkpoint", "yos", d(2025, 3, 6), status="outcome_recorded", closed=at(2025, 3, 31, 11))
    b.case_event(c2, "breach_proposed", at(2025, 3, 20, 8))
    b.re_refer(c2, at(2025, 3, 25, 15), d(2025, 4, 30), received=at(2025, 3, 27, 10))
    b.outcome(c2, 1, at(2025, 3, 31, 11))
    c3 = b.case(E, "outcome22", "other", d(2025, 3, 12), status="re_referred")
    b.case_event(c3, "reoffence", at(2025, 3, 15, 13))
    b.case_event(c3, "breach_proposed", at(2025, 3, 22, 8))
    b.re_refer(c3, at(2025, 3, 26, 15), d(2025, 3, 20), received=at(2025, 3, 28, 10))
    c4 = b.case(B, "outcome22", "yos", d(2025, 2, 10))
    b.case_event(c4, "breach_proposed", at(2025, 2, 20, 8))
    c5 = b.case(H, "checkpoint", "yos", d(2024, 3, 11), status="re_referred", missed=d(2024, 5, 1))
    b.re_refer(c5, at(2024, 3, 28, 15), d(2024, 4, 30))

    AreaPopulation.objects.all().delete()
    source = "Synthetic test figures"
    for area, ethnicity, low, high, year, count in [
        ("birmingham", "white_british", 10, 13, 2021, 10000), ("birmingham", "black_caribbean", 14, 15, 2021, 2000),
        ("birmingham", "black_african", 16, 17, 2021, 1000), ("birmingham", "asian_pakistani", 10, 13, 2021, 4000),
        ("walsall", "white_british", 18, 20, 2021, 10000), ("coventry", "mixed_white_black_caribbean", 18, 20, 2021, 2500),
        ("birmingham", "white_british", 10, 13, 2011, 99999), ("birmingham", "white_british", 25, 29, 2021, 50000),
    ]:
        AreaPopulation.objects.create(area=area, ethnicity=ethnicity, age_from=low, age_to=high, year=year, count=count,
                                      source=source)
    return SimpleNamespace(builder=b, orgs=orgs, other=other, r1=r1, r4=r4, r5=r5, r7=r7, c2=c2, c3=c3, knife=knife,
                           mentoring=mentoring)
