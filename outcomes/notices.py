"""What people are told about diversion cases: each notification's subject, body and link, written once.

The services and the sweep decide who is told, when, and under which key; the words and the page they link to
live here, so a person's action and the daily sweep say the same thing about the same event. Each function
returns the keyword arguments of notifications.services.notify (and of its Message).
"""

from django.urls import reverse

from core.clock import long_date

from . import rules


def _case(pk):
    return reverse("case-detail", args=[pk])


def case_started(pk, crime_reference, pathway_name, end):
    return {
        "subject": f"Diversion case {pk} ({crime_reference}) has started",
        "body": f"Your organisation is the lead agency for {pathway_name} case {pk}, crime reference {crime_reference}. "
                f"The contract ends on {long_date(end)}.",
        "url": _case(pk),
    }


def at_risk(pk, crime_reference):
    return {
        "subject": f"Diversion case {pk} ({crime_reference}) is at risk",
        "body": "A condition of the contract has been missed. Record why in the portal. If it is not put right within "
                f"{rules.BREACH_DUE_WORKING_DAYS} working days, the system proposes a breach for a manager to decide.",
        "url": _case(pk),
    }


def breach_proposed(pk, crime_reference, *, at_risk_since=None):
    """A person's proposal, or (with `at_risk_since`) the system's after the case stayed at risk too long."""
    if at_risk_since is None:
        body = "Confirm the breach or give a further chance in the portal."
    else:
        body = (f"The case has been at risk since {long_date(at_risk_since)} and a missed condition is still not put right. "
                "Confirm the breach, or give a further chance, in the portal.")
    return {"subject": f"Diversion case {pk} ({crime_reference}): a breach is proposed", "body": body, "url": _case(pk)}


def returned_to_police(pk, crime_reference, deadline):
    return {
        "subject": f"Diversion case {pk} ({crime_reference}) has been returned to police",
        "body": f"Receive it and record the outcome. The return-to-police deadline is {long_date(deadline)}.",
        "url": _case(pk),
    }


def ready_to_close(pk, crime_reference):
    return {
        "subject": f"Diversion case {pk} ({crime_reference}) is ready to close",
        "body": "Every condition of the contract is met. Close the case with its outcome in the portal.",
        "url": _case(pk),
    }


def closed_as_completed(pk, crime_reference):
    return {"subject": f"Diversion case {pk} ({crime_reference}) has closed as completed", "body": "", "url": _case(pk)}


def deadline_near(pk, crime_reference, days, deadline):
    return {
        "subject": f"{days} day{'s' if days != 1 else ''} to the return-to-police deadline of case {pk} ({crime_reference})",
        "body": f"Police must receive this case by {long_date(deadline)} if it is to be prosecuted.",
        "url": _case(pk),
    }
