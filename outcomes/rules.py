"""Pure domain rules for diversion cases (Outcome 22 and Checkpoint).

No ORM and no clock: callers pass `today`, so the rules can be tested with any date and the
jobs, services and views all agree. Dependencies: the standard library, dateutil,
`partners.workdays` and this app's plain reference data.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from outcomes.reference import MODES_OF_TRIAL, PATHWAYS, SUMMARY
from partners.workdays import add_working_days, working_days_between

# ---------------------------------------------------------------------------------------------
# Calendar months and contracts


def add_months(day: date, months: int) -> date:
    """`day` plus calendar months, clamped to the end of a shorter month.

    31 Aug + 6 months is 28 Feb (29 Feb in a leap year), not 3 March: contracts and the
    statutory time limit are expressed in calendar months, and overflowing into the next
    month would give a date later than the law or the contract allows.
    """
    return day + relativedelta(months=months)


def contract_end(start: date, months: int = 4) -> date:
    """The end of a diversion contract that runs for `months` calendar months from `start`."""
    return add_months(start, months)


# ---------------------------------------------------------------------------------------------
# Return-to-police deadline

SUMMARY_LIMIT_MONTHS = 6  # Magistrates' Courts Act 1980 s127
SAFETY_MARGIN_DAYS = 28
POLICY_DAYS_AFTER_CONTRACT = 28
WARNING_DAYS = (28, 14, 7, 1)


def statutory_limit(offence_date: date) -> date:
    """The last day to lay an information for a summary-only offence: six calendar months on.

    The day of the offence itself is not counted, so an offence on 1 January may be charged
    on 1 July; a month end clamps (31 Aug -> 28/29 Feb), which errs early, never late.
    """
    return add_months(offence_date, SUMMARY_LIMIT_MONTHS)


def return_deadline(
    offence_date: date,
    mode_of_trial: str,
    contract_end: date,
    margin_days: int = SAFETY_MARGIN_DAYS,
    policy_days: int = POLICY_DAYS_AFTER_CONTRACT,
) -> date:
    """The date by which police must receive a non-compliant case to still prosecute it.

    Summary-only offences: the statutory limit less a safety margin, because police need time to
    review the file and lay the information; missing it forces Outcome 17. Either-way and
    indictable offences have no time limit, so the deadline is a policy one: contract end plus
    `policy_days`, to stop failed diversions drifting.
    """
    if mode_of_trial not in MODES_OF_TRIAL:
        raise ValueError(f"Unknown mode of trial {mode_of_trial!r}")
    if mode_of_trial == SUMMARY:
        return statutory_limit(offence_date) - timedelta(days=margin_days)
    return contract_end + timedelta(days=policy_days)


def days_left(deadline: date, today: date) -> int:
    """Calendar days from `today` to `deadline`: 0 on the day, negative once it has passed."""
    return (deadline - today).days


def deadline_is_near(deadline: date, today: date, threshold: int = 7) -> bool:
    """True within `threshold` days of the deadline, and after it (a passed deadline is nearer still)."""
    return days_left(deadline, today) <= threshold


def deadline_missed(deadline: date, today: date) -> bool:
    """True once the deadline day is over."""
    return today > deadline


def warning_due(deadline: date, today: date, warning_days: tuple[int, ...] = WARNING_DAYS) -> int | None:
    """The warning (days before the deadline) that falls on `today`, or None.

    The jobs run daily and send each warning on its day only, so a warning is never sent twice.
    """
    left = days_left(deadline, today)
    return left if left in warning_days else None


def contract_ends_after_deadline(end: date, deadline: date) -> bool:
    """True when the contract ends after the return-to-police deadline.

    An offence up to 3 months old plus a 4-month contract already passes the six months of a
    summary-only offence; the portal warns when such a case is started so that police can
    decide with their eyes open.
    """
    return end > deadline


# ---------------------------------------------------------------------------------------------
# Eligibility

HISTORY_NONE = "none"
HISTORY_MINOR = "minor_non_violent"
HISTORY_SERIOUS = "violent_or_serious"
HISTORIES = (HISTORY_NONE, HISTORY_MINOR, HISTORY_SERIOUS)

OUTCOME22_CEILING_TEXT = "Outcome 22 may be used for offences up to and including wounding / GBH without intent (OAPA 1861 s20)"


@dataclass(frozen=True)
class RuleResult:
    """One eligibility rule's verdict, with a reason a decision maker can read either way."""

    rule: str
    passed: bool
    reason: str


