"""The VRU's figures from a rollup that always agrees with the records.

Closed days are counted once into DailyCount (reporting.models), by day and area, for every count the figures
break down by (referrals, triage, interventions, re-referrals, the diversion pathways and the disproportionality
built on them); each whole month also gets a row per count (its days added up,
and once more for all areas together). The page adds up months and days, and counts live the days the rollup
cannot answer for: today, any closed day the job has not reached, and any day a later change touched (the
database's triggers mark it in StaleDay; see migrations/0003_rollup_triggers.py and 0005).

Medians and 90th percentiles need the distribution, not a count: the rollup keeps how many first decisions took
each whole tenth of an hour, the precision the page shows, and the live figures count in the same tenths, so the
percentile from the distribution is the live one exactly (rules.percentile_of_counts is percentile_cont).

Only the VRU's figures (everything, or one area) come from here: another organisation's manager counts its own
work, a few per cent of the region's, live. SQLite (the demo) has no triggers: its figures are always live.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import BooleanField, Case, CharField, Exists, ExpressionWrapper, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from core import clock
from outcomes.models import (
    CaseStatus,
    DiversionCase,
    Intervention,
    InterventionStatus,
    OutcomeCode,
    PoliceOutcome,
    Programme,
    Session,
)
from partners.models import Organisation
from referrals.models import Allocation, Decision, Referral, ReferralConcern, ReferralEvent

from . import rules, sql
from .models import DailyCount, RollupState, StaleDay

ALL_AREAS = "*"  # a month's row for every area together
ONCE_PER_PERIOD = ("rereferral.", "since.")  # counted once in a period: their value is the day of the one before
ENDED = {InterventionStatus.COMPLETED, InterventionStatus.DISENGAGED, InterventionStatus.WITHDRAWN}


def enabled() -> bool:
    return connection.vendor == "postgresql"


# --- Counting days from the records ---------------------------------------------------------------------


def _runs(days):
    """Consecutive days as [first, end) ranges, so that a filter on a few scattered days uses the indexes."""
    runs = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] == day:
            runs[-1][1] = day + timedelta(days=1)
        else:
            runs.append([day, day + timedelta(days=1)])
    return runs


def _on(field, days, *, dates=False):
    q = Q(pk__in=[])
    for first, end in _runs(days):
        start, stop = (first, end) if dates else (rules.midnight(first), rules.midnight(end))
        q |= Q(**{f"{field}__gte": start, f"{field}__lt": stop})
    return q


def _local_day(field):
    return TruncDate(field, tzinfo=rules.LONDON)


def day_rows(days) -> Counter:
    """Every count of the VRU's figures on these days, from the records: {(day, area, measure, value): n}."""
    days = sorted(set(days))
    rows = Counter()
    if not days:
        return rows
    _referral_rows(days, rows)
    _concern_rows(days, rows)
    _decision_rows(days, rows)
    _allocation_rows(days, rows)
    _intervention_rows(days, rows)
    _rereferral_rows(days, rows)
    _case_rows(days, rows)
    _case_event_rows(days, rows)
    return rows


def _referral_rows(days, rows):
    from .selectors import URGENT_HOURS, _age_band

    years, band = _age_band()
    boundaries = rules.deadline_boundaries(days[0] - timedelta(days=7), days[-1] + timedelta(days=14))
    # Only a referral handed back (or answered) and not urgent needs the working-day boundaries: CASE asks no more.
    deadline = Case(When(returned_at__isnull=False, urgent=False, then=sql.SecondAfter("received_at", boundaries)),
                    default=None)
    referrals = (
        Referral.objects.filter(_on("received_at", days))
        .annotate(day=_local_day("received_at"), age=years, band=band,
                  group=sql.text_or("ethnicity", rules.NOT_STATED),
                  tenths=sql.TenthsOfHours("received_at", "first_decided_at"),
                  late_deadline=deadline)
        .values_list("day", "area", "source", "band", "sex", "group", "decision", "tenths", "first_decided_at",
                     "returned_at", "urgent", "triage_deadline", "late_deadline", "received_at")
    )
    for (day, area, source, band_, sex, group, decision, tenths, decided_at, returned_at, urgent, stored_deadline,
         second_boundary, received_at) in referrals:
        rows[day, area, "referrals.source", source] += 1
        rows[day, area, "referrals.area", area] += 1
        rows[day, area, "referrals.age", band_] += 1
        rows[day, area, "referrals.sex", sex] += 1
        rows[day, area, "referrals.ethnicity", group] += 1
        if decision == Decision.DECLINE:
            rows[day, area, "referrals.declined", group] += 1
        if decided_at is None:
            continue
        rows[day, area, "triage.tenths", str(tenths)] += 1
        # The deadline it had on arrival (selectors._deadline_on_arrival): stored, unless a hand-back replaced it.
        if returned_at is None:
            due = stored_deadline
        elif urgent:
            due = received_at + timedelta(hours=URGENT_HOURS)
        else:
            due = second_boundary
        if due is not None and decided_at <= due:
            rows[day, area, "triage.in_time", ""] += 1


