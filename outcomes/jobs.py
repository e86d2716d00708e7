from jobs.registry import job

from . import services, sweep


@job("compliance_sweep", title="Check the conditions of diversion cases",
     description="Conditions past due put cases at risk and the caseworkers are told; cases at "
                 "risk for 5 working days go to the lead agency's managers for a breach decision; cases "
                 "at contract end with every condition met are proposed for closure.")
def compliance_sweep(now):
    return sweep.run(now)


@job("deadline_warnings", title="Warn of return-to-police deadlines",
     description="Return-to-police deadline warnings at 28, 14, 7 and 1 days, to the lead agency "
                 "and police.")
def deadline_warnings(now):
    counts = services.deadline_warnings(now=now)
    counts["deadline_missed"] = len(services.flag_missed_deadlines(now=now))
    return counts
