"""Tags for the outcomes pages: status tags, and a deadline with its days left (red at 7 days or fewer)."""

from datetime import date, timedelta

from django import template
from django.utils.html import format_html

from outcomes import rules
from outcomes.models import CaseEvent

register = template.Library()

CASE_COLOURS = {
    rules.ACTIVE: "blue", rules.AT_RISK: "orange", rules.BREACH_PROPOSED: "red", rules.RETURNED_TO_POLICE: "purple",
    rules.CLOSURE_PROPOSED: "turquoise", rules.COMPLETED: "green", rules.OUTCOME_RECORDED: "grey",
}
INTERVENTION_COLOURS = {"offered": "blue", "engaged": "turquoise", "completed": "green", "disengaged": "red",
                        "withdrawn": "grey"}
NEAR_DAYS = 7
CONDITION_COLOURS = {rules.PENDING: "grey", rules.MET: "green", rules.MISSED: "red"}


def _tag(colour, label):
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)


@register.simple_tag
def case_tag(case):
    return _tag(CASE_COLOURS.get(case.status, "grey"), case.get_status_display())


@register.simple_tag
def intervention_tag(intervention):
    return _tag(INTERVENTION_COLOURS.get(intervention.status, "grey"), intervention.get_status_display())


@register.simple_tag
def condition_tag(condition):
    return _tag(CONDITION_COLOURS.get(condition.status, "grey"), condition.get_status_display())


def _days(value, today):
    if isinstance(value, timedelta):
        return value.days
    if isinstance(value, date):
        return rules.days_left(value, today)
    return None if value is None else int(value)


def days_text(left):
    if left > 1:
        return f"{left} days left"
    if left == 1:
        return "1 day left"
    if left == 0:
        return "due today"
    if left == -1:
        return "passed yesterday"
    return f"passed {-left} days ago"


@register.simple_tag
def days_left(value, today=None):
    """'12 days left', 'due today' or 'passed 3 days ago'; red (app-overdue) at 7 days or fewer.

    `value` is the deadline (with `today`), or the time left as a timedelta or a number of days.
    """
    left = _days(value, today)
    if left is None:
        return ""
    if left <= NEAR_DAYS:  # as rules.deadline_is_near
        return format_html('<span class="app-overdue">{}</span>', days_text(left))
    return format_html("<span>{}</span>", days_text(left))


@register.simple_tag
def deadline(day, today):
    """The deadline's date and its days left, for a summary list or a card."""
    if day is None:
        return ""
    return format_html("{} ({})", f"{day:%-d %B %Y}", days_left(day, today))


RULE_LABELS = {"age": "Age", "offence": "Offence", "aggravating": "Aggravating circumstances", "admission": "Admission",
               "evidence": "Evidence", "history": "Criminal history"}


@register.filter
def rule_label(rule):
    return RULE_LABELS.get(rule, str(rule).replace("_", " ").capitalize())


@register.filter
def event_title(kind):
    if kind in CaseEvent.Kind.values:
        return CaseEvent.Kind(kind).label
    return str(kind).replace("_", " ").capitalize()
