"""What each role sees first on its home page: its parts of the portal, each with what waits there.

Every count is the count of the list its link opens (the same selector with the same filter), so "3 allocations
to accept" opens a list of 3. Each count is one query; a role's home page costs the same whatever the volume.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from core import clock
from notifications.models import OutboxMessage
from notifications.selectors import outbox
from outcomes import rules as outcome_rules
from outcomes import selectors as outcomes
from partners.access import can
from referrals import selectors as referrals
from referrals.models import Allocation, Status


@dataclass(frozen=True)
class Count:
    """'3 allocations to accept', linked to the list of those 3; with none, 'No allocations to accept', unlinked."""

    number: int
    one: str
    many: str
    none: str
    url: str

    @property
    def text(self):
        if not self.number:
            return self.none
        return f"{self.number:,} {self.one if self.number == 1 else self.many}"


def _url(name, **query):
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def _my_referrals(acting, now):
    questions = referrals.own_referrals(acting, status=Status.INFO_REQUESTED).count()
    drafts = referrals.own_referrals(acting, status=Status.DRAFT).count()
    return [
        Count(questions, "question waiting for you", "questions waiting for you", "No questions waiting for you",
              _url("my-referrals", status=Status.INFO_REQUESTED)),
        Count(drafts, "draft to finish", "drafts to finish", "No drafts to finish", _url("my-referrals", status=Status.DRAFT)),
    ]


def _triage(acting, now):
    # The sections' counts only: no referral is read (pick nothing), as the queue page counts them.
    sections = {s["key"]: s["count"] for s in referrals.triage_queue(acting, now=now, pick=lambda key, ids: [])}
    return [
        Count(sum(sections.values()), "to triage", "to triage", "Nothing to triage", _url("triage-queue")),
        Count(sections["overdue"], "overdue", "overdue", "None overdue", _url("triage-queue", section="overdue")),
        Count(sections["urgent"], "urgent", "urgent", "None urgent", _url("triage-queue", section="urgent")),
    ]


def _late_partners(acting, now):
    late = referrals.late_allocations(acting, now=now).count()
    return [Count(late, "allocation late", "allocations late", "Every partner is on time", _url("triage-late-partners"))]


def _allocations(acting, now):
    pending = referrals.allocations_for(acting, state=Allocation.State.PENDING).count()
    return [Count(pending, "allocation to accept", "allocations to accept", "No allocations to accept",
                  _url("allocations", state=Allocation.State.PENDING))]


def _caseload(acting, now):
    live = outcomes.caseload(acting, today=clock.today(now), ended=False).count()
    return [Count(live, "live intervention", "live interventions", "No live interventions", _url("caseload"))]


def _cases(acting, now):
    at_risk = outcomes.cases_for(acting, status=outcome_rules.AT_RISK).count()
    counts = [Count(at_risk, "case at risk: a condition missed", "cases at risk: a condition missed",
                    "No case at risk", _url("cases", status=outcome_rules.AT_RISK))]
    if can(acting, "confirm_breach"):
        proposed = outcomes.cases_for(acting, status=outcome_rules.BREACH_PROPOSED).count()
        counts.append(Count(proposed, "breach to decide", "breaches to decide", "No breach to decide",
                            _url("cases", status=outcome_rules.BREACH_PROPOSED)))
    return counts


def _returned(acting, now):
    returned = outcomes.returned_to_police_inbox(acting).count()
    return [Count(returned, "case returned to police", "cases returned to police", "No case returned to police",
                  _url("returned-to-police"))]


def _outbox(acting, now):
    failed = outbox(state=OutboxMessage.State.FAILED).count()
    return [Count(failed, "email not sent", "emails not sent", "No email failed", _url("outbox", state="failed"))]


# (capability, title, description, url name, counts or None)
SECTIONS = [
    ("refer", "Make a referral", "Refer a young person at risk of, or involved in, violence.", "referral-start", None),
    ("refer", "My referrals", "Your organisation's referrals, the VRU's decisions and its questions.", "my-referrals",
     _my_referrals),
    ("triage", "Triage queue", "Today's referrals, most pressing first.", "triage-queue", _triage),
    ("triage", "Partners late to act", "Allocations not accepted, or first contacts not made, in time.",
     "triage-late-partners", _late_partners),
    ("work_allocations", "Allocated to us", "Referrals the VRU has allocated to your organisation.", "allocations",
     _allocations),
    ("record_session", "Our caseload", "Young people you work with, their sessions and assessments.", "caseload",
     _caseload),
    ("view_cases", "Diversion cases", "Outcome 22 and Checkpoint cases, their conditions and deadlines.", "cases",
     _cases),
    ("decide_diversion", "Returned to police", "Cases sent back for a police decision.", "returned-to-police", _returned),
    ("view_cohorts", "Cohorts", "Groups of young people managed together, their tiers and reviews.", "cohort-list", None),
    ("view_figures", "Figures", "Volumes, timeliness, outcomes and disproportionality.", "figures", None),
    ("view_audit", "Audit trail", "Who viewed or changed which record, and when.", "audit-events", None),
    ("view_outbox", "Email outbox", "Emails waiting to be sent, and any that failed.", "outbox", _outbox),
    ("view_jobs", "Scheduled jobs", "The portal's daily and hourly jobs and their last runs.", "jobs", None),
    ("manage_organisation", "People", "Invite people, change their roles, deactivate those who leave.", "people", None),
    ("manage_organisation", "API tokens", "Keys for partner systems that use the portal's API.", "tokens", None),
    ("manage_programmes", "Programmes", "The programmes your organisation runs, and their usual number of sessions.",
     "programmes", None),
    ("onboard_organisations", "Organisations", "Add a school or partner with its first administrator.", "organisations",
     None),
]


def home_sections(acting, *, now):
    """The sections this person may use, each linked, with its counts."""
    sections = []
    for capability, title, description, url_name, counts in SECTIONS:
        if can(acting, capability):
            sections.append({"title": title, "description": description, "url": reverse(url_name),
                             "counts": counts(acting, now) if counts else []})
    return sections
