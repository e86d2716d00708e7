"""Reads of referrals, always through the access policy, at a constant number of queries per page."""

from collections import OrderedDict

from django.db.models import Case, CharField, Prefetch, Q, Value, When

from core import clock
from partners import access, audit
from partners.models import Organisation, OrganisationKind

from . import rules
from .models import (
    CURRENT_ORDER,
    QUEUE_ORDER,
    Allocation,
    InfoRequest,
    PossibleMatch,
    Referral,
    ReferralConcern,
    ReferralEvent,
    Status,
    YoungPerson,
)

LIST_RELATED = ("referring_organisation", "claimed_by")


def _with_concerns(queryset):
    return queryset.prefetch_related(Prefetch("concerns", queryset=ReferralConcern.objects.order_by("concern")))


def referrals_for(acting, *, status=None):
    """The referrals this organisation may see, newest first ("My referrals" for a referrer)."""
    queryset = access.visible(acting, Referral.objects.select_related(*LIST_RELATED))
    if status:
        queryset = queryset.filter(status=status)
    return _with_concerns(queryset.order_by("-created_at", "-id"))


def own_referrals(acting, *, status=None):
    """A referring organisation's own referrals (drafts included): never another organisation's."""
    queryset = referrals_for(acting, status=status).filter(referring_organisation=acting.organisation)
    return queryset.prefetch_related(
        Prefetch("allocations", queryset=Allocation.objects.exclude(state=Allocation.State.HANDED_BACK)
                 .select_related("organisation"), to_attr="live_allocations"),
        Prefetch("info_requests", queryset=InfoRequest.objects.filter(answered_at__isnull=True, expired_at__isnull=True),
                 to_attr="open_questions"),
    )


def drafts_started_by(acting):
    """The drafts this person started and has not sent (nor deleted): "Start now" offers to continue them."""
    return own_referrals(acting, status=Status.DRAFT).filter(created_by=acting.user)


# What a queue row shows and the policy and audit read: not the account, the notes nor a dozen other dates.
QUEUE_COLUMNS = ("id", "reference", "status", "given_name", "family_name", "date_of_birth", "claimed_by",
                 "claim_activity_at", "urgent", "is_re_referral", "has_open_match", "rag", "received_at", "triage_deadline",
                 "returned_at", "source", "area", "young_person_id", "referring_organisation_id")


def triage_queue(acting, *, now, area="", source="", concern="", rag="", pick=None):
    """The daily queue, in sections (overdue, urgent, due today, due later, returned), each in deadline order.

    `pick(section, ids)` returns which of a section's ids (in queue order) to load (default: all). Which
    section an item is in needs four columns, read for the whole queue; the full rows are read only for the
    items picked, so a region's day of intake (800 and more) costs the page what twenty items do.
    """
    access.require_capability(acting, "triage")
    queryset = access.visible(acting, Referral.objects.filter(status__in=rules.QUEUE_STATUSES))
    if area:
        queryset = queryset.filter(area=area)
    if source:
        queryset = queryset.filter(source=source)
    if rag:
        queryset = queryset.filter(rag=rag)
    if concern:
        queryset = queryset.filter(Q(concerns__concern=concern))
    keys = OrderedDict((key, []) for key in rules.SECTION_ORDER)
    for pk, section in queryset.order_by(*QUEUE_ORDER).annotate(section=_queue_section(now)).values_list(
            "pk", "section"):
        keys[section].append(pk)
    shown = {key: pks if pick is None else list(pick(key, pks)) for key, pks in keys.items()}
    wanted = [pk for pks in shown.values() for pk in pks]
    rows = {}
    if wanted:
        picked = Referral.objects.filter(pk__in=wanted).select_related("claimed_by").only(*QUEUE_COLUMNS)
        rows = {r.pk: r for r in _with_concerns(with_name_access(acting, picked))}
    sections = []
    for key, pks in shown.items():
        items = [rows[pk] for pk in pks if pk in rows]
        for referral in items:
            referral.section = key
            referral.claim_live = referral.claimed_by_id is not None and not rules.claim_lapsed(referral.claim_activity_at, now)
        sections.append({"key": key, "label": rules.SECTION_LABELS[key], "items": items, "count": len(keys[key])})
    return sections