def _concern_rows(days, rows):
    concerns = (ReferralConcern.objects.filter(_on("referral__received_at", days))
                .annotate(day=_local_day("referral__received_at"))
                .values_list("day", "referral__area", "concern"))
    for day, area, concern in concerns:
        rows[day, area, "referrals.concern", concern] += 1


def _decision_rows(days, rows):
    from .selectors import DECISION_KINDS

    events = (ReferralEvent.objects.filter(_on("at", days), kind__in=list(DECISION_KINDS),
                                           referral__received_at__isnull=False)
              .annotate(day=_local_day("at")).values_list("day", "referral__area", "kind"))
    for day, area, kind in events:
        rows[day, area, "triage.decisions", kind] += 1


def _allocation_rows(days, rows):
    submitted = Allocation.objects.filter(referral__received_at__isnull=False)
    for day, area, org, handed_back in (submitted.filter(_on("allocated_at", days))
                                        .annotate(day=_local_day("allocated_at"))
                                        .values_list("day", "referral__area", "organisation_id", "handed_back_at")):
        rows[day, area, "triage.allocated", str(org)] += 1
        if handed_back is not None:
            rows[day, area, "triage.later_handed_back", str(org)] += 1
    for day, area, org in (submitted.filter(_on("handed_back_at", days)).annotate(day=_local_day("handed_back_at"))
                           .values_list("day", "referral__area", "organisation_id")):
        rows[day, area, "triage.handed_back", str(org)] += 1


def _intervention_rows(days, rows):
    attended = Session.objects.filter(intervention_id=OuterRef("pk"), attendance="attended", correction__isnull=True)
    interventions = (Intervention.objects.filter(_on("started_on", days, dates=True))
                     .annotate(attended=Exists(attended), area=Coalesce("young_person__area", Value(""),
                                                                          output_field=CharField()))
                     .values_list("started_on", "area", "programme_id", "organisation_id", "attended", "status"))
    for day, area, programme, org, attended_, status in interventions:
        for by, value in (("programme", programme), ("partner", org)):
            measure = f"interventions.{by}."
            rows[day, area, measure + "started", str(value)] += 1
            if attended_:
                rows[day, area, measure + "engaged", str(value)] += 1
            if status in ENDED:
                rows[day, area, measure + "ended", str(value)] += 1
            if status == InterventionStatus.COMPLETED:
                rows[day, area, measure + "completed", str(value)] += 1


