"""Pure rules of cohorts: the tier models, review dates, and when a review or an action is late.

No ORM and no clock: callers pass `today`. The tier models are the ones the West Midlands report names
(tier 1 is the highest threat); they are reference data kept here so the models, forms, API and pages
agree on one list.
"""

from datetime import date, timedelta

PIP4 = "pip4"
SCALED = "scaled"

TIER_MODELS = {
    PIP4: "PIP4 model (high threat)",
    SCALED: "Scaled model (PIP2/3)",
}

TIERS = {
    PIP4: {
        1: "ROCU",
        2: "FPVT: reactive and proactive intervention for criminal justice outcomes",
        3: "Gangs team: targeted offender management",
        4: "Neighbourhood: intelligence, disruption, patrol",
        5: "Partnership-led activity: education, early help, YPOs and SLOs",
        6: "Within the prison system",
    },
    SCALED: {
        1: "Reactive and proactive criminal justice",
        2: "Neighbourhood task force or LOMU",
        3: "Neighbourhood",
        4: "Partnership-led activity",
        5: "Within the prison system",
    },
}
HIGHEST_TIER = max(max(tiers) for tiers in TIERS.values())

DEFAULT_REVIEW_WEEKS = 4
MAX_REVIEW_WEEKS = 52
SOON_DAYS = 7

# The four Ps of a member's plan, in the order the report gives them.
PREPARE, PREVENT, PROTECT, PURSUE = "prepare", "prevent", "protect", "pursue"
STRANDS = {PREPARE: "Prepare", PREVENT: "Prevent", PROTECT: "Protect", PURSUE: "Pursue"}

OPEN, DONE, DROPPED = "open", "done", "dropped"
ACTION_STATUSES = {OPEN: "Open", DONE: "Done", DROPPED: "Dropped"}

# What a review's date says on the cohort page.
OVERDUE, DUE, SOON = "overdue", "due", "soon"


def tier_choices(model):
    return list(TIERS.get(model, {}).items())


def is_valid_tier(model, tier) -> bool:
    return isinstance(tier, int) and not isinstance(tier, bool) and tier in TIERS.get(model, {})


def tier_label(model, tier) -> str:
    if tier is None:
        return ""
    name = TIERS.get(model, {}).get(tier)
    return f"Tier {tier}: {name}" if name else f"Tier {tier}"


def next_review_on(held_on: date, weeks: int = DEFAULT_REVIEW_WEEKS) -> date:
    """A member is reviewed every `weeks` weeks (default 4) from their last review, or from joining."""
    return held_on + timedelta(weeks=weeks)


def review_state(next_review: date | None, today: date) -> str | None:
    """overdue (the date has passed), due (today), soon (within a week), or None."""
    if next_review is None:
        return None
    if next_review < today:
        return OVERDUE
    if next_review == today:
        return DUE
    if next_review <= today + timedelta(days=SOON_DAYS):
        return SOON
    return None


def review_is_due(next_review: date | None, today: date) -> bool:
    """Due today or overdue: what the daily job flags."""
    return next_review is not None and next_review <= today


def action_is_overdue(status: str, due_on: date | None, today: date) -> bool:
    return status == OPEN and due_on is not None and due_on < today
