"""The figures from the rollup are the figures counted live from the records, always.

On random records (referrals over the last 14 months, some of the same young people, decisions, hand-backs,
interventions and their sessions, diversion cases with their breach proposals, further offences, returns to
police and outcomes),
random periods (including today, which is always counted live) and random areas, every figure of the sections the
rollup serves, its CSV with small numbers withheld, and the disproportionality intervals built on its counts, are
the same from the rollup as from the records: after the job has run; after later changes to closed days that
the job has not yet counted again (the database's triggers mark those days, and the page counts them live); and
after the job has run again.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import clock
from outcomes import reference_data
from outcomes.models import DiversionCase, Intervention, Programme, ReturnToPolice
from partners.models import OrganisationKind as K
from referrals import rules as referral_rules
from referrals.models import Allocation, Referral, ReferralConcern, YoungPerson
from reporting import figures as f
from reporting import rollup, rules
from reporting.models import DailyCount, StaleDay
from reporting.selectors import (
    FigureScope,
    LiveCounts,
    Periods,
    disproportionality_figures,
    diversion_figures,
    intervention_figures,
    referral_figures,
    rereferral_figures,
    triage_figures,
)
from tests.factories import OrganisationFactory

from .conftest import Builder

pytestmark = pytest.mark.django_db
AREAS = ("birmingham", "walsall", "coventry")
SOURCES = ("school", "police", "ftrm", "health")
CONCERNS = ("weapon", "gang", "victim", "exploitation", "online", "other")
ETHNICITIES = ("white_british", "black_caribbean", "asian_pakistani", "mixed_white_black_caribbean", "not_stated")
DECISIONS = (None, "allocate", "signpost", "decline", "request_info")
STATUSES = ("active", "completed", "disengaged", "withdrawn")


@pytest.fixture
def world(vru, school, yos, police, triager, referrer, caseworker, decision_maker):
    reference_data.ensure()
    other = OrganisationFactory(name="Other Partner", kind=K.VOLUNTARY, area="")
    orgs = {"vru": vru, "school": school, "yos": yos, "police": police, "other": other}
    users = {"vru": triager, "school": referrer, "yos": caseworker, "police": decision_maker, "other": triager}
    programmes = [Programme.objects.get_or_create(owner=org, name=name)[0]
                  for org, name in ((yos, "Knife crime"), (other, "Mentoring"), (other, "Sport"))]
    return SimpleNamespace(builder=Builder(orgs, users), programmes=programmes, orgs=orgs)


referral_specs = st.lists(st.fixed_dictionaries({
    # Over 14 months, and often within the last two (so the same young people are referred again in one period).
    "days_ago": st.integers(0, 420) | st.integers(25, 70), "minute": st.integers(0, 24 * 60 - 1), "area": st.sampled_from(AREAS),
    "source": st.sampled_from(SOURCES), "ethnicity": st.sampled_from(ETHNICITIES),
    "sex": st.sampled_from(("male", "female")), "born": st.integers(1998, 2018), "urgent": st.booleans(),
    "concerns": st.sets(st.sampled_from(CONCERNS), min_size=1, max_size=3),
    "decision": st.sampled_from(DECISIONS), "after_minutes": st.integers(0, 9000),
    "partner": st.sampled_from(("yos", "other")), "hand_back_minutes": st.none() | st.integers(1, 5000),
    "known": st.none() | st.integers(0, 1) | st.integers(0, 3),  # someone referred more than once, or someone new
}), max_size=14)
intervention_specs = st.lists(st.fixed_dictionaries({
    "days_ago": st.integers(0, 420), "programme": st.integers(0, 2), "area": st.sampled_from(AREAS),
    "status": st.sampled_from(STATUSES), "sessions": st.lists(st.sampled_from(("attended", "did_not_attend")),
                                                              max_size=3),
    "corrected": st.booleans(),
}), max_size=6)
case_specs = st.lists(st.fixed_dictionaries({
    "days_ago": st.integers(0, 420), "pathway": st.sampled_from(("checkpoint", "outcome22")),
    "area": st.sampled_from(AREAS), "ethnicity": st.sampled_from(ETHNICITIES),
    # What happened since, each so many days after the start: none of it, or some of it more than once.
    "events": st.lists(st.tuples(st.sampled_from(("breach_proposed", "reoffence")), st.integers(0, 130)), max_size=3),
    "end": st.sampled_from(("open", "completed", "returned", "returned_late", "missed", "prosecuted")),
    "after": st.integers(0, 150),
}), max_size=5)
period_specs = st.one_of(
    st.sampled_from((rules.LAST_MONTH, rules.LAST_QUARTER, rules.LAST_12_MONTHS)),
    st.tuples(st.integers(0, 400), st.integers(1, 120)),  # days ago it ends (0: today included), how long
)
late_changes = st.lists(st.tuples(st.sampled_from(("decline", "hand_back", "attend", "complete", "move", "concern",
                                                   "back_dated", "area", "merge", "breach", "return", "late",
                                                   "case_moved", "ethnic_group", "reopened")),
                                  st.integers(0, 50)), max_size=5)


def _instant(today, days_ago, minute):
    day = today - datetime.timedelta(days=days_ago)
    return rules.midnight(day) + datetime.timedelta(minutes=minute)


def _cases(world, today, specs):
    b = world.builder
    made = []
    for spec in specs:
        person = b.person("C", spec["ethnicity"], datetime.date(2009, 3, 1), area=spec["area"])
        start = today - datetime.timedelta(days=spec["days_ago"])
        closed = min(rules.midnight(start + datetime.timedelta(days=spec["after"])) + datetime.timedelta(hours=11),
                     timezone.now())
        end, deadline = spec["end"], start + datetime.timedelta(days=spec["after"] + 20)
        status = {"open": "active", "completed": "completed", "prosecuted": "outcome_recorded"}.get(end, "returned_to_police")
        case = b.case(person, spec["pathway"], "yos", start, status=status,
                      closed=closed if end in ("completed", "prosecuted") else None,
                      deadline=deadline, missed=closed.date() if end == "missed" else None)
        for kind, days in spec["events"]:
            b.case_event(case, kind, min(rules.midnight(start + datetime.timedelta(days=days)) + datetime.timedelta(hours=9),
                                         timezone.now()))
        if end in ("returned", "returned_late", "missed", "prosecuted"):
            received = closed + datetime.timedelta(days=30 if end == "returned_late" else 1)
            b.re_refer(case, closed - datetime.timedelta(hours=1), deadline, received=received)
        if end in ("completed", "prosecuted"):
            b.outcome(case, 1 if end == "prosecuted" else 22, closed)
        made.append(case)
    return made


def _change_case(world, today, case, what, n):
    """Later changes to a diversion case, as police and the lead agency would make them."""
    when = timezone.now() - datetime.timedelta(days=n)
    if what == "breach":  # a breach proposed again, some days ago
        world.builder.case_event(case, "breach_proposed", max(when, rules.midnight(case.start_date)))
    elif what == "return" and not ReturnToPolice.objects.filter(case=case).exists():
        world.builder.re_refer(case, max(when, rules.midnight(case.start_date)), case.return_deadline)
        DiversionCase.objects.filter(pk=case.pk).update(status="returned_to_police")
    elif what == "late":  # police received it at last, after the deadline; the job had marked it missed
        ReturnToPolice.objects.filter(case=case).update(received_at=timezone.now())
        DiversionCase.objects.filter(pk=case.pk).update(deadline_missed_on=case.return_deadline)
    elif what == "case_moved":  # the young person moved house
        YoungPerson.objects.filter(pk=case.young_person_id).update(area="walsall")
    elif what == "ethnic_group":  # recorded wrongly, put right
        YoungPerson.objects.filter(pk=case.young_person_id).update(ethnicity=ETHNICITIES[n % len(ETHNICITIES)])
    elif what == "reopened":  # a completion put right: the case was not completed after all
        DiversionCase.objects.filter(pk=case.pk).update(status="active", closed_at=None)


def _build(world, today, referrals, interventions):
    b = world.builder
    made = []
    world.known = [b.person(f"K{n}", ETHNICITIES[n], datetime.date(2009 + n, 2, 28)) for n in range(4)]
    for spec in referrals:
        person = (world.known[spec["known"]] if spec["known"] is not None else
                  b.person("P", spec["ethnicity"], datetime.date(spec["born"], 6, 15), sex=spec["sex"], area=spec["area"]))
        received = _instant(today, spec["days_ago"], spec["minute"])
        referral = b.referral(person, received, area=spec["area"], source=spec["source"], concerns=spec["concerns"],
                              urgent=spec["urgent"])
        made.append(referral)
        if spec["decision"] is None:
            continue
        decided = received + datetime.timedelta(minutes=spec["after_minutes"])
        allocation = b.decide(referral, spec["decision"], decided,
                              partner=spec["partner"] if spec["decision"] == "allocate" else None)
        if allocation is not None and spec["hand_back_minutes"]:
            back = decided + datetime.timedelta(minutes=spec["hand_back_minutes"])
            Allocation.objects.filter(pk=allocation.pk).update(state="handed_back", handed_back_at=back,
                                                               hand_back_reason="No capacity.")
            Referral.objects.filter(pk=referral.pk).update(
                returned_at=back, triage_deadline=referral_rules.triage_deadline(back, referral.urgent))
    started = []
    for spec in interventions:
        person = b.person("I", "white_british", datetime.date(2010, 1, 1), area=spec["area"])
        programme = world.programmes[spec["programme"]]
        org = "yos" if programme.owner_id == world.orgs["yos"].pk else "other"
        intervention = b.intervention(person, org, programme, today - datetime.timedelta(days=spec["days_ago"]),
                                      spec["status"])
        started.append(intervention)
        for attendance in spec["sessions"]:
            session = b.session(intervention, intervention.started_on, attendance)
            if spec["corrected"]:
                b.session(intervention, intervention.started_on,
                          "did_not_attend" if attendance == "attended" else "attended", corrects=session)
    return made, started


def _change(world, today, referrals, interventions, changes, cases=()):
    """Later changes, as the portal's people would make them, to records counted on closed days."""
    for what, n in changes:
        if what in ("breach", "return", "late", "case_moved", "ethnic_group", "reopened"):
            if cases:
                _change_case(world, today, cases[n % len(cases)], what, n)
        elif what == "back_dated":  # a referral of someone already known, entered late
            world.builder.referral(world.known[n % 4], _instant(today, 3 + n * 7, 600), area=AREAS[n % 3])
        elif what == "merge":  # a triager finds two records are one young person
            merged, into = world.known[n % 4], world.known[(n + 1) % 4]
            if not YoungPerson.objects.filter(pk__in=[merged.pk, into.pk], merged_into__isnull=False).exists():
                YoungPerson.objects.filter(pk=merged.pk).update(merged_into=into)
        elif what in ("decline", "hand_back", "concern", "area") and referrals:
            referral = referrals[n % len(referrals)]
            if what == "decline":
                world.builder.decide(Referral.objects.get(pk=referral.pk), "decline",
                                     referral.received_at + datetime.timedelta(hours=n + 1))
            elif what == "hand_back":
                now = timezone.now()
                Allocation.objects.filter(referral=referral, handed_back_at__isnull=True).update(
                    state="handed_back", handed_back_at=now, hand_back_reason="Moved away.")
            elif what == "concern":
                ReferralConcern.objects.get_or_create(referral=referral, concern="gang")
            else:  # the VRU corrects where the young person lives
                Referral.objects.filter(pk=referral.pk).update(area="coventry" if referral.area != "coventry" else "walsall")
        elif what in ("attend", "complete", "move") and interventions:
            intervention = interventions[n % len(interventions)]
            if what == "attend":
                world.builder.session(intervention, intervention.started_on, "attended")
            elif what == "complete":
                Intervention.objects.filter(pk=intervention.pk).update(status="completed")
            else:
                YoungPerson.objects.filter(pk=intervention.young_person_id).update(area="coventry")


