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
   a manager or decision maker confirms the breach (the case returns to police) or gives a further chance;
4. active cases at their contract end with every condition met are proposed to the decision maker for closure.

The cases that will change are locked first, in id order, as the page actions lock a case before touching its
conditions: a sweep and a person's action, or two sweeps, wait for each other instead of deadlocking, and every
later statement re-reads under those locks, so a second sweep finds nothing left to do.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When

from core import clock
from core.clock import long_date
from notifications.services import Message, notify_many
from partners import audit
from partners.models import Role
from partners.selectors import staff_by_organisation

from . import next_due, notices, rules
from .models import CONDITION_EVENTS, CaseEvent, Condition, DiversionCase

A = audit.AuditAction
K = CaseEvent.Kind

# The sweep's bulk status moves, each (action, the status it moves from). Where it moves to is rules.next_status's
# answer, so the sweep and the people's actions keep one state machine (tests/jobs/test_compliance_sweep.py checks
# every move against it).
MARK_AT_RISK = (rules.MARK_AT_RISK, rules.ACTIVE)
PROPOSE_BREACH = (rules.PROPOSE_BREACH, rules.AT_RISK)
PROPOSE_CLOSURE = (rules.PROPOSE_CLOSURE, rules.ACTIVE)
MOVES = (MARK_AT_RISK, PROPOSE_BREACH, PROPOSE_CLOSURE)


def _move(pks, move, **fields):
    """One UPDATE for the cases `pks` still in the move's "from" status, to the status the rules give."""
    action, source = move
    return DiversionCase.objects.filter(pk__in=pks, status=source).update(
        status=rules.next_status(source, action), **fields)


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
        | Q(status=PROPOSE_CLOSURE[1], end_date__lte=today)
        | Q(status=MARK_AT_RISK[1]) & Exists(conditions.filter(status=rules.MISSED))
        | Q(status=PROPOSE_BREACH[1], at_risk_since__lte=cutoff)
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
        next_due.keep({row[1] for row in changing})
    counts = {rules.MET: 0, rules.MISSED: 0}
    for pk, case_id, kind, description, due_on in changing:
        status = rules.MET if kind == rules.NO_REOFFENDING else rules.MISSED
        counts[status] += 1
        verb = "Met" if status == rules.MET else "Missed"
        events.append(CaseEvent(case_id=case_id, kind=CONDITION_EVENTS[status], at=now,
                                summary=f"{verb}: {description} (due {long_date(due_on)})", detail={"condition": pk}))
    return counts


def _at_risk(locked, today, now, events):
    """Active cases with a missed condition: at risk from today. Returns {case id: (lead id, crime ref, person id)}."""
    missed = defaultdict(list)
    cases = {}
    rows = (Condition.objects.filter(case_id__in=locked, case__status=MARK_AT_RISK[1], status=rules.MISSED)
            .order_by("case_id", "position", "pk")
            .values_list("case_id", "pk", "description", "due_on", "case__lead_organisation_id", "case__crime_reference",
                         "case__young_person_id"))
    for case_id, pk, description, due_on, lead_id, reference, person_id in rows:
        missed[case_id].append((pk, description, due_on))
        cases[case_id] = (lead_id, reference, person_id)
    if not cases:
        return {}
    _move(list(cases), MARK_AT_RISK, at_risk_since=today)
    audits = []
    for case_id, conditions in missed.items():
        what = "; ".join(f"{description} (due {long_date(due_on)})" for _, description, due_on in conditions)
        ids = [pk for pk, _, _ in conditions]
        events.append(CaseEvent(case_id=case_id, kind=K.AT_RISK, at=now, summary=f"At risk: missed {what}",
                                detail={"missed": ids}))
        audits.append((DiversionCase(pk=case_id, young_person_id=cases[case_id][2]),
                       {"action": "mark_at_risk", "missed": ids}))
    audit.record_many(None, A.UPDATE, audits)
    return cases


def _breach_due(locked, cutoff, now, events):
    """Cases at risk too long: proposed for breach by the system (no proposer, so any one person may decide)."""
    due = list(
        DiversionCase.objects.filter(pk__in=locked, status=PROPOSE_BREACH[1], at_risk_since__lte=cutoff).order_by("pk")
        .values_list("pk", "lead_organisation_id", "police_organisation_id", "crime_reference", "at_risk_since",
                     "young_person_id")
    )
    if not due:
        return []
    _move([row[0] for row in due], PROPOSE_BREACH, breach_proposed_by=None, breach_proposed_at=now)
    for pk, _lead, _police, _reference, since, _person in due:
        events.append(CaseEvent(
            case_id=pk, kind=K.BREACH_PROPOSED, at=now, detail={"at_risk_since": since.isoformat(), "by": "system"},
            summary=f"Breach proposed by the system: at risk since {long_date(since)} and a missed condition not put right "
                    f"within {rules.BREACH_DUE_WORKING_DAYS} working days",
        ))
    audit.record_many(None, A.UPDATE, [(DiversionCase(pk=pk, young_person_id=person), {"action": "propose_breach"})
                                       for pk, _, _, _, _, person in due])
    return [row[:5] for row in due]


def _closure(locked, today, now, events):
    outstanding = Condition.objects.filter(case=OuterRef("pk")).exclude(status=rules.MET)
    ready = list(
        DiversionCase.objects.filter(pk__in=locked, status=PROPOSE_CLOSURE[1], end_date__lte=today)
        .exclude(Exists(outstanding)).select_related("decision_maker").order_by("pk")
    )
    if not ready:
        return []
    _move([case.pk for case in ready], PROPOSE_CLOSURE)
    for case in ready:
        events.append(CaseEvent(case_id=case.pk, kind=K.CLOSURE_PROPOSED, at=now,
                                summary="Every condition met at the contract end: proposed for closure"))
    audit.record_many(None, A.UPDATE, [(case, {"action": "propose_closure"}) for case in ready])
    return ready


def _tell(at_risk, breach_due, ready, today):
    """Everyone concerned, one notify_many per kind of message."""
    workers = staff_by_organisation({lead for lead, _, _ in at_risk.values()}, (Role.CASEWORKER, Role.MANAGER))
    managers = staff_by_organisation({lead for _, lead, _, _, _ in breach_due}, (Role.MANAGER,))
    deciders = staff_by_organisation({police for _, _, police, _, _ in breach_due}, (Role.DECISION_MAKER,))
    told = notify_many("at_risk", [
        Message(workers[lead], f"case:{pk}:at_risk:{today}", organisations=(lead,), **notices.at_risk(pk, reference, today))
        for pk, (lead, reference, _) in at_risk.items()
    ])
    told += notify_many("breach_due", [
        Message(managers[lead] + deciders[police], f"case:{pk}:breach_due:{since}", organisations=(lead, police),
                **notices.breach_proposed(pk, reference, at_risk_since=since))
        for pk, lead, police, reference, since in breach_due
    ])
    told += notify_many("closure", [
        Message([case.decision_maker], f"case:{case.pk}:closure", organisations=(case.police_organisation_id,),
                **notices.ready_to_close(case.pk, case.crime_reference))
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
