"""Reads of diversion cases and interventions, always through the access policy.

Lists cost a constant number of queries whatever their length (select_related, prefetch_related
and subquery annotations, never a query per row). Opening one case or one intervention is an
audited view, because it shows a young person's record.
"""

from datetime import timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from core import clock
from partners import access, audit
from referrals import search, terms
from referrals.models import Referral, Status, YoungPerson

from . import rules
from .models import (
    Assessment,
    Attendance,
    CaseEvent,
    Condition,
    DiversionCase,
    Intervention,
    Offence,
    OutcomeCode,
    Pathway,
    Programme,
    Session,
)

CASE_RELATED = ("offence", "pathway", "young_person", "lead_organisation", "police_organisation")


def _sessions():
    return Session.objects.select_related("recorded_by", "corrects", "correction").order_by("held_on", "id")


def _assessments():
    return Assessment.objects.select_related("recorded_by", "corrects", "correction").order_by("completed_on", "id")


def deadline_state(case, *, today):
    """Days left to the return-to-police deadline, and whether to show it in red (7 days or fewer)."""
    left = rules.days_left(case.return_deadline, today)
    return {"days_left": left, "near": rules.deadline_is_near(case.return_deadline, today),
            "missed": rules.deadline_missed(case.return_deadline, today)}


# --- Lists ---------------------------------------------------------------------------------------


def caseload(acting, *, today=None, ended=None):
    """'Our caseload': the acting organisation's interventions, the live ones first.

    `ended` False: the live ones only, the nearest due date first; True: the ended ones, the latest first
    (read by index, without working out what is due for thousands of finished interventions); None: both.

    Each row carries next_due (the earliest pending condition of its case, stored: outcomes/next_due.py), assessment_due,
    overdue (a condition missed or pending past its due date), last_session_on and
    sessions_attended, counting only sessions that have not been corrected.
    """
    acting = access.require_capability(acting, "work_allocations")
    today = today or clock.today()
    conditions = Condition.objects.filter(case_id=OuterRef("case_id"))
    pending = conditions.filter(status=rules.PENDING).order_by("due_on")
    live_sessions = Session.objects.filter(intervention_id=OuterRef("pk"), correction__isnull=True)
    attended = (
        live_sessions.filter(attendance=Attendance.ATTENDED).order_by().values("intervention_id")
        .annotate(n=Count("pk")).values("n")
    )
    queryset = access.visible(acting, Intervention.objects.filter(organisation=acting.organisation))
    if ended is not None:
        queryset = queryset.filter(ended_on__isnull=not ended)
    order = [F("ended_on").desc(nulls_first=True), F("next_due").asc(nulls_last=True), "started_on", "id"]
    if ended is False:
        order = order[1:]  # the live ones alone: the index intervention_live_next_due, in its order
    elif ended:
        order = ["-ended_on", "-id"]
    return (
        queryset.select_related("young_person", "programme", "case", "case__pathway")
        .prefetch_related(Prefetch("case__conditions", queryset=Condition.objects.order_by("position", "id")))
        .annotate(
            may_see_name=access.visible_at(acting, YoungPerson, "young_person_id"),
            assessment_due=Subquery(pending.filter(kind=rules.ASSESSMENT).values("due_on")[:1], output_field=DateField()),
            overdue=Exists(conditions.filter(Q(status=rules.MISSED) | Q(status=rules.PENDING, due_on__lt=today))),
            last_session_on=Subquery(live_sessions.order_by("-held_on").values("held_on")[:1], output_field=DateField()),
            sessions_attended=Coalesce(Subquery(attended, output_field=IntegerField()), Value(0)),
        )
        .order_by(*order)
    )


def cases_for(acting, *, status=None, today=None):
    """The diversion cases this organisation may see, the nearest return-to-police deadline first.

    `time_left` (a timedelta: `.days`) is the time to the return-to-police deadline, for the red badge.
    """
    today = today or clock.today()
    queryset = access.visible(acting, DiversionCase.objects.select_related(*CASE_RELATED))
    if status:
        queryset = queryset.filter(status=status)
    # Live cases (whose deadline still matters) first, nearest deadline first; finished ones after.
    finished = Case(When(status__in=[rules.COMPLETED, rules.OUTCOME_RECORDED], then=Value(1)), default=Value(0),
                    output_field=IntegerField())
    return queryset.annotate(
        time_left=ExpressionWrapper(F("return_deadline") - Value(today, output_field=DateField()),
                                    output_field=DurationField()),
        finished=finished,
    ).order_by("finished", "return_deadline", "id")