# Re-referral counts young people, not referrals, so it cannot be added up by day as it stands. Each referral in
# the period is counted instead when it is its young person's first in the period: when the one before it (by
# arrival, then id) arrived before the period began. So a referral's row keeps the day of the one before; a period
# counts the rows whose day-before is earlier than its start (or none). "Referred again" does the same among the
# referrals with another in the 12 months before (strictly earlier, as selectors.rereferral_figures asks). Both in
# two ways: among all the person's referrals (the region's figures) and among those in the same area (an area's).
REREFERRAL_SQL = """
WITH wanted AS (
    SELECT DISTINCT coalesce(p.merged_into_id, r.young_person_id) AS person
    FROM referrals_referral r JOIN referrals_youngperson p ON p.id = r.young_person_id
    WHERE r.received_at IS NOT NULL AND ({wanted})
), people AS (  -- each wanted young person, and those merged into them: two index lookups, not a scan
    SELECT p.id, coalesce(p.merged_into_id, p.id) AS person FROM referrals_youngperson p
    WHERE p.id IN (SELECT person FROM wanted)
    UNION
    SELECT p.id, p.merged_into_id FROM referrals_youngperson p WHERE p.merged_into_id IN (SELECT person FROM wanted)
), history AS (
    SELECT r.id, r.area, r.received_at, people.person
    FROM referrals_referral r JOIN people ON people.id = r.young_person_id
    WHERE r.received_at IS NOT NULL
), before AS (
    SELECT *,
        lag(received_at) OVER (PARTITION BY person ORDER BY received_at, id) AS prev_all,
        lag(received_at) OVER (PARTITION BY person, area ORDER BY received_at, id) AS prev_area,
        max(received_at) OVER (PARTITION BY person ORDER BY received_at RANGE BETWEEN UNBOUNDED PRECEDING
                               AND '1 microsecond' PRECEDING) AS earlier_all,
        max(received_at) OVER (PARTITION BY person, area ORDER BY received_at RANGE BETWEEN UNBOUNDED PRECEDING
                               AND '1 microsecond' PRECEDING) AS earlier_area
    FROM history
), flagged AS (
    SELECT *, coalesce(earlier_all >= received_at - INTERVAL '12 months', false) AS again_all,
              coalesce(earlier_area >= received_at - INTERVAL '12 months', false) AS again_area
    FROM before
), counted AS (
    SELECT *,
        max(CASE WHEN again_all THEN received_at END) OVER (PARTITION BY person ORDER BY received_at, id
                                                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_again_all,
        max(CASE WHEN again_area THEN received_at END) OVER (PARTITION BY person, area ORDER BY received_at, id
                                                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_again_area
    FROM flagged
)
SELECT reporting_local_day(received_at), area, reporting_local_day(prev_all), reporting_local_day(prev_area),
       again_all, again_area, reporting_local_day(prev_again_all), reporting_local_day(prev_again_area)
FROM counted WHERE {chosen}
"""


def _rereferral_rows(days, rows):
    ranges, params = [], []
    for first, end in _runs(days):
        ranges.append("(received_at >= %s AND received_at < %s)")
        params += [rules.midnight(first), rules.midnight(end)]
    chosen = " OR ".join(ranges)
    sql_text = REREFERRAL_SQL.format(wanted=chosen.replace("received_at", "r.received_at"), chosen=chosen)
    with connection.cursor() as cursor:
        cursor.execute(sql_text, params + params)
        for day, area, prev_all, prev_area, again_all, again_area, prev_again_all, prev_again_area in cursor.fetchall():
            rows[day, area, "rereferral.people.all", _iso(prev_all)] += 1
            rows[day, area, "rereferral.people.area", _iso(prev_area)] += 1
            if again_all:
                rows[day, area, "rereferral.again.all", _iso(prev_again_all)] += 1
            if again_area:
                rows[day, area, "rereferral.again.area", _iso(prev_again_area)] += 1