def _period(spec, today):
    if isinstance(spec, str):
        return rules.preset_period(spec, today)
    ends_ago, days = spec
    end = today + datetime.timedelta(days=1 - ends_ago)
    return rules.Period(end - datetime.timedelta(days=days), end)


def _figures(scope, periods, counts):
    referral, by_ethnicity = referral_figures(scope, periods, counts)
    sections = [f.Section("referrals", "Referrals", referral),
                f.Section("triage", "Triage", triage_figures(scope, periods, counts)),
                f.Section("interventions", "Interventions", intervention_figures(scope, periods, counts)),
                f.Section("diversion", "Diversion", diversion_figures(scope, periods, counts)),
                f.Section("re-referrals", "Re-referrals", rereferral_figures(scope, periods, counts)),
                f.Section("disproportionality", "Disproportionality",
                          disproportionality_figures(scope, periods, by_ethnicity, counts))]
    cells = {}
    for section in sections:
        for figure in section.figures:
            cells[section.slug, figure.slug, "series"] = tuple(figure.series)
            for row in figure.rows:
                for key, c in row.cells.items():
                    cells[section.slug, figure.slug, row.key, key] = (
                        c.count, c.num, c.den, c.ref_num, c.ref_den, *(None if v is None else round(v, 9)
                                                                       for v in (c.value, c.low, c.high)))
    csv = sorted(tuple(r) for s in sections for r in f.csv_rows(s, periods.by_key))
    return cells, csv


