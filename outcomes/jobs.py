from django.core.exceptions import ValidationError

from jobs.registry import job
from referrals.rules import london_date

from . import rules, services
from .models import DiversionCase


@job("compliance_sweep", description="Each day: conditions past due mark cases at risk; cases at contract end with "
                                     "every condition met are proposed for closure.")
def compliance_sweep(now):
    # Case by case through the same service the pages use; the scheduled-jobs issue makes this set-based.
    today = london_date(now)
    counts = {"checked": 0, "at_risk": 0, "closure_proposed": 0}
    live = DiversionCase.objects.filter(status__in=[rules.ACTIVE, rules.AT_RISK]).values_list("pk", "status", "end_date")
    for pk, before, end_date in live:
        counts["checked"] += 1
        case = services.refresh_case(pk, today=today, now=now)
        if case.status == rules.AT_RISK and before != rules.AT_RISK:
            counts["at_risk"] += 1
        if case.status == rules.ACTIVE and today >= end_date:
            try:
                services.propose_closure(case, now=now)
                counts["closure_proposed"] += 1
            except ValidationError:
                pass  # not every condition met: refresh_case has already put it at risk if one was missed
    return counts


@job("deadline_warnings", description="Re-referral deadline warnings at 28, 14, 7 and 1 days, to the lead agency and police.")
def deadline_warnings(now):
    counts = services.deadline_warnings(now=now)
    counts["deadline_missed"] = len(services.flag_missed_deadlines(now=now))
    return counts
