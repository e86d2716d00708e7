"""Every write to diversion cases and interventions: one function per business action.

Each function takes `acting` (who, for which organisation) and `now` (an aware datetime, so tests
never patch the clock; `today` is the London date of `now`), runs in one transaction, checks access
through partners.access, raises ValidationError (field -> message where a field is to blame) before
writing anything, writes its audit event, and adds a CaseEvent to the case's timeline where there
is a case. Recorded sessions, assessments and decisions are never edited: a correction is a new row
naming the one it corrects and why.

The system proposes, people decide: conditions follow the work recorded on the interventions
(`refresh_case`), a missed condition puts the case at risk, and a breach proposed by the system or
a caseworker is confirmed, or given a further chance, by a different person.
"""

from dataclasses import asdict
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import clock
from core.clock import long_date
from notifications.services import Message, notify, notify_many
from partners import access, audit
from partners.idempotency import once
from partners.models import Area, OrganisationKind, Role
from partners.selectors import staff_by_organisation, staff_of
from partners.workdays import add_working_days
from referrals import rules as referral_rules
from referrals import search
from referrals.models import Allocation, Ethnicity, ReferralEvent, Sex, YoungPerson

from . import next_due, notices, rules, selectors
from .models import (
    CONDITION_EVENTS,
    INTERVENTION_END_EVENTS,
    Assessment,
    Attendance,
    CaseEvent,
    Condition,
    ConditionStatus,
    DiversionCase,
    Intervention,
    InterventionStatus,
    OutcomeCode,
    PoliceOutcome,
    Programme,
    ReturnToPolice,
    Session,
)

A = audit.AuditAction
K = CaseEvent.Kind
LEAD_KINDS = (OrganisationKind.YOS, OrganisationKind.VOLUNTARY, OrganisationKind.LOCAL_AUTHORITY)
ENDED = (InterventionStatus.COMPLETED, InterventionStatus.DISENGAGED, InterventionStatus.WITHDRAWN)
MAX_PLANNED_SESSIONS = 50
DEFAULT_PROGRAMME = {"checkpoint": "Knife crime programme", "outcome22": "Diversion programme"}
PERSON_FIELDS = ("given_name", "family_name", "date_of_birth", "sex", "ethnicity", "postcode", "area")


def _blank(value):
    return not (value or "").strip()


def _event(case, kind, acting, summary="", *, now, detail=None):
    return CaseEvent.objects.create(
        case=case, kind=kind, at=now, actor=getattr(acting, "user", None),
        organisation=getattr(acting, "organisation", None), summary=summary, detail=detail or {},
    )


def _transition(case, action):
    try:
        case.status = rules.next_status(case.status, action)
    except rules.TransitionNotAllowed as exc:
        raise ValidationError(str(exc), code="transition") from None


def _check_transition(case, action):
    """Refuse early, before anything is written, with the rules' message."""
    try:
        rules.next_status(case.status, action)
    except rules.TransitionNotAllowed as exc:
        raise ValidationError(str(exc), code="transition") from None


def _case(acting, case, *, lock=True):
    """The case through the access policy (404 if not visible), locked for the rest of the transaction."""
    queryset = DiversionCase.objects.select_related("pathway", "offence")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return access.get_visible_or_404(acting, queryset, pk=getattr(case, "pk", case))


def _own_intervention(acting, intervention, capability):
    """One of the acting organisation's interventions, locked. The VRU sees them all but delivers none."""
    acting = access.require_capability(acting, capability)
    queryset = Intervention.objects.select_for_update(of=("self",))
    intervention = access.get_visible_or_404(acting, queryset, pk=getattr(intervention, "pk", intervention))
    return access.require_to(acting, "outcomes.record_work", intervention, hide=True), intervention


def _case_to(acting, action, case, capability):
    """The case (404 if not visible), locked, if this person may do `action` to it (outcomes/access.py): 403 for a
    role that never may (before the case is read), or for a case of which their organisation is not the one."""
    acting = access.require_capability(acting, capability)
    case = _case(acting, case)
    return access.require_to(acting, action, case), case


def _outcome(outcome_code):
    code = getattr(outcome_code, "code", outcome_code)
    try:
        return OutcomeCode.objects.get(code=int(code), active=True)
    except (OutcomeCode.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"outcome_code": "Select an outcome code"}) from None


def _closing_codes():
    return tuple(OutcomeCode.objects.filter(closes_diversion=True).values_list("code", flat=True))


# --- Eligibility and starting a case -----------------------------------------------------------


# Checkpoint's facts about the young person: asked, never assumed (None is "not answered").
CHECKPOINT_FACTS = {
    "aggravating": "Select whether there were aggravating circumstances",
    "admission": "Select whether the young person admitted the offence",
    "sufficient_evidence": "Select whether there is enough evidence to charge",
    "history": "Select the young person's criminal history",
}


def eligibility(pathway, *, date_of_birth, offence, offence_date, aggravating, admission, sufficient_evidence, history):
    """Every rule of the pathway, each with its reason (the ages come from the Pathway row, which administrators may change).

    Checkpoint needs each of its facts answered: a missing one is a field error, never read as "no".
    """
    if pathway.code == "checkpoint":
        facts = {"aggravating": aggravating, "admission": admission, "sufficient_evidence": sufficient_evidence,
                 "history": history}
        missing = {name: message for name, message in CHECKPOINT_FACTS.items()
                   if facts[name] is None or (name == "history" and history not in rules.HISTORIES)}
        if missing:
            raise ValidationError(missing)
        return rules.checkpoint_eligibility(
            date_of_birth=date_of_birth, offence_date=offence_date, offence=offence, aggravating=aggravating,
            admission=admission, sufficient_evidence=sufficient_evidence, history=history,
            min_age=pathway.min_age, max_age=pathway.max_age,
        )
    if pathway.code == "outcome22":
        return rules.outcome22_eligibility(
            date_of_birth=date_of_birth, offence_date=offence_date, offence=offence,
            min_age=pathway.min_age, max_age=pathway.max_age,
        )
    raise ValidationError({"pathway": f"The pathway {pathway.name} has no eligibility rules: choose Checkpoint or Outcome 22"})


def _person_problems(person, today):
    problems = {}
    messages = {
        "given_name": "Enter the young person's first name",
        "family_name": "Enter the young person's last name",
        "date_of_birth": "Enter the young person's date of birth",
        "sex": "Select the young person's sex",
        "area": "Select the local authority area where the young person lives",
    }
    for name, message in messages.items():
        if not person.get(name):
            problems[name] = message
    dob = person.get("date_of_birth")
    if dob and dob > today:
        problems["date_of_birth"] = "The date of birth must be in the past"
    if person.get("sex") and person["sex"] not in Sex.values:
        problems["sex"] = "Select the young person's sex"
    if person.get("area") and person["area"] not in Area.values:
        problems["area"] = "Select the local authority area where the young person lives"
    if person.get("ethnicity") and person["ethnicity"] not in Ethnicity.values:
        problems["ethnicity"] = "Select the young person's ethnic group"
    if person.get("postcode"):
        try:
            referral_rules.normalise_postcode(person["postcode"])
        except ValueError:
            problems["postcode"] = referral_rules.POSTCODE_MESSAGE
    unknown = set(person) - set(PERSON_FIELDS)
    if unknown:
        problems["person"] = f"Unexpected details: {', '.join(sorted(unknown))}"
    return problems