def _case_rows(days, rows):
    """The diversion cases: by pathway on the day each started, completed and was returned to police; by the young
    person's ethnic group on the day it started, with how it has ended so far (disproportionality); the police
    outcomes on the day they were recorded."""
    from .selectors import _late, _prosecuted

    area = Coalesce("young_person__area", Value(""), output_field=CharField())
    cases = DiversionCase.objects.annotate(area_=area, late=ExpressionWrapper(_late(), BooleanField()),
                                           prosecuted=ExpressionWrapper(_prosecuted(), BooleanField()))
    for day, area_, pathway, ethnicity, returned, prosecuted in (
            cases.filter(_on("start_date", days, dates=True))
            .values_list("start_date", "area_", "pathway__code", "young_person__ethnicity", "return_to_police__id",
                         "prosecuted")):
        rows[day, area_, "diversion.started", pathway] += 1
        rows[day, area_, "cases.started", ethnicity or ""] += 1
        if returned is not None:
            rows[day, area_, "cases.breached", ethnicity or ""] += 1
        if prosecuted:
            rows[day, area_, "cases.prosecuted", ethnicity or ""] += 1
    for day, area_, pathway in (cases.filter(_on("closed_at", days), status=CaseStatus.COMPLETED)
                                .annotate(day=_local_day("closed_at")).values_list("day", "area_", "pathway__code")):
        rows[day, area_, "diversion.completed", pathway] += 1
    for day, area_, pathway, late in (cases.filter(_on("return_to_police__returned_at", days))
                                      .annotate(day=_local_day("return_to_police__returned_at"))
                                      .values_list("day", "area_", "pathway__code", "late")):
        rows[day, area_, "diversion.returned", pathway] += 1
        if late:
            rows[day, area_, "diversion.late", pathway] += 1
    for day, area_, outcome in (PoliceOutcome.objects.filter(_on("recorded_at", days))
                                .annotate(day=_local_day("recorded_at"),
                                          area_=Coalesce("case__young_person__area", Value(""), output_field=CharField()))
                                .values_list("day", "area_", "outcome_id")):
        rows[day, area_, "diversion.outcome", str(outcome)] += 1


# A case counts once in a period however many breach proposals (or further offences) it had there: like re-referral,
# each event keeps the day of the case's one of that kind before it, and a period counts those whose day before is
# earlier than its start (or none).
CASE_EVENT_SQL = """
WITH chosen AS (
    SELECT e.case_id, e.kind, e.at, lag(e.at) OVER (PARTITION BY e.case_id, e.kind ORDER BY e.at, e.id) AS before
    FROM outcomes_caseevent e
    WHERE e.kind IN ('breach_proposed', 'reoffence') AND e.case_id IN (
        SELECT case_id FROM outcomes_caseevent WHERE kind IN ('breach_proposed', 'reoffence') AND ({ranges}))
)
SELECT reporting_local_day(chosen.at), coalesce(p.area, ''), w.code, chosen.kind, reporting_local_day(chosen.before)
FROM chosen JOIN outcomes_diversioncase c ON c.id = chosen.case_id
    JOIN referrals_youngperson p ON p.id = c.young_person_id JOIN outcomes_pathway w ON w.id = c.pathway_id
WHERE {chosen}
"""


def _case_event_rows(days, rows):
    ranges, params = [], []
    for first, end in _runs(days):
        ranges.append("(at >= %s AND at < %s)")
        params += [rules.midnight(first), rules.midnight(end)]
    text = " OR ".join(ranges)
    with connection.cursor() as cursor:
        cursor.execute(CASE_EVENT_SQL.format(ranges=text, chosen=text.replace("at ", "chosen.at ")), params + params)
        for day, area, pathway, kind, before in cursor.fetchall():
            rows[day, area, f"since.{kind}.{pathway}", _iso(before)] += 1


def _iso(day):
    return day.isoformat() if day else ""


# --- Writing: the job -----------------------------------------------------------------------------------

ROLLUP_LOCK = 0x726F6C6C  # "roll": the advisory lock that keeps two runs apart
CHUNK_DAYS = 31  # days counted per query: a month's boundaries for the triage deadlines, a bounded result


def _first_day():
    first = Referral.objects.filter(received_at__isnull=False).order_by("received_at").values_list("received_at",
                                                                                                  flat=True).first()
    started = Intervention.objects.order_by("started_on").values_list("started_on", flat=True).first()
    candidates = [d for d in (first and clock.today(first), started) if d]
    return min(candidates) if candidates else None


