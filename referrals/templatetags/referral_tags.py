from django import template
from django.utils import timezone
from django.utils.html import format_html

from core import clock
from referrals import rules

register = template.Library()

STATUS_COLOURS = {
    "draft": "grey", "submitted": "blue", "in_triage": "light-blue", "info_requested": "orange",
    "allocated": "green", "signposted": "turquoise", "declined": "red", "closed": "grey",
}
RAG_COLOURS = {"red": "red", "amber": "yellow", "green": "green"}
ALLOCATION_COLOURS = {"pending": "yellow", "accepted": "green", "handed_back": "grey"}


@register.simple_tag
def status_tag(referral):
    colour = STATUS_COLOURS.get(referral.status, "grey")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, referral.get_status_display())


@register.simple_tag
def rag_tag(rag):
    if not rag:
        return format_html('<span class="govuk-body-s">{}</span>', "Not rated")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', RAG_COLOURS.get(rag, "grey"), rag.capitalize())


@register.simple_tag
def allocation_tag(allocation):
    colour = ALLOCATION_COLOURS.get(allocation.state, "grey")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, allocation.get_state_display())


@register.filter
def is_past(value, now=None):
    if value is None:
        return False
    now = now or timezone.now()
    return value < now if hasattr(value, "hour") else value < clock.today()


@register.filter
def concern_short(code):
    from referrals.models import CONCERN_SHORT

    return CONCERN_SHORT.get(code, code)


@register.simple_tag
def young_person_age(person, today):
    """", aged 16" after a date of birth, or nothing where the age is not true (anonymised, or a slip of the date)."""
    if person.is_anonymised or person.date_of_birth > today:
        return ""
    return f", aged {rules.age_on(person.date_of_birth, today)}"