def _agree(period, area):
    scope, periods = FigureScope(None, area), Periods.of(period)
    rolled = rollup.counts(scope, periods)
    assert rolled is not None, "the rollup has run: the VRU's figures come from it"
    live_cells, live_csv = _figures(scope, periods, LiveCounts(scope, periods))
    rolled_cells, rolled_csv = _figures(scope, periods, rolled)
    differ = {k: (live_cells.get(k), rolled_cells.get(k)) for k in live_cells.keys() | rolled_cells.keys()
              if live_cells.get(k) != rolled_cells.get(k)}
    assert not differ, (period, area, differ)
    assert live_csv == rolled_csv


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(referrals=referral_specs, interventions=intervention_specs, cases=case_specs, period=period_specs,
       area=st.sampled_from(("", *AREAS)), changes=late_changes)
def test_every_figure_from_the_rollup_is_the_figure_counted_live(world, referrals, interventions, cases, period, area,
                                                                changes):
    now = timezone.now()
    today = clock.today(now)
    # The chosen period and area, and the last 12 months (most of the records) for the region and that area.
    views = {(_period(period, today), area), (_period(rules.LAST_12_MONTHS, today), ""),
             (_period(rules.LAST_12_MONTHS, today), area)}
    with transaction.atomic():
        made, started = _build(world, today, referrals, interventions)
        opened = _cases(world, today, cases)
        rollup.roll_up(now)
        for chosen, where in views:
            _agree(chosen, where)
        _change(world, today, made, started, changes, opened)
        for chosen, where in views:
            _agree(chosen, where)  # the changed days are counted live until the job counts them again
        rollup.roll_up(now)
        assert not StaleDay.objects.exists()
        for chosen, where in views:
            _agree(chosen, where)
        transaction.set_rollback(True)