def _conditions_for(pathway, start, end, sessions):
    conditions = rules.condition_template(pathway.code, start, end, sessions)
    for condition in conditions:  # the Pathway row, not the code's default, says how many working days
        if condition["kind"] == rules.ASSESSMENT and pathway.assessment_working_days is not None:
            wd = pathway.assessment_working_days
            condition["due_on"] = add_working_days(start, wd)
            condition["description"] = f"Complete the YOS assessment within {wd} working days"
    rules.check_condition_count(len(conditions))
    return conditions


def standard_conditions(pathway, start, end, sessions=None):
    """The conditions a new contract of this pathway starts with (as dicts), before any further ones are added."""
    return _conditions_for(pathway, start, end, sessions if sessions is not None else pathway.sessions)


def _extra_conditions(extras, standard, start, end):
    """Further conditions for a new contract, as condition rows; ValidationError on "extra_conditions" if any is wrong."""
    extras = list(extras or ())
    rows, problems = [], []
    for extra in extras:
        description, due_on = (extra.get("description") or "").strip(), extra.get("due_on")
        if not description:
            problems.append("Describe each further condition")
        elif len(description) > 300:
            problems.append("Describe each further condition in 300 characters or fewer")
        elif due_on is None or not start < due_on <= end:
            problems.append(f"{description}: the due date must be after the start, {long_date(start)}, and on or before "
                            f"the contract end, {long_date(end)}")
        else:
            rows.append({"kind": rules.OTHER, "description": description, "due_on": due_on, "target": None})
    try:
        rules.check_condition_count(standard + len(extras))
    except ValueError as exc:
        problems.append(f"{exc}: the pathway's standard ones are {standard}, so add at most "
                        f"{rules.MAX_CONDITIONS - standard} more")
    if problems:
        raise ValidationError({"extra_conditions": problems})
    return rows


@transaction.atomic
def start_case(acting, *, crime_reference, offence, offence_date, pathway, lead_organisation, start_date, now,
               young_person=None, person=None, aggravating=None, admission=None, sufficient_evidence=None,
               history=None, contract_months=None, sessions=None, programme=None, acknowledge_deadline=False,
               extra_conditions=(), idempotency_key=None):
    """A police decision maker diverts a crime: the contract, its conditions and the lead agency's intervention.

    `extra_conditions` are further conditions ({"description", "due_on"}) beside the pathway's standard ones,
    within the five a contract may have. With an `idempotency_key` (the start journey's id, or the API's
    Idempotency-Key), a repeat returns the case the first request started: the decision maker's row is locked
    first, so a double click waits for the first click and then finds its case.
    """
    acting = access.require_capability(acting, "decide_diversion")
    if idempotency_key is not None:
        get_user_model().objects.select_for_update().filter(pk=acting.user.pk).values_list("pk", flat=True).first()
        existing = selectors.case_started_with_key(acting, idempotency_key, now=now)
        if existing is not None:
            return existing
    today = clock.today(now)
    crime_reference = (crime_reference or "").strip()
    problems = {}
    if not crime_reference:
        problems["crime_reference"] = "Enter the crime reference"
    if offence is None or not offence.active:
        problems["offence"] = "Select the offence"
    if pathway is None:
        problems["pathway"] = "Select the pathway: Outcome 22 or Checkpoint"
    if lead_organisation is None or lead_organisation.kind not in LEAD_KINDS or not lead_organisation.active:
        problems["lead_organisation"] = (
            "Select an active lead agency (a youth offending service, voluntary sector or local authority organisation)"
        )
    if offence_date is None:
        problems["offence_date"] = "Enter the offence date"
    if start_date is None:
        problems["start_date"] = "Enter the start date"
    problems.update(rules.date_problems(offence_date=offence_date, start_date=start_date, today=today))
    if pathway is not None and pathway.code == "checkpoint":
        facts = {"aggravating": aggravating, "admission": admission, "sufficient_evidence": sufficient_evidence}
        problems.update({name: CHECKPOINT_FACTS[name] for name, value in facts.items() if value is None})
        if history not in rules.HISTORIES:
            problems["history"] = CHECKPOINT_FACTS["history"]
    months = contract_months if contract_months is not None else getattr(pathway, "contract_months", 4)
    if not isinstance(months, int) or months < 1:
        problems["contract_months"] = "The contract must last at least one month"
    n_sessions = sessions if sessions is not None else getattr(pathway, "sessions", 1)
    if not isinstance(n_sessions, int) or n_sessions < 1:
        problems["sessions"] = "The contract needs at least one session"
    if programme is not None and "lead_organisation" not in problems and (
        programme.owner_id != lead_organisation.pk or not programme.active
    ):
        problems["programme"] = "Select one of the lead agency's active programmes"
    if (young_person is None) == (person is None):
        problems["young_person"] = "Select a known young person or enter a new one's details"
    elif young_person is not None:
        known = access.visible(acting, YoungPerson.objects.filter(pk=young_person.pk, merged_into__isnull=True,
                                                                  anonymised_at__isnull=True))
        young_person = known.first()
        if young_person is None:
            problems["young_person"] = "Select a known young person"
        elif crime_reference and young_person.diversion_cases.filter(crime_reference=crime_reference).exists():
            problems["crime_reference"] = "This young person already has a case for this crime reference"
    else:
        problems.update(_person_problems(person, today))
    if problems:
        raise ValidationError(problems)

    dob = young_person.date_of_birth if young_person is not None else person["date_of_birth"]
    results = eligibility(pathway, date_of_birth=dob, offence=offence, offence_date=offence_date, aggravating=aggravating,
                          admission=admission, sufficient_evidence=sufficient_evidence, history=history)
    if not rules.is_eligible(results):
        raise ValidationError({"eligibility": [r.reason for r in results if not r.passed]})

    end = rules.contract_end(start_date, months)
    deadline = rules.return_deadline(offence_date, offence.mode_of_trial, end)
    late = rules.contract_ends_after_deadline(end, deadline)
    if late and not acknowledge_deadline:
        raise ValidationError({"acknowledge_deadline": (
            f"The contract would end on {long_date(end)}, after the return-to-police deadline of {long_date(deadline)}. "
            "Confirm you have seen this to start the case."
        )})
    try:
        conditions = _conditions_for(pathway, start_date, end, n_sessions)
    except ValueError as exc:
        raise ValidationError({"sessions": str(exc)}) from None
    conditions += _extra_conditions(extra_conditions, len(conditions), start_date, end)

    if young_person is None:
        young_person = YoungPerson.objects.create(
            **{name: person.get(name) or "" for name in ("given_name", "family_name", "sex", "area")},
            date_of_birth=person["date_of_birth"], ethnicity=person.get("ethnicity") or Ethnicity.NOT_STATED,
            postcode=referral_rules.normalise_postcode(person["postcode"]) if person.get("postcode") else "",
            created_at=now,
        )
        search.index_names([young_person])
        audit.record(acting, A.CREATE, young_person, detail={"action": "start_case"})
    # The case itself lets the lead agency and the force see the young person (outcomes/access.py).

    case = DiversionCase.objects.create(
        crime_reference=crime_reference, offence=offence, offence_date=offence_date, young_person=young_person,
        pathway=pathway, lead_organisation=lead_organisation, police_organisation=acting.organisation,
        decision_maker=acting.user, status=rules.next_status(None, rules.START),
        # Outcome 22 does not ask these: they stay None ("not asked") rather than read as answers.
        **({"aggravating": aggravating, "admission": admission, "sufficient_evidence": sufficient_evidence,
            "history": history} if pathway.code == "checkpoint" else {}),
        eligibility=[asdict(r) for r in results], start_date=start_date, contract_months=months, end_date=end,
        return_deadline=deadline, deadline_acknowledged=bool(late and acknowledge_deadline), created_at=now,
    )
    Condition.objects.bulk_create(
        [Condition(case=case, position=i, **condition) for i, condition in enumerate(conditions)]
    )
    if programme is None:
        programme = Programme.objects.filter(owner=lead_organisation, active=True).order_by("name", "pk").first()
    if programme is None:
        programme, _ = Programme.objects.get_or_create(
            owner=lead_organisation, name=DEFAULT_PROGRAMME.get(pathway.code, "Diversion programme"),
            defaults={"expected_sessions": pathway.sessions},
        )
    intervention = Intervention.objects.create(
        young_person=young_person, case=case, organisation=lead_organisation, programme=programme,
        started_on=start_date, planned_sessions=n_sessions, created_at=now,
    )
    next_due.keep([case])
    _event(case, K.STARTED, acting, f"{pathway.name} case started: contract {long_date(start_date)} to {long_date(end)}, "
           f"return-to-police deadline {long_date(deadline)}", now=now,
           detail={"end_date": end.isoformat(), "deadline": deadline.isoformat(), "acknowledged": case.deadline_acknowledged,
                   "intervention": intervention.pk, "programme": programme.pk,
                   **({"idempotency_key": str(idempotency_key)} if idempotency_key is not None else {})})
    audit.record(acting, A.CREATE, case, detail={"action": "start_case", "pathway": pathway.code})
    audit.record(acting, A.CREATE, intervention, detail={"action": "start_case", "case": case.pk})
    notify(staff_of(lead_organisation, (Role.CASEWORKER, Role.MANAGER)), kind="case_started", key=f"case:{case.pk}:started",
           organisations=[case.lead_organisation_id], **notices.case_started(case.pk, crime_reference, pathway.name, end))
    return case


