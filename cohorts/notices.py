"""What people are told about cohorts: each notification's subject, body and link, written once.

The services decide who is told, when, and under which key; the words and the page they link to live here. A
notice names the cohort and the member's number, never the young person.
"""

from django.urls import reverse

from core.clock import long_date


def review_due(member, *, late):
    """A member's review due today, or (`late`) overdue."""
    return {
        "subject": f"Cohort review {'overdue' if late else 'due today'}: {member.cohort.name}, member {member.pk}"[:200],
        "body": (f"The review of member {member.pk} of the cohort {member.cohort.name} "
                 f"{'was due on' if late else 'is due today,'} {long_date(member.next_review_on)}. "
                 "Record it on the member's page."),
        "url": reverse("cohort-member", args=[member.pk]),
    }
