"""The referral's domain rules, as pure functions.

Everything here is plain Python: no ORM and no clock. Callers pass `now` or `today`, so the
rules can be tested at any instant (a bank holiday weekend, the clocks changing) and the
views, jobs and API all agree on one answer. Working days come from `partners.workdays`
(England and Wales bank holidays); the working day ends at 17:00 Europe/London.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from core import clock
from core.clock import LONDON
from partners.workdays import add_working_days, is_working_day, next_working_day, working_days_between

from . import matching

# --------------------------------------------------------------------------------------
# 1. Status and the actions that move a referral between statuses
# --------------------------------------------------------------------------------------

# The model's Status TextChoices use these same values.
DRAFT = "draft"
SUBMITTED = "submitted"
IN_TRIAGE = "in_triage"
INFO_REQUESTED = "info_requested"
ALLOCATED = "allocated"
SIGNPOSTED = "signposted"
DECLINED = "declined"
CLOSED = "closed"

STATUSES = (DRAFT, SUBMITTED, IN_TRIAGE, INFO_REQUESTED, ALLOCATED, SIGNPOSTED, DECLINED, CLOSED)

SUBMIT = "submit"
CLAIM = "claim"
ALLOCATE = "allocate"
SIGNPOST = "signpost"
DECLINE = "decline"
REQUEST_INFO = "request_info"
ANSWER_INFO = "answer_info"
# No answer within INFO_WAIT_WORKING_DAYS: the referral returns to the queue for a decision.
INFO_TIMEOUT = "info_timeout"
# The receiving partner hands an allocation back: the referral returns to the queue.
HAND_BACK = "hand_back"
CLOSE = "close"

ACTIONS = (SUBMIT, CLAIM, ALLOCATE, SIGNPOST, DECLINE, REQUEST_INFO, ANSWER_INFO, INFO_TIMEOUT, HAND_BACK, CLOSE)

# The whole life cycle. Anything not listed is refused: a decided referral is never
# re-decided in place (court-safe records), it goes back through the queue first.
TRANSITIONS: dict[tuple[str, str], str] = {
    (DRAFT, SUBMIT): SUBMITTED,
    (SUBMITTED, CLAIM): IN_TRIAGE,
    # Claiming again (another triager after a lapse, or the same one) keeps it in triage.
    (IN_TRIAGE, CLAIM): IN_TRIAGE,
    (IN_TRIAGE, ALLOCATE): ALLOCATED,
    (IN_TRIAGE, SIGNPOST): SIGNPOSTED,
    (IN_TRIAGE, DECLINE): DECLINED,
    (IN_TRIAGE, REQUEST_INFO): INFO_REQUESTED,
    (INFO_REQUESTED, ANSWER_INFO): IN_TRIAGE,
    (INFO_REQUESTED, INFO_TIMEOUT): IN_TRIAGE,
    (ALLOCATED, HAND_BACK): IN_TRIAGE,
    (ALLOCATED, CLOSE): CLOSED,
    (SIGNPOSTED, CLOSE): CLOSED,
    (DECLINED, CLOSE): CLOSED,
}

# The daily triage queue holds these statuses (the model's partial index uses the same list).
QUEUE_STATUSES = (SUBMITTED, IN_TRIAGE)

# "A referral that is <status phrase> cannot be <action phrase>."
STATUS_PHRASES = {
    DRAFT: "still a draft",
    SUBMITTED: "submitted",
    IN_TRIAGE: "in triage",
    INFO_REQUESTED: "waiting for more information",
    ALLOCATED: "allocated",
    SIGNPOSTED: "signposted",
    DECLINED: "declined",
    CLOSED: "closed",
}
ACTION_PHRASES = {
    SUBMIT: "submitted",
    CLAIM: "claimed",
    ALLOCATE: "allocated",
    SIGNPOST: "signposted",
    DECLINE: "declined",
    REQUEST_INFO: "sent back for more information",
    ANSWER_INFO: "given the more information asked for",
    INFO_TIMEOUT: "returned to the queue for want of more information",
    HAND_BACK: "handed back",
    CLOSE: "closed",
}


class TransitionNotAllowed(ValueError):
    """A status change the life cycle refuses. The message is fit to show to a person."""

    def __init__(self, current: str, action: str, message: str | None = None):
        self.current = current
        self.action = action
        if message is None:
            message = (
                f"A referral that is {STATUS_PHRASES.get(current, current)} "
                f"cannot be {ACTION_PHRASES.get(action, action)}."
            )
        super().__init__(message)


def next_status(current: str, action: str) -> str:
    """The status after `action`, or TransitionNotAllowed if the life cycle refuses it."""
    if current not in STATUSES:
        raise TransitionNotAllowed(current, action, f"{current!r} is not a referral status.")
    if action not in ACTIONS:
        raise TransitionNotAllowed(current, action, f"{action!r} is not something that can be done to a referral.")
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise TransitionNotAllowed(current, action) from None


def allowed_actions(current: str) -> list[str]:
    """The actions open to a referral in `current` status, in ACTIONS order (for buttons and checks)."""
    return [action for action in ACTIONS if (current, action) in TRANSITIONS]


# Timeline entries the portal writes of itself, with no words a person chose: nothing in them to correct. A
# correction is corrected by another correction of the original, never of itself.
SYSTEM_EVENT_KINDS = frozenset({
    "created", "submitted", "claimed", "released", "claim_lapsed", "info_expired", "accepted", "work_started",
    "work_ended", "deleted", "correction",
})


def is_correctable(kind: str) -> bool:
    """May a person correct a timeline entry of this kind (if they, or their organisation, recorded it)?"""
    return kind not in SYSTEM_EVENT_KINDS


def is_in_queue(status: str) -> bool:
    return status in QUEUE_STATUSES


# --------------------------------------------------------------------------------------
# 2. Triage deadline and the working day
# --------------------------------------------------------------------------------------

WORKDAY_END = time(17, 0)
URGENT_HOURS = 4
CLAIM_LAPSE = timedelta(hours=2)
INFO_WAIT_WORKING_DAYS = 5
TRIAGE_WORKING_DAYS = 1


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _utc(value: datetime, name: str) -> datetime:
    """`value` in UTC. Arithmetic and comparison happen in UTC: Python compares and subtracts two
    datetimes that share a tzinfo by wall clock, which is wrong across a clock change."""
    _require_aware(value, name)
    return value.astimezone(UTC)


def end_of_working_day(day: date) -> datetime:
    """17:00 Europe/London on `day`, as an aware UTC datetime (BST or GMT as the date requires)."""
    return datetime.combine(day, WORKDAY_END, tzinfo=LONDON).astimezone(UTC)


def effective_working_day(at: datetime) -> date:
    """The working day on which something received at `at` counts as received.

    The local date if that is a working day and it is before 17:00 there; otherwise the next
    working day (after 17:00, at weekends and on bank holidays nobody is there to act on it).
    """
    _require_aware(at, "at")
    local = at.astimezone(LONDON)
    day = local.date()
    if is_working_day(day) and local.time() < WORKDAY_END:
        return day
    return next_working_day(day)


def triage_deadline(received_at: datetime, urgent: bool) -> datetime:
    """When the triage decision is due, as an aware UTC datetime.

    Urgent (immediate risk of harm): 4 hours after receipt, round the clock. Otherwise by
    17:00 on the working day after the effective day of receipt.
    """
    received_utc = _utc(received_at, "received_at")
    if urgent:
        return received_utc + timedelta(hours=URGENT_HOURS)
    due_day = add_working_days(effective_working_day(received_at), TRIAGE_WORKING_DAYS)
    return end_of_working_day(due_day)


# --------------------------------------------------------------------------------------
# 3. Queue sections
# --------------------------------------------------------------------------------------

OVERDUE = "overdue"
URGENT = "urgent"
DUE_TODAY = "due_today"
DUE_LATER = "due_later"
RETURNED = "returned"

SECTION_ORDER = (URGENT, OVERDUE, DUE_TODAY, DUE_LATER, RETURNED)
SECTION_LABELS = {
    OVERDUE: "Overdue",
    URGENT: "Urgent",
    DUE_TODAY: "Due today",
    DUE_LATER: "Due later",
    RETURNED: "Returned with more information",
}


def queue_section(now: datetime, deadline: datetime, urgent: bool, returned: bool) -> str:
    """Which section of the daily triage queue an item sits in.

    Urgent items (immediate risk of harm) come first, overdue or not: a week-late routine item must not
    wait ahead of a child at risk today. Then overdue; then items back with more information; then the
    rest by whether they fall due today (in England). An unanswered urgency (None) counts as not urgent.
    """
    if urgent:
        return URGENT
    now_utc, tomorrow = queue_section_bounds(now)
    deadline_utc = _utc(deadline, "deadline")
    if deadline_utc < now_utc:
        return OVERDUE
    if returned:
        return RETURNED
    if deadline_utc < tomorrow:
        return DUE_TODAY
    return DUE_LATER


def queue_section_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The two instants that divide the queue's sections, in UTC: `now` (before it, overdue) and the start of
    tomorrow in England (before it, and not overdue, due today: a deadline not passed falls on today's England
    date exactly when it comes before tomorrow's midnight). The queue's query compares its rows with these
    (selectors.triage_queue), so the page and this rule cannot disagree."""
    now_utc = _utc(now, "now")
    tomorrow = clock.today(now) + timedelta(days=1)
    return now_utc, datetime.combine(tomorrow, time.min, tzinfo=LONDON).astimezone(UTC)


