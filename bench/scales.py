"""How big each scale is, and how hard each measurement pushes.

Large is five years of a region: the volumes the issue names. Small divides every volume by 200
(the smoke run a test exercises), but keeps the shape: seven YOS, a triage queue deep enough
for eight threads, a few requests per page.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    referrals: int
    young_people: int
    schools: int
    organisations: int
    users: int
    interventions: int  # including one per diversion case
    cases: int
    cohorts: int
    # Referrals waiting for triage: about one working day's intake (1,000,000 over 5 years is ~800 a working day).
    queue: int
    # The school whose "My referrals" is measured refers this many; the others share the rest.
    big_school_referrals: int
    requests: int  # timed requests per page, after the warm-up
    # ...unless a page is so slow that they would take longer than this; at least MIN_REQUESTS are made all the same.
    page_budget_seconds: float
    statement_timeout_seconds: float  # a page whose query runs longer is reported as timed out
    job_runs: int  # runs of each job (rolled back), the median is reported
    contention_seconds: float
    load_seconds: float  # per endpoint of the load run
    load_connections: int
    comparison_runs: int  # access policy against guardian, each side


LARGE = Scale(
    name="large", referrals=1_000_000, young_people=400_000, schools=200, organisations=250, users=3_000,
    interventions=200_000, cases=50_000, cohorts=30, queue=800, big_school_referrals=5_000,
    requests=50, page_budget_seconds=300, statement_timeout_seconds=120,
    job_runs=3, contention_seconds=30, load_seconds=60, load_connections=32, comparison_runs=20,
)

SMALL = Scale(
    name="small", referrals=5_000, young_people=2_000, schools=20, organisations=36, users=150,
    interventions=1_000, cases=250, cohorts=3, queue=60, big_school_referrals=25,
    requests=15, page_budget_seconds=10, statement_timeout_seconds=60,
    job_runs=2, contention_seconds=4, load_seconds=5, load_connections=32, comparison_runs=10,
)

SCALES = {s.name: s for s in (LARGE, SMALL)}
