"""Tags for the cohort pages: a member's tier, when their review is due, and a plan action's status."""

from django import template
from django.utils.html import format_html

from cohorts import rules

register = template.Library()

REVIEW_TAGS = {
    rules.OVERDUE: ("red", "Review overdue"),
    rules.DUE: ("orange", "Review due today"),
    rules.SOON: ("yellow", "Review due soon"),
}
ACTION_COLOURS = {rules.OPEN: "blue", rules.DONE: "green", rules.DROPPED: "grey"}


def _tag(colour, label):
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)


@register.simple_tag
def review_tag(state):
    """Nothing when the review is not near; otherwise a coloured tag that says so in words."""
    if state not in REVIEW_TAGS:
        return ""
    return _tag(*REVIEW_TAGS[state])


@register.simple_tag
def action_tag(action):
    if getattr(action, "overdue", False):
        return _tag("red", "Overdue")
    return _tag(ACTION_COLOURS.get(action.status, "grey"), action.get_status_display())


@register.simple_tag
def tier_label(cohort, tier):
    return rules.tier_label(cohort.tier_model, tier)