def _condition_case(acting, case):
    """The case, locked, for a change to its conditions: 403 for a role that never changes them, 404 if not visible."""
    acting = access.as_acting(acting)
    if not (access.can(acting, "work_allocations") or access.can(acting, "decide_diversion")):
        raise PermissionDenied("Only caseworkers, managers and police decision makers change a case's conditions.")
    case = _case(acting, case)
    access.require_to(acting, "outcomes.change_conditions", case)
    if case.status not in rules.ACTIVE_STATUSES:
        raise ValidationError(f"This case is {rules.STATUS_LABELS[case.status]}: its conditions cannot change.", code="status")
    return acting, case


def _own_condition(case, condition):
    return Condition.objects.select_for_update().get(pk=getattr(condition, "pk", condition), case=case)


def _case_id(condition):
    if isinstance(condition, Condition):
        return condition.case_id
    return Condition.objects.filter(pk=condition).values_list("case_id", flat=True).first()  # None: 404 in _case


@transaction.atomic
def add_condition(acting, case, *, description, due_on, now, idempotency_key=None):
    """A further condition agreed with the young person ("others"), up to the five a contract may have.

    With an idempotency key, a repeat of the same request (a double click, a client's retry) returns the
    condition the first one added instead of adding another; the case's lock makes the two wait for each other.
    """
    acting, case = _condition_case(acting, case)
    if idempotency_key is not None:
        existing = selectors.condition_added_with_key(case, idempotency_key)
        if existing is not None:
            return existing
    today = clock.today(now)
    problems = {}
    if _blank(description):
        problems["description"] = "Describe the condition"
    elif len(description.strip()) > 300:
        problems["description"] = "Describe the condition in 300 characters or fewer"
    if due_on is None:
        problems["due_on"] = "Enter the date the condition is due"
    elif due_on <= today:
        problems["due_on"] = "The due date must be in the future"
    elif due_on > case.end_date:
        problems["due_on"] = f"The due date must be on or before the contract end, {long_date(case.end_date)}"
    count = case.conditions.count()
    try:
        rules.check_condition_count(count + 1)
    except ValueError as exc:
        raise ValidationError(f"{exc}: this case has {count} already.", code="too_many") from None
    if problems:
        raise ValidationError(problems)
    condition = Condition.objects.create(case=case, kind=rules.OTHER, description=description.strip(), due_on=due_on,
                                         position=count)
    next_due.keep([case])
    detail = {"condition": condition.pk}
    if idempotency_key is not None:
        detail["idempotency_key"] = str(idempotency_key)
    _event(case, K.CONDITION_ADDED, acting, f"Condition added: {condition.description} (due {long_date(due_on)})", now=now,
           detail=detail)
    audit.record(acting, A.UPDATE, case, detail={"action": "add_condition", "condition": condition.pk})
    return condition


@transaction.atomic
def mark_condition_met(acting, condition, *, on, now):
    """A condition the portal cannot see met by itself (kind "other") is met on a date a person records."""
    acting, case = _condition_case(acting, _case_id(condition))
    condition = _own_condition(case, condition)
    today = clock.today(now)
    if condition.kind != rules.OTHER:
        raise ValidationError("This condition follows the sessions and assessments recorded: it cannot be marked met by hand.")
    if condition.met_on is not None:
        raise ValidationError("This condition is already met.", code="met")
    if on is None:
        raise ValidationError({"on": "Enter the date the condition was met"})
    if on > today:
        raise ValidationError({"on": "The date must be today or in the past"})
    if on < case.start_date:
        raise ValidationError({"on": f"The date must be on or after the case started, {long_date(case.start_date)}"})
    condition.met_on = on
    condition.save(update_fields=["met_on"])
    _event(case, K.CONDITION_RECORDED_MET, acting, f"Recorded as met on {long_date(on)}: {condition.description}", now=now,
           detail={"condition": condition.pk})
    audit.record(acting, A.UPDATE, case, detail={"action": "mark_condition_met", "condition": condition.pk})
    refresh_case(case, today=today, now=now)
    condition.refresh_from_db()
    return condition