def section_rank(section: str) -> int:
    """Sort key for SECTION_ORDER."""
    return SECTION_ORDER.index(section)


# --------------------------------------------------------------------------------------
# 4. Claims
# --------------------------------------------------------------------------------------


def claim_lapsed(last_activity_at: datetime | None, now: datetime, lapse: timedelta = CLAIM_LAPSE) -> bool:
    """True when a claim has gone `lapse` (2 hours) without activity, so another triager may take it.

    No recorded activity at all counts as lapsed: a claim must not hold an item for ever.
    """
    now_utc = _utc(now, "now")
    if last_activity_at is None:
        return True
    return now_utc - _utc(last_activity_at, "last_activity_at") >= lapse


# --------------------------------------------------------------------------------------
# 5. Requests for more information
# --------------------------------------------------------------------------------------


def info_request_expires_on(requested_at: datetime) -> date:
    """The England date from which an unanswered request counts as expired (5 working days on)."""
    return add_working_days(clock.today(requested_at), INFO_WAIT_WORKING_DAYS)


def info_request_expired(requested_at: datetime, now: datetime) -> bool:
    """True when at least 5 working days have passed since the request, by England dates.

    The referral then returns to the queue for a decision without the answer.
    """
    return working_days_between(clock.today(requested_at), clock.today(now)) >= INFO_WAIT_WORKING_DAYS


