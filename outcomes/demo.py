"""Synthetic diversion cases and interventions, so the outcomes pages have history to show.

Invented names and example postcodes only. Everything after the reference data (the programmes)
is written through outcomes.services, with `now` values in the past, so the timelines, audit,
notifications and conditions are exactly what the portal itself would have written.

- Interventions: the partners start work on the accepted allocations of the demo referrals, with
  sessions (attended, did not attend with a reason, cancelled by us), an assessment, a completion,
  a disengagement and a corrected session.
- Diversion cases: the demo police decision maker diverts crimes to YOS Birmingham and YOS Walsall,
  and each case is then played forward to the state named in PLAN.

Idempotent (nothing is added once any diversion case exists) and deterministic for a given day.
"""

import random
from collections import Counter
from datetime import datetime, time, timedelta

from django.utils import timezone

from core import clock
from core.clock import LONDON
from partners.access import acting_for, visible
from referrals.demo import ETHNICITIES, FAMILY, GIVEN
from referrals.models import Allocation, YoungPerson

from . import reference_data, rules, services
from .models import Assessment, Attendance, Condition, DiversionCase, Intervention, Offence, Pathway, Programme

BIRMINGHAM = "YOS Birmingham"
WALSALL = "YOS Walsall"
KNIFE = "Knife crime programme"
CHECKPOINT_SUPPORT = "Checkpoint assessment and support"

# (owner, name, expected sessions)
PROGRAMMES = [
    (BIRMINGHAM, KNIFE, 6), (BIRMINGHAM, CHECKPOINT_SUPPORT, 6),
    (WALSALL, KNIFE, 6), (WALSALL, CHECKPOINT_SUPPORT, 6),
    ("St Giles Trust", "Rescue and Response", 8),
    ("Remedi", "Restorative justice conference", 3),
]
CASEWORKERS = {
    BIRMINGHAM: "caseworker@yos-birmingham.example.org",
    WALSALL: "caseworker@yos-walsall.example.org",
    "St Giles Trust": "caseworker@stgiles.example.org",
    "Remedi": "caseworker@remedi.example.org",
}
DECISION_MAKER = "decisions@police.example.org"
YOS_MANAGER = "manager@yos-birmingham.example.org"  # proposes breaches on YOS Birmingham cases; the system does elsewhere

# (script, lead agency, the status the case ends in, options). Oldest first, so case numbers follow the start dates.
PLAN = [
    ("outcome", BIRMINGHAM, rules.OUTCOME_RECORDED, {"code": 1}),
    ("completed", WALSALL, rules.COMPLETED, {}),
    ("outcome", WALSALL, rules.OUTCOME_RECORDED, {"code": 8}),
    ("completed", BIRMINGHAM, rules.COMPLETED, {}),
    ("completed", BIRMINGHAM, rules.COMPLETED, {}),
    ("re_referred_near", BIRMINGHAM, rules.RETURNED_TO_POLICE, {"received": True}),
    ("re_referred_near", WALSALL, rules.RETURNED_TO_POLICE, {}),
    ("re_referred_near", BIRMINGHAM, rules.RETURNED_TO_POLICE, {}),
    ("closure", WALSALL, rules.CLOSURE_PROPOSED, {}),
    ("closure", BIRMINGHAM, rules.CLOSURE_PROPOSED, {"by_lead": True}),
    ("active", WALSALL, rules.ACTIVE, {}),
    ("re_referred", WALSALL, rules.RETURNED_TO_POLICE, {}),
    ("breach_reoffence", WALSALL, rules.BREACH_PROPOSED, {}),
    ("breach", BIRMINGHAM, rules.BREACH_PROPOSED, {}),
    ("at_risk", WALSALL, rules.AT_RISK, {}),
    ("at_risk", BIRMINGHAM, rules.AT_RISK, {}),
    ("outcome22_assault", WALSALL, rules.ACTIVE, {}),
    ("active", BIRMINGHAM, rules.ACTIVE, {}),
    ("active_new", BIRMINGHAM, rules.ACTIVE, {}),
]

