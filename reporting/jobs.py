from jobs.registry import job

from . import rollup


@job("roll_up_figures", title="Count the figures of closed days",
     description="Counts each closed day into the figures' rollup once, and again any day a later change touched, "
                 "so the figures page adds up days and months instead of every record. Until then those days are "
                 "counted live: the figures never wait for this job to be right.")
def roll_up_figures(now):
    return rollup.roll_up(now)
