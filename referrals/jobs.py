from jobs.registry import job

from . import services
from .retention import apply_retention


@job("lapse_claims", title="Return idle triage claims to the queue",
     description="End triage claims idle for 2 hours, so the items return to the queue.")
def lapse_claims(now):
    return {"lapsed": len(services.lapse_claims(now=now))}


@job("expire_info_requests", title="Return unanswered questions to triage",
     description="Return referrals whose question went unanswered for 5 working days.")
def expire_info_requests(now):
    return {"returned": len(services.expire_info_requests(now=now))}


@job("triage_digest", title="Send the morning triage digest",
     description="The queue by section to triagers; overdue items to the triage lead.")
def triage_digest(now):
    return services.morning_digest(now=now)


@job("allocation_escalations", title="Escalate late allocations to partner managers",
     description="Allocations not accepted, or first contact late: escalated to the partner's manager.")
def allocation_escalations(now):
    return services.escalate_late_allocations(now=now)


@job("retention", title="Anonymise records past the retention period",
     description="Anonymise the records of young people past the retention rule, keeping the figures.")
def retention(now):
    return apply_retention(now)