def age_on(dob: date, on: date) -> int:
    """Age in whole years on a date.

    Someone born on 29 February turns a year older on 1 March in a common year, as the law of
    England and Wales treats it.
    """
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _field(offence, name: str):
    """Read `name` from a mapping (reference data) or an object (a model instance)."""
    if isinstance(offence, Mapping):
        return offence[name]
    return getattr(offence, name)


def _age_rule(date_of_birth: date, offence_date: date, min_age: int, max_age: int, pathway: str) -> RuleResult:
    if offence_date < date_of_birth:
        return RuleResult("age", False, "The offence date is before the date of birth.")
    age = age_on(date_of_birth, offence_date)
    if min_age <= age <= max_age:
        return RuleResult("age", True, f"Aged {age} on the offence date: within {min_age} to {max_age}.")
    return RuleResult("age", False, f"Aged {age} on the offence date: {pathway} is for {min_age} to {max_age} year olds.")


def checkpoint_eligibility(
    *,
    date_of_birth: date,
    offence_date: date,
    offence,
    aggravating: bool,
    admission: bool,
    sufficient_evidence: bool,
    history: str,
    min_age: int = PATHWAYS["checkpoint"]["min_age"],
    max_age: int = PATHWAYS["checkpoint"]["max_age"],
) -> list[RuleResult]:
    """Every Checkpoint rule, in order, each with its reason.

    All rules are evaluated (none short-circuits) so the decision maker sees every reason at
    once; the system advises, a person decides. `offence` is a mapping or an object with
    `name` and `checkpoint_eligible`.
    """
    if history not in HISTORIES:
        raise ValueError(f"Unknown history {history!r}: expected one of {', '.join(HISTORIES)}")
    name = _field(offence, "name")
    results = [_age_rule(date_of_birth, offence_date, min_age, max_age, "Checkpoint")]
    if _field(offence, "checkpoint_eligible"):
        results.append(RuleResult("offence", True, f"{name} is eligible for Checkpoint."))
    else:
        results.append(
            RuleResult(
                "offence",
                False,
                f"{name} is not eligible: Checkpoint is for possession of a bladed article or an offensive weapon.",
            )
        )
    results.append(
        RuleResult("aggravating", False, "There are aggravating circumstances: Checkpoint needs none.")
        if aggravating
        else RuleResult("aggravating", True, "No aggravating circumstances.")
    )
    results.append(
        RuleResult("admission", True, "The young person admitted the offence.")
        if admission
        else RuleResult("admission", False, "No admission: Checkpoint needs an admission of the offence.")
    )
    results.append(
        RuleResult("evidence", True, "There is enough evidence to charge.")
        if sufficient_evidence
        else RuleResult("evidence", False, "Not enough evidence to charge: Checkpoint defers a prosecution that could go ahead.")
    )
    if history == HISTORY_NONE:
        results.append(RuleResult("history", True, "No previous criminal history."))
    elif history == HISTORY_MINOR:
        results.append(RuleResult("history", True, "Only a very minor, non-violent criminal history."))
    else:
        results.append(
            RuleResult(
                "history",
                False,
                "A violent or serious criminal history: Checkpoint needs none, or only a very minor, non-violent one.",
            )
        )
    return results


