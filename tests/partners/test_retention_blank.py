"""Retention blanks prose on append-only tables through retention_blank, and nothing else can rewrite it.

The application's role has no UPDATE on append-only tables. The database function (partners migration 0006)
runs as the owner and writes only what retention wrote before it existed: the REMOVED note, an empty field
kept empty, a detail less its free-text keys. Here as real roles (tests/partners/roles.py), and with the
retention job itself connected as the application.
"""

import datetime
from zoneinfo import ZoneInfo

import pgtrigger
import psycopg
import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from cohorts import services as cohort_services
from cohorts.models import CohortMembership, Review, TierChange
from jobs import registry
from jobs.models import JobRun
from outcomes import reference_data
from partners import append_only, db_roles
from partners.access import acting_for
from referrals import retention
from referrals.models import ReferralEvent
from referrals.retention_rules import REMOVED
from tests.partners.roles import connect, django_connected_as
from tests.referrals.factories import ReferralFactory
from tests.referrals.test_retention import IDENTIFYING, everything_written, robin

LONDON = ZoneInfo("Europe/London")
FUNCTION = "retention_blank(text, text[], bigint[])"
# Robin's history (tests/referrals/test_retention.py) and a cohort they left, anonymised on 1 June 2031. Measured
# with the retention job as it was before retention_blank, which wrote these same rows with plain UPDATEs.
ROBIN_COUNTS = {
    "people_due": 1, "people_anonymised": 1, "blanked_case_event": 8, "blanked_cohort_membership": 1,
    "blanked_cohort_review": 1, "blanked_condition": 1, "blanked_diversion_case": 1, "blanked_info_request": 1,
    "blanked_intervention": 1, "blanked_plan_action": 1, "blanked_police_outcome": 1, "blanked_re_referral": 1,
    "blanked_referral": 2, "blanked_referral_event": 5, "blanked_session": 1, "blanked_tier_change": 3,
    "blanked_young_person": 1, "deleted_notification": 6, "deleted_outbox_message": 6,
    "removed_name_keys": 3,  # the words Robin was found by (search)
}


def at(day, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def blank(cursor, table, columns, ids):
    cursor.execute(f"SELECT {FUNCTION.split('(')[0]}(%s, %s::text[], %s::bigint[])", [table, columns, ids])
    return cursor.fetchone()[0]


def events(referrer, *details):
    referral = ReferralFactory(created_by=referrer)
    return [ReferralEvent.objects.create(referral=referral, kind="signposted", summary=summary, detail=detail)
            for summary, detail in details]


@pytest.mark.django_db
def test_it_blanks_exactly_the_columns_db_roles_names_and_no_others():
    named = {(model._meta.db_table, model._meta.get_field(name).column)
             for label, names in db_roles.RETENTION_BLANKS.items() for model in [apps.get_model(label)] for name in names}
    blanked = set()
    with connection.cursor() as cursor:
        for model in append_only.models():
            for field in model._meta.concrete_fields:
                try:
                    with transaction.atomic():
                        blank(cursor, model._meta.db_table, [field.column], [])
                    blanked.add((model._meta.db_table, field.column))
                except DatabaseError as error:
                    assert "retention_blank:" in str(error)
        for table in ("referrals_referral", "Referrals_ReferralEvent", ""):
            with pytest.raises(DatabaseError, match="is not a table whose prose retention blanks"), transaction.atomic():
                blank(cursor, table, ["summary"], [])
    assert blanked == named


@pytest.mark.django_db
def test_it_writes_what_retention_wrote_before_the_note_an_empty_field_or_a_detail_less_its_free_text(referrer):
    free_text = {key: "Robin, 4 Park Road" for key in retention.FREE_TEXT_DETAIL_KEYS}
    rows = [("Robin was seen on Park Road.", {**free_text, "decision": "signpost"}), ("", {"decision": "signpost"}),
            ("", free_text)]
    by_function, by_update, untouched = (events(referrer, *rows) for _ in range(3))
    with connection.cursor() as cursor:
        assert blank(cursor, "referrals_referralevent", ["summary", "detail"], [e.pk for e in by_function]) == 3
    # What retention wrote before: one UPDATE of the same rows, the trigger told to stand aside.
    with pgtrigger.ignore("referrals.ReferralEvent:append_only"):
        ReferralEvent.objects.filter(pk__in=[e.pk for e in by_update]).update(
            summary=retention.redacted("summary"), detail=retention.JsonWithout("detail", retention.FREE_TEXT_DETAIL_KEYS))

    def written(some):
        return list(ReferralEvent.objects.filter(pk__in=[e.pk for e in some]).order_by("pk").values_list("summary", "detail"))

    assert written(by_function) == written(by_update) == [(REMOVED, {"decision": "signpost"}),
                                                          ("", {"decision": "signpost"}), ("", {})]
    assert written(untouched) == rows


@pytest.mark.django_db(transaction=True)
def test_as_the_application_it_blanks_and_cannot_be_made_to_write_chosen_text(roles, referrer):
    owner, app = roles
    event, other = events(referrer, ("Robin was seen on Park Road.", {"reason": "Robin"}), ("Kit was at school.", {}))
    table = "referrals_referralevent"
    with connect(app) as db:
        cursor = db.cursor()
        attempts = [
            (table, ["summary = 'Chosen text'"]), (table, ['summary" = \'Chosen text\' --']), (table, ["kind"]),
            (table, ["summary", "summary"]), (table, []), (f"{table} SET summary = 'Chosen text' --", ["summary"]),
            ("referrals_referral", ["account"]), ("partners_auditevent", ["detail"]),
        ]
        for attempt_table, columns in attempts:
            with pytest.raises(psycopg.Error):
                blank(cursor, attempt_table, columns, [event.pk])
        # Nor may it put its own function in the way, or take the owner's.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("CREATE OR REPLACE FUNCTION public.retention_blank(p_table text, p_columns text[], p_ids bigint[]) "
                       "RETURNS integer LANGUAGE sql AS 'SELECT 0'")
        with db.transaction():
            db.execute("SELECT set_config('pgtrigger.ignore', '{x}', true)")
            assert blank(cursor, table, ["summary", "detail"], [event.pk]) == 1
            # The triggers stand aside for that statement only.
            assert db.execute("SELECT current_setting('pgtrigger.ignore')").fetchone()[0] == "{x}"
    assert list(ReferralEvent.objects.filter(pk__in=[event.pk, other.pk]).order_by("pk").values_list("summary", "detail")) == [
        (REMOVED, {}), ("Kit was at school.", {})]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_userbyid(proowner), prosecdef, proconfig, proacl::text[] FROM pg_proc "
                       "WHERE oid = %s::regprocedure", [FUNCTION])
        function_owner, definer, config, acl = cursor.fetchone()
    assert (function_owner, definer, config) == (owner, True, ["search_path=pg_catalog, public, pg_temp"])
    # Nobody else may run it: no entry for PUBLIC (an empty grantee), one for the application.
    assert not [entry for entry in acl if entry.startswith("=")] and [entry for entry in acl if entry.startswith(f"{app}=X")]