def returned_to_police_inbox(acting):
    """Police 'Returned to police': this force's cases sent back for a decision, the nearest deadline first."""
    acting = access.require_capability(acting, "decide_diversion")
    queryset = access.visible(
        acting, DiversionCase.objects.filter(status=rules.RETURNED_TO_POLICE, police_organisation=acting.organisation)
    )
    return queryset.select_related(*CASE_RELATED, "return_to_police", "return_to_police__confirmed_by").order_by(
        "return_to_police__deadline", "id"
    )


# --- One record ------------------------------------------------------------------------------------


def case_detail(acting, pk):
    """One case with everything its page shows. Viewing it is audited."""
    queryset = DiversionCase.objects.select_related(
        *CASE_RELATED, "pathway__closing_outcome", "decision_maker", "breach_proposed_by",
        "return_to_police", "return_to_police__confirmed_by", "return_to_police__received_by",
        "police_outcome", "police_outcome__outcome", "police_outcome__recorded_by",
    ).prefetch_related(
        Prefetch("conditions", queryset=Condition.objects.order_by("position", "id")),
        Prefetch("interventions", queryset=Intervention.objects.select_related("programme", "organisation").order_by("id")),
        Prefetch("interventions__sessions", queryset=_sessions()),
        Prefetch("interventions__assessments", queryset=_assessments()),
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor", "organisation").order_by("at", "id")),
    )
    case = access.get_visible_or_404(acting, queryset, pk=pk)
    audit.record(acting, audit.AuditAction.VIEW, case)
    return case


def intervention_detail(acting, pk):
    """One intervention with its sessions and assessments (corrections beside what they correct). Audited."""
    queryset = Intervention.objects.select_related(
        "young_person", "programme", "organisation", "referral", "allocation", "case", "case__pathway"
    ).prefetch_related(Prefetch("sessions", queryset=_sessions()), Prefetch("assessments", queryset=_assessments()))
    intervention = access.get_visible_or_404(acting, queryset, pk=pk)
    audit.record(acting, audit.AuditAction.VIEW, intervention)
    return intervention


def young_person_timeline(acting, young_person):
    """One list of dated entries: the referrals, cases and interventions this organisation may see, oldest first.

    Each entry is a dict: on (a date), kind, title, detail and obj (the record, for a link). The page that
    shows it records the view once, through referrals.selectors.young_person.
    """
    young_person = access.get_visible_or_404(acting, YoungPerson.objects.all(), pk=getattr(young_person, "pk", young_person))
    ids = [young_person.pk, *YoungPerson.objects.filter(merged_into=young_person).values_list("pk", flat=True)]
    entries = []
    referrals = access.visible(
        acting, Referral.objects.filter(young_person_id__in=ids).exclude(status=Status.DRAFT)
    ).select_related("referring_organisation")
    for referral in referrals:
        on = clock.today(referral.received_at or referral.created_at)
        entries.append({"on": on, "kind": "referral", "obj": referral,
                        "title": f"Referral {referral.reference} from {referral.referring_organisation}",
                        "detail": referral.get_status_display()})
    cases = access.visible(acting, DiversionCase.objects.filter(young_person_id__in=ids)).select_related(
        "pathway", "offence", "lead_organisation", "return_to_police", "police_outcome", "police_outcome__outcome"
    )
    for case in cases:
        entries.append({"on": case.start_date, "kind": "case", "obj": case,
                        "title": f"{case.pathway.name} case {case.crime_reference} started, led by {case.lead_organisation}",
                        "detail": f"{case.offence.name}; contract to {case.end_date:%-d %B %Y}; {case.get_status_display()}"})
        return_to_police = getattr(case, "return_to_police", None)
        if return_to_police is not None:
            entries.append({"on": clock.today(return_to_police.returned_at), "kind": "return_to_police",
                            "obj": case,
                            "title": f"Case {case.crime_reference} returned to police", "detail": return_to_police.reason})
        outcome = getattr(case, "police_outcome", None)
        if outcome is not None:
            entries.append({"on": clock.today(outcome.recorded_at), "kind": "outcome", "obj": case,
                            "title": f"Case {case.crime_reference} closed: {outcome.outcome}", "detail": outcome.notes})
    interventions = access.visible(acting, Intervention.objects.filter(young_person_id__in=ids)).select_related(
        "programme", "organisation"
    ).prefetch_related(Prefetch("sessions", queryset=_sessions()), Prefetch("assessments", queryset=_assessments()))
    for intervention in interventions:
        entries.append({"on": intervention.started_on, "kind": "intervention", "obj": intervention,
                        "title": f"{intervention.programme.name} with {intervention.organisation} started",
                        "detail": intervention.get_status_display()})
        if intervention.ended_on:
            entries.append({"on": intervention.ended_on, "kind": "intervention_end", "obj": intervention,
                            "title": f"{intervention.programme.name} {intervention.get_status_display().lower()}",
                            "detail": intervention.end_reason})
        for session in intervention.sessions.all():
            corrected = getattr(session, "correction", None) is not None
            entries.append({"on": session.held_on, "kind": "session", "obj": session, "corrected": corrected,
                            "title": f"Session: {session.get_attendance_display().lower()}"
                                     + (" (corrected)" if corrected else ""),
                            "detail": session.correction_reason or session.reason})
        for assessment in intervention.assessments.all():
            corrected = getattr(assessment, "correction", None) is not None
            entries.append({"on": assessment.completed_on, "kind": "assessment", "obj": assessment, "corrected": corrected,
                            "title": assessment.get_kind_display() + (" (corrected)" if corrected else ""),
                            "detail": assessment.correction_reason})
    order = {"referral": 0, "case": 1, "intervention": 2, "assessment": 3, "session": 4, "intervention_end": 5,
             "return_to_police": 6, "outcome": 7}
    return sorted(entries, key=lambda e: (e["on"], order[e["kind"]], e["obj"].pk))


