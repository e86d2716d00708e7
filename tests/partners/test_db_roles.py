"""Nobody connected as the application can rewrite or empty the audit trail or any other append-only table.

Real PostgreSQL roles (tests/partners/roles.py): the test makes an owner and an application role with
`manage.py db_roles --apply`, connects as the application role and tries every route it knows.
"""

import datetime
import io

import pgtrigger
import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from outcomes.models import DiversionCase
from partners import append_only, db_roles
from referrals.models import RetentionAction, YoungPerson
from tests.partners.roles import connect

pytestmark = pytest.mark.django_db(transaction=True)

ATTACKS = {
    "update": "UPDATE {table} SET id = id",
    "delete": "DELETE FROM {table}",
    "truncate": "TRUNCATE {table}",
    "truncate cascade": "TRUNCATE {table} CASCADE",
    "disable the triggers": "ALTER TABLE {table} DISABLE TRIGGER ALL",
    "replica session": "SET session_replication_role = replica",
    "drop": "DROP TABLE {table} CASCADE",
    "rename": "ALTER TABLE {table} RENAME TO {table}_gone",
    "ignore the triggers, then delete": "SELECT set_config('pgtrigger.ignore', '{ignored}', false); DELETE FROM {table}",
}


@pytest.fixture
def rows():
    """A row in every append-only table: the demo's, and one retention action."""
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    RetentionAction.objects.create(young_person=YoungPerson.objects.order_by("pk").first(), action="anonymised",
                                   at=timezone.now(), rule="test", last_activity_on=datetime.date(2019, 1, 1),
                                   due_on=datetime.date(2026, 1, 1))


def count(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def copy_row_sql(model):
    """INSERT … SELECT of one existing row, with what must stay unique pointed somewhere free."""
    table = model._meta.db_table
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        values[field.column] = "NULL" if field.unique and field.null else field.column
    if model is RetentionAction:
        values["young_person_id"] = str(YoungPerson.objects.exclude(retention_actions__isnull=False).first().pk)
    if model._meta.label == "outcomes.PoliceOutcome":
        values["case_id"] = str(DiversionCase.objects.filter(police_outcome__isnull=True).first().pk)
    columns = ", ".join(values)
    return f"INSERT INTO {table} ({columns}) SELECT {', '.join(values.values())} FROM {table} ORDER BY id LIMIT 1"


def ignored_ids():
    return "{" + ",".join(trigger.get_pgid(model) for model, trigger in pgtrigger.registered()) + "}"


def test_the_application_role_can_add_and_read_but_not_rewrite_or_empty_any_append_only_table(rows, roles):
    # One test for all nine tables: the demo that fills them takes a while, and a transactional test empties it.
    _owner, app = roles
    got_through = {}
    for model in append_only.models():
        table = model._meta.db_table
        before = count(table)
        assert before > 0, f"the demo put no rows in {table}: nothing to protect"
        with connect(app) as db:
            for name, attack in ATTACKS.items():
                try:
                    db.execute(attack.format(table=table, ignored=ignored_ids()))
                    got_through.setdefault(table, []).append(name)
                except psycopg.Error:
                    pass
            assert db.execute("SHOW session_replication_role").fetchone()[0] == "origin"
            for column in db_roles.RETENTION_BLANKS.get(model._meta.label, ()):
                # The prose retention blanks: with the triggers told to stand aside, still no rewriting it.
                field = model._meta.get_field(column)
                text = "'{\"reason\": \"rewritten\"}'" if field.get_internal_type() == "JSONField" else "'rewritten'"
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    db.execute(f"SELECT set_config('pgtrigger.ignore', '{ignored_ids()}', false); "
                               f"UPDATE {table} SET {field.column} = {text}")
            db.execute(copy_row_sql(model))
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == before + 1
        assert count(table) == before + 1
    assert got_through == {}


def test_the_application_role_owns_nothing_and_is_no_superuser(roles):
    _owner, app = roles
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = %s", [app])
        assert cursor.fetchone() == (False, False, False, False)
        cursor.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = %s", [app])
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = 'public' AND c.relkind = 'r' AND has_table_privilege(%s, c.oid, 'TRUNCATE')",
                       [app])
        assert cursor.fetchone()[0] == 0
        # On append-only tables, not one column it may UPDATE (retention goes through retention_blank).
        tables = db_roles.append_only_tables()
        cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = 'public' AND c.relname = ANY(%s) "
                       "AND has_any_column_privilege(%s, c.oid, 'UPDATE')", [tables, app])
        assert cursor.fetchall() == []


def test_ordinary_tables_stay_writable_and_later_tables_get_the_same_grants(roles):
    owner, app = roles
    with connect(app) as db:
        db.execute("UPDATE referrals_referral SET updated_at = updated_at")
        with pytest.raises(psycopg.Error):
            db.execute("TRUNCATE referrals_referral")
    # A table a later migration makes, as the owner: the application may use it at once.
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {owner}")
        cursor.execute("CREATE TABLE test_later (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note text)")
        cursor.execute("RESET ROLE")
    with connect(app) as db:
        db.execute("INSERT INTO test_later (note) VALUES ('x')")
        assert db.execute("SELECT count(*) FROM test_later").fetchone()[0] == 1
        with pytest.raises(psycopg.Error):
            db.execute("DROP TABLE test_later")


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("cascade", ["", " CASCADE"])
def test_the_owner_too_is_refused_a_truncate_by_the_trigger(cascade):
    # The portal today connects as a superuser that owns the tables: the statement trigger stops even that.
    # (No rows written first: their deferred foreign-key checks would make PostgreSQL refuse for another reason.)
    for model in append_only.models():
        # Without CASCADE a table that others reference is refused before the trigger runs; with it, only the
        # trigger stands in the way.
        refusal = "Cannot truncate" if cascade else "Cannot truncate|referenced in a foreign key"
        with pytest.raises(DatabaseError, match=refusal), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {model._meta.db_table}{cascade}")


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("options, message", [
    ({"app": "App; DROP TABLE x"}, "--app must be a lower-case PostgreSQL name"),
    ({"owner": "same", "app": "same"}, "two different roles"),
    ({"schema": ""}, "--schema must be"),
])
def test_bad_role_names_are_one_line_and_change_nothing(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("db_roles", **options)


@pytest.mark.django_db(transaction=False)
def test_without_apply_it_prints_the_sql():
    out = io.StringIO()
    call_command("db_roles", owner="vrp_owner", app="vrp_app", stdout=out)
    text = out.getvalue()
    assert "ALTER ROLE vrp_app NOSUPERUSER" in text
    assert "REVOKE UPDATE, DELETE ON public.partners_auditevent FROM vrp_app;" in text
    assert "GRANT UPDATE" not in text
    assert ("REVOKE EXECUTE ON FUNCTION public.retention_blank(text, text[], bigint[]) FROM PUBLIC;\n"
            "GRANT EXECUTE ON FUNCTION public.retention_blank(text, text[], bigint[]) TO vrp_app;") in text