@transaction.atomic
def mark_condition_missed(acting, condition, *, reason, now):
    """A further condition (kind "other") recorded as missed, with why: an active case goes at risk at once.

    The portal cannot see such a condition broken, so a person says so; from then on it is missed as if its
    due date had passed (refresh_case keeps it missed, the sweep proposes a breach after the usual working
    days at risk) until someone records it met or gives a further chance.
    """
    acting, case = _condition_case(acting, _case_id(condition))
    condition = _own_condition(case, condition)
    if condition.kind != rules.OTHER:
        raise ValidationError("This condition follows the sessions, assessments and offences recorded: it cannot be "
                              "marked missed by hand.", code="kind")
    if condition.status == ConditionStatus.MET:
        raise ValidationError("This condition is met: it cannot be marked missed.", code="met")
    if condition.status == ConditionStatus.MISSED:
        raise ValidationError("This condition is already missed.", code="missed")
    if _blank(reason):
        raise ValidationError({"reason": "Explain why the condition was missed"})
    condition.status = ConditionStatus.MISSED
    condition.missed_reason = reason.strip()
    condition.save(update_fields=["status", "missed_reason"])
    _event(case, K.CONDITION_MISSED, acting, f"Recorded as missed: {condition.description}. Why: {condition.missed_reason}",
           now=now, detail={"condition": condition.pk})
    audit.record(acting, A.UPDATE, case, detail={"action": "mark_condition_missed", "condition": condition.pk})
    refresh_case(case, today=clock.today(now), now=now)
    condition.refresh_from_db()
    return condition


# --- Interventions -------------------------------------------------------------------------------


def _referral_event(referral_id, kind, acting, summary, *, now, detail):
    """What the referring organisation is told about the work, in words: never a case note, a session or a reason."""
    ReferralEvent.objects.create(
        referral_id=referral_id, kind=kind, at=now, actor=getattr(acting, "user", None),
        organisation=getattr(acting, "organisation", None), summary=summary, detail=detail, shared_with_referrer=True,
    )


def _planned_problem(planned_sessions):
    if planned_sessions is None:
        return "Enter the planned number of sessions"
    if isinstance(planned_sessions, bool) or not isinstance(planned_sessions, int):
        return "Enter the planned number of sessions as a whole number, like 6"
    if not 1 <= planned_sessions <= MAX_PLANNED_SESSIONS:
        return f"The planned number of sessions must be between 1 and {MAX_PLANNED_SESSIONS}"
    return None


@transaction.atomic
def start_intervention(acting, allocation, *, programme, started_on, planned_sessions, now, idempotency_key=None):
    """A partner starts work on an allocation it accepted: the young person joins its caseload.

    Repeating a start with the same `idempotency_key` (a double-clicked button, an API retry) returns the
    intervention the first one made. One piece of work per allocation: a second start is refused.
    """
    acting = access.require_capability(acting, "work_allocations")
    if idempotency_key is not None:
        existing = access.visible(acting, Intervention.objects.filter(idempotency_key=idempotency_key)).first()
        if existing is not None:
            return existing
    today = clock.today(now)
    allocations = Allocation.objects.select_for_update(of=("self",)).select_related("referral", "organisation")
    allocation = allocations.filter(pk=getattr(allocation, "pk", allocation)).first()
    if allocation is None:
        raise access.NotFound("No such allocation.")
    access.require_to(acting, "referrals.work_allocation", allocation, hide=True)  # another's: as if there were none
    if allocation.state != Allocation.State.ACCEPTED:
        raise ValidationError("Accept the allocation before starting work.", code="state")
    started = Intervention.objects.filter(allocation=allocation).first()
    if started is not None:
        raise ValidationError(f"Work has already started on this allocation, on {long_date(started.started_on)}.", code="started")
    young_person = allocation.referral.young_person_id
    if young_person is None:
        raise ValidationError("This referral has no young person record yet: ask the VRU.", code="no_young_person")
    problems = {}
    if programme is None or programme.owner_id != acting.organisation.pk or not programme.active:
        problems["programme"] = "Select one of your organisation's active programmes"
    if started_on is None:
        problems["started_on"] = "Enter the start date"
    elif started_on > today:
        problems["started_on"] = "The start date must be today or in the past"
    elif started_on < clock.today(allocation.allocated_at):
        problems["started_on"] = (
            f"The start date must be on or after the allocation, {long_date(clock.today(allocation.allocated_at))}"
        )
    planned = _planned_problem(planned_sessions)
    if planned:
        problems["planned_sessions"] = planned
    if problems:
        raise ValidationError(problems)
    if Intervention.objects.filter(young_person_id=young_person, programme=programme, ended_on__isnull=True).exists():
        raise ValidationError({"programme": "This young person is already on this programme"})
    intervention = Intervention.objects.create(
        young_person_id=young_person, referral=allocation.referral, allocation=allocation,
        organisation=acting.organisation, programme=programme, started_on=started_on, planned_sessions=planned_sessions,
        idempotency_key=idempotency_key, created_at=now,
    )
    _referral_event(allocation.referral_id, ReferralEvent.Kind.WORK_STARTED, acting,
                    f"Work started with {acting.organisation.name}", now=now,
                    detail={"intervention": intervention.pk, "allocation": allocation.pk})
    audit.record(acting, A.CREATE, intervention, detail={"action": "start_intervention", "referral": allocation.referral_id,
                                                         "allocation": allocation.pk})
    return intervention


def _date_problems(intervention, field, day, today, label):
    if day is None:
        return {field: f"Enter the date of the {label}"}
    if day > today:
        return {field: f"The date of the {label} must be today or in the past"}
    if day < intervention.started_on:
        return {field: f"The date of the {label} must be on or after the intervention started, "
                       f"{long_date(intervention.started_on)}"}
    if intervention.ended_on is not None and day > intervention.ended_on:
        return {field: f"The date of the {label} must be on or before the intervention ended, {long_date(intervention.ended_on)}"}
    return {}


def _session_problems(intervention, held_on, attendance, reason, today):
    problems = _date_problems(intervention, "held_on", held_on, today, "session")
    if attendance not in Attendance.values:
        problems["attendance"] = "Select whether the young person attended"
    elif attendance == Attendance.DID_NOT_ATTEND and _blank(reason):
        problems["reason"] = "Explain why the young person did not attend"
    return problems


def _refuse_if_ended(intervention, what):
    if intervention.status in ENDED:
        raise ValidationError(
            f"This intervention was {intervention.get_status_display().lower()} on {long_date(intervention.ended_on)}: "
            f"no new {what} can be recorded. Correct an earlier entry instead.", code="ended",
        )


def _engage(intervention, attendance):
    if attendance == Attendance.ATTENDED and intervention.status == InterventionStatus.OFFERED:
        intervention.status = InterventionStatus.ENGAGED
        intervention.save(update_fields=["status"])


def _after_work(acting, intervention, kind, summary, *, now, detail):
    """A session, assessment or correction on a case's intervention: a timeline entry, then the conditions follow."""
    if intervention.case_id is None:
        return
    case = DiversionCase.objects.select_for_update().get(pk=intervention.case_id)
    _event(case, kind, acting, summary, now=now, detail={"intervention": intervention.pk, **detail})
    refresh_case(case, today=clock.today(now), now=now)


@transaction.atomic
def record_session(acting, intervention, *, held_on, attendance, now, reason="", next_session_on=None,
                   idempotency_key=None):
    acting, intervention = _own_intervention(acting, intervention, "record_session")
    return once(acting, idempotency_key, "record_session", lambda: _record_session(
        acting, intervention, held_on=held_on, attendance=attendance, now=now, reason=reason,
        next_session_on=next_session_on))


