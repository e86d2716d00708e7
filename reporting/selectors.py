"""The figures as aggregate SQL, for a period (compared with the one before and a year earlier) and an area.

Each figure is one query that counts all three periods at once (COUNT ... FILTER (WHERE ...)), so the
page costs the same number of queries however many referrals there are. Python only arranges the few
aggregate rows that come back (one per source, partner, ethnic group...), never the records themselves;
the one exception is the median and 90th percentile on SQLite, which has no percentile_cont.

Scope (`FigureScope`): the VRU's managers count everything; any other organisation's manager counts its
own work only: referrals it made or was allocated (an allocation it later handed back included: that was
its work too), the interventions it delivers and the diversion cases it leads or decided. A school's
manager therefore sees its own referrals. Figures are counts, never records, so they are scoped by these
plain conditions rather than by object permissions, which answer a different question (may this person
open this record now?) and are revoked on a hand-back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, TruncMonth
from django.db.models.lookups import GreaterThan

from core import replica
from outcomes.models import CaseEvent, CaseStatus, DiversionCase, Intervention, InterventionStatus, PoliceOutcome, Session
from outcomes.reference import PATHWAYS
from partners import access
from partners.models import Area
from referrals.models import Allocation, Concern, Decision, Ethnicity, Referral, ReferralConcern, ReferralEvent, Sex, Source

from . import figures as f
from . import rules, sql
from .models import AreaPopulation

# --- Scope and periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureScope:
    organisation_id: int | None  # None: everything (the VRU)
    area: str = ""

    @property
    def everything(self):
        return self.organisation_id is None


def scope_for(acting, area: str = "") -> FigureScope:
    acting = access.require_capability(acting, "view_figures")
    if area and area not in Area.values:
        raise ValueError(f"Unknown area {area!r}")
    return FigureScope(None if acting.is_vru else acting.organisation.pk, area)


def _referrals_q(scope: FigureScope, path: str = "") -> Q:
    """Submitted referrals in scope; `path` reaches the referral from another model ("referral__")."""
    q = Q(**{f"{path}received_at__isnull": False})
    if scope.area:
        q &= Q(**{f"{path}area": scope.area})
    if scope.everything:
        return q
    pk = OuterRef(f"{path}pk") if path else OuterRef("pk")
    allocated = Exists(Allocation.objects.filter(referral_id=pk, organisation_id=scope.organisation_id))
    return q & (Q(**{f"{path}referring_organisation_id": scope.organisation_id}) | allocated)


def _interventions_q(scope: FigureScope) -> Q:
    q = Q(young_person__area=scope.area) if scope.area else Q()
    return q if scope.everything else q & Q(organisation_id=scope.organisation_id)


def _cases_q(scope: FigureScope, path: str = "") -> Q:
    q = Q(**{f"{path}young_person__area": scope.area}) if scope.area else Q()
    if scope.everything:
        return q
    org = scope.organisation_id
    return q & (Q(**{f"{path}lead_organisation_id": org}) | Q(**{f"{path}police_organisation_id": org}))


@dataclass(frozen=True)
class Periods:
    """The three periods compared, with the query conditions for each."""

    by_key: dict

    @classmethod
    def of(cls, period: rules.Period) -> Periods:
        return cls(rules.comparisons(period))

    def within(self, field: str, key: str, *, dates=False) -> Q:
        period = self.by_key[key]
        start, end = (period.start, period.end) if dates else period.instants()
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})

    def any(self, field: str, *, dates=False) -> Q:
        q = Q()
        for key in rules.PERIOD_KEYS:
            q |= self.within(field, key, dates=dates)
        return q

    @property
    def span(self) -> tuple[date, date]:
        return min(p.start for p in self.by_key.values()), max(p.end for p in self.by_key.values())


def _counts(queryset, group, measures: dict, periods: Periods) -> dict:
    """{group value: {measure: {period key: n}}} in one query.

    `measures`: name -> (the field whose date puts a row in a period, extra condition, dates?).
    `group`: a field or expression name to group by, or None for one total (keyed None).
    """
    aliases, annotations = {}, {}
    for i, (name, (field, condition, dates)) in enumerate(measures.items()):
        for j, key in enumerate(rules.PERIOD_KEYS):
            alias = f"m{i}_{j}"
            aliases[alias] = (name, key)
            annotations[alias] = Count("pk", filter=periods.within(field, key, dates=dates) & condition)
    if group is None:
        rows = [{**queryset.aggregate(**annotations), "_group": None}]
    elif isinstance(group, tuple):
        rows = [{**row, "_group": tuple(row[g] for g in group)}
                for row in queryset.values(*group).annotate(**annotations).order_by()]
    else:
        rows = [{**row, "_group": row[group]} for row in queryset.values(group).annotate(**annotations).order_by()]
    result = {}
    for row in rows:
        slot = result.setdefault(row["_group"], {name: {k: 0 for k in rules.PERIOD_KEYS} for name in measures})
        for alias, (name, key) in aliases.items():
            slot[name][key] += row[alias] or 0
    return result


def _zero():
    return {k: 0 for k in rules.PERIOD_KEYS}


def _count_rows(counts: dict, choices, measure="n") -> list[f.Row]:
    """One count row per choice (zeros included, in the choices' order), then any value not in the choices."""
    known = dict(choices)
    rows = [f.Row(value, label, f.COUNT, {k: f.count(counts.get(value, {}).get(measure, _zero())[k])
                                          for k in rules.PERIOD_KEYS}) for value, label in choices]
    for value in counts:
        if value not in known:
            rows.append(f.Row(str(value), str(value or "Not recorded"), f.COUNT,
                              {k: f.count(counts[value][measure][k]) for k in rules.PERIOD_KEYS}))
    return rows


def _total_row(rows: list[f.Row], label="Total") -> f.Row:
    return f.Row("total", label, f.COUNT, {k: f.count(sum(r.cells[k].count for r in rows)) for k in rules.PERIOD_KEYS})


# --- Referrals ---------------------------------------------------------------------------------------

ONE = {"n": ("received_at", Q(), False)}


def _referrals(scope, periods):
    return Referral.objects.filter(_referrals_q(scope), periods.any("received_at"))


def _age_band():
    years = sql.birthdays_since("date_of_birth", "received_at")
    whens = [When(date_of_birth__isnull=True, then=Value("unknown"))]
    whens.append(When(Q(age__lt=100000), then=Value(rules.UNDER_10[0])))
    whens += [When(Q(age__lt=(high + 1) * 10000), then=Value(key)) for key, _label, _low, high in rules.AGE_BANDS]
    return years, Case(*whens, default=Value(rules.OVER_24[0]), output_field=CharField())


class LiveCounts:
    """The counts the figures rest on, counted from the records, for any scope. For the VRU's figures the rollup
    (reporting/rollup.py) gives the very same counts from its tables; tests/reporting/test_rollup.py holds it to it."""

    def __init__(self, scope: FigureScope, periods: Periods):
        self.scope, self.periods = scope, periods

    def referrals(self) -> dict:
        scope, periods = self.scope, self.periods
        base = _referrals(scope, periods)
        concerns = ReferralConcern.objects.filter(_referrals_q(scope, "referral__"), periods.any("referral__received_at"))
        years, band = _age_band()
        return {
            "source": _counts(base, "source", ONE, periods),
            "concern": _counts(concerns, "concern", {"n": ("referral__received_at", Q(), False)}, periods),
            "area": _counts(base, "area", ONE, periods),
            "age": _counts(base.annotate(age=years, band=band), "band", ONE, periods),
            "sex": _counts(base, "sex", ONE, periods),
            "ethnicity": _counts(base.annotate(group=sql.text_or("ethnicity", rules.NOT_STATED)), "group",
                                 {**ONE, "declined": ("received_at", Q(decision=Decision.DECLINE), False)}, periods),
        }

    def monthly(self, period: rules.Period):
        return monthly_referrals(self.scope, period)

    def time(self) -> dict:
        return time_to_decision(self.scope, self.periods)

    def bands(self) -> dict:
        band = _time_band()
        decided = _referrals(self.scope, self.periods).filter(first_decided_at__isnull=False).annotate(band=band)
        return _counts(decided, "band", ONE, self.periods)

    def decisions(self) -> dict:
        events = ReferralEvent.objects.filter(_referrals_q(self.scope, "referral__"), kind__in=list(DECISION_KINDS))
        return _counts(events.filter(self.periods.any("at")), "kind", {"n": ("at", Q(), False)}, self.periods)

    def allocations(self) -> dict:
        periods = self.periods
        allocations = Allocation.objects.filter(_referrals_q(self.scope, "referral__"),
                                                periods.any("allocated_at") | periods.any("handed_back_at"))
        return _counts(allocations, "organisation__name", {
            "allocated": ("allocated_at", Q(), False),
            "later_handed_back": ("allocated_at", Q(handed_back_at__isnull=False), False),
            "handed_back": ("handed_back_at", Q(), False),
        }, periods)

    def rereferral(self) -> dict:
        return rereferral_counts(self.scope, self.periods)

    def diversion(self) -> dict:
        return diversion_counts(self.scope, self.periods)

    def outcomes(self) -> dict:
        return outcome_counts(self.scope, self.periods)

    def cases(self) -> dict:
        return case_counts_by_ethnicity(self.scope, self.periods)

    def interventions(self) -> tuple[dict, dict]:
        attended = Session.objects.filter(intervention_id=OuterRef("pk"), attendance="attended", correction__isnull=True)
        base = (Intervention.objects.filter(_interventions_q(self.scope), self.periods.any("started_on", dates=True))
                .annotate(attended=Exists(attended)))
        programme = Concat("programme__name", Value(" ("), "programme__owner__name", Value(")"), output_field=CharField())
        return (_counts(base.annotate(programme_label=programme), "programme_label", INTERVENTION_MEASURES, self.periods),
                _counts(base, "organisation__name", INTERVENTION_MEASURES, self.periods))


def counts_for(scope: FigureScope, periods: Periods):
    from . import rollup

    return rollup.counts(scope, periods) or LiveCounts(scope, periods)


def referral_figures(scope: FigureScope, periods: Periods, counts=None) -> tuple[list[f.Figure], dict]:
    """Referrals received in each period by source, concern, area, age band, sex and ethnicity, and the monthly trend.

    Returns the figures and the counts by ethnicity (with declines), which disproportionality reuses.
    """
    counts = counts or counts_for(scope, periods)
    referrals = counts.referrals()
    source_rows = _count_rows(referrals["source"], Source.choices)
    by_age = referrals["age"]
    age_rows = _count_rows(by_age, [(key, label) for key, label, _low, _high in rules.AGE_BANDS])
    # Outside 10 to 24 (or no date of birth) is a data problem to look at: shown only when there is one.
    unusual = [rules.UNDER_10, rules.OVER_24, ("unknown", "Date of birth not recorded")]
    age_rows += [r for r in _count_rows({k: v for k, v in by_age.items() if k in dict(unusual)}, unusual)
                 if any(c.count for c in r.cells.values())]
    by_concern, by_area, by_sex, by_ethnicity = (referrals[k] for k in ("concern", "area", "sex", "ethnicity"))
    return [
        f.Figure("total", "Referrals received", [_total_row(source_rows, "Referrals received")],
                 note="Referrals submitted to the VRU, counted on the day they arrived."),
        f.Figure("monthly", "Referrals received each month", [], chart="columns",
                 series=counts.monthly(periods.by_key[rules.CURRENT]),
                 note="The months up to the end of the period: at least 18, to show the trend."),
        f.Figure("source", "By source", source_rows),
        f.Figure("concern", "By concern", _count_rows(by_concern, Concern.choices),
                 note="A referral may raise several concerns, so these add up to more than the referrals."),
        f.Figure("area", "By area", _count_rows(by_area, Area.choices), note="The area where the young person lives."),
        f.Figure("age", "By age on the day the referral arrived", age_rows),
        f.Figure("sex", "By sex", _count_rows(by_sex, Sex.choices)),
        f.Figure("ethnicity", "By ethnic group (ONS 2021)", _count_rows(by_ethnicity, Ethnicity.choices)),
    ], by_ethnicity


def monthly_referrals(scope: FigureScope, period: rules.Period) -> list[tuple[date, int]]:
    """Referrals received in each month up to the period's end (at least 18 months): the trend chart."""
    start = rules.trend_start(period)
    from_, to = rules.midnight(start), rules.midnight(period.end)
    rows = (
        Referral.objects.filter(_referrals_q(scope), received_at__gte=from_, received_at__lt=to)
        .annotate(month=TruncMonth("received_at", tzinfo=rules.LONDON)).values("month").annotate(n=Count("pk")).order_by()
    )
    counts = {}
    for row in rows:
        month = row["month"]
        month = month.date() if hasattr(month, "date") else month
        counts[month.replace(day=1)] = counts.get(month.replace(day=1), 0) + row["n"]
    return [(month, counts.get(month, 0)) for month in rules.month_starts(start, period.end)]


# --- Triage ------------------------------------------------------------------------------------------

# Hours from arrival to the first decision, in bands for the distribution chart.
TIME_BANDS = (
    ("under_4h", "Under 4 hours", 4),
    ("4_8h", "4 to 8 hours", 8),
    ("8_24h", "8 to 24 hours", 24),
    ("1_2d", "1 to 2 days", 48),
    ("2_3d", "2 to 3 days", 72),
    ("3_5d", "3 to 5 days", 120),
    ("5d_plus", "5 days or more", None),
)
URGENT_HOURS = 4


def _deadline_on_arrival(periods, key):
    """The triage deadline a referral had when it arrived: stored, unless a hand-back or an answer replaced it."""
    period = periods.by_key[key]
    boundaries = rules.deadline_boundaries(period.start - timedelta(days=7), period.end + timedelta(days=14))
    return Case(
        When(returned_at__isnull=True, then=F("triage_deadline")),
        When(urgent=True, then=F("received_at") + timedelta(hours=URGENT_HOURS)),
        default=sql.SecondAfter("received_at", boundaries),
    )


def time_to_decision(scope: FigureScope, periods: Periods) -> dict:
    """Median and 90th percentile hours from arrival to the first decision, how many were decided, how many in time."""
    decided = Q(first_decided_at__isnull=False)
    hours = ExpressionWrapper(sql.TenthsOfHours("received_at", "first_decided_at") / Value(10.0),
                              output_field=FloatField())
    base = _referrals(scope, periods)
    annotations = {}
    for key in rules.PERIOD_KEYS:
        in_period = periods.within("received_at", key) & decided
        annotations[f"decided_{key}"] = Count("pk", filter=in_period)
        in_time = Q(first_decided_at__lte=_deadline_on_arrival(periods, key))
        annotations[f"in_time_{key}"] = Count("pk", filter=in_period & in_time)
        if sql.has_percentile():
            annotations[f"median_{key}"] = sql.Percentile(hours, 0.5, filter=in_period)
            annotations[f"p90_{key}"] = sql.Percentile(hours, 0.9, filter=in_period)
    result = base.aggregate(**annotations)
    if not sql.has_percentile():
        # SQLite (the demo): the durations themselves, for Python to rank. Only the hours and arrival times come back.
        rows = list(base.filter(decided).annotate(hours=hours).values_list("received_at", "hours"))
        for key in rules.PERIOD_KEYS:
            start, end = periods.by_key[key].instants()
            values = [h for at, h in rows if start <= at < end]
            result[f"median_{key}"] = rules.percentile_cont(values, 0.5)
            result[f"p90_{key}"] = rules.percentile_cont(values, 0.9)
    return result


def band_of(tenths: int) -> str:
    """The band of the distribution chart a first decision falls in, from its whole tenths of an hour."""
    return next((key for key, _label, limit in TIME_BANDS if limit is not None and tenths < limit * 10), TIME_BANDS[-1][0])


def _time_band():
    tenths = sql.TenthsOfHours("received_at", "first_decided_at")
    whens = [When(GreaterThan(Value(limit * 10), tenths), then=Value(key))
             for key, _label, limit in TIME_BANDS if limit is not None]
    return Case(*whens, default=Value(TIME_BANDS[-1][0]), output_field=CharField())


DECISION_KINDS = {
    ReferralEvent.Kind.ALLOCATED: Decision.ALLOCATE.label,
    ReferralEvent.Kind.SIGNPOSTED: Decision.SIGNPOST.label,
    ReferralEvent.Kind.DECLINED: Decision.DECLINE.label,
    ReferralEvent.Kind.INFO_REQUESTED: Decision.REQUEST_INFO.label,
}


def triage_figures(scope: FigureScope, periods: Periods, counts=None) -> list[f.Figure]:
    counts = counts or counts_for(scope, periods)
    stats = counts.time()
    keys = rules.PERIOD_KEYS
    timeliness = [
        f.Row("decided", "Referrals with a decision", f.COUNT, {k: f.count(stats[f"decided_{k}"]) for k in keys}),
        f.Row("median", "Median hours to the first decision", f.HOURS,
              {k: f.hours(stats[f"median_{k}"], stats[f"decided_{k}"]) for k in keys}),
        f.Row("p90", "90th percentile hours (9 in 10 decided within)", f.HOURS,
              {k: f.hours(stats[f"p90_{k}"], stats[f"decided_{k}"]) for k in keys}),
        f.Row("in_time", "Decided within the triage deadline", f.PERCENT,
              {k: f.percent(stats[f"in_time_{k}"], stats[f"decided_{k}"]) for k in keys}),
    ]
    by_band = counts.bands()
    by_kind = counts.decisions()
    by_partner = counts.allocations()
    partners = sorted(by_partner)
    allocated_rows = [f.Row(name, name, f.COUNT, {k: f.count(by_partner[name]["allocated"][k]) for k in keys})
                      for name in partners]
    handback_rows = [f.Row(name, name, f.COUNT, {k: f.count(by_partner[name]["handed_back"][k]) for k in keys})
                     for name in partners]
    all_allocated = {k: sum(by_partner[n]["allocated"][k] for n in partners) for k in keys}
    later = {k: sum(by_partner[n]["later_handed_back"][k] for n in partners) for k in keys}
    return [
        f.Figure("timeliness", "Time from arrival to the first triage decision", timeliness,
                 note="Clock hours from the referral's arrival to the VRU's first decision (a request for more information "
                      "counts), for referrals that arrived in the period. The deadline is the one set on arrival: "
                      "4 hours when urgent, otherwise 17:00 on the next working day."),
        f.Figure("time_bands", "How long the first decision took",
                 _count_rows(by_band, [(k, label) for k, label, _ in TIME_BANDS]), chart="bars"),
        f.Figure("decisions", "Decisions by type", _count_rows(by_kind, list(DECISION_KINDS.items())),
                 note="Every decision made in the period, including a second decision after a hand-back or an answer."),
        f.Figure("allocations", "Allocations by partner", allocated_rows + ([_total_row(allocated_rows)] if partners else []),
                 note="Allocations made in the period."),
        f.Figure("hand_backs", "Hand-backs by partner", handback_rows + ([_total_row(handback_rows)] if partners else []) + [
            f.Row("share", "Share of the period's allocations handed back", f.PERCENT,
                  {k: f.percent(later[k], all_allocated[k]) for k in keys}),
        ], note="Allocations a partner handed back to the VRU, counted on the day they were handed back."),
    ]


# --- Interventions -----------------------------------------------------------------------------------

ENDED = (InterventionStatus.COMPLETED, InterventionStatus.DISENGAGED, InterventionStatus.WITHDRAWN)


INTERVENTION_MEASURES = {
    "started": ("started_on", Q(), True),
    "engaged": ("started_on", Q(attended=True), True),
    "ended": ("started_on", Q(status__in=ENDED), True),
    "completed": ("started_on", Q(status=InterventionStatus.COMPLETED), True),
}


def intervention_figures(scope: FigureScope, periods: Periods, counts=None) -> list[f.Figure]:
    """Engagement and completion of the interventions started in each period, by programme and by partner."""
    by_programme, by_partner = (counts or counts_for(scope, periods)).interventions()
    return _rate_figures(by_programme, "programme", "programme") + _rate_figures(by_partner, "partner", "partner")


def _rates(counts: dict, num: str, den: str) -> list[f.Row]:
    keys = rules.PERIOD_KEYS
    rows = [f.Row(str(g), str(g), f.PERCENT, {k: f.percent(counts[g][num][k], counts[g][den][k]) for k in keys})
            for g in sorted(counts)]
    if len(rows) > 1:
        rows.append(f.Row("all", "All", f.PERCENT, {k: f.percent(sum(counts[g][num][k] for g in counts),
                                                                 sum(counts[g][den][k] for g in counts)) for k in keys}))
    return rows


def _rate_figures(counts, slug, noun):
    return [
        f.Figure(f"engagement_{slug}", f"Engagement by {noun}", _rates(counts, "engaged", "started"),
                 note="Interventions started in the period in which the young person attended at least one session "
                      "(a corrected session counts as corrected)."),
        f.Figure(f"completion_{slug}", f"Completion by {noun}", _rates(counts, "completed", "ended"),
                 note="Of the interventions started in the period that have ended, the share completed (the others "
                      "disengaged or were withdrawn)."),
    ]


# --- Outcome 22 and Checkpoint -----------------------------------------------------------------------

CASE_MEASURES = (
    ("started", "Started"),
    ("completed", "Completed"),
    ("breach_proposed", "Breach proposed"),
    ("returned", "Breach confirmed and returned to police"),
    ("late", "Returned after the deadline"),
    ("reoffence", "Further offence recorded during the contract"),
)


def _late():
    """Police received the case after its return-to-police deadline, or the deadline passed before they had it."""
    return (Q(return_to_police__received_at__date__gt=F("return_to_police__deadline"))
            | Q(deadline_missed_on__isnull=False))


def _prosecuted():
    return Q(status=CaseStatus.OUTCOME_RECORDED, return_to_police__isnull=False, police_outcome__outcome__code=1)


def diversion_counts(scope: FigureScope, periods: Periods) -> dict:
    """{pathway code: {measure: {period key: n}}}: each case counted on the day of what happened to it.

    A case with two breach proposals (or two further offences) in a period counts once in it.
    """
    returned = "return_to_police__returned_at"
    cases = DiversionCase.objects.filter(_cases_q(scope)).filter(
        periods.any("start_date", dates=True) | periods.any("closed_at") | periods.any(returned))
    counts = _counts(cases, "pathway__code", {
        "started": ("start_date", Q(), True),
        "completed": ("closed_at", Q(status=CaseStatus.COMPLETED), False),
        "returned": (returned, Q(), False),
        "late": (returned, _late(), False),
    }, periods)
    kinds = {"breach_proposed": CaseEvent.Kind.BREACH_PROPOSED, "reoffence": CaseEvent.Kind.REOFFENCE}
    events = CaseEvent.objects.filter(_cases_q(scope, "case__"), kind__in=list(kinds.values())).filter(periods.any("at"))
    annotations = {f"{name}_{key}": Count("case_id", distinct=True, filter=Q(kind=kind) & periods.within("at", key))
                   for name, kind in kinds.items() for key in rules.PERIOD_KEYS}
    for row in events.values("case__pathway__code").annotate(**annotations).order_by():
        slot = counts.setdefault(row["case__pathway__code"], {name: _zero() for name, _ in CASE_MEASURES})
        for name in kinds:
            slot[name] = {key: row[f"{name}_{key}"] for key in rules.PERIOD_KEYS}
    return counts


def outcome_counts(scope: FigureScope, periods: Periods) -> dict:
    outcomes = PoliceOutcome.objects.filter(_cases_q(scope, "case__"), periods.any("recorded_at"))
    return _counts(outcomes, ("outcome__code", "outcome__name"), {"n": ("recorded_at", Q(), False)}, periods)


def case_counts_by_ethnicity(scope: FigureScope, periods: Periods) -> dict:
    """Diversion cases started in each period by the young person's ethnic group, with how they ended so far."""
    cases = DiversionCase.objects.filter(_cases_q(scope), periods.any("start_date", dates=True))
    return _counts(cases.annotate(group=F("young_person__ethnicity")), "group", {
        "started": ("start_date", Q(), True),
        "breached": ("start_date", Q(return_to_police__isnull=False), True),
        "prosecuted": ("start_date", _prosecuted(), True),
    }, periods)


def diversion_figures(scope: FigureScope, periods: Periods, counts=None) -> list[f.Figure]:
    """Each pathway's cases, each counted on the day of what happened: started, completed, breach proposed...

    Returned after the deadline: police received the case after its return-to-police deadline, or the deadline
    passed before they had it (the daily job sets deadline_missed_on).
    """
    counts = counts or counts_for(scope, periods)
    by_pathway = counts.diversion()
    figures = []
    for code, pathway in PATHWAYS.items():
        slot = by_pathway.get(code, {})
        figures.append(f.Figure(code, pathway["name"], [
            f.Row(name, label, f.COUNT, {k: f.count(slot.get(name, _zero())[k]) for k in rules.PERIOD_KEYS})
            for name, label in CASE_MEASURES
        ]))
    by_code = counts.outcomes()
    figures.append(f.Figure("outcomes", "Final outcomes by code", [
        f.Row(str(code), f"{code}: {name}", f.COUNT, {k: f.count(by_code[code, name]["n"][k]) for k in rules.PERIOD_KEYS})
        for code, name in sorted(by_code)
    ], note="Police outcomes recorded in the period: the closing outcome of a completed case, or what police decided "
            "after a return to police."))
    return figures


# --- Re-referral within 12 months ----------------------------------------------------------------------


def rereferral_counts(scope: FigureScope, periods: Periods) -> dict:
    """People referred in each period, and of them those referred in the 12 months before one of those referrals.

    A young person a triager merged into another counts as that other one. The earlier referral must be in
    scope too: a partner sees re-referral among its own work.
    """
    person = Coalesce("young_person__merged_into_id", "young_person_id")
    earlier = Referral.objects.filter(
        _referrals_q(scope),
        received_at__lt=OuterRef("received_at"), received_at__gte=sql.MonthsBefore(OuterRef("received_at"), 12),
    )
    # Two probes, each on an index (the young person's referrals; those merged into them), not one OR across a join.
    again = Exists(earlier.filter(young_person_id=OuterRef("person"))) | Exists(
        earlier.filter(young_person__merged_into_id=OuterRef("person")))
    base = _referrals(scope, periods).annotate(person=person).annotate(again=ExpressionWrapper(again, BooleanField()))
    annotations = {}
    for key in rules.PERIOD_KEYS:
        in_period = periods.within("received_at", key)
        annotations[f"people_{key}"] = Count("person", distinct=True, filter=in_period)
        annotations[f"again_{key}"] = Count("person", distinct=True, filter=in_period & Q(again=True))
    return base.aggregate(**annotations)


def rereferral_figures(scope: FigureScope, periods: Periods, counts=None) -> list[f.Figure]:
    """Of the young people referred in the period, those with another referral in the 12 months before one of them."""
    stats = (counts or counts_for(scope, periods)).rereferral()
    keys = rules.PERIOD_KEYS
    return [f.Figure("rereferral", "Young people referred again within 12 months", [
        f.Row("people", "Young people referred", f.COUNT, {k: f.count(stats[f"people_{k}"]) for k in keys}),
        f.Row("again", "Of whom referred in the 12 months before", f.PERCENT,
              {k: f.percent(stats[f"again_{k}"], stats[f"people_{k}"]) for k in keys}),
    ], note="A young person counts once however many times they were referred in the period; they count as referred "
            "again when another of their referrals arrived in the 12 months before one of those.")]


# --- Disproportionality --------------------------------------------------------------------------------


def population_by_group(area: str = "") -> dict[str, int]:
    """People aged 10 to 24 by broad ethnic group, from each area's latest year of reference data."""
    latest = AreaPopulation.objects.filter(area=OuterRef("area")).order_by("-year").values("year")[:1]
    low, high = rules.POPULATION_AGES
    rows = AreaPopulation.objects.filter(age_from__gte=low, age_to__lte=high, year=Subquery(latest))
    if area:
        rows = rows.filter(area=area)
    totals = {}
    for ethnicity, n in rows.values("ethnicity").annotate(n=Sum("count")).values_list("ethnicity", "n").order_by():
        group = rules.broad_group(ethnicity)
        if group:
            totals[group] = totals.get(group, 0) + (n or 0)
    return totals


def _by_group(counts: dict, measure: str) -> dict[str, dict[str, int]]:
    totals = {group: _zero() for group, _ in rules.BROAD_GROUPS}
    for ethnicity, slot in counts.items():
        group = rules.broad_group(ethnicity)
        if group:
            for key in rules.PERIOD_KEYS:
                totals[group][key] += slot[measure][key]
    return totals


def _rr_figure(slug, title, events, bases, note, rate_kind=f.PERCENT):
    """Each broad group's rate against the White group's, for each period."""
    white = rules.COMPARATOR
    per_period = isinstance(bases.get(white), dict)
    rows = []
    for group, label in rules.BROAD_GROUPS:
        cells = {}
        for key in rules.PERIOD_KEYS:
            # A base counted per period (referrals, cases), or one for all periods (the population).
            n1, n2 = ((bases[group][key], bases[white][key]) if per_period
                      else (bases.get(group, 0), bases.get(white, 0)))
            cells[key] = f.relative(events[group][key], n1, events[white][key], n2)
        rows.append(f.Row(group, label, f.RELATIVE_RATE, cells, rate_kind=rate_kind))
    return f.Figure(slug, title, rows, note=note, chart="forest")


def disproportionality_figures(scope: FigureScope, periods: Periods, by_ethnicity: dict, counts=None) -> list[f.Figure]:
    population = population_by_group(scope.area)
    referred = _by_group(by_ethnicity, "n")
    declined = _by_group(by_ethnicity, "declined")
    by_case_group = (counts or counts_for(scope, periods)).cases()
    started = _by_group(by_case_group, "started")
    return [
        _rr_figure("referral", "Referral rate per 1,000 people aged 10 to 24", referred, population,
                   "Referrals received in the period per 1,000 people of the group living in the area (reference "
                   "data: each area's latest year).", rate_kind=f.PER_1000),
        _rr_figure("decline", "Referrals declined", declined, referred,
                   "Of the group's referrals received in the period, the share the VRU declined."),
        _rr_figure("breach", "Breaches confirmed", _by_group(by_case_group, "breached"), started,
                   "Of the group's diversion cases started in the period, the share returned to police after a "
                   "confirmed breach (so far: recent cases have had less time to fail)."),
        _rr_figure("prosecution", "Prosecutions after a return to police", _by_group(by_case_group, "prosecuted"), started,
                   "Of the group's diversion cases started in the period, the share returned to police and then charged or "
                   "summonsed (police outcome 1)."),
    ]


# --- Everything on the page ----------------------------------------------------------------------------


@replica.reads()
def sections(acting, period: rules.Period, area: str = "") -> list[f.Section]:
    """Every figure, in the page's order. A fixed number of queries whatever the volume of data."""
    scope = scope_for(acting, area)
    periods = Periods.of(period)
    counts = counts_for(scope, periods)
    referral, by_ethnicity = referral_figures(scope, periods, counts)
    return [
        f.Section("referrals", f.SECTIONS["referrals"], referral),
        f.Section("triage", f.SECTIONS["triage"], triage_figures(scope, periods, counts)),
        f.Section("interventions", f.SECTIONS["interventions"], intervention_figures(scope, periods, counts)),
        f.Section("diversion", f.SECTIONS["diversion"], diversion_figures(scope, periods, counts)),
        f.Section("re-referrals", f.SECTIONS["re-referrals"], rereferral_figures(scope, periods, counts)),
        f.Section("disproportionality", f.SECTIONS["disproportionality"],
                  disproportionality_figures(scope, periods, by_ethnicity, counts)),
    ]


SECTION_BUILDERS = {
    "triage": triage_figures,
    "interventions": intervention_figures,
    "diversion": diversion_figures,
    "re-referrals": rereferral_figures,
}


@replica.reads()
def section(acting, slug: str, period: rules.Period, area: str = "") -> f.Section:
    """One section only (a CSV download, an API call): only its queries run."""
    if slug not in f.SECTIONS:
        raise KeyError(slug)
    scope = scope_for(acting, area)
    periods = Periods.of(period)
    counts = counts_for(scope, periods)
    if slug in SECTION_BUILDERS:
        figures = SECTION_BUILDERS[slug](scope, periods, counts)
    else:
        referral, by_ethnicity = referral_figures(scope, periods, counts)
        figures = referral if slug == "referrals" else disproportionality_figures(scope, periods, by_ethnicity, counts)
    return f.Section(slug, f.SECTIONS[slug], figures)


# The summary page leads with these figures: (section, figure slugs). Only those sections' counts are read.
SUMMARY = [("referrals", ("total", "monthly")), ("triage", ("timeliness",))]


@replica.reads()
def summary(acting, period: rules.Period, area: str = "") -> f.Section:
    """The headline figures, taken whole from their sections, so they read the same on both pages."""
    scope = scope_for(acting, area)
    periods = Periods.of(period)
    counts = counts_for(scope, periods)
    built = {"referrals": referral_figures(scope, periods, counts)[0], "triage": triage_figures(scope, periods, counts)}
    return f.Section("summary", "Summary", [figure for slug, wanted in SUMMARY for figure in built[slug]
                                            if figure.slug in wanted])


# --- The population reference data, as its page shows it ------------------------------------------------

AREAS = Area.choices


def population_table() -> dict:
    """People aged 10 to 24 by detailed ethnic group (rows) and area (columns), from each area's latest year."""
    latest = AreaPopulation.objects.filter(area=OuterRef("area")).order_by("-year").values("year")[:1]
    low, high = rules.POPULATION_AGES
    rows = (AreaPopulation.objects.filter(year=Subquery(latest), age_from__gte=low, age_to__lte=high)
            .values("area", "ethnicity", "year").annotate(n=Sum("count")).order_by())
    cells, years = {}, {}
    for row in rows:
        cells[row["ethnicity"], row["area"]] = row["n"]
        years[row["area"]] = row["year"]
    groups = [(value, label) for value, label in Ethnicity.choices if value != rules.NOT_STATED]
    return {
        "years": [years.get(area, "") for area, _ in AREAS],
        "rows": [(label, [cells.get((value, area)) for area, _ in AREAS]) for value, label in groups],
        "totals": [sum(cells.get((value, area), 0) or 0 for value, _ in groups) for area, _ in AREAS],
    }