def _queue_section(now):
    """rules.queue_section, asked of every row of the queue in its query: a region's queue is 800 rows and more,
    and reading their three times into Python to ask the rule row by row was a third of the page's time. The two
    instants that divide the sections are the rule's own (rules.queue_section_bounds); tests/referrals/
    test_queue_sections.py holds the two to each other across England's midnight and the clock changes."""
    now_utc, tomorrow = rules.queue_section_bounds(now)
    return Case(When(urgent=True, then=Value(rules.URGENT)),
                When(triage_deadline__lt=now_utc, then=Value(rules.OVERDUE)),
                When(returned_at__isnull=False, then=Value(rules.RETURNED)),
                When(triage_deadline__lt=tomorrow, then=Value(rules.DUE_TODAY)),
                default=Value(rules.DUE_LATER), output_field=CharField())


def with_name_access(acting, queryset, referral="pk"):
    """Annotate may_see_name: whether this person may see the referral (the access policy, in the list's query)."""
    return queryset.annotate(may_see_name=access.visible_at(acting, Referral, referral))


def show_names(acting, rows, *, today, list_name, subject=lambda row: row):
    """Set `row.person` ("Jordan Example, aged 16") on each row of a list page whose young person this person may
    see (row.may_see_name, from with_name_access or access.visible_at), and "" on the others, which show nothing.

    `subject(row)` is the referral or young person named. One insert audits whose names the page showed."""
    shown = []
    for row in rows:
        record = subject(row)
        row.person = ""
        if getattr(row, "may_see_name", False) and record is not None:
            name = record.display_name if isinstance(record, YoungPerson) else record.subject_name
            row.person = rules.name_and_age(name, record.date_of_birth, today, anonymised=record.is_anonymised)
            shown.append((record, {"list": list_name}))
    if shown:
        audit.record_many(acting, audit.AuditAction.VIEW, shown)
    return rows


def read_for_triage(acting, pk):
    """One referral with everything the triage page shows. Audits the read (a VIEW entry), and writes nothing else:
    opening the page does not refresh a claim (referrals.services.claim does, by POST)."""
    access.require_capability(acting, "triage")
    referral = access.get_visible_or_404(
        acting,
        _with_concerns(Referral.objects.select_related(*LIST_RELATED, "young_person", "previous_referral")),
        pk=pk,
    )
    audit.record(acting, audit.AuditAction.VIEW, referral)
    return referral


def referral_detail(acting, pk):
    """One referral as its organisation (or the VRU, or the partner it is allocated to) may see it."""
    referral = access.get_visible_or_404(
        acting, _with_concerns(Referral.objects.select_related(*LIST_RELATED, "young_person")), pk=pk
    )
    audit.record(acting, audit.AuditAction.VIEW, referral)
    return referral


def timeline(acting, referral):
    """The referral's events. The referring organisation sees only what is shared with it."""
    events = ReferralEvent.objects.filter(referral=referral).select_related("actor", "organisation", "corrects")
    if not acting.is_vru and acting.organisation.pk == referral.referring_organisation_id:
        events = events.filter(shared_with_referrer=True)
    elif not acting.is_vru:
        events = events.exclude(kind__in=[ReferralEvent.Kind.MATCH_CONFIRMED, ReferralEvent.Kind.MATCH_REJECTED])
    return events.order_by("at", "id")


