"""The audit trail in words: who did what to which record ("Sam Triager (Test VRU) viewed referral VRU-2026-000012"),
each record linked for a person who may open it.

Events keep machine values (a model label and an id); each app says how its records are named and which page opens
them (NAMES in its access.py, registered by partners.access.register_app). A page of events costs a fixed number
of queries: for each kind of record on it, one to name them and one to ask the access policy which the reader may
see, whatever the number of events.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse

from .access import can, visible
from .models import AuditAction


@dataclass(frozen=True)
class Named:
    """How the audit trail names one model's records.

    `noun`: "referral". `name(obj)`: "VRU-2026-000012" (never a young person's personal data). `related`: what
    `name` reads, for select_related. `page(acting, obj)`: the URL that opens the record for this person, or None
    where their role has no such page; the link is shown only if the access policy also lets them see the record.
    """

    noun: str
    name: Callable[[object], str] = lambda obj: str(obj.pk)
    related: tuple = ()
    page: Callable[[object, object], str | None] = lambda acting, obj: None


NAMES: dict[str, Named] = {}
# Records that are no model rows: a scheduled job, named by its registry entry.
NAMED_ELSEWHERE: dict[str, Callable[[object, str], tuple[str, str | None]]] = {}


def register_names(names: dict):
    NAMES.update(names)


def _job(acting, name):
    from jobs.registry import JOBS

    job = JOBS.get(name)
    return (f"the scheduled job “{job.title}”" if job else f"the scheduled job {name}",
            reverse("jobs") if job and can(acting, "view_jobs") else None)


NAMED_ELSEWHERE["jobs.job"] = _job

register_names({
    "partners.user": Named("person", name=lambda u: u.full_name or u.email,
                           page=lambda a, u: reverse("person-detail", args=[u.pk]) if can(a, "manage_organisation") else None),
    "partners.organisation": Named("organisation", name=lambda o: o.name),
    "partners.apitoken": Named("API token", name=lambda t: f"“{t.name}”"),
    "partners.invitation": Named("invitation"),
})

VERBS = {
    AuditAction.LOGIN: "signed in", AuditAction.FAILED_LOGIN: "failed to sign in", AuditAction.LOGOUT: "signed out",
    AuditAction.VIEW: "viewed", AuditAction.CREATE: "created", AuditAction.UPDATE: "updated",
    AuditAction.EXPORT: "exported", AuditAction.GRANT: "granted a permission on", AuditAction.REVOKE: "revoked a permission on",
    AuditAction.DENIED: "was refused", AuditAction.SEARCH: "searched for",
}


@dataclass
class Record:
    label: str
    url: str | None = None


def _searched(detail):
    """A search in words: “jordan 14/3/2011” on the search page: 3 found."""
    terms = detail.get("terms") if isinstance(detail.get("terms"), dict) else {}
    where = {"search": "the search page", "start_case": "starting a case", "cohort": "adding a cohort member",
             "triage": "the triage page", "api": "the API"}.get(str(detail.get("where")), "a search")
    results = detail.get("results", 0)
    found = f"more than {results}" if detail.get("more") else str(results)
    return f"“{terms.get('text', '')}” on {where}: {found} found"


def _what_done(event):
    """The event's own action in words ("accept allocation", "search young people"), from its detail."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    if event.action == AuditAction.SEARCH:
        return _searched(detail)
    action = str(detail.get("action") or detail.get("export") or "")
    return action.split(".")[-1].replace("_", " ")


def _records(acting, events):
    """(object type, id) -> Record for every record the events name: two queries per kind of record."""
    wanted = defaultdict(set)
    for event in events:
        if event.object_type and event.object_id:
            wanted[event.object_type].add(event.object_id)
        if event.young_person_id:
            wanted["referrals.youngperson"].add(str(event.young_person_id))
    records = {}
    for label, ids in wanted.items():
        if label in NAMED_ELSEWHERE:
            for pk in ids:
                records[(label, pk)] = Record(*NAMED_ELSEWHERE[label](acting, pk))
            continue
        named = NAMES.get(label)
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            model = None
        if model is None:
            records.update({(label, pk): Record(f"{label} {pk}") for pk in ids})
            continue
        keys = [pk for pk in ids if pk.isascii() and pk.isdigit()] if model._meta.pk.get_internal_type().endswith(
            "AutoField") else list(ids)
        if named is None:
            noun = model._meta.verbose_name
            records.update({(label, pk): Record(f"{noun} {pk}") for pk in ids})
            continue
        rows = model._default_manager.filter(pk__in=keys)
        found = {str(obj.pk): obj for obj in rows.select_related(*named.related)} if named.related else \
            {str(obj.pk): obj for obj in rows}
        seen = {str(pk) for pk in visible(acting, model._default_manager.filter(pk__in=keys)).values_list("pk", flat=True)}
        for pk in ids:
            obj = found.get(pk)
            if obj is None:  # deleted since (retention): the number is all that is left
                records[(label, pk)] = Record(f"{named.noun} {pk}")
                continue
            url = named.page(acting, obj) if pk in seen else None
            records[(label, pk)] = Record(f"{named.noun} {named.name(obj)}", url)
    return records


def describe(acting, events):
    """Give each event of a page `who`, `did`, `record` (a Record or None), `done` and `young_person` (a Record or
    None) for the reader `acting`: events must come with their actor and organisation (select_related)."""
    events = list(events)
    records = _records(acting, events)
    for event in events:
        actor = event.actor.full_name if event.actor_id and event.actor else ""
        who = actor or event.actor_email or "The system"
        event.who = f"{who} ({event.organisation.name})" if event.organisation_id and event.organisation else who
        event.did = VERBS.get(event.action) or event.get_action_display().lower()
        event.record = records.get((event.object_type, event.object_id)) if event.object_type else None
        event.done = _what_done(event)
        same_person = event.object_type == "referrals.youngperson"
        event.young_person = None if same_person or not event.young_person_id else \
            records.get(("referrals.youngperson", str(event.young_person_id)))
    return events


def sentence(event):
    """The event as one line of plain text, for the CSV (the page links the record instead)."""
    words = f"{event.who} {event.did}"
    if event.action == AuditAction.SEARCH:
        words += f" {event.done}"
    elif event.action == AuditAction.DENIED and event.done:
        words += f" {event.done}"
        if event.record:
            words += f" on {event.record.label}"
    else:
        if event.record:
            words += f" {event.record.label}"
        elif event.action == AuditAction.EXPORT and event.done:
            words += f" {event.done.replace('audit events', 'the audit trail')}"
        if event.done and event.action != AuditAction.EXPORT:
            words += f" ({event.done})"
    if event.young_person:
        words += f", about {event.young_person.label}"
    return words
