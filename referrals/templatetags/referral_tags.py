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


# The triage queue shows a hundred rows: each as one Python call rather than some twenty template nodes, which
# the load run measured as half of the page's time. The markup is the template's, cell for cell.
QUEUE_FLAGS = (("urgent", "red", "Urgent"), ("is_re_referral", "purple", "Re-referral"),
               ("has_open_match", "orange", "Possible duplicate"))


@register.simple_tag
def queue_row(r, now):
    from django.template.defaultfilters import date as date_filter
    from django.template.defaultfilters import timesince_filter
    from django.urls import reverse
    from django.utils.html import format_html_join

    from referrals.models import CONCERN_SHORT

    person = format_html('<br><span class="govuk-body-s" data-testid="person">{}</span>', r.person) if r.person else ""
    claim = format_html('<br><span class="govuk-body-s">Claimed by {}</span>', r.claimed_by) if r.claim_live else ""
    concerns = "; ".join(CONCERN_SHORT.get(c.concern, c.concern) for c in r.concerns.all())
    flags = format_html_join("", '<strong class="govuk-tag govuk-tag--{}">{}</strong> ',
                             ((colour, label) for attr, colour, label in QUEUE_FLAGS if getattr(r, attr)))
    if r.rag:
        flags += rag_tag(r.rag)
    return format_html(
        '<tr class="govuk-table__row">'
        '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a>{}{}</td>'
        '<td class="govuk-table__cell" data-sort-value="{}">{} ago</td>'
        '<td class="govuk-table__cell app-nowrap{}" data-sort-value="{}">{}</td>'
        '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell govuk-body-s">{}</td><td class="govuk-table__cell">{}</td></tr>',
        reverse("triage-referral", args=[r.pk]), r.reference, person, claim,
        date_filter(r.received_at, "U"), timesince_filter(r.received_at, now),
        " app-overdue" if r.section == "overdue" else "", date_filter(r.triage_deadline, "U"),
        date_filter(r.triage_deadline, "D j M H:i"), r.get_source_display(), r.get_area_display(), concerns, flags)
