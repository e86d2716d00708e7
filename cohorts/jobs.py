from jobs.registry import job

from . import services


@job("cohort_reviews", title="Flag cohort reviews that are due",
     description="Cohort reviews due today or overdue, flagged once to the cohort lead's "
                 "managers and the VRU person who created the cohort.")
def cohort_reviews(now):
    # One query for the due members, one for their recipients, one for what each was already told; then a
    # notification per member still to tell (notifications.services has no bulk form yet).
    return services.flag_due_reviews(now=now)
