"""What people are told about referrals: each notification's subject, body and link, written once.

The services decide who is told, when, and under which key; the words and the page they link to live here. Each
subject is a sentence that says what to do and by when (or that nothing is needed), and the link is a page the
person told may open. Each function returns the keyword arguments of notifications.services.notify (and of its
Message).
"""

from django.urls import reverse

from core.clock import day_and_month, long_date, time_and_day

from . import rules
from .models import Decision


def allocated(allocation, reference, organisation_name):
    """To the partner's caseworkers and managers: accept or hand back by the deadline (the same day for red)."""
    return {
        "subject": f"Accept or hand back the allocation for {reference} by {time_and_day(allocation.accept_due)}",
        "body": f"The VRU has allocated referral {reference} to {organisation_name} ({allocation.programme}). "
                "Accept it, or hand it back with a reason, on the allocation's page.",
        "url": reverse("allocation-detail", args=[allocation.pk]),
    }


def decided(referral, decision, *, signpost_to="", decline_label="", asked_at=None):
    """What the referrer is told of the VRU's decision (never the partner's notes). `asked_at`: when a question was
    asked, from which the answer's deadline follows."""
    ref = referral.reference
    if decision == Decision.REQUEST_INFO:
        before = day_and_month(rules.info_request_expires_on(asked_at or referral.decided_at))
        return {"subject": f"Answer the VRU's question about referral {ref} before {before}",
                "body": "The VRU needs more information to decide. Answer the question on the referral's page. Without "
                        f"an answer before {before}, the VRU decides on what it has.",
                "url": reverse("referral-detail", args=[referral.pk])}
    subject, body = {
        Decision.ALLOCATE: (f"The VRU has allocated referral {ref} to a partner programme",
                            "Nothing is needed from you. The referral's page shows its progress."),
        Decision.SIGNPOST: (f"The VRU has signposted referral {ref} to {signpost_to.strip()}",
                            "Nothing more is needed from you. The referral is closed."),
        Decision.DECLINE: (f"The VRU has declined referral {ref}",
                           f"The reason: {decline_label}. Nothing more is needed from you. The referral is closed."),
    }[decision]
    return {"subject": subject, "body": body, "url": reverse("referral-detail", args=[referral.pk])}


def info_answered(referral):
    """To the triager who asked: the referral is back in the queue with a new deadline."""
    return {"subject": f"Decide referral {referral.reference} by {time_and_day(referral.triage_deadline)}: "
                       "the referrer has answered your question",
            "body": "The answer is on the referral's triage page, and the referral is back in the triage queue.",
            "url": reverse("triage-referral", args=[referral.pk])}


def morning_digest(today, sections, lapsed, returned):
    waiting = sum(sections.values())
    return {
        "subject": (f"Work the triage queue today, {today:%A} {day_and_month(today)}: {waiting} to decide, "
                    f"{sections['overdue']} overdue and {sections['urgent']} urgent"),
        "body": (
            f"Overdue: {sections['overdue']}. Urgent: {sections['urgent']}. Due today: {sections['due_today']}. "
            f"Due later: {sections['due_later']}. Returned with more information: {sections['returned']}. "
            f"Claims that lapsed since yesterday: {lapsed}. Back after 5 working days without an answer: {returned}."
        ),
        "url": reverse("triage-queue"),
    }


def overdue_for_triage(referral):
    """To the triage lead: a decision is past its deadline."""
    return {
        "subject": f"Make sure referral {referral.reference} is decided today: it was due by "
                   f"{time_and_day(referral.triage_deadline)}",
        "body": f"The triage decision was due by {time_and_day(referral.triage_deadline)} "
                f"{referral.triage_deadline.year}. Claim it or ask a triager to decide it now.",
        "url": reverse("triage-referral", args=[referral.pk]),
    }


def allocation_late(allocation, what):
    """To the partner's managers. `what` is "accept" (not accepted in time) or "first-contact" (first contact late)."""
    reference = allocation.referral.reference
    if what == "accept":
        subject = (f"Accept or hand back the allocation for {reference} today: it was due by "
                   f"{time_and_day(allocation.accept_due)}")
    else:
        subject = (f"Make first contact for {reference} today and record it: it was due on "
                   f"{long_date(allocation.first_contact_due)}")
    return {"subject": subject, "body": "This allocation is past its deadline, and the VRU can see that it is late.",
            "url": reverse("allocation-detail", args=[allocation.pk])}