def _record_session(acting, intervention, *, held_on, attendance, now, reason, next_session_on):
    _refuse_if_ended(intervention, "sessions")
    problems = _session_problems(intervention, held_on, attendance, reason, clock.today(now))
    if next_session_on is not None and held_on is not None and next_session_on <= max(held_on, clock.today(now) - timedelta(1)):
        problems["next_session_on"] = "The next session must be after this session and not in the past"
    if problems:
        raise ValidationError(problems)
    session = Session.objects.create(intervention=intervention, held_on=held_on, attendance=attendance,
                                     reason=(reason or "").strip(), recorded_by=acting.user, recorded_at=now)
    # The booked session has happened (or a new one is booked): the caseload shows what comes next.
    intervention.next_session_on = next_session_on
    intervention.save(update_fields=["next_session_on"])
    _engage(intervention, attendance)
    _after_work(acting, intervention, K.SESSION_RECORDED,
                f"Session on {long_date(held_on)}: {Attendance(attendance).label.lower()}", now=now,
                detail={"session": session.pk, "attendance": attendance})
    audit.record(acting, A.CREATE, intervention, detail={"action": "record_session", "session": session.pk})
    return session


@transaction.atomic
def record_assessment(acting, intervention, *, kind, completed_on, now, idempotency_key=None):
    acting, intervention = _own_intervention(acting, intervention, "record_session")
    return once(acting, idempotency_key, "record_assessment", lambda: _record_assessment(
        acting, intervention, kind=kind, completed_on=completed_on, now=now))


def _record_assessment(acting, intervention, *, kind, completed_on, now):
    _refuse_if_ended(intervention, "assessments")
    problems = _date_problems(intervention, "completed_on", completed_on, clock.today(now), "assessment")
    if kind not in Assessment.Kind.values:
        problems["kind"] = "Select the type of assessment"
    if problems:
        raise ValidationError(problems)
    assessment = Assessment.objects.create(intervention=intervention, kind=kind, completed_on=completed_on,
                                           recorded_by=acting.user, recorded_at=now)
    _after_work(acting, intervention, K.ASSESSMENT_RECORDED,
                f"{Assessment.Kind(kind).label} completed on {long_date(completed_on)}", now=now,
                detail={"assessment": assessment.pk})
    audit.record(acting, A.CREATE, intervention, detail={"action": "record_assessment", "assessment": assessment.pk})
    return assessment


# How the end reads: on the case's timeline, and to the referring organisation (in words, never the note).
END_LABELS = {InterventionStatus.COMPLETED: "Completed", InterventionStatus.DISENGAGED: "Disengaged",
              InterventionStatus.WITHDRAWN: "Withdrawn"}
NOTE_MESSAGES = {
    InterventionStatus.COMPLETED: "Write an outcome note: what the young person achieved",
    InterventionStatus.DISENGAGED: "Write an outcome note: why the young person disengaged",
    InterventionStatus.WITHDRAWN: "Write an outcome note: why the work was withdrawn",
}


def work_ended_in_words(status, organisation_name):
    if status == InterventionStatus.COMPLETED:
        return f"Work completed by {organisation_name}"
    if status == InterventionStatus.DISENGAGED:
        return f"Work with {organisation_name} ended: the young person disengaged"
    return f"Work with {organisation_name} ended: withdrawn"


def _end(acting, intervention, *, status, on, note, now, action):
    """Every ending takes an outcome note (kept with the intervention, never shown to the referrer)."""
    today = clock.today(now)
    if intervention.status == InterventionStatus.COMPLETED:
        raise ValidationError(f"This intervention was already completed on {long_date(intervention.ended_on)}: "
                              "it cannot be ended again.", code="ended")
    if intervention.status in ENDED:
        raise ValidationError(
            f"This intervention was already {intervention.get_status_display().lower()} on {long_date(intervention.ended_on)}: "
            "it cannot be ended again.", code="ended",
        )
    problems = {}
    if on is None:
        problems["on"] = "Enter the date it ended"
    elif on > today:
        problems["on"] = "The date must be today or in the past"
    elif on < intervention.started_on:
        problems["on"] = f"The date must be on or after the intervention started, {long_date(intervention.started_on)}"
    else:
        last = intervention.sessions.filter(correction__isnull=True).order_by("-held_on").values_list("held_on", flat=True)[:1]
        last = last[0] if last else None
        if last is not None and on < last:
            problems["on"] = f"The date must be on or after the last session, {long_date(last)}"
    if _blank(note):
        problems["note"] = NOTE_MESSAGES[status]
    if problems:
        raise ValidationError(problems)
    intervention.status = status
    intervention.ended_on = on
    intervention.end_reason = note.strip()
    intervention.next_session_on = None  # nothing is booked any more
    intervention.save(update_fields=["status", "ended_on", "end_reason", "next_session_on"])
    if intervention.case_id is not None:
        case = DiversionCase.objects.get(pk=intervention.case_id)
        summary = f"{END_LABELS[status]} {intervention.programme.name} on {long_date(on)}: {intervention.end_reason}"
        _event(case, INTERVENTION_END_EVENTS[status], acting, summary, now=now, detail={"intervention": intervention.pk})
    if intervention.referral_id is not None:
        _referral_event(intervention.referral_id, ReferralEvent.Kind.WORK_ENDED, acting,
                        work_ended_in_words(status, intervention.organisation.name), now=now,
                        detail={"intervention": intervention.pk, "status": status})
    audit.record(acting, A.UPDATE, intervention, detail={"action": action})
    return intervention


@transaction.atomic
def complete_intervention(acting, intervention, *, on, note, now):
    acting, intervention = _own_intervention(acting, intervention, "record_session")
    return _end(acting, intervention, status=InterventionStatus.COMPLETED, on=on, note=note, now=now, action="complete")


@transaction.atomic
def disengage(acting, intervention, *, on, note, now):
    acting, intervention = _own_intervention(acting, intervention, "record_session")
    return _end(acting, intervention, status=InterventionStatus.DISENGAGED, on=on, note=note, now=now, action="disengage")


@transaction.atomic
def withdraw(acting, intervention, *, on, note, now):
    """Ended by the service or the referrer (moved away, taken into care...), not by the young person's choice."""
    acting, intervention = _own_intervention(acting, intervention, "record_session")
    return _end(acting, intervention, status=InterventionStatus.WITHDRAWN, on=on, note=note, now=now, action="withdraw")


def _correctable(model, entry, what):
    if model.objects.filter(corrects_id=entry.pk).exists():
        raise ValidationError(
            f"This {what} has already been corrected: correct the correction instead.", code="already_corrected"
        )


@transaction.atomic
def correct_session(acting, session, *, held_on, attendance, reason, correction_reason, now, idempotency_key=None):
    """A recorded session is never changed: the correction is a new row naming it, and only the newest counts.

    Sent twice with one key, the repeat returns the first correction instead of "already corrected"."""
    acting, intervention = _own_intervention(acting, session.intervention_id, "record_session")
    return once(acting, idempotency_key, "correct_session", lambda: _correct_session(
        acting, intervention, session, held_on=held_on, attendance=attendance, reason=reason,
        correction_reason=correction_reason, now=now))


