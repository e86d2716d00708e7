from jobs.registry import job

from . import services


@job("lapse_claims", description="End triage claims idle for 2 hours, so the items return to the queue.")
def lapse_claims(now):
    return {"lapsed": len(services.lapse_claims(now=now))}


@job("expire_info_requests", description="Return referrals whose question went unanswered for 5 working days.")
def expire_info_requests(now):
    return {"returned": len(services.expire_info_requests(now=now))}
