"""What people are told about cohorts: each notification's subject, body and link, written once.

The services decide who is told, when, and under which key; the words and the page they link to live here. A
notice names the cohort and the member's number, never the young person.
"""

from django.urls import reverse

from core.clock import day_and_month, long_date


def review_due(member, *, late):
    """A member's review due today, or (`late`) overdue: to the lead's managers and the cohort's owner."""
    due = member.next_review_on
    if late:
        subject = f"Record the overdue review of member {member.pk} of {member.cohort.name}: it was due on {day_and_month(due)}"
    else:
        subject = f"Record the review of member {member.pk} of {member.cohort.name} today, {day_and_month(due)}"
    return {
        "subject": subject[:200],
        "body": (f"The review of member {member.pk} of the cohort {member.cohort.name} "
                 f"{'was due on' if late else 'is due today,'} {long_date(due)}. "
                 "Record it on the member's page."),
        "url": reverse("cohort-member", args=[member.pk]),
    }
