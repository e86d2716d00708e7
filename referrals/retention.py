"""The retention job: anonymise the records of young people past the retention rule, keeping the figures.

Why anonymise rather than delete: referrals, cases and interventions feed the managers' figures
(volumes by source, area, sex and ethnicity, decisions, outcomes, disproportionality), so their coded
fields and dates stay; what identifies the young person, and the free text people wrote about them,
goes. Rows that are purely personal (possible-match suggestions, messages about their records) are
deleted.

Each app says what it holds through a `Handler` in its own `retention.py` (found by autodiscovery, as
jobs are): how to find its latest activity and its open work for a young person, and how to
anonymise a batch. The cohorts app plugs in the same way, e.g. in cohorts/retention.py:

    core.register(core.Handler(
        name="cohorts",
        activity=lambda: {"last_membership_end": core.latest(Membership.objects.filter(core.of_person()), "ended_on")},
        open_work=lambda: [Exists(Membership.objects.filter(core.of_person(), ended_on__isnull=True))],
        anonymise=anonymise_memberships,  # blank review notes and plan actions' text; keep tiers and dates
    ))

A batch of young people is done in one transaction: each is either fully anonymised or untouched, and
`YoungPerson.anonymised_at` with `RetentionAction`'s unique key means a second run changes nothing.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, transaction
from django.db.models import Case, Exists, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.module_loading import autodiscover_modules

from notifications.models import Notification
from partners.audit import AuditAction
from partners.models import AuditEvent

from . import retention_rules as rr
from . import search
from .models import (
    Allocation,
    InfoRequest,
    PossibleMatch,
    Referral,
    ReferralEvent,
    RetentionAction,
    YoungPerson,
)

logger = logging.getLogger("retention")

BATCH_SIZE = 200

# Keys of event details that hold free text (reasons, a signposting destination, a further crime reference).
FREE_TEXT_DETAIL_KEYS = ("reason", "to", "crime_reference")


# --- What each app contributes ---------------------------------------------------------------------


@dataclass
class Batch:
    """The young people being anonymised together: `people` holds each one and every record merged into them."""

    people: list[int]
    now: datetime
    # Notification key families to delete, e.g. {"case": {12, 13}} deletes "case:12:..." and "case:13:...".
    notification_keys: dict[str, set[int]] = field(default_factory=dict)

    def forget_notifications(self, families: Iterable[str], ids: Iterable[int]):
        ids = set(ids)
        for family in families:
            self.notification_keys.setdefault(family, set()).update(ids)


@dataclass(frozen=True)
class Handler:
    """One app's part of retention.

    `activity()` gives named Subquery expressions: the latest date or datetime of the app's records for
    the young person in OuterRef("pk") (use `of_person`). `open_work()` gives Exists expressions: true
    while something is still open. `anonymise(batch)` blanks and deletes, returning counts
    ("blanked_<table>" or "deleted_<table>": rows).
    """

    name: str
    anonymise: Callable[[Batch], dict[str, int]]
    activity: Callable[[], dict[str, models.Expression]] = dict
    open_work: Callable[[], list[models.Expression]] = list


HANDLERS: dict[str, Handler] = {}


def register(handler: Handler) -> Handler:
    HANDLERS[handler.name] = handler
    return handler


def handlers() -> list[Handler]:
    autodiscover_modules("retention")
    return list(HANDLERS.values())


def of_person(path: str = "young_person") -> Q:
    """Rows of the young person in OuterRef("pk"), or of a record a triager merged into them."""
    return Q(**{f"{path}_id": OuterRef("pk")}) | Q(**{f"{path}__merged_into_id": OuterRef("pk")})


def latest(queryset: models.QuerySet, expression) -> Subquery:
    """The latest value of `expression` (a field name or expression) over `queryset`, filtered with `of_person`."""
    if isinstance(expression, str):
        expression = F(expression)
    return Subquery(
        queryset.annotate(_at=expression).filter(_at__isnull=False).order_by("-_at").values("_at")[:1],
    )


def redacted(name: str) -> Case:
    """Free text becomes the REMOVED note; an empty field stays empty (so no removal is claimed)."""
    return Case(When(**{name: ""}, then=Value("")), default=Value(rr.REMOVED), output_field=models.TextField())


def has_text(*names: str) -> Q:
    condition = Q()
    for name in names:
        condition |= ~Q(**{name: ""})
    return condition


class JsonWithout(Func):
    """A JSON object less the given keys, in one UPDATE (PostgreSQL's `-`, SQLite's json_remove for the demo)."""

    output_field = models.JSONField()

    def __init__(self, expression, keys):
        self.keys = list(keys)
        super().__init__(expression)

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} - %s::text[])", (*params, self.keys)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        paths = ", ".join(["%s"] * len(self.keys))
        return f"json_remove({sql}, {paths})", (*params, *[f"$.{key}" for key in self.keys])


def blank_append_only(queryset: models.QuerySet, *fields: str) -> int:
    """Blank prose on the queryset's rows of an append-only table, as `redacted` and `JsonWithout` would; the row count.

    On PostgreSQL the application's role may not UPDATE append-only tables (partners/db_roles.py), so this calls
    the database's retention_blank (partners migration 0006), which can write nothing but the REMOVED note, an
    empty field or a detail less its free-text keys. One statement either way. SQLite (the demo) has no triggers.
    """
    model = queryset.model
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.update(**{name: _blanked(model, name) for name in fields})
    try:
        ids, params = queryset.order_by().values("pk").query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # e.g. `case_id__in=[]`: no rows, and (as update() does) no query
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT retention_blank(%s, %s::text[], ARRAY({ids}))",
                       [model._meta.db_table, [model._meta.get_field(name).column for name in fields], *params])
        return cursor.fetchone()[0]


def _blanked(model, name):
    if isinstance(model._meta.get_field(name), models.JSONField):
        return JsonWithout(name, FREE_TEXT_DETAIL_KEYS)
    return redacted(name)


def anonymised_births(people: list[int]) -> Case:
    """Each date of birth becomes 1 July of its year, in one UPDATE whatever the number of people."""
    years = sorted({d.year for d in YoungPerson.objects.filter(pk__in=people).values_list("date_of_birth", flat=True)})
    return births_by_year(years)


def births_by_year(years: Iterable[int], name: str = "date_of_birth") -> Case:
    whens = [When(**{f"{name}__year": year}, then=Value(rr.anonymised_date_of_birth(date(year, 1, 1)))) for year in years]
    return Case(*whens, default=F(name), output_field=models.DateField())


# --- This app's part: the young person, referrals and their timeline -------------------------------


def _referral_activity():
    referrals = Referral.objects.filter(of_person())
    return {"last_referral": latest(referrals, Coalesce("closed_at", "decided_at", "received_at", "created_at"))}


def _referral_open_work():
    return [Exists(Referral.objects.filter(of_person(), status__in=rr.OPEN_REFERRAL_STATUSES))]


def _anonymise_referrals(batch: Batch) -> dict[str, int]:
    people = batch.people
    referral_ids = list(Referral.objects.filter(young_person_id__in=people).values_list("pk", flat=True))
    counts = {
        "blanked_young_person": YoungPerson.objects.filter(pk__in=people).update(
            given_name="", family_name="", preferred_name="", gender_identity="", postcode="", upn="", nhs_number="",
            school=None, date_of_birth=anonymised_births(people), anonymised_at=batch.now,
        ),
    }
    # The words a person was found by are their name: they go with it.
    counts["removed_name_keys"] = search.forget_names(people)
    years = Referral.objects.filter(pk__in=referral_ids, date_of_birth__isnull=False).dates("date_of_birth", "year")
    counts["blanked_referral"] = Referral.objects.filter(pk__in=referral_ids).update(
        given_name="", family_name="", preferred_name="", gender_identity="", postcode="", upn="", nhs_number="",
        date_of_birth=births_by_year(d.year for d in years),
        account=redacted("account"), urgency_reason=redacted("urgency_reason"),
        not_informed_reason=redacted("not_informed_reason"),
    )
    counts["blanked_info_request"] = InfoRequest.objects.filter(referral_id__in=referral_ids).filter(
        has_text("question", "answer")).update(question=redacted("question"), answer=redacted("answer"))
    allocations = Allocation.objects.filter(referral_id__in=referral_ids)
    allocation_ids = list(allocations.values_list("pk", flat=True))
    counts["blanked_allocation"] = allocations.filter(has_text("hand_back_reason")).update(
        hand_back_reason=redacted("hand_back_reason"))
    events = ReferralEvent.objects.filter(referral_id__in=referral_ids)
    # The timeline is append-only for people; retention is the one writer allowed to blank its prose.
    counts["blanked_referral_event"] = blank_append_only(
        events.filter(has_text("summary") | Q(detail__has_any_keys=list(FREE_TEXT_DETAIL_KEYS))), "summary", "detail")
    counts["deleted_possible_match"] = _delete_matches(people, referral_ids)
    batch.forget_notifications(("decision", "overdue"), referral_ids)
    batch.forget_notifications(("allocation", "allocation-late"), allocation_ids)
    questions = InfoRequest.objects.filter(referral_id__in=referral_ids).values_list("pk", flat=True)
    batch.forget_notifications(("info_answered",), questions)
    return counts


def _delete_matches(people, referral_ids) -> int:
    """Suggestions about these young people go; another referral left with no open suggestion stops showing one."""
    matches = PossibleMatch.objects.filter(Q(referral_id__in=referral_ids) | Q(candidate_id__in=people))
    touched = set(matches.values_list("referral_id", flat=True))
    deleted, _ = matches.delete()
    if touched:
        still_open = PossibleMatch.objects.filter(referral_id=OuterRef("pk"), state=PossibleMatch.State.OPEN)
        Referral.objects.filter(pk__in=touched, has_open_match=True).exclude(Exists(still_open)).update(has_open_match=False)
    return deleted


register(Handler(name="referrals", anonymise=_anonymise_referrals, activity=_referral_activity, open_work=_referral_open_work))


# --- Finding who is due ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    young_person_id: int
    last_activity_on: date
    due_on: date


def _due_queryset(today: date, years: int, min_age: int, active: list[Handler]):
    """Young people not yet anonymised, old enough, with nothing open and no activity inside the period.

    The SQL is a generous first cut (a few days' margin for time zones and 29 February); the pure rule
    decides on the rows it returns.
    """
    activity = {}
    open_work = []
    for handler in active:
        activity.update(handler.activity())
        open_work.extend(handler.open_work())
    cutoff = rr.anniversary(today, -years) + timedelta(days=2)
    queryset = YoungPerson.objects.filter(
        anonymised_at__isnull=True, merged_into__isnull=True,
        date_of_birth__lte=rr.anniversary(today, -min_age) + timedelta(days=2),
    ).annotate(**activity)
    for expression in open_work:
        queryset = queryset.filter(~expression)
    for name, expression in activity.items():
        is_instant = isinstance(expression.output_field, models.DateTimeField)
        limit = datetime.combine(cutoff, time(), tzinfo=UTC) if is_instant else cutoff
        queryset = queryset.filter(Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__lt": limit}))
    return queryset.order_by("pk"), list(activity)


def _decide(queryset, names, today, years, min_age) -> list[Due]:
    due = []
    for pk, date_of_birth, created_at, *dates in queryset.values_list("pk", "date_of_birth", "created_at", *names):
        # A record with nothing attached at all counts from its creation.
        last = rr.last_activity_on(dates) or rr.as_day(created_at)
        if rr.is_due(date_of_birth, last, today, open_work=False, years=years, min_age=min_age):
            due.append(Due(pk, last, rr.retention_due_on(date_of_birth, last, years, min_age)))
    return due


def due_young_people(today: date, *, years: int | None = None, min_age: int | None = None) -> list[Due]:
    """Everyone the rule makes due on `today`, in one query."""
    years = settings.RETENTION_YEARS if years is None else years
    min_age = settings.RETENTION_MIN_AGE if min_age is None else min_age
    queryset, names = _due_queryset(today, years, min_age, handlers())
    return _decide(queryset, names, today, years, min_age)


# --- Doing it --------------------------------------------------------------------------------------------


class _DryRun(Exception):
    pass


def _delete_notifications(batch: Batch) -> dict[str, int]:
    """Messages about these records name their references and crime references: they go, with their emails."""
    parts = [
        f"{re.escape(family)}:(?:{'|'.join(str(i) for i in sorted(ids))})"
        for family, ids in sorted(batch.notification_keys.items()) if ids
    ]
    if not parts:
        return {}
    _, deleted = Notification.objects.filter(key__regex=f"^(?:{'|'.join(parts)})(?::|$)").delete()
    return {"deleted_notification": deleted.get("notifications.Notification", 0),
            "deleted_outbox_message": deleted.get("notifications.OutboxMessage", 0)}


def _anonymise_batch(due: list[Due], *, now, today, years, min_age, active) -> Counter:
    queryset, names = _due_queryset(today, years, min_age, active)
    # Lock the batch and ask again: a referral that arrived since the first look keeps its young person.
    still = _decide(queryset.filter(pk__in=[d.young_person_id for d in due]).select_for_update(of=("self",)),
                    names, today, years, min_age)
    if not still:
        return Counter()
    roots = {d.young_person_id: d for d in still}
    merged = dict(YoungPerson.objects.filter(merged_into_id__in=roots, anonymised_at__isnull=True)
                  .values_list("pk", "merged_into_id"))
    batch = Batch(people=[*roots, *merged], now=now)
    counts = Counter()
    for handler in active:
        counts.update(handler.anonymise(batch))
    counts.update(_delete_notifications(batch))
    rule = rr.rule_text(years, min_age)
    RetentionAction.objects.bulk_create(
        RetentionAction(young_person_id=pk, action=RetentionAction.Action.ANONYMISED, at=now, rule=rule,
                        last_activity_on=roots[merged.get(pk, pk)].last_activity_on, due_on=roots[merged.get(pk, pk)].due_on)
        for pk in batch.people
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(occurred_at=now, actor=None, action=AuditAction.UPDATE, object_type="referrals.youngperson",
                   object_id=str(pk), young_person_id=pk, detail={"action": "retention"})
        for pk in batch.people
    )
    counts["people_anonymised"] += len(batch.people)
    return counts


def apply_retention(now: datetime, *, dry_run: bool = False, batch_size: int | None = None) -> dict[str, int]:
    """Anonymise everyone due on `now`'s day, a batch per transaction; return what was done (or would be).

    A failing batch is rolled back whole, logged with ids only, and stops the run: the batches before
    it stay done, and the next run picks up the rest.
    """
    batch_size = batch_size or BATCH_SIZE
    today = rr.as_day(now)
    years, min_age = settings.RETENTION_YEARS, settings.RETENTION_MIN_AGE
    active = handlers()
    due = _decide(*_due_queryset(today, years, min_age, active), today, years, min_age)
    totals = Counter({"people_due": len(due), "people_anonymised": 0})
    for start in range(0, len(due), batch_size):
        chunk = due[start:start + batch_size]
        try:
            with transaction.atomic():
                counts = _anonymise_batch(chunk, now=now, today=today, years=years, min_age=min_age, active=active)
                if dry_run:
                    totals.update(counts)
                    raise _DryRun
        except _DryRun:
            continue
        except Exception as exc:
            logger.error("retention batch failed for young people %s to %s: %s", chunk[0].young_person_id,
                         chunk[-1].young_person_id, type(exc).__name__)
            raise
        totals.update(counts)
    result = {key: value for key, value in totals.items() if value or key.startswith("people_")}
    if dry_run:
        result["dry_run"] = 1
    return result
