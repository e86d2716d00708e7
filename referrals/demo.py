"""About 60 synthetic referrals in every state, so the demo queue looks like a real morning.

Invented names and example postcodes only. Built through the services, so every record is
exactly what the portal itself would have written (events, audit, notifications).
"""

import random
from datetime import date, timedelta

from django.utils import timezone

from partners.access import acting_for

from . import services
from .models import Referral

GIVEN = ["Alex", "Jordan", "Casey", "Riley", "Morgan", "Taylor", "Jamie", "Sam", "Charlie", "Robin", "Ashley", "Drew",
         "Kai", "Reece", "Tyler", "Jayden", "Leah", "Amira", "Zain", "Ruby", "Callum", "Precious", "Dylan", "Maya"]
FAMILY = ["Example", "Sample", "Placeholder", "Testwood", "Demoford", "Fictus", "Madeup", "Notreal", "Synthia", "Invento"]
POSTCODES = ["B1 1AA", "B12 9ZZ", "WS1 1AB", "WS2 8QQ", "CV1 2AB", "WV1 1AA", "DY1 1AA", "B90 3AA", "B66 1AA"]
CONCERNS = ["weapon", "victim", "gang", "exploitation", "online", "exclusion", "missing", "substance", "domestic_abuse"]
ETHNICITIES = ["white_british", "black_caribbean", "asian_pakistani", "mixed_white_black_caribbean", "black_african",
               "asian_indian", "white_other", "not_stated", "asian_bangladeshi"]
ACCOUNTS = [
    "Disclosed carrying a knife for protection on the way home from school.",
    "Seen in a drill video naming a rival group; peers report threats online.",
    "Three missing episodes this term; found in another city with unexplained cash.",
    "Assaulted near the bus station; reluctant to talk about who was involved.",
    "Permanent exclusion being considered after fights; older associates waiting at the gates.",
]

# (how many, what happens after submission, days ago submitted)
PLAN = [
    (8, "queue", (0, 0)), (6, "queue", (1, 2)), (5, "overdue", (3, 9)), (4, "urgent", (0, 0)), (4, "claimed", (0, 1)),
    (4, "info", (1, 4)), (3, "returned", (2, 5)), (6, "allocated", (2, 20)), (5, "accepted", (5, 40)),
    (3, "late", (8, 15)), (4, "signposted", (5, 60)), (4, "declined", (5, 60)), (2, "closed", (60, 200)), (3, "draft", (0, 3)),
]


def _data(rng, referrer_org):
    dob = date.today() - timedelta(days=rng.randint(11 * 365, 23 * 365))
    return {
        "given_name": rng.choice(GIVEN), "family_name": rng.choice(FAMILY), "date_of_birth": dob,
        "sex": rng.choice(["female", "male", "male"]), "ethnicity": rng.choice(ETHNICITIES),
        "postcode": rng.choice(POSTCODES), "area": referrer_org.area or "birmingham",
        "account": rng.choice(ACCOUNTS), "urgent": False,
        "lawful_basis": rng.choice(["public_task", "public_task", "legitimate_interests"]),
        "informed": rng.choice(["young_person", "parent"]), "concerns": rng.sample(CONCERNS, rng.randint(1, 3)),
    }


def seed_referrals(orgs, users, target=60):
    """Idempotent: tops up to about `target` referrals from the demo organisations."""
    if Referral.objects.count() >= target:
        return 0
    rng = random.Random(2026)
    referrers = [users["dsl@northfield.example.sch.uk"], users["dsl@riverside.example.sch.uk"],
                 users["dsl@canalside.example.ac.uk"], users["referrer@police.example.org"]]
    triager = acting_for(users["triager@vru.example.org"])
    triager2 = acting_for(users["triager2@vru.example.org"])
    partners = [orgs["YOS Birmingham"], orgs["YOS Walsall"], orgs["St Giles Trust"], orgs["Remedi"]]
    partner_users = {
        "YOS Birmingham": users["caseworker@yos-birmingham.example.org"],
        "YOS Walsall": users["caseworker@yos-walsall.example.org"],
        "St Giles Trust": users["caseworker@stgiles.example.org"],
        "Remedi": users["caseworker@remedi.example.org"],
    }
    now = timezone.now()
    made = 0
    for count, fate, (low, high) in PLAN:
        for _ in range(count):
            user = rng.choice(referrers)
            acting = acting_for(user)
            when = now - timedelta(days=rng.randint(low, high), hours=rng.randint(0, 6), minutes=rng.randint(0, 59))
            data = _data(rng, acting.organisation)
            if fate == "urgent":
                data.update(urgent=True, urgency_reason="Threats of retaliation expected tonight.")
                when = now - timedelta(minutes=rng.randint(10, 150))
            elif fate == "draft":
                data["urgent"] = None  # saved for later before the urgency question: shown as Not answered
            draft = services.save_draft(acting, data, now=when)
            made += 1
            if fate == "draft":
                continue
            referral = services.submit_referral(acting, draft, now=when)
            later = when + timedelta(hours=rng.randint(1, 20))
            if fate == "claimed":
                services.claim(triager2, referral, now=now - timedelta(minutes=20))
            elif fate in ("info", "returned"):
                services.claim(triager, referral, now=later)
                services.decide(triager, referral, decision="request_info", now=later,
                                question="Which year group are they in, and who is the lead adult at home?")
                if fate == "returned":
                    answer = "Year 10. Their aunt is the main carer."
                    services.answer_info(acting, referral, answer, now=later + timedelta(hours=3))
            elif fate in ("allocated", "accepted", "late", "closed"):
                partner = rng.choice(partners)
                services.claim(triager, referral, now=later)
                services.decide(triager, referral, decision="allocate", rag=rng.choice(["red", "amber", "green"]),
                                organisation=partner, now=later,
                                programme="Knife crime programme" if "YOS" in partner.name else "Mentoring")
                allocation = referral.allocations.get()
                if fate in ("accepted", "closed"):
                    partner_acting = acting_for(partner_users[partner.name])
                    services.accept_allocation(partner_acting, allocation, now=later + timedelta(hours=5))
                if fate == "closed":
                    services.close_referral(triager, referral, reason="Programme completed.", now=later + timedelta(days=50))
            elif fate == "signposted":
                services.claim(triager, referral, now=later)
                services.decide(triager, referral, decision="signpost", rag="green", now=later,
                                signpost_to="Local youth club and early help")
            elif fate == "declined":
                services.claim(triager, referral, now=later)
                services.decide(triager, referral, decision="decline", rag="green", decline_reason="already_supported",
                                reason="Already open to children's social care.", now=later)
    return made
