"""What people are told about diversion cases: each notification's subject, body and link, written once.

The services and the sweep decide who is told, when, and under which key; the words and the page they link to
live here, so a person's action and the daily sweep say the same thing about the same event. Each subject is a
sentence that says what to do and by when (or that nothing is needed); the link is the case's page, which every
person told may open (the lead agency's staff and the police decision maker). Each function returns the keyword
arguments of notifications.services.notify (and of its Message).
"""

from django.urls import reverse

from core.clock import day_and_month, long_date

from . import rules


def _case(pk):
    return reverse("case-detail", args=[pk])


def _named(pk, crime_reference):
    return f"diversion case {pk} ({crime_reference})"


def case_started(pk, crime_reference, pathway_name, end):
    return {
        "subject": f"Start the work on {_named(pk, crime_reference)}: its contract ends on {day_and_month(end)}",
        "body": f"Your organisation is the lead agency for {pathway_name} case {pk}, crime reference {crime_reference}. "
                f"Every condition of the contract is due by {long_date(end)}.",
        "url": _case(pk),
    }


def at_risk(pk, crime_reference, today):
    """To the lead agency's caseworkers and managers, on the day the case is put at risk."""
    by = rules.breach_proposed_on(today)
    return {
        "subject": f"Record why a condition was missed on {_named(pk, crime_reference)}, and put it right by "
                   f"{day_and_month(by)}",
        "body": f"A condition of the contract has been missed, so the case is at risk. If it is not put right by "
                f"{long_date(by)} ({rules.BREACH_DUE_WORKING_DAYS} working days), the system proposes a breach for a "
                "manager to decide.",
        "url": _case(pk),
    }


def breach_proposed(pk, crime_reference, *, at_risk_since=None):
    """A person's proposal, or (with `at_risk_since`) the system's after the case stayed at risk too long."""
    if at_risk_since is None:
        body = "Someone working on the case has proposed a breach. Confirm it, or give a further chance, on the case's page."
    else:
        body = (f"The case has been at risk since {long_date(at_risk_since)} and a missed condition is still not put right. "
                "Confirm the breach, or give a further chance, on the case's page.")
    return {"subject": f"Confirm the breach or give a further chance on {_named(pk, crime_reference)}",
            "body": body, "url": _case(pk)}


def returned_to_police(pk, crime_reference, deadline):
    return {
        "subject": f"Receive {_named(pk, crime_reference)} and record the outcome by {day_and_month(deadline)}",
        "body": f"The case has been returned to police. The return-to-police deadline is {long_date(deadline)}: after it, "
                "the case cannot be prosecuted.",
        "url": _case(pk),
    }


def ready_to_close(pk, crime_reference):
    return {
        "subject": f"Close {_named(pk, crime_reference)} with its outcome: every condition is met",
        "body": "Every condition of the contract is met. Close the case with its outcome on the case's page.",
        "url": _case(pk),
    }


def closed_as_completed(pk, crime_reference):
    return {"subject": f"{_named(pk, crime_reference).capitalize()} has closed as completed: nothing more is needed",
            "body": "Every condition was met and the case is closed. Its page keeps the record.", "url": _case(pk)}


def deadline_near(pk, crime_reference, days, deadline):
    return {
        "subject": f"{days} day{'s' if days != 1 else ''} to the return-to-police deadline of {_named(pk, crime_reference)}: "
                   f"police must receive it by {day_and_month(deadline)}",
        "body": f"Police must receive this case by {long_date(deadline)} if it is to be prosecuted. Finish the work or "
                "return the case to police before then.",
        "url": _case(pk),
    }