def outcome22_eligibility(
    *,
    date_of_birth: date,
    offence_date: date,
    offence,
    min_age: int = PATHWAYS["outcome22"]["min_age"],
    max_age: int = PATHWAYS["outcome22"]["max_age"],
) -> list[RuleResult]:
    """The Outcome 22 rules: age on the offence date, and an offence within the force's ceiling."""
    name = _field(offence, "name")
    results = [_age_rule(date_of_birth, offence_date, min_age, max_age, "Outcome 22")]
    if _field(offence, "outcome22_eligible"):
        results.append(RuleResult("offence", True, f"{name} may be resolved by Outcome 22."))
    else:
        results.append(RuleResult("offence", False, f"{name} cannot be resolved by Outcome 22: {OUTCOME22_CEILING_TEXT}."))
    return results


def is_eligible(results) -> bool:
    """Eligible when every rule passed (and at least one rule was checked)."""
    results = list(results)
    return bool(results) and all(r.passed for r in results)


# ---------------------------------------------------------------------------------------------
# Dates on a case


def date_problems(*, offence_date: date | None, start_date: date | None, today: date) -> dict[str, str]:
    """Field -> message for dates that cannot be right; empty when they are fine.

    A future offence date or an offence after the case started is a typing error, and would
    give a wrong return-to-police deadline, so it is refused rather than warned about.
    """
    problems: dict[str, str] = {}
    if offence_date is None:
        return problems
    if offence_date > today:
        problems["offence_date"] = "The offence date must be today or in the past"
    elif start_date is not None and offence_date > start_date:
        problems["offence_date"] = "The offence date must be on or before the start date"
    return problems


# ---------------------------------------------------------------------------------------------
# Conditions

ASSESSMENT = "assessment"
SESSIONS = "sessions"
NO_REOFFENDING = "no_reoffending"
OTHER = "other"
CONDITION_KINDS = (ASSESSMENT, SESSIONS, NO_REOFFENDING, OTHER)
MAX_CONDITIONS = 5

PENDING = "pending"
MET = "met"
MISSED = "missed"


def condition_template(pathway: str, start: date, end: date, sessions: int | None = None) -> list[dict]:
    """The conditions a new contract starts with; the caseworker may add others up to MAX_CONDITIONS.

    Checkpoint: the mandatory YOS assessment within 10 working days of the start (bank holidays
    excluded), N programme sessions and no further offending by the contract end.
    Outcome 22: N intervention sessions and no further offending by the contract end.
    """
    if pathway not in PATHWAYS:
        raise ValueError(f"Unknown pathway {pathway!r}")
    defaults = PATHWAYS[pathway]
    n = defaults["sessions"] if sessions is None else sessions
    if n < 1:
        raise ValueError("A contract needs at least one session")
    conditions = []
    if pathway == "checkpoint":
        wd = defaults["assessment_working_days"]
        conditions.append(
            {
                "kind": ASSESSMENT,
                "description": f"Complete the YOS assessment within {wd} working days",
                "due_on": add_working_days(start, wd),
                "target": 1,
            }
        )
        sessions_text = f"Attend {n} knife-crime programme session{'s' if n != 1 else ''}"
    else:
        sessions_text = f"Attend {n} intervention session{'s' if n != 1 else ''}"
    conditions.append({"kind": SESSIONS, "description": sessions_text, "due_on": end, "target": n})
    conditions.append(
        {"kind": NO_REOFFENDING, "description": "No further offending during the contract", "due_on": end, "target": None}
    )
    return conditions


def condition_status(
    *,
    kind: str,
    due_on: date,
    met_on: date | None,
    progress: int | None,
    target: int | None,
    today: date,
    breached: bool = False,
) -> str:
    """A condition's status: PENDING, MET or MISSED.

    A condition is met once recorded as met or once progress reaches the target; it is missed
    when its due date has passed without that. No re-offending is different: it cannot be shown
    early, so it is met at the due date unless a re-offence was recorded (`breached`), which
    misses it at once. A further condition ("other") that a person recorded as missed (`breached`) stays
    missed until it is recorded as met: the portal cannot see such a condition kept. `breached` is ignored
    for sessions and the assessment, which follow the work recorded.
    """
    if kind not in CONDITION_KINDS:
        raise ValueError(f"Unknown condition kind {kind!r}")
    if kind == NO_REOFFENDING:
        if breached:
            return MISSED
        if met_on is not None or today >= due_on:
            return MET
        return PENDING
    if met_on is not None or (target is not None and progress is not None and progress >= target):
        return MET
    if kind == OTHER and breached:
        return MISSED
    if today > due_on:
        return MISSED
    return PENDING