def _correct_session(acting, intervention, session, *, held_on, attendance, reason, correction_reason, now):
    session = Session.objects.get(pk=session.pk, intervention=intervention)
    _correctable(Session, session, "session")
    problems = _session_problems(intervention, held_on, attendance, reason, clock.today(now))
    if _blank(correction_reason):
        problems["correction_reason"] = "Explain why the session is corrected"
    if problems:
        raise ValidationError(problems)
    correction = Session.objects.create(
        intervention=intervention, held_on=held_on, attendance=attendance, reason=(reason or "").strip(),
        recorded_by=acting.user, recorded_at=now, corrects=session, correction_reason=correction_reason.strip(),
    )
    _engage(intervention, attendance)
    _after_work(
        acting, intervention, K.SESSION_CORRECTED,
        f"Session of {long_date(session.held_on)} ({Attendance(session.attendance).label.lower()}) corrected to "
        f"{long_date(held_on)} ({Attendance(attendance).label.lower()}): {correction.correction_reason}", now=now,
        detail={"session": correction.pk, "corrects": session.pk},
    )
    audit.record(acting, A.UPDATE, intervention, detail={"action": "correct_session", "session": correction.pk,
                                                         "corrects": session.pk})
    return correction


@transaction.atomic
def correct_assessment(acting, assessment, *, kind, completed_on, correction_reason, now, idempotency_key=None):
    acting, intervention = _own_intervention(acting, assessment.intervention_id, "record_session")
    return once(acting, idempotency_key, "correct_assessment", lambda: _correct_assessment(
        acting, intervention, assessment, kind=kind, completed_on=completed_on, correction_reason=correction_reason,
        now=now))


def _correct_assessment(acting, intervention, assessment, *, kind, completed_on, correction_reason, now):
    assessment = Assessment.objects.get(pk=assessment.pk, intervention=intervention)
    _correctable(Assessment, assessment, "assessment")
    problems = _date_problems(intervention, "completed_on", completed_on, clock.today(now), "assessment")
    if kind not in Assessment.Kind.values:
        problems["kind"] = "Select the type of assessment"
    if _blank(correction_reason):
        problems["correction_reason"] = "Explain why the assessment is corrected"
    if problems:
        raise ValidationError(problems)
    correction = Assessment.objects.create(
        intervention=intervention, kind=kind, completed_on=completed_on, recorded_by=acting.user, recorded_at=now,
        corrects=assessment, correction_reason=correction_reason.strip(),
    )
    _after_work(
        acting, intervention, K.ASSESSMENT_CORRECTED,
        f"Assessment of {long_date(assessment.completed_on)} corrected to {long_date(completed_on)}: "
        f"{correction.correction_reason}",
        now=now, detail={"assessment": correction.pk, "corrects": assessment.pk},
    )
    audit.record(acting, A.UPDATE, intervention, detail={"action": "correct_assessment", "assessment": correction.pk,
                                                         "corrects": assessment.pk})
    return correction


# --- Conditions follow the work ------------------------------------------------------------------


def _computed(condition, attended, assessed):
    """(progress, met_on, breached) from the uncorrected work recorded; only work done by the due date counts."""
    if condition.kind == rules.SESSIONS:
        in_time = [day for day in attended if day <= condition.due_on]
        target = condition.target or 0
        met_on = in_time[target - 1] if target and len(in_time) >= target else None
        return len(in_time), met_on, False
    if condition.kind == rules.ASSESSMENT:
        met_on = assessed if assessed is not None and assessed <= condition.due_on else None
        return (1 if met_on else 0), met_on, False
    if condition.kind == rules.NO_REOFFENDING:
        # A recorded re-offence leaves the condition missed until a further chance resets it.
        return condition.progress, None, condition.status == rules.MISSED
    # A further condition a person recorded as missed stays missed until it is recorded as met.
    return condition.progress, condition.met_on, condition.status == rules.MISSED


def refresh_case(case, *, today, now=None):
    """Recompute the conditions of a live case from its interventions, then put it at risk (or back) as they say.

    Called by every action that records or corrects work, so progress is always current; the daily sweep
    (outcomes/sweep.py) makes the same time-driven changes for all cases at once. Idempotent, it writes
    only what changed. Returns the case.
    """
    now = now or timezone.now()
    with transaction.atomic():
        case = DiversionCase.objects.select_for_update().get(pk=getattr(case, "pk", case))
        if case.status not in rules.ACTIVE_STATUSES:
            next_due.keep([case])  # a condition recorded by hand on a case no longer live still moves it
            return case
        sessions = Session.objects.filter(intervention__case=case, attendance=Attendance.ATTENDED, correction__isnull=True)
        attended = sorted(sessions.values_list("held_on", flat=True))
        assessed = (
            Assessment.objects.filter(intervention__case=case, correction__isnull=True)
            .order_by("completed_on").values_list("completed_on", flat=True).first()
        )
        missed = []
        for condition in case.conditions.all():
            progress, met_on, breached = _computed(condition, attended, assessed)
            status = rules.condition_status(kind=condition.kind, due_on=condition.due_on, met_on=met_on, progress=progress,
                                            target=condition.target, today=today, breached=breached)
            if condition.kind == rules.NO_REOFFENDING:
                met_on = condition.due_on if status == rules.MET else None
            if (condition.progress, condition.met_on, condition.status) != (progress, met_on, status):
                if status != condition.status and status in (rules.MET, rules.MISSED):
                    verb = "Met" if status == rules.MET else "Missed"
                    _event(case, CONDITION_EVENTS[status], None, f"{verb}: {condition.description} "
                           f"(due {long_date(condition.due_on)})",
                           now=now, detail={"condition": condition.pk})
                condition.progress, condition.met_on, condition.status = progress, met_on, status
                condition.save(update_fields=["progress", "met_on", "status"])
            if status == rules.MISSED:
                missed.append(condition)
        if missed and case.status == rules.ACTIVE:
            _transition(case, rules.MARK_AT_RISK)
            case.at_risk_since = today
            case.save(update_fields=["status", "at_risk_since"])
            what = "; ".join(f"{c.description} (due {long_date(c.due_on)})" for c in missed)
            _event(case, K.AT_RISK, None, f"At risk: missed {what}", now=now, detail={"missed": [c.pk for c in missed]})
            audit.record(None, A.UPDATE, case, detail={"action": "mark_at_risk", "missed": [c.pk for c in missed]})
        elif not missed and case.status == rules.AT_RISK:
            _transition(case, rules.RESOLVE_RISK)
            case.at_risk_since = None
            case.save(update_fields=["status", "at_risk_since"])
            _event(case, K.RISK_RESOLVED, None, "No condition is missed any longer: the case is active again", now=now)
            audit.record(None, A.UPDATE, case, detail={"action": "resolve_risk"})
        next_due.keep([case])
        return case


@transaction.atomic
def record_reoffence(acting, case, *, offence_date, crime_reference, now, idempotency_key=None):
    """A further offence during the contract misses "no further offending" at once and puts the case at risk.

    Sent twice with one key, it is recorded once (one timeline entry); the repeat returns the case."""
    acting = access.as_acting(acting)
    if not (access.can(acting, "record_session") or access.can(acting, "decide_diversion")):
        raise PermissionDenied("Only caseworkers and police decision makers can record a further offence.")
    return once(acting, idempotency_key, "record_reoffence", lambda: _record_reoffence(
        acting, case, offence_date=offence_date, crime_reference=crime_reference, now=now))


