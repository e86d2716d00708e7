"""Eighteen months of synthetic history, so the demo's figures have trends to show, and demo population figures.

The referrals and cases of referrals/demo.py and outcomes/demo.py are few and recent, made through the
services so each tells a story. The figures need volume instead: about 900 referrals over 18 months
with their decisions, allocations, hand-backs, interventions and sessions, and about 120 diversion cases
that ran their course. These are written in bulk (a few seconds), deterministic for a given day, with
invented names only, and consistent with what the services would have written: statuses, deadlines from
the rules, timeline events, object permissions for the partners that took the work. Everything here is in
the past and finished, except interventions still running from the last few weeks, so no scheduled job
finds anything to chase.

Idempotent: nothing is added once the history's diversion cases exist (their crime references start
with HISTORY_PREFIX). The population figures are synthetic too (loaded here, not by a migration, so that
invented numbers never reach a real installation); shaped like the ONS 2021 census for the West Midlands.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import clock
from outcomes import reference_data
from outcomes import rules as outcome_rules
from outcomes.models import (
    CaseEvent,
    Condition,
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
from partners.models import Area
from referrals import rules as referral_rules
from referrals import search
from referrals.demo import ACCOUNTS, FAMILY, GIVEN
from referrals.models import (
    Allocation,
    Ethnicity,
    ReferenceCounter,
    Referral,
    ReferralConcern,
    ReferralEvent,
    YoungPerson,
)

from . import rules
from .models import AreaPopulation

EK = CaseEvent.Kind

HISTORY_PREFIX = "20/H"
MONTHS = 18
LONDON = rules.LONDON
K = ReferralEvent.Kind

# --- Population (synthetic, census-shaped) --------------------------------------------------------------

POPULATION_SOURCE = "Synthetic demo figures shaped like ONS Census 2021 (not real)"
POPULATION_YEAR = 2021
# People aged 10 to 24, and the share of each broad group (Asian, Black, Mixed, White, Other).
AREA_PEOPLE = {
    Area.BIRMINGHAM: (243_000, (0.36, 0.13, 0.09, 0.38, 0.04)),
    Area.COVENTRY: (88_000, (0.20, 0.10, 0.06, 0.60, 0.04)),
    Area.DUDLEY: (55_000, (0.11, 0.03, 0.05, 0.80, 0.01)),
    Area.SANDWELL: (62_000, (0.28, 0.11, 0.08, 0.50, 0.03)),
    Area.SOLIHULL: (37_000, (0.11, 0.03, 0.05, 0.80, 0.01)),
    Area.WALSALL: (52_000, (0.24, 0.05, 0.05, 0.64, 0.02)),
    Area.WOLVERHAMPTON: (50_000, (0.25, 0.11, 0.09, 0.52, 0.03)),
}
BROAD = ("asian", "black", "mixed", "white", "other")
# Within each broad group, how its people divide between the detailed groups.
DETAILED = {
    "asian": {"asian_pakistani": 0.45, "asian_indian": 0.25, "asian_bangladeshi": 0.12, "asian_chinese": 0.05,
              "asian_other": 0.13},
    "black": {"black_african": 0.45, "black_caribbean": 0.38, "black_other": 0.17},
    "mixed": {"mixed_white_black_caribbean": 0.45, "mixed_white_asian": 0.25, "mixed_white_black_african": 0.1,
              "mixed_other": 0.2},
    "white": {"white_british": 0.88, "white_irish": 0.01, "white_gypsy": 0.01, "white_roma": 0.02, "white_other": 0.08},
    "other": {"other_arab": 0.4, "other_any": 0.6},
}
# Share of the 10 to 24s in each age band (by the band's years, a little more at university ages in Coventry is ignored).
BAND_SHARE = {"10_13": 0.27, "14_15": 0.135, "16_17": 0.13, "18_20": 0.2, "21_24": 0.265}


def seed_population() -> int:
    """The demo population figures, once. Returns how many rows were added."""
    if AreaPopulation.objects.exists():
        return 0
    rows = []
    for area, (people, shares) in AREA_PEOPLE.items():
        for broad, share in zip(BROAD, shares, strict=True):
            for ethnicity, part in DETAILED[broad].items():
                for key, _label, low, high in rules.AGE_BANDS:
                    rows.append(AreaPopulation(area=area, ethnicity=ethnicity, age_from=low, age_to=high,
                                               year=POPULATION_YEAR, count=round(people * share * part * BAND_SHARE[key]),
                                               source=POPULATION_SOURCE))
    AreaPopulation.objects.bulk_create(rows)
    return len(rows)


# --- The history -------------------------------------------------------------------------------------------

AREA_WEIGHTS = {Area.BIRMINGHAM: 42, Area.COVENTRY: 12, Area.DUDLEY: 8, Area.SANDWELL: 11, Area.SOLIHULL: 6,
                Area.WALSALL: 10, Area.WOLVERHAMPTON: 11}
POSTCODES = {Area.BIRMINGHAM: ["B1 1AA", "B12 9ZZ", "B31 2AB"], Area.COVENTRY: ["CV1 2AB"], Area.DUDLEY: ["DY1 1AA"],
             Area.SANDWELL: ["B66 1AA"], Area.SOLIHULL: ["B90 3AA"], Area.WALSALL: ["WS1 1AB", "WS2 8QQ"],
             Area.WOLVERHAMPTON: ["WV1 1AA"]}
# How much more (or less) often each group is referred than its share of the population: the pattern the
# disproportionality figures exist to show.
REFERRAL_LIKELIHOOD = {"asian": 0.8, "black": 2.2, "mixed": 1.7, "white": 0.9, "other": 1.0}
DECLINE_LIKELIHOOD = {"asian": 1.0, "black": 1.3, "mixed": 1.15, "white": 1.0, "other": 1.0}
CONCERN_WEIGHTS = {"weapon": 22, "victim": 18, "gang": 12, "exploitation": 14, "cse": 3, "online": 9, "exclusion": 10,
                   "missing": 6, "domestic_abuse": 4, "substance": 5, "other": 2}
AGE_WEIGHTS = {"10_13": 18, "14_15": 31, "16_17": 29, "18_20": 14, "21_24": 8}
# A month's referrals, relative to the trend: fewer in the summer holiday and at Christmas.
SEASON = {1: 1.0, 2: 1.05, 3: 1.1, 4: 0.95, 5: 1.05, 6: 1.05, 7: 0.9, 8: 0.6, 9: 1.1, 10: 1.15, 11: 1.1, 12: 0.8}
PROGRAMMES = {"YOS Birmingham": "Knife crime programme", "YOS Walsall": "Knife crime programme",
              "St Giles Trust": "Rescue and Response", "Remedi": "Restorative justice conference"}
CASEWORKERS = {"YOS Birmingham": "caseworker@yos-birmingham.example.org", "YOS Walsall": "caseworker@yos-walsall.example.org",
               "St Giles Trust": "caseworker@stgiles.example.org", "Remedi": "caseworker@remedi.example.org"}
VRU = "West Midlands Violence Reduction Unit"
DNA = "Did not attend: not at home when the worker called."


def _pick(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _weekday_at(rng, day: date, out_of_hours=0.1) -> datetime:
    while day.weekday() >= 5 and rng.random() > out_of_hours:
        day += timedelta(days=1)
    if rng.random() < out_of_hours:
        clock = time(rng.choice([7, 18, 19, 20, 21]), rng.randint(0, 59))
    else:
        clock = time(rng.randint(8, 16), rng.randint(0, 59))
    return datetime.combine(day, clock, tzinfo=LONDON)


class _History:
    def __init__(self, orgs, users, now):
        self.rng = random.Random(2024)
        self.orgs, self.users, self.now = orgs, users, now
        self.yesterday = clock.today(now) - timedelta(days=1)
        self.triager = users["triager@vru.example.org"]
        self.people, self.referrals, self.concerns, self.events = [], [], [], []
        self.allocations, self.interventions, self.sessions = [], [], []
        self.people_by_area = {}
        self.programmes = {
            name: Programme.objects.get_or_create(owner=orgs[name], name=programme, defaults={"expected_sessions": 6})[0]
            for name, programme in PROGRAMMES.items()
        }
        self.population = {area: shares for area, (_people, shares) in AREA_PEOPLE.items()}

    # --- Who is referred, by whom ------------------------------------------------------------------------

    def referrer(self):
        rng, orgs, users = self.rng, self.orgs, self.users
        source = _pick(rng, {"school": 34, "police": 24, "ftrm": 10, "custody": 8, "hospital": 8, "yos": 6,
                             "local_authority": 6, "self_family": 4})
        if source == "school":
            name, email = rng.choice([("Northfield Park Academy", "dsl@northfield.example.sch.uk"),
                                      ("Riverside High School", "dsl@riverside.example.sch.uk"),
                                      ("Canal Side College", "dsl@canalside.example.ac.uk")])
            return source, orgs[name], users[email], orgs[name].area
        if source == "police":
            org = orgs[rng.choice(["West Midlands Police – Birmingham West NPU", "West Midlands Police – Walsall NPU"])]
            return source, org, users["referrer@police.example.org"], org.area
        if source == "custody":
            return source, orgs["St Giles Trust"], users["caseworker@stgiles.example.org"], None
        if source == "yos":
            name = rng.choice(["YOS Birmingham", "YOS Walsall"])
            return source, orgs[name], users[CASEWORKERS[name]], orgs[name].area
        return source, orgs[VRU], self.triager, None

    def ethnicity(self, area):
        weights = {g: s * REFERRAL_LIKELIHOOD[g] for g, s in zip(BROAD, self.population[area], strict=True)}
        if self.rng.random() < 0.04:
            return Ethnicity.NOT_STATED
        return _pick(self.rng, DETAILED[_pick(self.rng, weights)])

    def person(self, area, received: date, school):
        rng = self.rng
        band = _pick(rng, AGE_WEIGHTS)
        low, high = next((lo, hi) for key, _label, lo, hi in rules.AGE_BANDS if key == band)
        dob = received - timedelta(days=rng.randint(low * 365 + 2, high * 365 + 360))
        person = YoungPerson(given_name=rng.choice(GIVEN), family_name=rng.choice(FAMILY), date_of_birth=dob,
                             sex=rng.choices(["male", "female", "not_known"], weights=[68, 31, 1])[0],
                             ethnicity=self.ethnicity(area), postcode=rng.choice(POSTCODES[area]), area=area,
                             school=school, created_at=rules.midnight(received))
        self.people.append(person)
        self.people_by_area.setdefault(area, []).append((received, person))
        return person

    def known_person(self, area, received: date):
        """Someone referred in the last year, for about one referral in eight: the re-referrals."""
        recent = [p for when, p in self.people_by_area.get(area, []) if received - timedelta(days=365) < when < received]
        return self.rng.choice(recent) if recent and self.rng.random() < 0.12 else None

    # --- One referral from arrival to its end --------------------------------------------------------------

    def event(self, referral, kind, at, summary="", *, actor=None, organisation=None, shared=False, detail=None):
        self.events.append(ReferralEvent(referral=referral, kind=kind, at=at, actor=actor or self.triager,
                                         organisation=organisation or self.orgs[VRU], summary=summary,
                                         shared_with_referrer=shared, detail=detail or {}))

    def decided_at(self, received, urgent, deadline):
        rng = self.rng
        if urgent:
            return received + timedelta(hours=rng.uniform(0.3, 3.6) if rng.random() < 0.9 else rng.uniform(4.5, 10))
        if rng.random() < 0.86:
            room = (deadline - received).total_seconds()
            return received + timedelta(seconds=room * rng.uniform(0.05, 0.95))
        return deadline + timedelta(hours=rng.uniform(1, 60))

    def referral(self, received: datetime):
        rng = self.rng
        source, org, user, area = self.referrer()
        area = area or _pick(rng, AREA_WEIGHTS)
        day = clock.today(received)
        person = self.known_person(area, day) or self.person(area, day, org if source == "school" else None)
        urgent = rng.random() < 0.07
        deadline = referral_rules.triage_deadline(received, urgent)
        r = Referral(
            status="submitted", referring_organisation=org, created_by=user, created_at=received - timedelta(minutes=25),
            source=source, young_person=person, given_name=person.given_name, family_name=person.family_name,
            date_of_birth=person.date_of_birth, sex=person.sex, ethnicity=person.ethnicity, postcode=person.postcode,
            area=area, account=rng.choice(ACCOUNTS), urgent=urgent,
            urgency_reason="Threats of retaliation expected tonight." if urgent else "",
            lawful_basis=rng.choice(["public_task", "public_task", "legitimate_interests"]),
            informed=rng.choice(["young_person", "parent"]), received_at=received, triage_deadline=deadline,
        )
        self.referrals.append(r)
        for concern in set(rng.choices(list(CONCERN_WEIGHTS), weights=list(CONCERN_WEIGHTS.values()), k=rng.randint(1, 3))):
            self.concerns.append(ReferralConcern(referral=r, concern=concern))
        self.event(r, K.SUBMITTED, received, "Submitted", actor=user, organisation=org, shared=True)
        at = self.decided_at(received, urgent, deadline)
        r.first_decided_at = at
        if rng.random() < 0.08:  # a question first; the answer brings it back to the queue
            self.event(r, K.INFO_REQUESTED, at, "Which year group are they in, and who is the lead adult at home?", shared=True)
            answered = at + timedelta(hours=rng.uniform(3, 70))
            self.event(r, K.INFO_ANSWERED, answered, "Year 10. Their aunt is the main carer.", actor=user, organisation=org,
                       shared=True)
            r.returned_at, r.triage_deadline = answered, referral_rules.triage_deadline(answered, urgent)
            at = answered + timedelta(hours=rng.uniform(1, 20))
        group = rules.broad_group(person.ethnicity) or "other"
        decline = 0.17 * DECLINE_LIKELIHOOD[group]
        fate = rng.choices(["allocate", "signpost", "decline"], weights=[0.55, 0.28, decline])[0]
        r.rag = rng.choices(["red", "amber", "green"], weights=[2, 5, 3])[0]
        if fate == "allocate":
            self.allocate(r, at, area)
        elif fate == "signpost":
            self.close_with(r, "signposted", "signpost", at, K.SIGNPOSTED, "Signposted to the local youth offer",
                            {"to": "Local youth offer"})
        else:
            self.close_with(r, "declined", "decline", at, K.DECLINED, "Declined: Already supported by another service.",
                            {"reason_code": "already_supported"})

    def close_with(self, r, status, decision, at, kind, summary, detail):
        r.status, r.decision, r.decided_at, r.closed_at = status, decision, at, at
        self.event(r, kind, at, summary, shared=True, detail=detail)

    def partner_for(self, area, exclude=None):
        names = ["St Giles Trust", "Remedi"]
        if area == Area.BIRMINGHAM:
            names += ["YOS Birmingham"] * 2
        if area == Area.WALSALL:
            names += ["YOS Walsall"] * 2
        return self.rng.choice([n for n in names if n != exclude] or ["St Giles Trust"])

    def allocate(self, r, at, area, exclude=None):
        rng = self.rng
        name = self.partner_for(area, exclude)
        org = self.orgs[name]
        a = Allocation(referral=r, organisation=org, programme=PROGRAMMES[name], allocated_by=self.triager, allocated_at=at,
                       accept_due=referral_rules.accept_due(at, r.rag))
        self.allocations.append(a)
        r.status, r.decision, r.decided_at = "allocated", "allocate", at
        self.event(r, K.ALLOCATED, at, f"Allocated to {name}: {a.programme}", shared=True)
        worker = self.users[CASEWORKERS[name]]
        answered = at + timedelta(hours=rng.uniform(2, 30))
        if exclude is None and rng.random() < 0.08:  # handed back once, then allocated elsewhere
            a.state, a.handed_back_at = Allocation.State.HANDED_BACK, answered
            a.hand_back_reason = "At capacity this month: no mentor free in the young person's area."
            self.event(r, K.HANDED_BACK, answered, a.hand_back_reason, actor=worker, organisation=org)
            r.returned_at, r.triage_deadline = answered, referral_rules.triage_deadline(answered, r.urgent)
            r.decision = ""
            return self.allocate(r, answered + timedelta(hours=rng.uniform(1, 18)), area, exclude=name)
        a.state, a.accepted_at, a.accepted_by = Allocation.State.ACCEPTED, answered, worker
        a.first_contact_due = referral_rules.first_contact_due(answered, r.rag)
        contact = clock.today(answered) + timedelta(days=rng.randint(0, 3))
        a.first_contact_at = contact if contact <= self.yesterday else None
        self.event(r, K.ACCEPTED, answered, f"Accepted by {name}", actor=worker, organisation=org, shared=True)
        self.intervention(r, org, name, clock.today(answered))

    def intervention(self, r, org, name, accepted: date):
        rng = self.rng
        started = accepted + timedelta(days=rng.randint(1, 6))
        if started > self.yesterday:
            return
        programme = self.programmes[name]
        i = Intervention(young_person=r.young_person, referral=r, organisation=org, programme=programme,
                         status="offered", started_on=started, created_at=rules.midnight(started))
        self.interventions.append(i)
        fate = rng.choices(["completed", "disengaged", "never", "withdrawn"], weights=[60, 22, 12, 6])[0]
        planned = {"completed": programme.expected_sessions, "disengaged": rng.randint(3, 5), "never": 2,
                   "withdrawn": rng.randint(1, 3)}[fate]
        worker = self.users[CASEWORKERS[name]]
        day, attended, held = started + timedelta(days=3), 0, 0
        while held < planned and day <= self.yesterday:
            missed = fate == "never" or (fate == "disengaged" and held >= 2) or (
                fate == "completed" and held == 2 and rng.random() < 0.3)
            self.sessions.append(Session(intervention=i, held_on=day, attendance="did_not_attend" if missed else "attended",
                                         reason=DNA if missed else "", recorded_by=worker,
                                         recorded_at=rules.midnight(day) + timedelta(hours=17)))
            attended += not missed
            held += 1
            day += timedelta(days=7)
        if attended:
            i.status = "engaged"
        if held < planned:
            return  # still running
        last = day - timedelta(days=7)
        ended = last if fate == "completed" else min(last + timedelta(days=14), self.yesterday)
        i.status, i.ended_on = {"completed": "completed", "withdrawn": "withdrawn"}.get(fate, "disengaged"), ended
        if fate != "completed":
            i.end_reason = "No contact for four weeks despite home visits and letters to the family."
        closed = rules.midnight(ended + timedelta(days=rng.randint(2, 10))) + timedelta(hours=11)
        if closed < self.now:
            r.status, r.closed_at = "closed", closed
            self.event(r, K.CLOSED, closed, "Programme ended.", shared=True)

    # --- Diversion cases that ran their course ---------------------------------------------------------------

    def cases(self, start: date, last_start: date):
        rng = self.rng
        police = self.users["decisions@police.example.org"]
        manager = self.users["manager@yos-birmingham.example.org"]
        offences = {o.code: o for o in Offence.objects.all()}
        pathways = {p.code: p for p in Pathway.objects.all()}
        codes = {o.code: o for o in OutcomeCode.objects.filter(code__in=[1, 8, 17, 21, 22])}
        cases, conditions, events, outcomes, returns = [], [], [], [], []
        day, n = start, 0
        while day <= last_start:
            n += 1
            code = "checkpoint" if rng.random() < 0.6 else "outcome22"
            pathway = pathways[code]
            area = rng.choices([Area.BIRMINGHAM, Area.WALSALL], weights=[7, 3])[0]
            lead = self.orgs["YOS Birmingham" if area == Area.BIRMINGHAM else "YOS Walsall"]
            force = self.orgs["West Midlands Police – Birmingham West NPU" if area == Area.BIRMINGHAM
                              else "West Midlands Police – Walsall NPU"]
            offence = offences[rng.choice(["CJA1988-S139", "CJA1988-S139", "PCA1953-S1"] if code == "checkpoint"
                                          else ["CJA1988-S39", "PHA1997-S2", "OAPA1861-S47", "POA1986-S4"])]
            offence_date = day - timedelta(days=rng.randint(2, 30))
            person = self.person(area, offence_date, None)
            lowest, highest = pathway.min_age, min(pathway.max_age, 20)
            person.date_of_birth = offence_date - timedelta(days=rng.randint(lowest * 365 + 10, highest * 365 + 300))
            end = outcome_rules.contract_end(day, pathway.contract_months)
            deadline = outcome_rules.return_deadline(offence_date, offence.mode_of_trial, end)
            case = DiversionCase(
                crime_reference=f"{HISTORY_PREFIX}{n:05d}/{offence_date:%y}", offence=offence, offence_date=offence_date,
                young_person=person, pathway=pathway, lead_organisation=lead, police_organisation=force, decision_maker=police,
                admission=True, sufficient_evidence=True, history=rng.choice(["none", "none", "minor_non_violent"]),
                start_date=day, contract_months=pathway.contract_months, end_date=end, return_deadline=deadline,
                deadline_acknowledged=end > deadline, created_at=rules.midnight(day) + timedelta(hours=10),
            )
            cases.append(case)
            started = rules.midnight(day) + timedelta(hours=10)
            events.append(CaseEvent(case=case, kind=EK.STARTED, at=started, actor=police, organisation=force,
                                    summary=f"{pathway.name} case started"))
            template = outcome_rules.condition_template(code, day, end, pathway.sessions)
            failed = rng.random() < 0.32
            reoffended = failed and rng.random() < 0.3
            programme = self.programmes["YOS Birmingham" if lead.name == "YOS Birmingham" else "YOS Walsall"]
            intervention = Intervention(young_person=person, case=case, organisation=lead, programme=programme,
                                        status="completed", started_on=day, created_at=started)
            self.interventions.append(intervention)
            worker = self.users[CASEWORKERS[lead.name]]
            attended_days = [day + timedelta(days=7 * (k + 1)) for k in range(pathway.sessions if not failed else 2)]
            for held in attended_days:
                self.sessions.append(Session(intervention=intervention, held_on=held, attendance="attended", recorded_by=worker,
                                             recorded_at=rules.midnight(held) + timedelta(hours=16)))
            for position, c in enumerate(template):
                status = "met"
                if failed and c["kind"] == outcome_rules.SESSIONS:
                    status = "missed"
                if reoffended and c["kind"] == outcome_rules.NO_REOFFENDING:
                    status = "missed"
                progress = len(attended_days) if c["kind"] == outcome_rules.SESSIONS else int(status == "met")
                reason = "Stopped attending after the second session." if status == "missed" else ""
                conditions.append(Condition(case=case, position=position, status=status, progress=progress,
                                            met_on=c["due_on"] if status == "met" else None, missed_reason=reason, **c))
            if rng.random() < 0.1 and not failed:  # a wobble: breach proposed, then a further chance
                wobble = rules.midnight(day + timedelta(days=40)) + timedelta(hours=8)
                events += [CaseEvent(case=case, kind=EK.BREACH_PROPOSED, at=wobble, summary="Breach proposed by the system"),
                           CaseEvent(case=case, kind=EK.FURTHER_CHANCE, at=wobble + timedelta(days=2), actor=manager,
                                     organisation=lead, summary="Further chance: sessions rebooked.")]
            if not failed:
                closed = rules.midnight(end + timedelta(days=rng.randint(2, 7))) + timedelta(hours=14)
                case.status, case.closed_at = "completed", closed
                intervention.ended_on = end - timedelta(days=1)
                events += [CaseEvent(case=case, kind=EK.CLOSURE_PROPOSED, at=rules.midnight(end + timedelta(days=1)) +
                                     timedelta(hours=6), summary="Every condition met at the contract end"),
                           CaseEvent(case=case, kind=EK.CLOSED, at=closed, actor=police, organisation=force,
                                     summary="Completed and closed: Outcome 22", detail={"outcome": 22})]
                outcomes.append(PoliceOutcome(case=case, outcome=codes[22], recorded_by=police, recorded_at=closed))
            else:
                intervention.status, intervention.ended_on = "disengaged", attended_days[-1] + timedelta(days=21)
                intervention.end_reason = "No contact for four weeks despite home visits and letters to the family."
                if reoffended:
                    events.append(CaseEvent(case=case, kind=EK.REOFFENCE, at=rules.midnight(day + timedelta(days=35)) +
                                            timedelta(hours=13), actor=police, organisation=force, summary="Further offence"))
                proposed = rules.midnight(min(day + timedelta(days=rng.randint(45, 100)), end)) + timedelta(hours=8)
                confirmed = proposed + timedelta(days=rng.randint(2, 6), hours=7)
                late = rng.random() < 0.15 or clock.today(confirmed) > deadline
                if late:
                    received = rules.midnight(deadline + timedelta(days=rng.randint(2, 20))) + timedelta(hours=10)
                else:
                    received = min(confirmed + timedelta(days=rng.randint(1, 4)), rules.midnight(deadline) + timedelta(hours=9))
                received = max(received, confirmed + timedelta(hours=1))
                proposer = manager if lead.name == "YOS Birmingham" else None  # elsewhere the daily sweep proposed it
                case.status, case.breach_proposed_by, case.breach_proposed_at = "outcome_recorded", proposer, proposed
                if clock.today(received) > deadline:
                    case.deadline_missed_on = deadline + timedelta(days=1)
                outcome = (17 if case.deadline_missed_on and offence.mode_of_trial == "summary"
                           else rng.choices([1, 8, 21], weights=[55, 25, 20])[0])
                recorded = received + timedelta(days=rng.randint(5, 25))
                case.closed_at = recorded
                returns.append(ReturnToPolice(case=case, returned_at=confirmed, confirmed_by=police,
                                               reason="The contract has not been kept.", deadline=deadline,
                                               received_at=received, received_by=police))
                outcomes.append(PoliceOutcome(case=case, outcome=codes[outcome], recorded_by=police, recorded_at=recorded))
                events += [
                    CaseEvent(case=case, kind=EK.BREACH_PROPOSED, at=proposed, actor=proposer,
                              organisation=lead if proposer else None, summary="Breach proposed: sessions missed"),
                    CaseEvent(case=case, kind=EK.RETURNED_TO_POLICE, at=confirmed, actor=police, organisation=force,
                              summary="Breach confirmed and returned to police"),
                    CaseEvent(case=case, kind=EK.RECEIVED_BY_POLICE, at=received, actor=police, organisation=force,
                              summary="Re-referral received by police"),
                    CaseEvent(case=case, kind=EK.POLICE_OUTCOME, at=recorded, actor=police, organisation=force,
                              summary=f"Police outcome recorded: {outcome}", detail={"outcome": outcome}),
                ]
            day += timedelta(days=rng.randint(1, 5))
        return cases, conditions, events, outcomes, returns

    # --- Writing it all ------------------------------------------------------------------------------------------

    def references(self):
        """Numbers from each year's counter, as submission takes them, so later referrals never repeat one."""
        by_year = {}
        for r in sorted(self.referrals, key=lambda r: r.received_at):
            by_year.setdefault(r.received_at.astimezone(LONDON).year, []).append(r)
        for year, referrals in by_year.items():
            ReferenceCounter.objects.get_or_create(year=year)
            counter = ReferenceCounter.objects.select_for_update().get(pk=year)
            first = counter.last_number + 1
            ReferenceCounter.objects.filter(pk=year).update(last_number=F("last_number") + len(referrals))
            for n, r in enumerate(referrals, start=first):
                r.reference = f"VRU-{year}-{n:06d}"

    def save(self, cases):
        cases, conditions, case_events, outcomes, returns = cases
        batch = 1000
        YoungPerson.objects.bulk_create(self.people, batch_size=batch)
        search.index_names(self.people)
        self.references()
        for r in self.referrals:
            r.young_person_id = r.young_person.pk
        Referral.objects.bulk_create(self.referrals, batch_size=batch)
        earlier = {}
        flagged = []
        for r in sorted(self.referrals, key=lambda r: r.received_at):
            before = earlier.get(r.young_person_id)
            if before is not None and before.closed_at and before.closed_at <= r.received_at and \
                    referral_rules.is_re_referral(clock.today(before.closed_at),
                                                  clock.today(r.received_at)):
                r.is_re_referral, r.previous_referral = True, before
                flagged.append(r)
            earlier[r.young_person_id] = r
        Referral.objects.bulk_update(flagged, ["is_re_referral", "previous_referral"], batch_size=batch)
        for rows in (self.concerns, self.events, self.allocations):
            for row in rows:
                row.referral_id = row.referral.pk
        ReferralConcern.objects.bulk_create(self.concerns, batch_size=batch)
        ReferralEvent.objects.bulk_create(self.events, batch_size=batch)
        Allocation.objects.bulk_create(self.allocations, batch_size=batch)
        for case in cases:
            case.young_person_id = case.young_person.pk
        DiversionCase.objects.bulk_create(cases, batch_size=batch)
        for rows in (conditions, case_events, outcomes, returns):
            for row in rows:
                row.case_id = row.case.pk
        Condition.objects.bulk_create(conditions, batch_size=batch)
        CaseEvent.objects.bulk_create(case_events, batch_size=batch)
        PoliceOutcome.objects.bulk_create(outcomes, batch_size=batch)
        ReturnToPolice.objects.bulk_create(returns, batch_size=batch)
        for i in self.interventions:
            i.young_person_id = i.young_person.pk
            i.referral_id = i.referral.pk if i.referral is not None else None
            i.case_id = i.case.pk if i.case is not None else None
        Intervention.objects.bulk_create(self.interventions, batch_size=batch)
        for s in self.sessions:
            s.intervention_id = s.intervention.pk
        Session.objects.bulk_create(self.sessions, batch_size=batch)


