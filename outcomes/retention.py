"""Retention for interventions and diversion cases (see referrals/retention.py for the rule and the job).

Kept for the figures: programme, organisation, statuses, dates, attendance, assessment kinds, offence,
pathway, conditions' kinds and dates, outcome codes. Removed: what people wrote (end reasons, missed
reasons, session reasons, corrections' reasons, reasons for returning to police, police notes, timeline prose) and
the crime reference, which leads straight back to the police record of the young person.
"""

from django.db.models import Case, CharField, Exists, F, Q, Value, When
from django.db.models.functions import Cast, Concat

from referrals import retention as core

from . import rules
from .models import Assessment, CaseEvent, Condition, DiversionCase, Intervention, PoliceOutcome, ReturnToPolice, Session


def _activity():
    return {
        "last_intervention_end": core.latest(Intervention.objects.filter(core.of_person()), "ended_on"),
        "last_case_closure": core.latest(DiversionCase.objects.filter(core.of_person()), "closed_at"),
    }


def _open_work():
    return [
        Exists(Intervention.objects.filter(core.of_person(), ended_on__isnull=True)),
        Exists(DiversionCase.objects.filter(core.of_person(), closed_at__isnull=True)),
        Exists(ReturnToPolice.objects.filter(core.of_person("case__young_person"), received_at__isnull=True)),
    ]


def _anonymise(batch: core.Batch) -> dict[str, int]:
    cases = DiversionCase.objects.filter(young_person_id__in=batch.people)
    case_ids = list(cases.values_list("pk", flat=True))
    interventions = Intervention.objects.filter(young_person_id__in=batch.people)
    counts = {
        "blanked_diversion_case": cases.update(
            crime_reference=Concat(Value("Removed "), Cast("pk", CharField()), output_field=CharField())),
        "blanked_intervention": interventions.filter(core.has_text("end_reason")).update(end_reason=core.redacted("end_reason")),
        "blanked_condition": Condition.objects.filter(case_id__in=case_ids).filter(
            core.has_text("missed_reason") | Q(kind=rules.OTHER)).update(
            missed_reason=core.redacted("missed_reason"), description=_condition_description()),
        "blanked_re_referral": ReturnToPolice.objects.filter(case_id__in=case_ids).filter(core.has_text("reason")).update(
            reason=core.redacted("reason")),
    }
    # Sessions, assessments, police outcomes and the case timeline are append-only for people; retention is
    # the one writer allowed to blank their prose, and only on these four tables.
    counts["blanked_police_outcome"] = core.blank_append_only(
        PoliceOutcome.objects.filter(case_id__in=case_ids).filter(core.has_text("notes")), "notes")
    counts["blanked_session"] = core.blank_append_only(
        Session.objects.filter(intervention__in=interventions).filter(core.has_text("reason", "correction_reason")),
        "reason", "correction_reason")
    counts["blanked_assessment"] = core.blank_append_only(
        Assessment.objects.filter(intervention__in=interventions).filter(core.has_text("correction_reason")),
        "correction_reason")
    counts["blanked_case_event"] = core.blank_append_only(
        CaseEvent.objects.filter(case_id__in=case_ids).filter(
            core.has_text("summary") | Q(detail__has_any_keys=list(core.FREE_TEXT_DETAIL_KEYS))), "summary", "detail")
    batch.forget_notifications(("case",), case_ids)
    return counts


def _condition_description():
    # The kinds the figures count are coded; an "other" condition's description is the caseworker's own words.
    return Case(When(kind=rules.OTHER, then=Value("Other condition (details removed under the retention rule)")),
                default=F("description"), output_field=CharField())


core.register(core.Handler(name="outcomes", anonymise=_anonymise, activity=_activity, open_work=_open_work))