def _record_reoffence(acting, case, *, offence_date, crime_reference, now):
    case = _case(acting, case)
    access.require_to(acting, "outcomes.record_reoffence", case)
    today = clock.today(now)
    problems = {}
    if _blank(crime_reference):
        problems["crime_reference"] = "Enter the crime reference of the further offence"
    if offence_date is None or offence_date > today:
        problems["offence_date"] = "The offence date must be today or in the past"
    elif not case.start_date <= offence_date <= case.end_date:
        problems["offence_date"] = (
            f"The further offence must be during the contract, {long_date(case.start_date)} to {long_date(case.end_date)}"
        )
    if problems:
        raise ValidationError(problems)
    if case.status not in (rules.ACTIVE, rules.AT_RISK, rules.BREACH_PROPOSED):
        _check_transition(case, rules.MARK_AT_RISK)
    condition = case.conditions.select_for_update().filter(kind=rules.NO_REOFFENDING).first()
    if condition is None:
        raise ValidationError("This case has no condition of no further offending.", code="no_condition")
    Condition.objects.filter(pk=condition.pk).update(status=ConditionStatus.MISSED, met_on=None)
    _event(case, K.REOFFENCE, acting, f"Further offence on {long_date(offence_date)}, crime reference {crime_reference.strip()}",
           now=now, detail={"offence_date": offence_date.isoformat(), "crime_reference": crime_reference.strip(),
                            "condition": condition.pk})
    refresh_case(case, today=today, now=now)
    audit.record(acting, A.UPDATE, case, detail={"action": "record_reoffence"})
    case.refresh_from_db()
    return case


@transaction.atomic
def record_missed_reason(acting, condition, *, reason, now):
    acting, case = _case_to(acting, "outcomes.record_missed_reason", condition.case_id, "record_session")
    condition = Condition.objects.select_for_update().get(pk=condition.pk, case=case)
    if _blank(reason):
        raise ValidationError({"reason": "Explain why the condition was missed"})
    if condition.status != ConditionStatus.MISSED:
        raise ValidationError(f"This condition is {condition.get_status_display().lower()}, not missed.", code="not_missed")
    previous = condition.missed_reason
    condition.missed_reason = reason.strip()
    condition.save(update_fields=["missed_reason"])
    _event(case, K.MISSED_REASON, acting, f"Why it was missed ({condition.description}): {condition.missed_reason}", now=now,
           detail={"condition": condition.pk, "previous": previous})
    audit.record(acting, A.UPDATE, case, detail={"action": "record_missed_reason", "condition": condition.pk})
    return condition


# --- Breach, further chance and return to police -------------------------------------------------------


@transaction.atomic
def propose_breach(acting, case, *, reason, now):
    """The lead agency (or the system, `acting=None`) proposes a breach; a different person decides."""
    if acting is None:
        case = DiversionCase.objects.select_for_update().select_related("pathway").get(pk=getattr(case, "pk", case))
    else:
        acting = access.as_acting(acting)
        case = _case(acting, case)
        access.require_to(acting, "outcomes.work_case", case)
    if _blank(reason):
        raise ValidationError({"reason": "Explain why a breach is proposed"})
    _transition(case, rules.PROPOSE_BREACH)
    case.breach_proposed_by = getattr(acting, "user", None)
    case.breach_proposed_at = now
    case.save(update_fields=["status", "breach_proposed_by", "breach_proposed_at"])
    _event(case, K.BREACH_PROPOSED, acting, f"Breach proposed{'' if acting else ' by the system'}: {reason.strip()}", now=now)
    deciders = (staff_of(case.lead_organisation_id, (Role.MANAGER,))
                + staff_of(case.police_organisation_id, (Role.DECISION_MAKER,)))
    proposer = getattr(case.breach_proposed_by, "pk", None)
    notify([u for u in deciders if u.pk != proposer], kind="breach_proposed", key=f"case:{case.pk}:breach:{now.isoformat()}",
           organisations=[case.lead_organisation_id, case.police_organisation_id],
           **notices.breach_proposed(case.pk, case.crime_reference))
    audit.record(acting, A.UPDATE, case, detail={"action": "propose_breach"})
    return case


@transaction.atomic
def confirm_breach(acting, case, *, reason, now):
    """A person other than the proposer confirms: the case goes back to police, who must receive it by the deadline."""
    acting, case = _case_to(acting, "outcomes.decide_breach", case, "confirm_breach")
    problem = rules.breach_confirmer_problem(case.breach_proposed_by_id, acting.user.pk)
    if problem:
        raise ValidationError(problem, code="same_person")
    if _blank(reason):
        raise ValidationError({"reason": "Explain why the breach is confirmed"})
    _transition(case, rules.CONFIRM_BREACH)
    case.save(update_fields=["status"])
    return_to_police = ReturnToPolice.objects.create(case=case, returned_at=now, confirmed_by=acting.user,
                                                     reason=reason.strip(), deadline=case.return_deadline)
    _event(case, K.RETURNED_TO_POLICE, acting,
           f"Breach confirmed and returned to police (deadline {long_date(return_to_police.deadline)}): "
           f"{return_to_police.reason}", now=now, detail={"re_referral": return_to_police.pk})
    notify(staff_of(case.police_organisation_id, (Role.DECISION_MAKER,)), kind="re_referral", key=f"case:{case.pk}:re_referred",
           organisations=[case.police_organisation_id],
           **notices.returned_to_police(case.pk, case.crime_reference, return_to_police.deadline))
    audit.record(acting, A.UPDATE, case, detail={"action": "confirm_breach", "re_referral": return_to_police.pk})
    return case


@transaction.atomic
def further_chance(acting, case, *, condition, new_due_on, reason, now):
    """Instead of a breach: one condition gets a new due date and the case is active again."""
    acting, case = _case_to(acting, "outcomes.decide_breach", case, "confirm_breach")
    today = clock.today(now)
    condition = Condition.objects.select_for_update().filter(pk=getattr(condition, "pk", condition), case=case).first()
    problems = {}
    if condition is None:
        problems["condition"] = "Select one of this case's conditions"
    if new_due_on is None or new_due_on <= today:
        problems["new_due_on"] = "The new due date must be in the future"
    if _blank(reason):
        problems["reason"] = "Explain why a further chance is given"
    if problems:
        raise ValidationError(problems)
    _transition(case, rules.FURTHER_CHANCE)
    old = condition.due_on
    condition.due_on = new_due_on
    condition.status = ConditionStatus.PENDING
    condition.met_on = None
    condition.save(update_fields=["due_on", "status", "met_on"])
    next_due.keep([case])
    case.at_risk_since = None
    case.breach_proposed_by = None
    case.breach_proposed_at = None
    case.save(update_fields=["status", "at_risk_since", "breach_proposed_by", "breach_proposed_at"])
    _event(case, K.FURTHER_CHANCE, acting,
           f"Further chance: {condition.description} now due {long_date(new_due_on)} (was {long_date(old)}). "
           f"{reason.strip()}", now=now,
           detail={"condition": condition.pk, "old_due_on": old.isoformat(), "new_due_on": new_due_on.isoformat(),
                   "reason": reason.strip()})
    audit.record(acting, A.UPDATE, case, detail={"action": "further_chance", "condition": condition.pk})
    return refresh_case(case, today=today, now=now)