def check_condition_count(n: int) -> None:
    """Raise when a contract would have more conditions than Checkpoint allows (5)."""
    if n > MAX_CONDITIONS:
        raise ValueError(f"A contract has at most {MAX_CONDITIONS} conditions")


# ---------------------------------------------------------------------------------------------
# Case workflow

ACTIVE = "active"
AT_RISK = "at_risk"
BREACH_PROPOSED = "breach_proposed"
# The stored value predates the word "returned to police" (cases, the API and past events carry it).
RETURNED_TO_POLICE = "re_referred"
CLOSURE_PROPOSED = "closure_proposed"
COMPLETED = "completed"
OUTCOME_RECORDED = "outcome_recorded"
STATUSES = (ACTIVE, AT_RISK, BREACH_PROPOSED, RETURNED_TO_POLICE, CLOSURE_PROPOSED, COMPLETED, OUTCOME_RECORDED)
ACTIVE_STATUSES = (ACTIVE, AT_RISK, BREACH_PROPOSED, CLOSURE_PROPOSED)

STATUS_LABELS = {
    None: "not started",
    ACTIVE: "active",
    AT_RISK: "at risk",
    BREACH_PROPOSED: "awaiting breach confirmation",
    RETURNED_TO_POLICE: "returned to police",
    CLOSURE_PROPOSED: "awaiting closure",
    COMPLETED: "completed",
    OUTCOME_RECORDED: "closed with an outcome",
}

START = "start"
MARK_AT_RISK = "mark_at_risk"
RESOLVE_RISK = "resolve_risk"
PROPOSE_BREACH = "propose_breach"
CONFIRM_BREACH = "confirm_breach"
FURTHER_CHANCE = "further_chance"
PROPOSE_CLOSURE = "propose_closure"
CLOSE = "close"
RECORD_OUTCOME = "record_outcome"
ACTIONS = (
    START,
    MARK_AT_RISK,
    RESOLVE_RISK,
    PROPOSE_BREACH,
    CONFIRM_BREACH,
    FURTHER_CHANCE,
    PROPOSE_CLOSURE,
    CLOSE,
    RECORD_OUTCOME,
)

ACTION_LABELS = {
    START: "start",
    MARK_AT_RISK: "mark at risk",
    RESOLVE_RISK: "resolve the risk on",
    PROPOSE_BREACH: "propose a breach on",
    CONFIRM_BREACH: "confirm a breach on",
    FURTHER_CHANCE: "give a further chance on",
    PROPOSE_CLOSURE: "propose closure of",
    CLOSE: "close",
    RECORD_OUTCOME: "record the police outcome on",
}

# (current status, action) -> next status. A breach is proposed (by the system or a caseworker)
# and confirmed by a different person; a further chance returns the case to active.
TRANSITIONS = {
    (None, START): ACTIVE,
    (ACTIVE, MARK_AT_RISK): AT_RISK,
    (AT_RISK, RESOLVE_RISK): ACTIVE,
    (ACTIVE, PROPOSE_BREACH): BREACH_PROPOSED,
    (AT_RISK, PROPOSE_BREACH): BREACH_PROPOSED,
    (BREACH_PROPOSED, CONFIRM_BREACH): RETURNED_TO_POLICE,
    (BREACH_PROPOSED, FURTHER_CHANCE): ACTIVE,
    (AT_RISK, FURTHER_CHANCE): ACTIVE,
    (ACTIVE, PROPOSE_CLOSURE): CLOSURE_PROPOSED,
    (CLOSURE_PROPOSED, CLOSE): COMPLETED,
    (RETURNED_TO_POLICE, RECORD_OUTCOME): OUTCOME_RECORDED,
}


