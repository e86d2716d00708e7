from jobs.registry import job

from . import services
from .retention import apply_retention


@job("lapse_claims", description="End triage claims idle for 2 hours, so the items return to the queue.")
def lapse_claims(now):
    return {"lapsed": len(services.lapse_claims(now=now))}


@job("expire_info_requests", description="Return referrals whose question went unanswered for 5 working days.")
def expire_info_requests(now):
    return {"returned": len(services.expire_info_requests(now=now))}


@job("triage_digest", description="07:30 each working day: the queue by section to triagers; overdue items to the triage lead.")
def triage_digest(now):
    return services.morning_digest(now=now)


@job("allocation_escalations", description="Allocations not accepted, or first contact late: escalated to the partner's manager.")
def allocation_escalations(now):
    return services.escalate_late_allocations(now=now)


@job("retention", description="Weekly: anonymise the records of young people past the retention rule, keeping the figures.")
def retention(now):
    return apply_retention(now)
