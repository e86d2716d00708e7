from django import template
from django.utils import timezone
from django.utils.html import format_html

from core import clock
from core.links import record_url
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
# the load run measured as half of the page's time. The markup is the template's, cell for cell; the dates are
# written here rather than by Django's date and timesince filters, which cost more than the rest of the row
# (the load run's profile, issue 18), and in England's time, as the template's date filter would.
QUEUE_FLAGS = (("urgent", "red", "Urgent"), ("is_re_referral", "purple", "Re-referral"),
               ("has_open_match", "orange", "Possible duplicate"))
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CHUNKS = ((7 * 24 * 3600, "week"), (24 * 3600, "day"), (3600, "hour"), (60, "minute"))
FOUR_WEEKS = 28 * 24 * 3600


def deadline_text(at):
    """"Thu 3 Dec 17:00" in England: the template's date filter with "D j M H:i"."""
    local = at.astimezone(clock.LONDON)
    return f"{DAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local:%H:%M}"


def time_since(at, now):
    """Django's timesince (two adjacent units, "2\xa0days, 3\xa0hours"), the arithmetic of weeks and less done
    here; four weeks and more, where months begin to count, is left to Django's calendar."""
    since = int((now - at).total_seconds())
    if since >= FOUR_WEEKS:
        from django.utils.timesince import timesince

        return timesince(at, now)
    parts = []
    for seconds, unit in CHUNKS:
        count, since = divmod(since, seconds) if since > 0 else (0, since)
        if count:
            parts.append(f"{count}\xa0{unit}{'' if count == 1 else 's'}")
        elif parts:
            break
        if len(parts) == 2:
            break
    return ", ".join(parts) or "0\xa0minutes"


@register.simple_tag
def queue_row(r, now):
    from django.utils.html import format_html_join

    from partners.models import Area
    from referrals.models import CONCERN_SHORT, Source

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
        record_url("triage-referral", r.pk), r.reference, person, claim,
        int(r.received_at.timestamp()), time_since(r.received_at, now),
        " app-overdue" if r.section == "overdue" else "", int(r.triage_deadline.timestamp()),
        deadline_text(r.triage_deadline), _label(Source, r.source), _label(Area, r.area), concerns, flags)


_LABELS = {}


def _label(choices, value):
    """A choice's label (get_FOO_display rebuilds a dict of every choice at each call)."""
    labels = _LABELS.get(choices)
    if labels is None:
        labels = _LABELS[choices] = {k: str(v) for k, v in choices.choices}
    return labels.get(value, value or "")
