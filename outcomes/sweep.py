"""The daily compliance sweep, set-based: the same few statements whether there are ten cases or twenty thousand.

Only what the passing of time changes is done here. Progress follows the work as it is recorded (the
recording services call services.refresh_case, which also makes a case active again once its missed
conditions are put right), so the sweep never needs to read sessions or undo a person's work. For one
`today`, in one transaction:

1. pending conditions of live cases past their due date and unmet are missed, and "no further
   offending" is met on its due date (as rules.condition_status says);
2. active cases with a missed condition go at risk, and the lead agency's caseworkers and managers are told;
3. cases still at risk after rules.BREACH_DUE_WORKING_DAYS working days are proposed for breach by the system,
   and the lead agency's managers and the police decision makers are told. The system proposes, people decide:
   a manager or decision maker confirms the breach (re-referral to police) or gives a further chance;
4. active cases at their contract end with every condition met are proposed to the decision maker for closure.

The cases that will change are locked first, in id order, as the page actions lock a case before touching its
conditions: a sweep and a person's action, or two sweeps, wait for each other instead of deadlocking, and every
later statement re-reads under those locks, so a second sweep finds nothing left to do.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When

from core import clock
from notifications.services import Message, notify_many
from partners import audit
from partners.models import Role
from partners.selectors import staff_by_organisation

from . import rules
from .models import CaseEvent, Condition, DiversionCase
from .services import _d, _url

A = audit.AuditAction


def _to_miss(today):
    """Pending, not met by what is recorded, and past its due date."""
    return (Q(status=rules.PENDING, due_on__lt=today, met_on__isnull=True) & ~Q(kind=rules.NO_REOFFENDING)
            & (Q(target__isnull=True) | Q(progress__lt=F("target"))))


def _to_meet(today):
    """No further offending cannot be shown early: it is met on its due date unless a re-offence missed it."""
    return Q(status=rules.PENDING, kind=rules.NO_REOFFENDING, due_on__lte=today)


def _lock_changing(today, cutoff):
    conditions = Condition.objects.filter(case=OuterRef("pk"))
    changing = DiversionCase.objects.filter(status__in=rules.ACTIVE_STATUSES).filter(
        Exists(conditions.filter(_to_miss(today) | _to_meet(today)))
        | Q(status=rules.ACTIVE) & (Q(end_date__lte=today) | Exists(conditions.filter(status=rules.MISSED)))
        | Q(status=rules.AT_RISK, at_risk_since__lte=cutoff)
    )
    return list(changing.select_for_update().order_by("pk").values_list("pk", flat=True))


def _conditions(locked, today, now, events):
    changing = list(
        Condition.objects.filter(case_id__in=locked).filter(_to_miss(today) | _to_meet(today))
        .order_by("case_id", "position", "pk").values_list("pk", "case_id", "kind", "description", "due_on")
    )
    if changing:
        met = Q(kind=rules.NO_REOFFENDING)
        Condition.objects.filter(pk__in=[row[0] for row in changing]).update(
            status=Case(When(met, then=Value(rules.MET)), default=Value(rules.MISSED)),
            met_on=Case(When(met, then=F("due_on")), default=F("met_on")),
        )
    counts = {rules.MET: 0, rules.MISSED: 0}
    for pk, case_id, kind, description, due_on in changing:
        status = rules.MET if kind == rules.NO_REOFFENDING else rules.MISSED
        counts[status] += 1
        verb = "Met" if status == rules.MET else "Missed"
        events.append(CaseEvent(case_id=case_id, kind=f"condition_{status}", at=now,
                                summary=f"{verb}: {description} (due {_d(due_on)})", detail={"condition": pk}))
    return counts


def _at_risk(locked, today, now, events):
    """Active cases with a missed condition: at risk from today. Returns {case id: (lead id, crime ref, person id)}."""
    missed = defaultdict(list)
    cases = {}
    rows = (Condition.objects.filter(case_id__in=locked, case__status=rules.ACTIVE, status=rules.MISSED)
            .order_by("case_id", "position", "pk")
            .values_list("case_id", "pk", "description", "due_on", "case__lead_organisation_id", "case__crime_reference",
                         "case__young_person_id"))
    for case_id, pk, description, due_on, lead_id, reference, person_id in rows:
        missed[case_id].append((pk, description, due_on))
        cases[case_id] = (lead_id, reference, person_id)
    if not cases:
        return {}
    DiversionCase.objects.filter(pk__in=list(cases)).update(status=rules.AT_RISK, at_risk_since=today)
    audits = []
    for case_id, conditions in missed.items():
        what = "; ".join(f"{description} (due {_d(due_on)})" for _, description, due_on in conditions)
        ids = [pk for pk, _, _ in conditions]
        events.append(CaseEvent(case_id=case_id, kind="at_risk", at=now, summary=f"At risk: missed {what}",
                                detail={"missed": ids}))
        audits.append((DiversionCase(pk=case_id, young_person_id=cases[case_id][2]),
                       {"action": "mark_at_risk", "missed": ids}))
    audit.record_many(None, A.UPDATE, audits)
    return cases


def _breach_due(locked, cutoff, now, events):
    """Cases at risk too long: proposed for breach by the system (no proposer, so any one person may decide)."""
    due = list(
        DiversionCase.objects.filter(pk__in=locked, status=rules.AT_RISK, at_risk_since__lte=cutoff).order_by("pk")
        .values_list("pk", "lead_organisation_id", "police_organisation_id", "crime_reference", "at_risk_since",
                     "young_person_id")
    )
    if not due:
        return []
    DiversionCase.objects.filter(pk__in=[row[0] for row in due]).update(
        status=rules.BREACH_PROPOSED, breach_proposed_by=None, breach_proposed_at=now)
    for pk, _lead, _police, _reference, since, _person in due:
        events.append(CaseEvent(
            case_id=pk, kind="breach_proposed", at=now, detail={"at_risk_since": since.isoformat(), "by": "system"},
            summary=f"Breach proposed by the system: at risk since {_d(since)} and a missed condition not put right "
                    f"within {rules.BREACH_DUE_WORKING_DAYS} working days",
        ))
    audit.record_many(None, A.UPDATE, [(DiversionCase(pk=pk, young_person_id=person), {"action": "propose_breach"})
                                       for pk, _, _, _, _, person in due])
    return [row[:5] for row in due]


def _closure(locked, today, now, events):
    outstanding = Condition.objects.filter(case=OuterRef("pk")).exclude(status=rules.MET)
    ready = list(
        DiversionCase.objects.filter(pk__in=locked, status=rules.ACTIVE, end_date__lte=today)
        .exclude(Exists(outstanding)).select_related("decision_maker").order_by("pk")
    )
    if not ready:
        return []
    DiversionCase.objects.filter(pk__in=[case.pk for case in ready]).update(status=rules.CLOSURE_PROPOSED)
    for case in ready:
        events.append(CaseEvent(case_id=case.pk, kind="closure_proposed", at=now,
                                summary="Every condition met at the contract end: proposed for closure"))
    audit.record_many(None, A.UPDATE, [(case, {"action": "propose_closure"}) for case in ready])
    return ready


def _tell(at_risk, breach_due, ready, today):
    """Everyone concerned, one notify_many per kind of message."""
    workers = staff_by_organisation({lead for lead, _, _ in at_risk.values()}, (Role.CASEWORKER, Role.MANAGER))
    managers = staff_by_organisation({lead for _, lead, _, _, _ in breach_due}, (Role.MANAGER,))
    deciders = staff_by_organisation({police for _, _, police, _, _ in breach_due}, (Role.DECISION_MAKER,))
    told = notify_many("at_risk", [
        Message(workers[lead], f"case:{pk}:at_risk:{today}", f"Diversion case {pk} ({reference}) is at risk",
                "A condition of the contract has been missed. Record why in the portal. If it is not put right within "
                f"{rules.BREACH_DUE_WORKING_DAYS} working days, the system proposes a breach for a manager to decide.",
                _url("case-detail", pk))
        for pk, (lead, reference, _) in at_risk.items()
    ])
    told += notify_many("breach_due", [
        Message(managers[lead] + deciders[police], f"case:{pk}:breach_due:{since}",
                f"Diversion case {pk} ({reference}): a breach is proposed",
                f"The case has been at risk since {_d(since)} and a missed condition is still not put right. "
                "Confirm the breach, or give a further chance, in the portal.", _url("case-detail", pk))
        for pk, lead, police, reference, since in breach_due
    ])
    told += notify_many("closure", [
        Message([case.decision_maker], f"case:{case.pk}:closure",
                f"Diversion case {case.pk} ({case.crime_reference}) is ready to close",
                "Every condition of the contract is met. Close the case with its outcome in the portal.",
                _url("case-detail", case.pk))
        for case in ready
    ])
    return len(told)


def run(now):
    """The sweep for the London date of `now`; returns its counts."""
    today = clock.today(now)
    cutoff = rules.breach_due_since(today)
    events = []
    with transaction.atomic():
        checked = DiversionCase.objects.filter(status__in=[rules.ACTIVE, rules.AT_RISK]).count()
        locked = _lock_changing(today, cutoff)
        conditions = _conditions(locked, today, now, events)
        at_risk = _at_risk(locked, today, now, events)
        breach_due = _breach_due(locked, cutoff, now, events)
        ready = _closure(locked, today, now, events)
        CaseEvent.objects.bulk_create(events)
        told = _tell(at_risk, breach_due, ready, today)
    return {
        "checked": checked, "conditions_missed": conditions[rules.MISSED], "conditions_met": conditions[rules.MET],
        "at_risk": len(at_risk), "breach_proposed": len(breach_due), "closure_proposed": len(ready), "told": told,
    }
