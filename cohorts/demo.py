"""Two synthetic cohorts for the demo: a Walsall youth-at-risk cohort on the PIP4 tier model and an operation's
cohort in Birmingham West on the scaled model (the operation's name is invented).

Members are demo young people of each area. Everything is written through cohorts.services with `now` values
in the past, so tier history, reviews, plan actions and audit are what the portal itself would have written:
some tiers change (by hand and at a review), one member leaves, every member but one is reviewed on time and
that one's review is overdue, and plan actions are open, done, dropped or overdue.

Idempotent: nothing is added once any cohort exists. Deterministic for a given day.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from core import clock
from core.clock import LONDON
from partners.access import acting_for
from referrals.models import YoungPerson

from . import rules, services
from .models import Cohort

TRIAGER = "triager@vru.example.org"
MANAGER = "manager@vru.example.org"
WALSALL_POLICE = "West Midlands Police – Walsall NPU"
BIRMINGHAM_POLICE = "West Midlands Police – Birmingham West NPU"

COHORTS = [
    {"name": "Walsall youth at risk cohort 1", "area": "walsall", "tier_model": rules.PIP4, "lead": "YOS Walsall",
     "partners": [WALSALL_POLICE, "St Giles Trust", "Remedi"], "tiers": [5, 3, 4, 2, 5]},
    {"name": "Operation Kestrel (Birmingham West)", "area": "birmingham", "tier_model": rules.SCALED,
     "lead": BIRMINGHAM_POLICE, "partners": ["YOS Birmingham", "St Giles Trust"], "tiers": [2, 3, 1, 4, 2]},
]
REASONS = [
    "Named in intelligence from the daily threat and risk meeting as carrying a knife.",
    "Victim of a stabbing last month; associates are linked to the group believed responsible.",
    "Repeated missing episodes with unexplained cash: suspected criminal exploitation.",
    "Appears in drill videos naming a rival group; threats exchanged online.",
    "Older associates waiting outside school; exclusion being considered.",
]
# (P, action, owner: index into the cohort's organisations or None for the police, due: days after joining or "+n"/"-n"
# days from today). Member i has the first 2 + i % 3 of them.
ACTIONS = [
    (rules.PREVENT, "Mentoring with a youth worker, weekly", 0, 14),
    (rules.PROTECT, "Safety plan agreed with the family", 1, "+10"),
    (rules.PREPARE, "Education, training or employment referral", 2, "-5"),
    (rules.PURSUE, "Disruption visit with the neighbourhood team", None, "+21"),
]
SUMMARIES = [
    "Attending school most days; mentor reports good engagement. No new intelligence.",
    "Police report association with the group continues; family engaging with the safety plan.",
    "Some progress: attended two college taster days. Missing episode last week, returned the same day.",
]


def _at(day, now, hour=10):
    return min(datetime.combine(day, time(hour), tzinfo=LONDON), now)


class _Seeder:
    def __init__(self, orgs, users):
        self.now = timezone.now()
        self.today = clock.today(self.now)
        self.orgs = orgs
        self.vru = acting_for(users[TRIAGER])
        self.manager = acting_for(users[MANAGER])

    def people(self, area, n):
        return list(YoungPerson.objects.filter(area=area, merged_into__isnull=True, anonymised_at__isnull=True)
                    .order_by("pk")[:n])

    def cohort(self, plan):
        started = self.today - timedelta(days=84)
        lead = self.orgs[plan["lead"]]
        cohort = services.create_cohort(self.vru, name=plan["name"], area=plan["area"], tier_model=plan["tier_model"],
                                        lead_organisation=lead, now=_at(started, self.now, 9),
                                        partner_organisations=[self.orgs[name] for name in plan["partners"]])
        people = self.people(plan["area"], len(plan["tiers"]))
        police = next((self.orgs[n] for n in plan["partners"] + [plan["lead"]] if "Police" in n), lead)
        for i, (person, tier) in enumerate(zip(people, plan["tiers"], strict=False)):
            self.member(cohort, person, tier, i, started + timedelta(days=2 + 3 * i), police, overdue=i == len(people) - 1)
        return cohort

    def due(self, joined, when):
        return joined + timedelta(days=when) if isinstance(when, int) else self.today + timedelta(days=int(when))

    def member(self, cohort, person, tier, i, joined, police, *, overdue):
        organisations = [cohort.lead_organisation, *cohort.partner_organisations.order_by("name")]
        acting = self.vru if i % 2 == 0 else self.manager
        member = services.add_member(acting, cohort, young_person=person, tier=tier, lead_agency=organisations[i % 2],
                                     reason=REASONS[i % len(REASONS)], joined_on=joined, now=_at(joined, self.now))
        for strand, description, owner, due in ACTIONS[: 2 + i % 3]:
            services.add_plan_action(acting, member, strand=strand, description=description,
                                     owner=police if owner is None else organisations[owner % len(organisations)],
                                     due_on=self.due(joined, due), now=_at(joined, self.now, 11))
        if i == 1:
            services.change_tier(self.vru, member, tier=max(1, tier - 1), now=_at(joined + timedelta(days=10), self.now),
                                 reason="Arrested with a bladed article; intelligence of retaliation planned.")
            member.refresh_from_db()
        # Reviewed on the cohort's cadence up to today, except that the last member's second review never happened.
        held, n = member.next_review_on, 0
        while held < self.today and not (overdue and n == 1):
            decision = member.tier
            if i == 0 and n == 1:  # the review moves the first member down a tier (never into the prison tier)
                decision = tier + 1 if tier + 1 < max(rules.TIERS[cohort.tier_model]) else tier - 1
            review = services.record_review(self.vru, member, held_on=held, summary=SUMMARIES[(i + n) % len(SUMMARIES)],
                                            tier_decision=decision, attendees=[*organisations[:2], self.vru.organisation],
                                            now=_at(held, self.now, 15))
            member.tier, held, n = decision, review.next_review_on, n + 1
        self.progress(member, i)
        if i == 3 and cohort.tier_model == rules.PIP4:
            left = self.today - timedelta(days=3)
            services.remove_member(self.vru, member, reason="Moved out of the area; case passed to the receiving YOS.",
                                   left_on=left, now=_at(left, self.now))
        return member

    def progress(self, member, i):
        """What the owners recorded: the first action done; the third member's education referral dropped (saying
        why); the rest left open, some of them overdue."""
        actions = list(member.plan_actions.order_by("id"))
        services.update_plan_action(self.vru, actions[0], status=rules.DONE, note="Started; going well.",
                                    now=_at(actions[0].due_on, self.now, 16))
        if i == 2:
            services.update_plan_action(self.vru, actions[2], status=rules.DROPPED, now=self.now,
                                        note="The young person declined; to be offered again at the next review.")


def seed_cohorts(orgs, users):
    """Returns the number of cohorts added (0 when any cohort exists already)."""
    if Cohort.objects.exists():
        return 0
    seeder = _Seeder(orgs, users)
    return len([seeder.cohort(plan) for plan in COHORTS])