CHECKPOINT_OFFENCES = ["CJA1988-S139", "CJA1988-S139", "PCA1953-S1", "CJA1988-S139A1"]
POSTCODES = {"birmingham": ["B1 1AA", "B12 9ZZ", "B90 3AA", "B66 1AA"], "walsall": ["WS1 1AB", "WS2 8QQ"]}
DNA_REASONS = [
    "Unwell: mum phoned in the morning.",
    "Forgot the appointment; rebooked for next week.",
    "Revision session at school clashed.",
    "Not at home when the worker called to collect them.",
    "Said they were worried about being seen walking to the venue.",
]
CANCELLED = "Facilitator off sick: session rebooked."
MISSED_ASSESSMENT = [
    "Two assessment appointments missed; the family moved address and the new one was only confirmed last week.",
    "Declined to take part in the assessment; says a friend told them it would be shared with police.",
]
MISSED_SESSIONS = "Stopped attending after the third session; not at home on three visits and not answering calls."
CONFIRMED = "Agreed: the contract has not been kept. Returned for a charging decision."
DISENGAGED = "No contact for four weeks despite home visits and letters to the family."
COMPLETED = "Attended the programme to the end; has a plan with the school for the next term."


def _at(day, hour=10, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _weekday(day):
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class _Seeder:
    def __init__(self, orgs, users):
        self.rng = random.Random(2026)
        self.now = timezone.now()
        self.today = clock.today(self.now)
        self.latest = self.today - timedelta(days=1)  # scripted work happens up to yesterday
        self.orgs = orgs
        self.police = acting_for(users[DECISION_MAKER])
        self.manager = acting_for(users[YOS_MANAGER])
        self.caseworkers = {name: acting_for(users[email]) for name, email in CASEWORKERS.items()}
        self.programmes = {}
        for owner, name, sessions in PROGRAMMES:
            programme, _ = Programme.objects.get_or_create(
                owner=orgs[owner], name=name, defaults={"expected_sessions": sessions}
            )
            self.programmes[owner, name] = programme
        reference_data.ensure()
        self.offences = {o.code: o for o in Offence.objects.filter(active=True)}
        self.pathways = {p.code: p for p in Pathway.objects.select_related("closing_outcome")}
        # Young people the police already referred (so the decision maker can find them): some cases link to them.
        self.known = list(
            visible(self.police, YoungPerson.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True))
            .exclude(diversion_cases__isnull=False).order_by("pk")
        )
        self.crime_numbers = set()

    def when(self, day, hour=10, minute=0):
        """An aware datetime on `day`, never later than the real now."""
        return min(_at(day, hour, minute), self.now)

    # --- Interventions from the demo referrals ---------------------------------------------------

    def session_days(self, first, count, last=None):
        last = min(last or self.latest, self.latest)
        days, day = [], _weekday(first)
        while len(days) < count and day <= last:
            days.append(day)
            day = _weekday(day + timedelta(days=7))
        return days

    def record(self, acting, intervention, day, attendance, reason=""):
        if attendance == Attendance.DID_NOT_ATTEND and not reason:
            reason = self.rng.choice(DNA_REASONS)
        if attendance == Attendance.CANCELLED_BY_US and not reason:
            reason = CANCELLED
        return services.record_session(acting, intervention, held_on=day, attendance=attendance, reason=reason,
                                       now=self.when(day, 16, self.rng.randint(0, 59)))

    def referral_interventions(self):
        allocations = (
            Allocation.objects.filter(state=Allocation.State.ACCEPTED, organisation__name__in=list(CASEWORKERS),
                                      referral__young_person__isnull=False)
            .exclude(referral__interventions__isnull=False)
            .select_related("organisation", "referral").order_by("accepted_at", "pk")
        )
        open_fates = ["disengaged", "engaged", "corrected", "offered", "engaged"]
        n_open = 0
        for allocation in allocations:
            if allocation.referral.closed_at is not None:
                fate = "completed"
            else:
                fate = open_fates[n_open % len(open_fates)]
                n_open += 1
            self.referral_intervention(allocation, fate)

    def referral_intervention(self, allocation, fate):
        org = allocation.organisation.name
        acting = self.caseworkers[org]
        owned = [p for (owner, _), p in self.programmes.items() if owner == org]
        programme = next((p for p in owned if p.name == allocation.programme), owned[0])
        allocated = clock.today(allocation.allocated_at)
        started = max(allocated, min(_weekday(clock.today(allocation.accepted_at) + timedelta(days=self.rng.randint(1, 3))),
                                     self.latest))
        intervention = services.start_intervention(acting, allocation, programme=programme, started_on=started,
                                                   planned_sessions=programme.expected_sessions, now=self.when(started, 9))
        if fate == "offered":
            return
        expected = programme.expected_sessions
        first = started + timedelta(days=self.rng.randint(2, 5))
        if fate == "completed":
            last_day = clock.today(allocation.referral.closed_at) if allocation.referral.closed_at else None
            days = self.session_days(first, expected, last_day)
            pattern = [Attendance.ATTENDED] * len(days)
            if len(days) > 3:
                pattern[2] = Attendance.DID_NOT_ATTEND
        elif fate == "disengaged":
            days = self.session_days(first, 4)
            pattern = [Attendance.ATTENDED, Attendance.ATTENDED, Attendance.DID_NOT_ATTEND, Attendance.DID_NOT_ATTEND]
        else:
            days = self.session_days(first, expected - 1)
            pattern = [Attendance.ATTENDED, Attendance.DID_NOT_ATTEND, Attendance.ATTENDED, Attendance.CANCELLED_BY_US,
                       Attendance.ATTENDED, Attendance.ATTENDED, Attendance.ATTENDED]
        if "YOS" in org and days:
            assessed = min(first, self.latest)
            services.record_assessment(acting, intervention, kind=Assessment.Kind.ASSET_PLUS, completed_on=assessed,
                                       now=self.when(assessed, 15))
        sessions = [self.record(acting, intervention, day, attendance) for day, attendance in zip(days, pattern, strict=False)]
        if fate == "corrected":
            wrong = next((s for s in sessions if s.attendance == Attendance.DID_NOT_ATTEND), None)
            if wrong is not None:
                on = min(wrong.held_on + timedelta(days=1), self.latest)
                services.correct_session(
                    acting, wrong, held_on=wrong.held_on, attendance=Attendance.ATTENDED, reason="",
                    correction_reason="Recorded as did not attend in error: they arrived late and stayed for the session.",
                    now=self.when(on, 11),
                )
        if fate == "completed" and days:
            services.complete_intervention(acting, intervention, on=days[-1], note=COMPLETED, now=self.when(days[-1], 17))
        elif fate == "disengaged":
            on = max(min((days[-1] if days else started) + timedelta(days=10), self.latest), started)
            services.disengage(acting, intervention, on=on, note=DISENGAGED, now=self.when(on, 17))

    # --- Diversion cases ----------------------------------------------------------------------------

    def crime_reference(self, offence_date):
        while True:
            number = f"20/{self.rng.randint(100000, 999999):06d}/{offence_date:%y}"
            if number not in self.crime_numbers:
                self.crime_numbers.add(number)
                return number

    def young_person(self, lead, pathway, offence_date, ages):
        """A known young person (referred by the police, of the right age) for about half the cases; otherwise a new one."""
        if lead == BIRMINGHAM and self.rng.random() < 0.6:
            for person in self.known:
                if pathway.min_age <= rules.age_on(person.date_of_birth, offence_date) <= min(pathway.max_age, ages[1]):
                    self.known.remove(person)
                    return {"young_person": person}
        rng = self.rng
        age_days = rng.randint(ages[0] * 365 + 40, ages[1] * 365 + 300)
        area = self.orgs[lead].area or "birmingham"
        return {"person": {
            "given_name": rng.choice(GIVEN), "family_name": rng.choice(FAMILY),
            "date_of_birth": offence_date - timedelta(days=age_days), "sex": rng.choice(["female", "male", "male"]),
            "ethnicity": rng.choice(ETHNICITIES), "postcode": rng.choice(POSTCODES.get(area, POSTCODES["birmingham"])),
            "area": area,
        }}

    def open_case(self, lead, start, *, pathway="checkpoint", offence=None, offence_gap=(2, 21), ages=(12, 17),
                  acknowledge=False, programme=CHECKPOINT_SUPPORT):
        rng = self.rng
        path = self.pathways[pathway]
        offence = self.offences[offence or rng.choice(CHECKPOINT_OFFENCES)]
        offence_date = start - timedelta(days=rng.randint(*offence_gap))
        case = services.start_case(
            self.police, crime_reference=self.crime_reference(offence_date), offence=offence, offence_date=offence_date,
            pathway=path, lead_organisation=self.orgs[lead], start_date=start, now=self.when(start, 9, rng.randint(0, 59)),
            aggravating=False, admission=True, sufficient_evidence=True,
            history=rng.choice([rules.HISTORY_NONE, rules.HISTORY_NONE, rules.HISTORY_MINOR]),
            programme=self.programmes[lead, programme], acknowledge_deadline=acknowledge,
            **self.young_person(lead, path, offence_date, ages),
        )
        intervention = case.interventions.get()
        return case, intervention, self.caseworkers[lead]

    def condition(self, case, kind):
        return Condition.objects.get(case=case, kind=kind)

    def assess(self, acting, intervention, day):
        services.record_assessment(acting, intervention, kind=Assessment.Kind.CHECKPOINT, completed_on=day,
                                   now=self.when(day, 14))

    def start_for_end(self, latest_end, months=4):
        """The latest start date whose contract ends on or before `latest_end`."""
        start = latest_end - timedelta(days=125)
        while rules.contract_end(start + timedelta(days=1), months) <= latest_end:
            start += timedelta(days=1)
        return start

    def at_risk_on_assessment(self, case, acting, intervention):
        """One session early on, no assessment: the day after it was due, the case goes at risk, and the reason is recorded."""
        due = self.condition(case, rules.ASSESSMENT).due_on
        self.record(acting, intervention, _weekday(case.start_date + timedelta(days=3)), Attendance.ATTENDED)
        services.refresh_case(case, today=due + timedelta(days=1), now=self.when(due + timedelta(days=1), 6))
        services.record_missed_reason(acting, self.condition(case, rules.ASSESSMENT), reason=self.rng.choice(MISSED_ASSESSMENT),
                                      now=self.when(due + timedelta(days=2), 11))
        return due

    def sessions_then_missed(self, case, acting, intervention):
        """Assessed, three sessions attended then none: at the contract end the sessions condition is missed."""
        self.assess(acting, intervention, _weekday(case.start_date + timedelta(days=3)))
        days = self.session_days(case.start_date + timedelta(days=7), 5, case.end_date)
        pattern = [Attendance.ATTENDED, Attendance.ATTENDED, Attendance.ATTENDED, Attendance.DID_NOT_ATTEND,
                   Attendance.DID_NOT_ATTEND]
        for day, attendance in zip(days, pattern, strict=False):
            self.record(acting, intervention, day, attendance)
        on = min(days[-1] + timedelta(days=21), case.end_date)
        services.disengage(acting, intervention, on=on, note=DISENGAGED, now=self.when(on, 17))
        end = case.end_date
        services.refresh_case(case, today=end + timedelta(days=1), now=self.when(end + timedelta(days=1), 6))
        services.record_missed_reason(acting, self.condition(case, rules.SESSIONS), reason=MISSED_SESSIONS,
                                      now=self.when(end + timedelta(days=2), 11))
        return end

    def propose_breach(self, case, lead, day, reason):
        proposer = self.manager if lead == BIRMINGHAM else None  # elsewhere the daily sweep proposed it
        services.propose_breach(proposer, case, reason=reason, now=self.when(day, 8 if proposer is None else 12))

    def re_refer(self, case, lead, proposed_on, confirmed_on, reason):
        self.propose_breach(case, lead, proposed_on, reason)
        services.confirm_breach(self.police, case, reason=CONFIRMED, now=self.when(confirmed_on, 15))

    def all_met(self, case, acting, intervention):
        """Assessed in time and every session attended (with one missed and one we cancelled along the way)."""
        self.assess(acting, intervention, _weekday(case.start_date + timedelta(days=self.rng.randint(2, 6))))
        days = self.session_days(case.start_date + timedelta(days=7), 8, case.end_date - timedelta(days=1))
        pattern = [Attendance.ATTENDED, Attendance.ATTENDED, Attendance.DID_NOT_ATTEND, Attendance.ATTENDED,
                   Attendance.CANCELLED_BY_US, Attendance.ATTENDED, Attendance.ATTENDED, Attendance.ATTENDED]
        for day, attendance in zip(days, pattern, strict=False):
            self.record(acting, intervention, day, attendance)
        services.complete_intervention(acting, intervention, on=days[-1], note=COMPLETED, now=self.when(days[-1], 17))

    # One method per PLAN script; each returns the case.

    def active(self, lead, **_):
        start = _weekday(self.today - timedelta(days=self.rng.randint(21, 60)))
        case, intervention, acting = self.open_case(lead, start)
        self.assess(acting, intervention, _weekday(start + timedelta(days=self.rng.randint(2, 6))))
        days = self.session_days(start + timedelta(days=7), 5)
        pattern = [Attendance.ATTENDED, Attendance.ATTENDED, Attendance.DID_NOT_ATTEND, Attendance.ATTENDED,
                   Attendance.ATTENDED]
        for day, attendance in zip(days, pattern, strict=False):
            self.record(acting, intervention, day, attendance)
        return case

    def active_new(self, lead, **_):
        """Started this week: the intervention is offered and the assessment is not due yet."""
        start = self.today - timedelta(days=self.rng.randint(1, 3))
        case, _, _ = self.open_case(lead, start)
        return case

    def outcome22_assault(self, lead, **_):
        """Common assault (summary only) three months old: the contract ends after the return-to-police deadline, acknowledged."""
        start = _weekday(self.today - timedelta(days=self.rng.randint(20, 35)))
        case, intervention, acting = self.open_case(lead, start, pathway="outcome22", offence="CJA1988-S39",
                                                    offence_gap=(70, 85), ages=(15, 19), acknowledge=True, programme=KNIFE)
        for day in self.session_days(start + timedelta(days=5), 2):
            self.record(acting, intervention, day, Attendance.ATTENDED)
        return case

    def at_risk(self, lead, **_):
        start = _weekday(self.today - timedelta(days=self.rng.randint(30, 45)))
        case, intervention, acting = self.open_case(lead, start)
        due = self.at_risk_on_assessment(case, acting, intervention)
        later = _weekday(due + timedelta(days=4))
        if later <= self.latest:
            self.record(acting, intervention, later, Attendance.ATTENDED)
        return case

    def breach(self, lead, **_):
        start = _weekday(self.today - timedelta(days=self.rng.randint(32, 45)))
        case, intervention, acting = self.open_case(lead, start)
        due = self.at_risk_on_assessment(case, acting, intervention)
        self.propose_breach(case, lead, due + timedelta(days=5), "The Checkpoint assessment was not completed in time.")
        return case

    def breach_reoffence(self, lead, **_):
        start = _weekday(self.today - timedelta(days=self.rng.randint(40, 55)))
        case, intervention, acting = self.open_case(lead, start)
        self.assess(acting, intervention, _weekday(start + timedelta(days=3)))
        for day in self.session_days(start + timedelta(days=7), 2):
            self.record(acting, intervention, day, Attendance.ATTENDED)
        arrested = start + timedelta(days=28)
        services.record_reoffence(self.police, case, offence_date=arrested - timedelta(days=2),
                                  crime_reference=self.crime_reference(arrested), now=self.when(arrested, 13))
        self.propose_breach(case, lead, arrested + timedelta(days=1), "A further offence was recorded during the contract.")
        return case

    def re_referred(self, lead, **_):
        start = _weekday(self.today - timedelta(days=self.rng.randint(42, 60)))
        case, intervention, acting = self.open_case(lead, start)
        due = self.at_risk_on_assessment(case, acting, intervention)
        self.re_refer(case, lead, due + timedelta(days=4), due + timedelta(days=8),
                      "The Checkpoint assessment was not completed and the family has not responded to letters.")
        return case

    def re_referred_near(self, lead, received=False, **_):
        """Returned to police after missing the sessions, with the policy deadline (contract end + 28 days) a few days off."""
        days_left = self.rng.randint(1, 6)
        start = self.start_for_end(self.today + timedelta(days=days_left - rules.POLICY_DAYS_AFTER_CONTRACT))
        case, intervention, acting = self.open_case(lead, start)
        end = self.sessions_then_missed(case, acting, intervention)
        self.re_refer(case, lead, end + timedelta(days=3), end + timedelta(days=6), MISSED_SESSIONS)
        if received:
            services.receive_return(self.police, case, now=self.when(end + timedelta(days=8), 10))
        return case

    def outcome(self, lead, code, **_):
        start = self.start_for_end(self.today - timedelta(days=self.rng.randint(45, 90)))
        case, intervention, acting = self.open_case(lead, start)
        end = self.sessions_then_missed(case, acting, intervention)
        self.re_refer(case, lead, end + timedelta(days=3), end + timedelta(days=6), MISSED_SESSIONS)
        services.receive_return(self.police, case, now=self.when(end + timedelta(days=8), 10))
        notes = {1: "Charged; first appearance at the youth court listed.",
                 8: "Community resolution agreed with the victim's support."}.get(code, "")
        services.record_police_outcome(self.police, case, outcome_code=code, notes=notes,
                                       now=self.when(end + timedelta(days=self.rng.randint(14, 21)), 16))
        return case

    def closure(self, lead, by_lead=False, **_):
        start = self.start_for_end(self.today - timedelta(days=self.rng.randint(2, 6)))
        case, intervention, acting = self.open_case(lead, start)
        self.all_met(case, acting, intervention)
        day = case.end_date + timedelta(days=1)
        services.propose_closure(case, acting=acting if by_lead else None, now=self.when(day, 11 if by_lead else 6))
        return case

    def completed(self, lead, **_):
        start = self.start_for_end(self.today - timedelta(days=self.rng.randint(15, 120)))
        case, intervention, acting = self.open_case(lead, start)
        self.all_met(case, acting, intervention)
        day = case.end_date + timedelta(days=1)
        services.propose_closure(case, now=self.when(day, 6))
        services.close_case(self.police, case, outcome_code=22, now=self.when(day + timedelta(days=self.rng.randint(1, 6)), 14))
        return case


def seed_outcomes(orgs, users):
    """Programmes, interventions and diversion cases; returns (cases added, interventions added). Idempotent."""
    if DiversionCase.objects.exists():
        return 0, 0
    interventions_before = Intervention.objects.count()
    seeder = _Seeder(orgs, users)
    seeder.referral_interventions()
    cases = [getattr(seeder, script)(lead, **options) for script, lead, _status, options in PLAN]
    # What the daily sweep would do this morning: conditions as they stand today.
    for case in cases:
        services.refresh_case(case, today=seeder.today, now=seeder.now)
    return len(cases), Intervention.objects.count() - interventions_before


def expected_statuses():
    """How many cases PLAN leaves in each status (for the tests)."""
    return Counter(status for _script, _lead, status, _options in PLAN)