def robin_who_left_a_cohort(referrer, triager, caseworker, decision_maker, yos, police):
    """Robin's history (tests/referrals/test_retention.py), and a cohort they joined and left before it ended."""
    reference_data.ensure()  # offences and pathways, which an earlier transactional test's flush took
    person, _referral, _case = robin(referrer, triager, caseworker, decision_maker, yos, police)
    vru = acting_for(triager)
    cohort = cohort_services.create_cohort(vru, name="Walsall youth at risk", area="walsall", tier_model="pip4",
                                           lead_organisation=yos, now=at(datetime.date(2025, 3, 10)))
    member = cohort_services.add_member(vru, cohort, young_person=person, tier=3, lead_agency=yos,
                                        reason="Robin was seen with a knife.", now=at(datetime.date(2025, 3, 10)))
    cohort_services.change_tier(vru, member, tier=2, reason="Robin was arrested.", now=at(datetime.date(2025, 3, 20)))
    cohort_services.record_review(vru, member, held_on=datetime.date(2025, 4, 1), attendees=[yos], tier_decision=2,
                                  summary="Robin is attending school.", now=at(datetime.date(2025, 4, 1)))
    cohort_services.add_plan_action(vru, member, strand="prevent", description="Mentoring for Robin", owner=yos,
                                    due_on=datetime.date(2025, 5, 1), now=at(datetime.date(2025, 4, 1)))
    cohort_services.remove_member(vru, member, reason="Robin moved to Leeds.", now=at(datetime.date(2025, 5, 10)))
    return person


@pytest.mark.django_db(transaction=True)
def test_the_retention_job_connected_as_the_application_anonymises_a_due_young_person(
        roles, referrer, triager, caseworker, decision_maker, yos, police):
    _owner, app = roles
    person = robin_who_left_a_cohort(referrer, triager, caseworker, decision_maker, yos, police)

    with django_connected_as(app):
        assert connection.cursor().connection.info.user == app
        run = registry.run("retention", now=at(datetime.date(2031, 6, 1), 2))

    assert run.outcome == JobRun.Outcome.SUCCEEDED, run.error
    assert run.counts == ROBIN_COUNTS
    person.refresh_from_db()
    assert person.anonymised_at is not None and person.given_name == ""
    assert not [word for word in IDENTIFYING if word in repr(everything_written())]
    membership = CohortMembership.objects.get(young_person=person)
    assert Review.objects.get(membership=membership).summary == REMOVED
    assert set(TierChange.objects.filter(membership=membership).values_list("reason", flat=True)) == {REMOVED}