# --------------------------------------------------------------------------------------
# 6. Allocation deadlines for the receiving partner
# --------------------------------------------------------------------------------------

RED = "red"
AMBER = "amber"
GREEN = "green"
RAGS = (RED, AMBER, GREEN)

# Working days after the effective day by which the partner must accept or hand back.
ACCEPT_WORKING_DAYS = {RED: 0, AMBER: 2, GREEN: 2}
# Working days after the effective day of acceptance by which first contact is due.
FIRST_CONTACT_WORKING_DAYS = {RED: 1, AMBER: 3, GREEN: 5}


def _check_rag(rag: str) -> None:
    if rag not in RAGS:
        raise ValueError(f"{rag!r} is not a risk rating (red, amber or green)")


def accept_due(allocated_at: datetime, rag: str) -> datetime:
    """When the partner must accept or hand back an allocation, as an aware UTC datetime.

    Red: 17:00 the same working day (the next working day if allocated after 17:00 or on a
    day off). Amber and green: 17:00 on the 2nd working day after that effective day.
    """
    _check_rag(rag)
    effective = effective_working_day(allocated_at)
    return end_of_working_day(add_working_days(effective, ACCEPT_WORKING_DAYS[rag]))


def first_contact_due(accepted_at: datetime, rag: str) -> date:
    """The date by which the partner must first contact the young person: 1, 3 or 5 working days."""
    _check_rag(rag)
    return add_working_days(effective_working_day(accepted_at), FIRST_CONTACT_WORKING_DAYS[rag])


# --------------------------------------------------------------------------------------
# 7. Age and re-referral
# --------------------------------------------------------------------------------------

