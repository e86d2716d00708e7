"""What each role sees first on its home page. Later issues fill the placeholders."""

from django.urls import NoReverseMatch, reverse

from .access import can

# (capability, title, description, url name or None while the feature is still to come)
SECTIONS = [
    ("refer", "Make a referral", "Refer a young person at risk of, or involved in, violence.", "referral-start"),
    ("triage", "Triage queue", "Today's referrals, most pressing first.", "triage-queue"),
    ("work_allocations", "Allocated to us", "Referrals the VRU has allocated to your organisation.", "allocations"),
    ("record_session", "Our caseload", "Young people you work with, their sessions and assessments.", "caseload"),
    ("decide_diversion", "Diversion cases", "Outcome 22 and Checkpoint cases and cases returned to police.", "cases"),
    ("view_figures", "Figures", "Volumes, timeliness, outcomes and disproportionality.", None),
    ("view_audit", "Audit trail", "Who viewed or changed which record, and when.", "audit-events"),
    ("manage_organisation", "People", "Invite people, change their roles, deactivate those who leave.", "people"),
    ("manage_organisation", "API tokens", "Keys for partner systems that use the portal's API.", "tokens"),
    ("manage_programmes", "Programmes", "The programmes your organisation runs, and their usual number of sessions.",
     "programmes"),
    ("onboard_organisations", "Organisations", "Add a school or partner with its first administrator.", "organisations"),
]


def home_sections(acting):
    sections = []
    for capability, title, description, url_name in SECTIONS:
        if not can(acting, capability):
            continue
        try:
            url = reverse(url_name) if url_name else None
        except NoReverseMatch:
            url = None
        sections.append({"title": title, "description": description, "url": url})
    return sections
