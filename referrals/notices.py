"""What people are told about referrals: each notification's subject, body and link, written once.

The services decide who is told, when, and under which key; the words and the page they link to live here.
Each function returns the keyword arguments of notifications.services.notify (and of its Message).
"""

from django.urls import reverse
from django.utils import timezone

from .models import Decision


def allocated(allocation, reference, organisation_name):
    return {
        "subject": f"Referral {reference} has been allocated to {organisation_name}",
        "body": "Please accept it or hand it back within the deadline shown in the portal.",
        "url": reverse("allocation-detail", args=[allocation.pk]),
    }


def decided(referral, decision, *, signpost_to="", decline_label=""):
    """What the referrer is told of the VRU's decision (never the partner's notes)."""
    ref = referral.reference
    told = {
        Decision.ALLOCATE: f"The VRU has allocated referral {ref} to a partner programme.",
        Decision.SIGNPOST: f"The VRU has signposted referral {ref} to {signpost_to.strip()}.",
        Decision.DECLINE: f"The VRU has declined referral {ref}: {decline_label}.",
        Decision.REQUEST_INFO: f"The VRU needs more information about referral {ref}. Please answer the question in the portal.",
    }[decision]
    return {"subject": f"Referral {ref}: {Decision(decision).label.lower()}", "body": told,
            "url": reverse("referral-detail", args=[referral.pk])}


def info_answered(referral):
    return {"subject": f"Referral {referral.reference}: the referrer has answered", "body": "",
            "url": reverse("triage-referral", args=[referral.pk])}


def morning_digest(today, sections, lapsed, returned):
    return {
        "subject": f"Triage queue for {today:%A %d %B}",
        "body": (
            f"Overdue: {sections['overdue']}. Urgent: {sections['urgent']}. Due today: {sections['due_today']}. "
            f"Due later: {sections['due_later']}. Returned with more information: {sections['returned']}. "
            f"Claims that lapsed since yesterday: {lapsed}. Back after 5 working days without an answer: {returned}."
        ),
        "url": reverse("triage-queue"),
    }


def overdue_for_triage(referral):
    return {
        "subject": f"Overdue for triage: {referral.reference}",
        "body": f"The decision was due {timezone.localtime(referral.triage_deadline):%d %B %H:%M}.",
        "url": reverse("triage-referral", args=[referral.pk]),
    }


def allocation_late(allocation, what):
    """`what` is "accept" (not accepted in time) or "first-contact" (first contact late)."""
    return {
        "subject": f"Late: {'accepting' if what == 'accept' else 'first contact for'} {allocation.referral.reference}",
        "body": "This allocation is past its deadline. The VRU can see it is late.",
        "url": reverse("allocation-detail", args=[allocation.pk]),
    }