class TransitionNotAllowed(ValueError):
    """An action that the case's current status does not allow; the message can be shown as is."""


def next_status(current: str | None, action: str) -> str:
    """The status after `action`, or TransitionNotAllowed saying why not."""
    if action not in ACTIONS:
        raise TransitionNotAllowed(f"Unknown action {action!r}.")
    if current is not None and current not in STATUSES:
        raise TransitionNotAllowed(f"Unknown case status {current!r}.")
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        allowed = [ACTION_LABELS[a].removesuffix(" on").removesuffix(" of") for a in allowed_actions(current)]
        hint = f" From here you can: {', '.join(allowed)}." if allowed else " No further action is possible."
        raise TransitionNotAllowed(f"Cannot {ACTION_LABELS[action]} a case that is {STATUS_LABELS[current]}.{hint}") from None


def allowed_actions(current: str | None) -> tuple[str, ...]:
    """The actions allowed from `current`, in the order of ACTIONS (for buttons)."""
    return tuple(a for a in ACTIONS if (current, a) in TRANSITIONS)


BREACH_DUE_WORKING_DAYS = 5


def breach_due_since(today: date, working_days: int = BREACH_DUE_WORKING_DAYS) -> date:
    """The latest at-risk date whose case is due a breach decision on `today`.

    A case at risk for `working_days` working days (bank holidays excluded) with a condition still
    missed is put to the lead agency's managers to decide on a breach: the system asks, people decide.
    """
    day = today
    while working_days_between(day, today) < working_days:
        day -= timedelta(days=1)
    return day


def breach_proposed_on(at_risk_on: date, working_days: int = BREACH_DUE_WORKING_DAYS) -> date:
    """The day the system proposes a breach on a case put at risk on `at_risk_on`, if nothing is put right."""
    return add_working_days(at_risk_on, working_days)


def breach_confirmer_problem(proposer_id, confirmer_id) -> str | None:
    """Why this person may not confirm the breach, or None.

    The system proposes, people decide: a breach sends a young person back towards prosecution,
    so it takes two people (the proposer, if a person, and a different confirmer). A breach
    proposed by the system (proposer_id None) still needs a named confirmer.
    """
    if confirmer_id is None:
        return "A breach must be confirmed by a named person."
    if proposer_id is not None and proposer_id == confirmer_id:
        return "The person who proposed a breach cannot also confirm it."
    return None


def outcome_fits_case(status: str, outcome_code: int, closing_outcome: int = 22, codes_closing=(22,)) -> str | None:
    """Why `outcome_code` cannot close a case in `status`, or None when it fits.

    A completed case closes only with its pathway's closing outcome (default 22): the young
    person kept their side of the contract, and that outcome is what leaves no criminal record.
    A case returned to police failed its diversion, so it may take any outcome police reach (a charge,
    17 if the time limit was missed, 21 ...) except one that says a diversion succeeded: neither
    the pathway's closing outcome nor any code in `codes_closing` (the codes whose reference row
    has closes_diversion set, 22 by default). Recording 22 there would misstate what happened on
    the Police National Computer.
    """
    if status == COMPLETED:
        if outcome_code != closing_outcome:
            return f"A completed case closes with outcome {closing_outcome}, not {outcome_code}."
        return None
    if status == RETURNED_TO_POLICE:
        if outcome_code == closing_outcome or outcome_code in codes_closing:
            return (
                f"A case returned to police did not complete its diversion, so it cannot close with outcome {outcome_code}: "
                "record the outcome police reached instead."
            )
        return None
    return (f"An outcome is recorded only on a completed case or one returned to police; "
            f"this case is {STATUS_LABELS.get(status, status)}.")
