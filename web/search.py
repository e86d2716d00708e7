"""What a search result shows of each young person: their referrals, cases, interventions and cohorts, as far as
the searcher may see them (access.visible on each), in five queries for any number of results; and the filter
*open work only*, asked of the same scopes, so it reveals no work the searcher may not see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q

from cohorts.models import CohortMembership
from outcomes.models import CaseStatus, DiversionCase, Intervention, InterventionStatus
from partners import access
from partners.audit_words import NAMES
from referrals import search
from referrals.models import Referral, Status, YoungPerson
from reporting.rules import AGE_BANDS

OPEN_REFERRAL = (Status.SUBMITTED, Status.IN_TRIAGE, Status.INFO_REQUESTED, Status.ALLOCATED)
OPEN_CASE = (CaseStatus.ACTIVE, CaseStatus.AT_RISK, CaseStatus.BREACH_PROPOSED, CaseStatus.RETURNED_TO_POLICE,
             CaseStatus.CLOSURE_PROPOSED)
OPEN_INTERVENTION = (InterventionStatus.OFFERED, InterventionStatus.ENGAGED)


@dataclass
class Work:
    label: str  # "Referral VRU-2026-000123: Allocated"
    url: str | None
    open: bool


@dataclass
class Summary:
    referrals: list[Work] = field(default_factory=list)
    cases: list[Work] = field(default_factory=list)
    interventions: list[Work] = field(default_factory=list)
    cohorts: list[Work] = field(default_factory=list)

    @property
    def items(self):
        return [*self.referrals, *self.cases, *self.interventions, *self.cohorts]


def born_between(band: str, today: date) -> tuple[date, date] | None:
    """The dates of birth of the people aged `band` (reporting.rules.AGE_BANDS) today."""
    for key, _label, low, high in AGE_BANDS:
        if key == band:
            return today - relativedelta(years=high + 1) + relativedelta(days=1), today - relativedelta(years=low)
    return None


def find(acting, typed, *, where, today, area=None, age=None, only_open=False):
    """The search with the page's and the API's filters: area, age band, open work only."""
    return search.find_young_people(acting, typed, where=where, area=area or None,
                                    born_between=born_between(age, today) if age else None,
                                    extra=open_work(acting) if only_open else None)


def open_work(acting) -> Q:
    """Someone with work still open that this person may see: a referral, a case, an intervention, a cohort."""
    def live(queryset):
        return Exists(access.visible(acting, queryset))

    person = OuterRef("pk")
    return (Q(live(Referral.objects.filter(young_person_id=person, status__in=OPEN_REFERRAL)))
            | Q(live(DiversionCase.objects.filter(young_person_id=person, status__in=OPEN_CASE)))
            | Q(live(Intervention.objects.filter(young_person_id=person, status__in=OPEN_INTERVENTION)))
            | Q(live(CohortMembership.objects.filter(young_person_id=person, left_on__isnull=True,
                                                     cohort__active=True))))


def _page(acting, obj):
    return NAMES[obj._meta.label_lower].page(acting, obj)


def summaries(acting, people) -> dict[int, Summary]:
    """Each person's work, keyed by their id; what was recorded on records merged into them counts as theirs."""
    ids = [p.pk for p in people]
    owner = {pk: pk for pk in ids}
    owner.update(YoungPerson.objects.filter(merged_into_id__in=ids).values_list("pk", "merged_into_id"))
    found = {pk: Summary() for pk in ids}
    everyone = list(owner)

    referrals = access.visible(acting, Referral.objects.filter(young_person_id__in=everyone).exclude(status=Status.DRAFT))
    for r in referrals.order_by("-received_at", "-id"):
        found[owner[r.young_person_id]].referrals.append(
            Work(f"Referral {r.reference}: {r.get_status_display()}", _page(acting, r), r.status in OPEN_REFERRAL))
    cases = access.visible(acting, DiversionCase.objects.filter(young_person_id__in=everyone).select_related("pathway"))
    for c in cases.order_by("-start_date", "-id"):
        found[owner[c.young_person_id]].cases.append(
            Work(f"{c.pathway.name} case {c.crime_reference}: {c.get_status_display()}", _page(acting, c),
                 c.status in OPEN_CASE))
    interventions = access.visible(acting, Intervention.objects.filter(young_person_id__in=everyone)
                                   .select_related("programme", "organisation"))
    for i in interventions.order_by("-id"):
        found[owner[i.young_person_id]].interventions.append(
            Work(f"{i.programme.name} with {i.organisation.name}: {i.get_status_display()}", _page(acting, i),
                 i.status in OPEN_INTERVENTION))
    memberships = access.visible(acting, CohortMembership.objects.filter(young_person_id__in=everyone)
                                 .select_related("cohort"))
    for m in memberships.order_by("-joined_on", "-id"):
        still = m.left_on is None and m.cohort.active
        found[owner[m.young_person_id]].cohorts.append(
            Work(f"Cohort {m.cohort.name}, tier {m.tier}" + ("" if still else ": left"), _page(acting, m), still))
    return found