# --- Reference data ----------------------------------------------------------------------------------


def offences():
    return Offence.objects.filter(active=True).order_by("severity", "name")


def pathways():
    return Pathway.objects.select_related("closing_outcome").order_by("name")


def outcome_codes(closing_only=False):
    queryset = OutcomeCode.objects.filter(active=True)
    if closing_only:
        queryset = queryset.filter(closes_diversion=True)
    return queryset.order_by("code")


def programmes_of(organisation):
    return Programme.objects.filter(owner=organisation, active=True).order_by("name")


# --- Conditions and starting a case ----------------------------------------------------------------


def condition_for(acting, pk):
    """One condition of a case the caller may see (404 otherwise), with its case."""
    cases = access.visible(acting, DiversionCase.objects.all())
    queryset = Condition.objects.filter(case__in=cases).select_related("case", "case__pathway", "case__young_person")
    return access.get_object_or_404_in(queryset, pk=pk)


def condition_added_with_key(case, key):
    """The condition an earlier request with this idempotency key added to this case, or None."""
    event = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CONDITION_ADDED, detail__idempotency_key=str(key)).first()
    if event is None:
        return None
    return Condition.objects.filter(case=case, pk=event.detail.get("condition")).first()


KEY_DAYS = 7  # how long a start's idempotency key is remembered: far longer than any double click or retry


def case_started_with_key(acting, key, *, now):
    """The case this police organisation started with this idempotency key (a journey id) lately, or None.

    The key lives on the case's "started" timeline entry; only this organisation's entries of the last
    KEY_DAYS days are read, so the look-up stays small however many cases there are.
    """
    since = now - timedelta(days=KEY_DAYS)
    started = CaseEvent.objects.filter(kind=CaseEvent.Kind.STARTED, organisation=acting.organisation, at__gte=since,
                                       detail__idempotency_key=str(key)).values_list("case_id", flat=True)[:1]
    return access.visible(acting, DiversionCase.objects.filter(pk__in=list(started))).first()


def young_people_matching(acting, *, name, date_of_birth, today):
    """The young people the officer may see with this name (and date of birth, if given): the portal's one search
    (referrals/search.py), closest first, each with why it matched. Audited as a search from *start a case*."""
    typed = terms.parse(name or "", today=today)
    typed.date_of_birth = date_of_birth or typed.date_of_birth
    return search.find_young_people(acting, typed, where="start_case")
