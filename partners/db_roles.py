"""Least privilege on PostgreSQL: an owner role for migrations and an application role that owns nothing.

The append-only triggers (partners/append_only.py) refuse UPDATE, DELETE and TRUNCATE, but a table's owner can
disable them (ALTER TABLE … DISABLE TRIGGER), a superuser can switch them off for a session
(session_replication_role = replica), and anyone can set the `pgtrigger.ignore` variable the triggers read.
So the application's role must lack the privileges themselves: it owns no table, is not a superuser, has no
TRUNCATE anywhere, and on append-only tables may only read and add rows. Retention blanks prose there through
the owner's retention_blank function (partners migration 0006), which writes only the removal note: UPDATE on
a prose column would let anyone connected as the application set `pgtrigger.ignore` and rewrite a timeline.
`sql()` is the whole set-up as text; it is safe to run again, e.g. after migrations.
"""

import re

from . import append_only

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# Retention (referrals/, cohorts/, outcomes/ retention.py) blanks what people wrote on these append-only tables.
# The retention_blank function holds the same list (a test keeps the two equal) and blanks nothing else.
RETENTION_BLANKS = {
    "referrals.ReferralEvent": ("summary", "detail"),
    "cohorts.Review": ("summary",),
    "cohorts.TierChange": ("reason",),
    "outcomes.Session": ("reason", "correction_reason"),
    "outcomes.Assessment": ("correction_reason",),
    "outcomes.CaseEvent": ("summary", "detail"),
    "outcomes.PoliceOutcome": ("notes",),
    "documents.Note": ("text", "reason"),
}

# The application may run this as the owner (SECURITY DEFINER); nobody else may.
BLANK_FUNCTION = "retention_blank(text, text[], bigint[])"

ROLE_ATTRIBUTES = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"


def check_names(owner, app, schema="public"):
    """A one-line reason the names will not do, or None."""
    for label, name in (("owner", owner), ("app", app), ("schema", schema)):
        if not ROLE_NAME.match(name or ""):
            return f"--{label} must be a lower-case PostgreSQL name (letters, digits, _), not {name!r}"
    if owner == app:
        return "--owner and --app must be two different roles"
    return None


def append_only_tables():
    return [model._meta.db_table for model in append_only.models()]


def sql(owner, app, schema="public"):
    """The statements, in order. Names are checked by check_names first, so they are safe to put in the text."""
    problem = check_names(owner, app, schema)
    if problem:
        raise ValueError(problem)
    steps = [
        "-- Two roles, made if missing; set their passwords yourself (ALTER ROLE … PASSWORD, or your secret store).",
        f"DO $$ BEGIN\n"
        f"  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{owner}') THEN CREATE ROLE {owner} LOGIN; END IF;\n"
        f"  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{app}') THEN CREATE ROLE {app} LOGIN; END IF;\n"
        f"END $$;",
        f"ALTER ROLE {owner} {ROLE_ATTRIBUTES};",
        "-- Not a superuser: it cannot SET session_replication_role = replica.",
        f"ALTER ROLE {app} {ROLE_ATTRIBUTES};",
        "-- Not a member of the owner: membership would carry ownership with it.",
        f"DO $$ BEGIN\n"
        f"  IF pg_has_role('{app}', '{owner}', 'MEMBER') THEN REVOKE {owner} FROM {app}; END IF;\n"
        f"END $$;",
        f"DO $$ BEGIN EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO {owner}, {app}', current_database()); END $$;",
        f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {owner};",
        f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC;",
        f"GRANT USAGE ON SCHEMA {schema} TO {app};",
        "-- The owner owns every table, view, free-standing sequence and function (migrations alter them).",
        _owner_block(owner, schema),
        "-- The application: read and write ordinary tables; never TRUNCATE, REFERENCES or TRIGGER.",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM PUBLIC, {app};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app};",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM PUBLIC, {app};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app};",
        "-- Append-only tables: read and add rows only; no UPDATE of any column.",
    ]
    for table in append_only_tables():
        # A table's REVOKE takes its column grants too (an earlier set-up gave some on prose columns).
        steps.append(f"REVOKE UPDATE, DELETE ON {schema}.{table} FROM {app};")
    steps += [
        "-- Retention blanks their prose through the owner's function, which writes only the removal note.",
        f"REVOKE EXECUTE ON FUNCTION {schema}.{BLANK_FUNCTION} FROM PUBLIC;",
        f"GRANT EXECUTE ON FUNCTION {schema}.{BLANK_FUNCTION} TO {app};",
        "-- Tables made by later migrations (run as the owner) get the ordinary grants; run this again after a",
        "-- migration that adds an append-only table, so it loses UPDATE and DELETE.",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {app};",
    ]
    return steps


def _owner_block(owner, schema):
    # Identity and serial sequences follow their table; only free-standing ones are moved by hand.
    return f"""DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = '{schema}' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
             AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                             AND d.deptype IN ('a', 'i', 'e')) LOOP
    EXECUTE format('ALTER %s %s OWNER TO {owner}', CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                   WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, r.name);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = '{schema}'
             AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                             AND d.deptype = 'e') LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO {owner}', r.name);
  END LOOP;
END $$;"""