@transaction.atomic
def receive_return(acting, case, *, now):
    acting, case = _case_to(acting, "outcomes.police_decide", case, "decide_diversion")
    return_to_police = ReturnToPolice.objects.select_for_update().filter(case=case).first()
    if return_to_police is None:
        raise ValidationError("This case has not been returned to police.", code="not_re_referred")
    if return_to_police.received_at is not None:
        received = long_date(clock.today(return_to_police.received_at))
        raise ValidationError(f"This case was already received by police on {received}.",
                              code="received")
    return_to_police.received_at = now
    return_to_police.received_by = acting.user
    return_to_police.save(update_fields=["received_at", "received_by"])
    _event(case, K.RECEIVED_BY_POLICE, acting, "Received by police", now=now)
    audit.record(acting, A.UPDATE, case, detail={"action": "receive_rereferral"})
    return return_to_police


@transaction.atomic
def record_police_outcome(acting, case, *, outcome_code, notes, now):
    """The end of a failed diversion: the outcome police reached, never one that says the diversion succeeded."""
    acting, case = _case_to(acting, "outcomes.police_decide", case, "decide_diversion")
    outcome = _outcome(outcome_code)
    _check_transition(case, rules.RECORD_OUTCOME)
    problem = rules.outcome_fits_case(rules.RETURNED_TO_POLICE, outcome.code, case.pathway.closing_outcome.code,
                                      codes_closing=_closing_codes())
    if problem:
        raise ValidationError({"outcome_code": problem})
    _transition(case, rules.RECORD_OUTCOME)
    case.closed_at = now
    case.save(update_fields=["status", "closed_at"])
    ReturnToPolice.objects.filter(case=case, received_at__isnull=True).update(received_at=now, received_by=acting.user)
    PoliceOutcome.objects.create(case=case, outcome=outcome, recorded_by=acting.user, recorded_at=now,
                                 notes=(notes or "").strip())
    _event(case, K.POLICE_OUTCOME, acting, f"Police outcome recorded: {outcome}", now=now, detail={"outcome": outcome.code})
    audit.record(acting, A.UPDATE, case, detail={"action": "record_police_outcome", "outcome": outcome.code})
    return case


# --- Closure ---------------------------------------------------------------------------------------


@transaction.atomic
def propose_closure(case, *, now, acting=None):
    """At the contract end with every condition met, the case goes to the police decision maker to close."""
    today = clock.today(now)
    if acting is None:
        case = DiversionCase.objects.select_for_update().get(pk=getattr(case, "pk", case))
    else:
        acting = access.as_acting(acting)
        case = _case(acting, case)
        access.require_to(acting, "outcomes.propose_closure", case)
    _check_transition(case, rules.PROPOSE_CLOSURE)
    if today < case.end_date:
        raise ValidationError(f"The contract ends on {long_date(case.end_date)}: closure can be proposed from then.",
                              code="too_early")
    case = refresh_case(case, today=today, now=now)
    outstanding = [c.description for c in case.conditions.all() if c.status != rules.MET]
    if outstanding:
        raise ValidationError(f"Not every condition is met: {'; '.join(outstanding)}.", code="not_met")
    _transition(case, rules.PROPOSE_CLOSURE)
    case.save(update_fields=["status"])
    _event(case, K.CLOSURE_PROPOSED, acting, "Every condition met at the contract end: proposed for closure", now=now)
    notify([case.decision_maker], kind="closure", key=f"case:{case.pk}:closure",
           organisations=[case.police_organisation_id], **notices.ready_to_close(case.pk, case.crime_reference))
    audit.record(acting, A.UPDATE, case, detail={"action": "propose_closure"})
    return case


@transaction.atomic
def close_case(acting, case, *, outcome_code, now):
    acting, case = _case_to(acting, "outcomes.police_decide", case, "decide_diversion")
    outcome = _outcome(outcome_code)
    _check_transition(case, rules.CLOSE)
    problem = rules.outcome_fits_case(rules.COMPLETED, outcome.code, case.pathway.closing_outcome.code,
                                      codes_closing=_closing_codes())
    if problem:
        raise ValidationError({"outcome_code": problem})
    if case.conditions.exclude(status=ConditionStatus.MET).exists():
        raise ValidationError("A condition is no longer met: the case cannot close as completed.", code="not_met")
    _transition(case, rules.CLOSE)
    case.closed_at = now
    case.save(update_fields=["status", "closed_at"])
    PoliceOutcome.objects.create(case=case, outcome=outcome, recorded_by=acting.user, recorded_at=now)
    _event(case, K.CLOSED, acting, f"Completed and closed: {outcome}", now=now, detail={"outcome": outcome.code})
    notify(staff_of(case.lead_organisation_id, (Role.CASEWORKER, Role.MANAGER)), kind="case_closed", key=f"case:{case.pk}:closed",
           organisations=[case.lead_organisation_id], **notices.closed_as_completed(case.pk, case.crime_reference))
    audit.record(acting, A.UPDATE, case, detail={"action": "close_case", "outcome": outcome.code})
    return case



def flag_missed_deadlines(*, now):
    """A deadline that passed before police received the case is flagged on the case, once (set-based)."""
    today = clock.today(now)
    waiting = Q(status__in=rules.ACTIVE_STATUSES) | Q(status=rules.RETURNED_TO_POLICE, return_to_police__received_at__isnull=True)
    with transaction.atomic():
        missed = list(DiversionCase.objects.select_for_update(of=("self",)).filter(
            waiting, return_deadline__lt=today, deadline_missed_on__isnull=True).values_list("pk", flat=True))
        DiversionCase.objects.filter(pk__in=missed).update(deadline_missed_on=today)
        CaseEvent.objects.bulk_create([
            CaseEvent(case_id=pk, kind=K.DEADLINE_MISSED, at=now,
                      summary="The return-to-police deadline passed before police received the case.")
            for pk in missed
        ])
    return missed


def deadline_warnings(*, now):
    """Warn the lead agency and the decision maker 28, 14, 7 and 1 days before a return-to-police deadline, once each.

    Only cases whose deadline falls exactly on a mark today are read (one query); the key makes a rerun silent.
    """
    today = clock.today(now)
    marks = {today + timedelta(days=d): d for d in rules.WARNING_DAYS}
    waiting = Q(status__in=rules.ACTIVE_STATUSES) | Q(status=rules.RETURNED_TO_POLICE, return_to_police__received_at__isnull=True)
    cases = list(DiversionCase.objects.filter(waiting, return_deadline__in=list(marks)).select_related("decision_maker"))
    staff = staff_by_organisation({case.lead_organisation_id for case in cases}, (Role.CASEWORKER, Role.MANAGER))
    messages = []
    for case in cases:
        days = marks[case.return_deadline]
        messages.append(Message(staff[case.lead_organisation_id] + [case.decision_maker], f"case:{case.pk}:deadline:{days}",
                                organisations=(case.lead_organisation_id, case.police_organisation_id),
                                **notices.deadline_near(case.pk, case.crime_reference, days, case.return_deadline)))
    return {"cases": len(cases), "told": len(notify_many("deadline", messages))}