def roll_up(now) -> dict:
    """Count every closed day not yet counted, and again every day marked stale; then their months.

    Only the marks read at the start are cleared: a change committed while the run counts leaves its mark for the
    next run (and the page counts that day live till then). Idempotent: a day's rows are replaced, never added to.
    """
    if not enabled():
        return {"days": 0, "skipped": "the rollup needs PostgreSQL"}
    yesterday = clock.today(now) - timedelta(days=1)
    with transaction.atomic():
        # One run at a time, whoever starts it: the second waits, then finds nothing left to count.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])
        state = RollupState.objects.first() or RollupState.objects.create()
        marks = list(StaleDay.objects.values_list("pk", "day"))
        first = (state.through + timedelta(days=1)) if state.through else _first_day()
        days = {first + timedelta(days=n) for n in range((yesterday - first).days + 1)} if first else set()
        days = sorted(days | {day for _, day in marks if day <= yesterday})
        for n in range(0, len(days), CHUNK_DAYS):
            _write_days(days[n:n + CHUNK_DAYS])
        months = sorted({day.replace(day=1) for day in days})
        _write_months(months)
        StaleDay.objects.filter(pk__in=[pk for pk, _ in marks]).delete()
        state.through, state.updated_at = max(yesterday, state.through or yesterday), now
        state.save()
    return {"days": len(days), "months": len(months), "stale_marks": len(marks)}


def _write_days(days):
    DailyCount.objects.filter(month=False, day__in=days).delete()
    DailyCount.objects.bulk_create(
        [DailyCount(day=day, area=area or "", measure=measure, value=value or "", n=n)
         for (day, area, measure, value), n in day_rows(days).items()], batch_size=5000)


# An area's month rows leave out re-referral among all areas, and the all-areas rows re-referral within one area:
# neither is ever read (a day's rows keep both, as the days of all areas are added up from each area's).
MONTH_SQL = """
    INSERT INTO reporting_dailycount (day, month, area, measure, value, n)
    SELECT date_trunc('month', day)::date, true, area, measure, value, sum(n)
    FROM reporting_dailycount WHERE NOT month AND day >= %(first)s AND day < %(end)s
        AND measure NOT LIKE 'rereferral.%%.all'
    GROUP BY 1, area, measure, value
    UNION ALL
    SELECT date_trunc('month', day)::date, true, %(all)s, measure, value, sum(n)
    FROM reporting_dailycount WHERE NOT month AND day >= %(first)s AND day < %(end)s
        AND measure NOT LIKE 'rereferral.%%.area'
    GROUP BY 1, measure, value
"""


def _write_months(months):
    """A month's rows, added up from its days in SQL (a month is only read once all its days are counted)."""
    DailyCount.objects.filter(month=True, day__in=months).delete()
    with connection.cursor() as cursor:
        for month in months:
            cursor.execute(MONTH_SQL, {"first": month, "end": _next_month(month), "all": ALL_AREAS})


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


# --- Reading: the page ----------------------------------------------------------------------------------

# The rows that answer for each of the three periods (their months and days, none of them counted live), and for
# the trend; an area's rows, or for every area the months' all-areas rows and every area's days.
GRANULES = "((month AND day = ANY(%(m{i})s)) OR (NOT month AND day = ANY(%(d{i})s)))"
AREA = "((%(area)s = '' AND (NOT month OR area = %(all)s)) OR (%(area)s <> '' AND area = %(area)s))"
ROLLED_SQL = (
    "SELECT measure, value, "
    + ", ".join(f"sum(n) FILTER (WHERE {GRANULES.format(i=i)})" for i in range(3))
    + " FROM reporting_dailycount WHERE " + GRANULES.format(i="_all") + " AND " + AREA
    + " AND measure NOT LIKE 'rereferral.%%' AND measure NOT LIKE 'since.%%' GROUP BY measure, value"
)
TREND_SQL = ("SELECT date_trunc('month', day)::date, sum(n) FROM reporting_dailycount WHERE measure = "
             "'referrals.source' AND " + GRANULES.format(i="_trend") + " AND " + AREA + " GROUP BY 1")
REREFERRAL_COUNT_SQL = (
    "SELECT measure, "
    + ", ".join(f"sum(n) FILTER (WHERE {GRANULES.format(i=i)} AND (value = '' OR value < %(s{i})s))" for i in range(3))
    + " FROM reporting_dailycount WHERE " + GRANULES.format(i="_all") + " AND " + AREA
    + " AND (measure LIKE 'rereferral.%%' OR measure LIKE 'since.%%') GROUP BY measure"
)