def earlier_and_matches(referral):
    """What became of earlier referrals of the same young person, and the possible matches with each candidate's
    referrals (`candidate.history`): two queries whatever the referral, so the triage page costs the same for all."""
    matches = list(PossibleMatch.objects.filter(referral=referral).select_related("candidate", "candidate__school"))
    people = [m.candidate_id for m in matches] + ([referral.young_person_id] if referral.young_person_id else [])
    # The referral itself keeps the list from ever being empty (an empty IN would skip the query): an index scan each.
    related = list(Referral.objects.filter(Q(young_person_id__in=people) | Q(pk=referral.pk))
                   .exclude(status=Status.DRAFT).select_related("referring_organisation").order_by("-received_at", "-id"))
    earlier = [r for r in related if r.young_person_id == referral.young_person_id and r.pk != referral.pk]
    for match in matches:
        match.candidate.history = [r for r in related if r.young_person_id == match.candidate_id]
    return earlier, matches


def open_question(referral):
    return referral.info_requests.filter(answered_at__isnull=True, expired_at__isnull=True).first()


def allocations_for(acting, *, state=None):
    """'Allocated to us': this organisation's allocations in one state, by when they were to be accepted; or the
    current ones (not handed back), in the order the partner works them (CURRENT_ORDER)."""
    access.require_capability(acting, "work_allocations")
    queryset = with_name_access(acting, Allocation.objects.filter(organisation=acting.organisation).select_related(
        "referral", "referral__young_person", "organisation"
    ), "referral_id")
    if state:
        return queryset.filter(state=state).order_by("accept_due", "id")
    # Current: the live ones (the partial index's condition, said so that the planner can use it), in the order
    # of the index alloc_org_current: waiting for this partner first, then by the next deadline.
    return queryset.filter(state__in=Allocation.LIVE).order_by(*CURRENT_ORDER)


def late_allocations(acting, *, now):
    """For the VRU: allocations not accepted in time, or with first contact late, by partner."""
    access.require_capability(acting, "triage")
    today = clock.today(now)
    late = Q(state=Allocation.State.PENDING, accept_due__lt=now) | Q(
        state=Allocation.State.ACCEPTED, first_contact_at__isnull=True, first_contact_due__lt=today
    )
    late = Allocation.objects.filter(late).select_related("organisation", "referral")
    return with_name_access(acting, late, "referral_id").order_by("organisation__name", "accept_due", "id")


# Who triage may allocate a referral to: police are not (they decide diversion cases, they do not take referrals).
ALLOCATABLE_KINDS = (OrganisationKind.YOS, OrganisationKind.VOLUNTARY, OrganisationKind.LOCAL_AUTHORITY)


def partner_organisations():
    return Organisation.objects.filter(kind__in=ALLOCATABLE_KINDS, active=True).order_by("name")


def young_person(acting, pk):
    person = access.get_visible_or_404(acting, YoungPerson.objects.select_related("school"), pk=pk)
    audit.record(acting, audit.AuditAction.VIEW, person)
    return person


def young_person_referrals(acting, person):
    return access.visible(acting, Referral.objects.filter(young_person=person).select_related("referring_organisation")).order_by(
        "-received_at"
    )


def _triage_scoped(acting, queryset, pk):
    """A record that hangs off a referral, reachable only through a referral the triager may see."""
    access.require_capability(acting, "triage")
    referrals = access.visible(acting, Referral.objects.all())
    return access.get_object_or_404_in(queryset.filter(referral__in=referrals), pk=pk)


def match_for_triage(acting, pk):
    return _triage_scoped(acting, PossibleMatch.objects.select_related("referral"), pk)


def event_for_triage(acting, pk):
    return _triage_scoped(acting, ReferralEvent.objects.select_related("referral", "actor"), pk)


def allocation_for(acting, pk):
    """One of this organisation's allocations; any other answers 404."""
    access.require_capability(acting, "work_allocations")
    return access.get_object_or_404_in(
        Allocation.objects.filter(organisation=acting.organisation).select_related("referral", "organisation"), pk=pk
    )