def test_a_later_change_to_a_closed_day_marks_it_and_the_job_counts_it_again(world):
    now = timezone.now()
    today = clock.today(now)
    b = world.builder
    person = b.person("P", "white_british", datetime.date(2010, 6, 15))
    referral = b.referral(person, _instant(today, 10, 600))
    rollup.roll_up(now)
    day = today - datetime.timedelta(days=10)
    assert DailyCount.objects.get(month=False, day=day, measure="referrals.source", value="school").n == 1
    assert not StaleDay.objects.exists()
    b.decide(referral, "decline", referral.received_at + datetime.timedelta(hours=5))
    assert set(StaleDay.objects.values_list("day", flat=True)) == {day}
    assert not DailyCount.objects.filter(measure="referrals.declined").exists()
    assert rollup.roll_up(now)["days"] == 1
    assert DailyCount.objects.get(month=False, day=day, measure="referrals.declined").n == 1
    # A change to today's records marks nothing: today is always counted live.
    b.referral(person, now)
    assert not StaleDay.objects.exists()


def test_re_referral_from_the_rollup_follows_people_through_merges_late_entries_and_same_instant_arrivals(world):
    now = timezone.now()
    today = clock.today(now)
    b = world.builder
    first, second = (b.person(name, "white_british", datetime.date(2010, 1, 1)) for name in ("F", "S"))
    b.referral(first, _instant(today, 10, 600))  # the first ever: not referred again...
    b.referral(first, _instant(today, 5, 600))  # ...but this one is
    for _ in range(2):
        b.referral(second, _instant(today, 8, 600))  # two at the same instant: neither came before the other
    rollup.roll_up(now)
    recent = rules.Period(today - datetime.timedelta(days=12), today)
    expect = {"people_current": 2, "again_current": 1}
    scope, periods = FigureScope(None, ""), Periods.of(recent)
    for counts in (LiveCounts(scope, periods), rollup.counts(scope, periods)):
        assert {k: counts.rereferral()[k] for k in expect} == expect
    b.referral(second, _instant(today, 300, 600))  # entered late: second was referred 300 days ago too
    YoungPerson.objects.filter(pk=second.pk).update(merged_into=first)  # and is the same young person as first
    expect = {"people_current": 1, "again_current": 1}
    for counts in (LiveCounts(scope, periods), rollup.counts(scope, periods)):
        assert {k: counts.rereferral()[k] for k in expect} == expect
    rollup.roll_up(now)
    assert {k: rollup.counts(scope, periods).rereferral()[k] for k in expect} == expect


def test_a_case_marks_its_days_when_a_counted_thing_changes_and_not_when_it_goes_at_risk(world):
    now = timezone.now()
    today = clock.today(now)
    b = world.builder
    start = today - datetime.timedelta(days=20)
    case = b.case(b.person("C", "white_british", datetime.date(2010, 1, 1)), "checkpoint", "yos", start)
    rollup.roll_up(now)
    assert DailyCount.objects.get(month=False, day=start, measure="diversion.started", value="checkpoint").n == 1
    DiversionCase.objects.filter(pk=case.pk).update(status="at_risk", at_risk_since=today)  # the daily sweep's move
    assert not StaleDay.objects.exists()
    proposed = today - datetime.timedelta(days=3)
    b.case_event(case, "breach_proposed", _instant(today, 3, 600))  # entered late, for a closed day
    assert set(StaleDay.objects.values_list("day", flat=True)) == {start, proposed}
    rollup.roll_up(now)
    assert DailyCount.objects.get(month=False, day=proposed, measure="since.breach_proposed.checkpoint").n == 1
