"""The navigation and the acting organisation on every page: the whole portal's menu, by role."""

from django.conf import settings
from django.urls import reverse

from notifications.selectors import unread_count
from partners.access import as_acting, can, organisations_of

# Navigation by role: (label, url name, capability or None for everyone signed in).
NAVIGATION = [
    ("Home", "home", None),
    ("My referrals", "my-referrals", "refer"),
    ("Triage queue", "triage-queue", "triage"),
    ("Allocated to us", "allocations", "work_allocations"),
    ("Our caseload", "caseload", "record_session"),
    ("Diversion cases", "cases", "decide_diversion"),
    ("Returned to police", "returned-to-police", "decide_diversion"),
    # Lead agencies' caseworkers and managers, and the VRU, reach the same list: one entry per user (see below).
    ("Diversion cases", "cases", "work_allocations"),
    ("Diversion cases", "cases", "triage"),
    ("Cohorts", "cohort-list", "view_cohorts"),
    ("Figures", "figures", "view_figures"),
    ("Notifications", "notifications", None),
    ("Outbox", "outbox", "view_outbox"),
    ("Scheduled jobs", "jobs", "view_jobs"),
    ("Audit trail", "audit-events", "view_audit"),
    ("People", "people", "manage_organisation"),
    ("API tokens", "tokens", "manage_organisation"),
    ("Programmes", "programmes", "manage_programmes"),
    ("Organisations", "organisations", "onboard_organisations"),
]


def portal(request):
    context = {"service_name": settings.SERVICE_NAME}
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return context
    acting = as_acting(request)
    context["acting"] = acting
    context["acting_roles"] = sorted(acting.roles)
    context["can_switch_organisation"] = organisations_of(user).count() > 1
    path = request.path
    nav = []
    seen = set()
    for label, name, capability in NAVIGATION:
        if name in seen:
            continue
        if capability is None or can(acting, capability):
            seen.add(name)
            url = reverse(name)
            active = path == url if name == "home" else path.startswith(url)
            nav.append({"label": label, "url": url, "active": active})
    context["navigation"] = nav
    context["can_search"] = can(acting, "search_young_people")
    unread = unread_count(user)
    for item in nav:
        if item["url"] == reverse("notifications") and unread:
            item["label"] = f"Notifications ({unread} unread)"
    return context