def counts(scope, periods, *, today=None):
    """The counts for the VRU's figures from the rollup plus the days counted live; None when the rollup cannot
    answer (another organisation's figures, SQLite, or a rollup that has never run)."""
    if not (enabled() and scope.everything):
        return None
    state = RollupState.objects.first()
    if state is None or state.through is None:
        return None
    return RolledCounts(scope.area, periods, through=state.through, today=today or clock.today(timezone.now()))


def _days(first: date, end: date):
    return [first + timedelta(days=n) for n in range((end - first).days)]


class RolledCounts:
    """selectors.LiveCounts' answers, from DailyCount's months and days and a live count of the other days."""

    def __init__(self, area, periods, *, through, today):
        self.area, self.periods, self.through, self.today = area, periods, through, today
        current = periods.by_key[rules.CURRENT]
        self.ranges = {**{k: (p.start, p.end) for k, p in periods.by_key.items()},
                       "trend": (rules.trend_start(current), current.end)}
        self._facts = None

    # Which rows answer for which days ----------------------------------------------------------------

    def _plan(self):
        first = min(start for start, _ in self.ranges.values())
        end = max(stop for _, stop in self.ranges.values())
        stale = set(StaleDay.objects.filter(day__gte=first, day__lt=end).values_list("day", flat=True).distinct())
        live = stale | set(_days(max(first, self.through + timedelta(days=1)), end)) | {self.today}
        plan = {}
        for key, (start, stop) in self.ranges.items():
            months, days, month = [], [], start.replace(day=1)
            while month < stop:
                following = _next_month(month)
                whole = month >= start and following <= stop and following <= self.through + timedelta(days=1)
                if whole and not any(d in live for d in _days(month, following)):
                    months.append(month)
                else:
                    days += [d for d in _days(max(month, start), min(following, stop)) if d not in live]
                month = following
            plan[key] = (months, days, [d for d in live if start <= d < stop])
        return plan, sorted(live)

    def _load(self):
        if self._facts is not None:
            return self._facts
        plan, live = self._plan()
        keys = rules.PERIOD_KEYS
        params = {"area": self.area, "all": ALL_AREAS}
        for i, key in enumerate(keys):
            params[f"m{i}"], params[f"d{i}"] = plan[key][0], plan[key][1]
            params[f"s{i}"] = self.periods.by_key[key].start.isoformat()
        params["m_all"] = sorted({m for key in keys for m in plan[key][0]})
        params["d_all"] = sorted({d for key in keys for d in plan[key][1]})
        params["m_trend"], params["d_trend"] = plan["trend"][0], plan["trend"][1]
        facts = defaultdict(lambda: defaultdict(lambda: dict.fromkeys(keys, 0)))
        with connection.cursor() as cursor:
            cursor.execute(ROLLED_SQL, params)
            for measure, value, *ns in cursor.fetchall():
                for key, n in zip(keys, ns, strict=True):
                    facts[measure][value][key] += n or 0
            cursor.execute(TREND_SQL, params)
            trend = Counter(dict(cursor.fetchall()))
            # Re-referral (and a case's breach proposals, further offences): a row counts in a period when the one
            # before it was before the period began.
            cursor.execute(REREFERRAL_COUNT_SQL, params)
            rereferral = defaultdict(lambda: dict.fromkeys(keys, 0))
            for measure, *ns in cursor.fetchall():
                for key, n in zip(keys, ns, strict=True):
                    rereferral[measure][key] += n or 0
        for (day, area, measure, value), n in day_rows(live).items():
            if self.area and (area or "") != self.area:
                continue
            for key in keys:
                if day not in plan[key][2]:
                    continue
                if measure.startswith(ONCE_PER_PERIOD):
                    if not value or value < self.periods.by_key[key].start.isoformat():
                        rereferral[measure][key] += n
                else:
                    facts[measure][value or ""][key] += n
            if measure == "referrals.source" and day in plan["trend"][2]:
                trend[day.replace(day=1)] += n
        self.trend, self._rereferral = trend, rereferral
        self._facts = facts
        return facts

    def _by(self, measure, name="n", label=lambda value: value):
        result = {}
        for value, by_key in self._load()[measure].items():
            result.setdefault(label(value), {})[name] = dict(by_key)
        return result

    # The answers, in LiveCounts' shapes ---------------------------------------------------------------

    def referrals(self):
        ethnicity = self._by("referrals.ethnicity")
        for group, slot in ethnicity.items():
            slot["declined"] = dict(self._load()["referrals.declined"].get(group, dict.fromkeys(rules.PERIOD_KEYS, 0)))
        return {"source": self._by("referrals.source"), "concern": self._by("referrals.concern"),
                "area": self._by("referrals.area"), "age": self._by("referrals.age"), "sex": self._by("referrals.sex"),
                "ethnicity": ethnicity}

    def monthly(self, period):
        self._load()
        start = rules.trend_start(period)
        return [(month, self.trend.get(month, 0)) for month in rules.month_starts(start, period.end)]

    def time(self):
        facts = self._load()
        stats = {}
        for key in rules.PERIOD_KEYS:
            distribution = {int(t) / 10.0: by_key[key] for t, by_key in facts["triage.tenths"].items()}
            stats[f"decided_{key}"] = sum(distribution.values())
            stats[f"in_time_{key}"] = facts["triage.in_time"][""][key] if "" in facts["triage.in_time"] else 0
            stats[f"median_{key}"] = rules.percentile_of_counts(distribution, 0.5)
            stats[f"p90_{key}"] = rules.percentile_of_counts(distribution, 0.9)
        return stats

    def bands(self):
        from .selectors import band_of

        result = {}
        for tenths, by_key in self._load()["triage.tenths"].items():
            slot = result.setdefault(band_of(int(tenths)), {"n": dict.fromkeys(rules.PERIOD_KEYS, 0)})["n"]
            for key, n in by_key.items():
                slot[key] += n
        return result

    def decisions(self):
        return self._by("triage.decisions")

    def _names(self):
        if not hasattr(self, "_organisations"):
            self._organisations = {str(pk): name for pk, name in Organisation.objects.values_list("pk", "name")}
            self._programmes = {str(pk): f"{name} ({owner})" for pk, name, owner in
                                Programme.objects.values_list("pk", "name", "owner__name")}
        return self._organisations, self._programmes

    def _merged(self, measures, label):
        result = {}
        for name, measure in measures.items():
            for value, by_key in self._load()[measure].items():
                slot = result.setdefault(label(value), {m: dict.fromkeys(rules.PERIOD_KEYS, 0) for m in measures})
                for key, n in by_key.items():
                    slot[name][key] += n
        return result

    def allocations(self):
        organisations, _ = self._names()
        return self._merged({m: f"triage.{m}" for m in ("allocated", "later_handed_back", "handed_back")},
                            organisations.get)

    def rereferral(self):
        self._load()
        among = "area" if self.area else "all"
        people, again = self._rereferral[f"rereferral.people.{among}"], self._rereferral[f"rereferral.again.{among}"]
        return {**{f"people_{k}": people[k] for k in rules.PERIOD_KEYS},
                **{f"again_{k}": again[k] for k in rules.PERIOD_KEYS}}

    def diversion(self):
        facts, once = self._load(), self._rereferral
        result = defaultdict(dict)
        for name in ("started", "completed", "returned", "late"):
            for pathway, by_key in facts[f"diversion.{name}"].items():
                result[pathway][name] = dict(by_key)
        for measure, by_key in once.items():
            if measure.startswith("since."):
                _, name, pathway = measure.split(".", 2)
                result[pathway][name] = dict(by_key)
        return dict(result)

    def outcomes(self):
        codes = {str(pk): (code, name) for pk, code, name in OutcomeCode.objects.values_list("pk", "code", "name")}
        return self._by("diversion.outcome", label=codes.get)

    def cases(self):
        return self._merged({m: f"cases.{m}" for m in ("started", "breached", "prosecuted")}, lambda value: value)

    def interventions(self):
        organisations, programmes = self._names()
        names = ("started", "engaged", "ended", "completed")
        return (self._merged({m: f"interventions.programme.{m}" for m in names}, programmes.get),
                self._merged({m: f"interventions.partner.{m}" for m in names}, organisations.get))