def month_volume(month_index: int, month: int) -> int:
    """Referrals in the n-th month of the history: a rising trend, fewer in the holidays."""
    return round((40 + 1.2 * month_index) * SEASON[month])


def seed_history(orgs, users, *, now=None) -> dict:
    """Eighteen months of referrals and their work, and the diversion cases of that time. Returns what was added."""
    if DiversionCase.objects.filter(crime_reference__startswith=HISTORY_PREFIX).exists():
        return {}
    now = now or timezone.now()
    reference_data.ensure()
    today = clock.today(now)
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    for _ in range(MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    history = _History(orgs, users, now)
    rng = history.rng
    month, index = first, 0
    last_arrival = now - timedelta(days=7)
    while month <= today:
        following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        days = (following - month).days
        for _ in range(month_volume(index, month.month)):
            received = _weekday_at(rng, month + timedelta(days=rng.randrange(days)))
            if received.astimezone(LONDON).date() >= following:
                continue
            if received < last_arrival:
                history.referral(received)
        month, index = following, index + 1
    # Cases whose contracts (4 months) and any re-referral were over well before today.
    cases = history.cases(first, today - timedelta(days=200))
    with transaction.atomic():
        history.save(cases)
    return {"referrals": len(history.referrals), "cases": len(cases[0]), "interventions": len(history.interventions)}