# A young person must be under 25 on the date of referral.
MAX_AGE = 25
RE_REFERRAL_MONTHS = 12


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on `on`.

    Someone born on 29 February turns a year older on 1 March in a common year (the
    birthday has not come on 28 February).
    """
    if on < date_of_birth:
        raise ValueError("The date of birth is after the date the age is wanted for")
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def name_and_age(name: str, date_of_birth: date | None, on: date, *, anonymised: bool = False) -> str:
    """How a list names a young person: "Jordan Example, aged 16". After retention only the year of birth is
    true, so no age; a date of birth after `on` (a typing slip) gives the name alone, never an error."""
    if anonymised or date_of_birth is None or date_of_birth > on:
        return name
    return f"{name}, aged {age_on(date_of_birth, on)}"


def is_under_max_age(date_of_birth: date, on: date) -> bool:
    """True if the young person is under MAX_AGE (25) on `on`, the referral date."""
    return age_on(date_of_birth, on) < MAX_AGE


def is_re_referral(previous_closed_on: date | None, referral_date: date) -> bool:
    """True if an earlier referral closed within the 12 calendar months before `referral_date`, inclusive.

    Closed on 15 March 2026: a referral on 15 March 2027 is a re-referral, one on 16 March 2027 is not.
    """
    if previous_closed_on is None:
        return False
    window_start = referral_date - relativedelta(months=RE_REFERRAL_MONTHS)
    return window_start <= previous_closed_on <= referral_date


# --------------------------------------------------------------------------------------
# 8. Matching against young people already known
# --------------------------------------------------------------------------------------

REASON_UPN = "Same unique pupil number"
REASON_NHS = "Same NHS number"
REASON_DOB_NAME = "Same date of birth and similar name"
REASON_POSTCODE = "Same postcode"

MATCH_WEIGHTS = {REASON_UPN: 100, REASON_NHS: 100, REASON_DOB_NAME: 60, REASON_POSTCODE: 15}
# Any score at or above this is shown to the triager as a possible match (never merged silently).
POSSIBLE_MATCH_THRESHOLD = 15


def normalise_name(value: str) -> str:
    """Fold a name for comparison (referrals/matching.py), its words run together: "Zoë O'Brien-Smith" ->
    "zoeobriensmith"."""
    return "".join(matching.fold(value).split())


def names_similar(given_a: str, family_a: str, given_b: str, family_b: str) -> bool:
    """Similar enough to be the same person: the one matcher that search uses too (matching.names_alike)."""
    return matching.names_alike(given_a, family_a, given_b, family_b)


def _compact(value: str | None) -> str:
    return "".join((value or "").split()).upper()


def match_reasons(candidate: dict, known: dict) -> list[str]:
    """Why `known` may be the young person in `candidate`, in a fixed order (strongest first).

    Each dict has given_name, family_name, date_of_birth (date or None), postcode (normalised
    or ""), upn and nhs_number ("" when not known). Empty values never match each other.
    """
    reasons = []
    upn = _compact(candidate.get("upn"))
    if upn and upn == _compact(known.get("upn")):
        reasons.append(REASON_UPN)
    nhs = _compact(candidate.get("nhs_number"))
    if nhs and nhs == _compact(known.get("nhs_number")):
        reasons.append(REASON_NHS)
    dob = candidate.get("date_of_birth")
    if (
        dob is not None
        and dob == known.get("date_of_birth")
        and names_similar(
            candidate.get("given_name", ""), candidate.get("family_name", ""),
            known.get("given_name", ""), known.get("family_name", ""),
        )
    ):
        reasons.append(REASON_DOB_NAME)
    postcode = _compact(candidate.get("postcode"))
    if postcode and postcode == _compact(known.get("postcode")):
        reasons.append(REASON_POSTCODE)
    return reasons


def match_score(reasons: list[str]) -> int:
    """The weight of evidence for a match: UPN 100, NHS 100, date of birth and name 60, postcode 15."""
    unknown = [r for r in reasons if r not in MATCH_WEIGHTS]
    if unknown:
        raise ValueError(f"Unknown match reason: {unknown[0]!r}")
    return sum(MATCH_WEIGHTS[r] for r in set(reasons))


def is_possible_match(reasons: list[str]) -> bool:
    return match_score(reasons) >= POSSIBLE_MATCH_THRESHOLD


# --------------------------------------------------------------------------------------
# 9. Identifiers: postcode, unique pupil number, NHS number
# --------------------------------------------------------------------------------------

POSTCODE_MESSAGE = "Enter a real postcode, like B1 1AA"

# BS 7666 letter rules: 1st letter never Q, V or X; 2nd never I, J or Z; the letter in A9A and
# AA9A districts from short lists; the two inward letters never C, I, K, M, O or V.
_L1 = "[ABCDEFGHIJKLMNOPRSTUWYZ]"
_L2 = "[ABCDEFGHKLMNOPQRSTUVWXY]"
_L3 = "[ABCDEFGHJKPSTUW]"
_L4 = "[ABEHMNPRVWXY]"
_INWARD = "[0-9][ABDEFGHJLNPQRSTUWXYZ]{2}"
_OUTWARD = (
    f"{_L1}[0-9]{{1,2}}"  # A9, A99
    f"|{_L1}{_L2}[0-9]{{1,2}}"  # AA9, AA99
    f"|{_L1}[0-9]{_L3}"  # A9A
    f"|{_L1}{_L2}[0-9]{_L4}"  # AA9A
)
_POSTCODE_RE = re.compile(rf"(?:(?:{_OUTWARD}){_INWARD}|GIR0AA)")


def normalise_postcode(value: str) -> str:
    """A UK postcode in its canonical form ("b11aa" -> "B1 1AA"); ValueError if it is not one.

    Any case, any spaces. Accepts A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA and GIR 0AA.
    """
    if not isinstance(value, str):
        raise ValueError(POSTCODE_MESSAGE)
    compact = _compact(value)
    if not _POSTCODE_RE.fullmatch(compact):
        raise ValueError(POSTCODE_MESSAGE)
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_is_valid(value: str) -> bool:
    try:
        normalise_postcode(value)
    except ValueError:
        return False
    return True


# DfE "Unique Pupil Numbers (UPNs)" guidance: the check letter (character 1) is the sum of
# characters 2-13 times weights 2-13, modulo 23, mapped onto these letters (no I, O or S).
# A temporary UPN ends in a letter from the same list, valued by its place in it (A=0 ... Z=22).
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_LENGTH = 13
UPN_MESSAGE = "Enter a unique pupil number of 13 characters, like A123456789012"
_UPN_BODY_RE = re.compile(rf"[0-9]{{11}}[0-9{UPN_LETTERS}]")


def upn_check_letter(rest12: str) -> str:
    """The check letter for the 12 characters after it (11 digits, then a digit or a letter for a temporary UPN)."""
    body = _compact(rest12)
    if not _UPN_BODY_RE.fullmatch(body):
        raise ValueError("A unique pupil number has 11 digits then a digit or letter after its check letter")
    total = 0
    for weight, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else UPN_LETTERS.index(char)
        total += weight * value
    return UPN_LETTERS[total % 23]


def normalise_upn(value: str) -> str:
    """A UPN in capitals without spaces; ValueError if its shape or check letter is wrong.

    The local authority number inside it (characters 2-4) is not checked against a list.
    """
    if not isinstance(value, str):
        raise ValueError(UPN_MESSAGE)
    upn = _compact(value)
    if len(upn) != UPN_LENGTH or upn[0] not in UPN_LETTERS or not _UPN_BODY_RE.fullmatch(upn[1:]):
        raise ValueError(UPN_MESSAGE)
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValueError(UPN_MESSAGE)
    return upn


def upn_is_valid(value: str) -> bool:
    try:
        normalise_upn(value)
    except ValueError:
        return False
    return True


NHS_NUMBER_MESSAGE = "Enter a valid 10-digit NHS number"
_NHS_RE = re.compile(r"[0-9]{10}")


def nhs_check_digit(first9: str) -> int | None:
    """Modulus 11 check digit for the first 9 digits (weights 10 down to 2); None when it would be 10 (never issued)."""
    if not re.fullmatch(r"[0-9]{9}", first9 or ""):
        raise ValueError("Expected 9 digits")
    total = sum(int(d) * w for d, w in zip(first9, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(value: str) -> str:
    """An NHS number as 10 digits without spaces ("943 476 5919" -> "9434765919"); ValueError if invalid."""
    if not isinstance(value, str):
        raise ValueError(NHS_NUMBER_MESSAGE)
    digits = "".join(value.split(" ")).strip()
    if not _NHS_RE.fullmatch(digits):
        raise ValueError(NHS_NUMBER_MESSAGE)
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise ValueError(NHS_NUMBER_MESSAGE)
    return digits


def nhs_number_is_valid(value: str) -> bool:
    try:
        normalise_nhs_number(value)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------------------
# 10. The referrer's account of the concern
# --------------------------------------------------------------------------------------

# Also a database constraint on Referral.account.
ACCOUNT_MAX_CHARS = 20000
