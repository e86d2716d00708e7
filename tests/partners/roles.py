"""Real PostgreSQL roles for the least-privilege tests: made with `manage.py db_roles --apply`, dropped afterwards.

Roles belong to the whole server, so the names carry the process id. The test server trusts local connections,
so connecting as a role needs no password.
"""

import contextlib
import io
import os

import psycopg
from django.core.management import call_command
from django.db import connection


def drop_roles(*roles):
    with connection.cursor() as cursor:
        for role in roles:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone():
                cursor.execute(f"REASSIGN OWNED BY {role} TO CURRENT_USER")
                cursor.execute(f"DROP OWNED BY {role}")
                cursor.execute(f"DROP ROLE {role}")


@contextlib.contextmanager
def made_roles():
    owner, app = f"test_owner_{os.getpid()}", f"test_app_{os.getpid()}"
    drop_roles(app, owner)  # left by a run that was killed
    call_command("db_roles", owner=owner, app=app, apply=True, stdout=io.StringIO())
    try:
        yield owner, app
    finally:
        drop_roles(app, owner)


def connect(role):
    """A connection of its own as `role`, outside Django."""
    db = connection.settings_dict
    return psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, dbname=db["NAME"], user=role, autocommit=True)


@contextlib.contextmanager
def django_connected_as(role):
    """Django's own connections (the default one, and any a job opens for its lock) log in as `role`."""
    connection.close()
    user = connection.settings_dict["USER"]
    connection.settings_dict["USER"] = role
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["USER"] = user
