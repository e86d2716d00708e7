"""Cohorts at scale: each with members (tier, lead agency, tier history), two reviews and a 4P plan each.

The organisations named on a cohort see its members' young person records through the memberships themselves
(cohorts/access.py): no permission rows.
"""

from cohorts import rules
from cohorts.models import Cohort, CohortMembership, PlanAction, Review, TierChange

from . import plan
from .sql import r

MEMBERS_PER_COHORT = 40
STRANDS = list(rules.STRANDS)


def load_cohorts(loader):
    g, n = loader.region, loader.scale.cohorts
    vru = g.named(plan.VRU_NAME)
    p = loader.params
    p.update(n_cohorts=n, per_cohort=MEMBERS_PER_COHORT, vru_manager=vru.with_role("manager")[0],
             strands=STRANDS, pip4=rules.PIP4, scaled=rules.SCALED)
    area = "(%(areas)s::text[])[1 + mod(c, 7)]"
    yos = "(%(yos_by_area)s::bigint[])[1 + mod(c, 7)]"
    rows = loader.insert(Cohort, {
        "id": "c", "name": f"initcap({area}) || ' youth at risk cohort ' || c", "area": area,
        "tier_model": "CASE WHEN mod(c, 2) = 1 THEN %(pip4)s ELSE %(scaled)s END",
        "lead_organisation_id": f"CASE WHEN mod(c, 3) = 0 THEN {yos} ELSE %(vru)s END",
        "review_weeks": str(rules.DEFAULT_REVIEW_WEEKS), "created_by_id": "%(vru_manager)s",
        "created_at": "%(now)s - interval '2 years'",
    }, "FROM generate_series(1, %(n_cohorts)s) AS c")
    # Partners: the area's YOS (unless it leads) and Remedi.
    through = Cohort.partner_organisations.through
    rows += loader.insert(through, {"cohort_id": "x.id", "organisation_id": "x.org"}, f"""
        FROM (SELECT c AS id, {yos} AS org FROM generate_series(1, %(n_cohorts)s) AS c WHERE mod(c, 3) <> 0
              UNION ALL SELECT c, %(remedi)s FROM generate_series(1, %(n_cohorts)s) AS c) AS x""")
    member = "m"
    left = f"{r(91, 100, member)} < 15"
    joined = f"(%(today)s::date - 60 - {r(92, 600, member)})"
    tier = f"1 + {r(93, 5, member)}"
    rows += loader.insert(CohortMembership, {
        "id": "m", "cohort_id": "1 + (m - 1) / %(per_cohort)s",
        # 7919 is prime and divides no scale's number of young people: no one is in a cohort twice.
        "young_person_id": "1 + mod(m * 7919, %(n_yp)s)", "tier": tier,
        "lead_agency_id": "c.lead_organisation_id", "reason": "'Named at the threat and risk meeting.'",
        "joined_on": joined, "left_on": f"CASE WHEN {left} THEN {joined} + 40 END",
        "left_reason": f"CASE WHEN {left} THEN 'Moved out of the area.' ELSE '' END",
        "next_review_on": f"CASE WHEN NOT {left} THEN %(today)s::date - 7 + {r(94, 35, member)} END",
        "added_by_id": "%(vru_manager)s", "created_at": f"{joined}::timestamptz",
    }, """FROM generate_series(1, %(n_cohorts)s * %(per_cohort)s) AS m
          JOIN cohorts_cohort AS c ON c.id = 1 + (m - 1) / %(per_cohort)s""")
    rows += loader.insert(TierChange, {
        "membership_id": "x.id", "kind": "'joined'", "to_tier": "x.tier", "reason": "x.reason", "by_id": "x.added_by_id",
        "organisation_id": "%(vru)s", "at": "x.joined_on::timestamptz",
    }, "FROM cohorts_cohortmembership AS x")
    rows += loader.insert(TierChange, {
        "membership_id": "x.id", "kind": "'left'", "from_tier": "x.tier", "reason": "x.left_reason",
        "by_id": "x.added_by_id", "organisation_id": "%(vru)s", "at": "x.left_on::timestamptz",
    }, "FROM cohorts_cohortmembership AS x WHERE x.left_on IS NOT NULL")
    held = "(x.joined_on + 28 * k)"
    rows += loader.insert(Review, {
        "membership_id": "x.id", "held_on": held, "summary": "'Engaging with the mentor; school attendance improving.'",
        "tier_decision": "x.tier", "next_review_on": f"{held} + 28", "recorded_by_id": "%(vru_manager)s",
        "recorded_at": f"{held}::timestamptz + interval '14 hours'",
    }, f"FROM cohorts_cohortmembership AS x CROSS JOIN generate_series(1, 2) AS k WHERE {held} <= coalesce(x.left_on, %(today)s)")
    rows += loader.insert(Review.attendees.through, {"review_id": "v.id", "organisation_id": "x.lead_agency_id"},
                          "FROM cohorts_review AS v JOIN cohorts_cohortmembership AS x ON x.id = v.membership_id")
    rows += loader.insert(PlanAction, {
        "membership_id": "x.id", "strand": "(%(strands)s::text[])[1 + mod(x.id + k, 4)]",
        "description": "'Mentoring session every week with the lead agency.'", "owner_id": "x.lead_agency_id",
        "due_on": "x.joined_on + 60 * k", "status": "CASE WHEN x.joined_on + 60 * k < %(today)s THEN 'done' ELSE 'open' END",
        "created_by_id": "%(vru_manager)s", "created_at": "x.joined_on::timestamptz",
    }, "FROM cohorts_cohortmembership AS x CROSS JOIN generate_series(1, 2) AS k")
    return rows
