"""Retention blanks the words of case notes (documents_note: text, reason) through retention_blank, the one way
the application may change a row of an append-only table: the function (partners migration 0006) again, with
this table added to its fixed list."""

import importlib

from django.db import migrations

BLANKS_BEFORE = '''        "outcomes_policeoutcome": {{"notes": "text"}}
    }}';'''
BLANKS_AFTER = '''        "outcomes_policeoutcome": {{"notes": "text"}},
        "documents_note": {{"text": "text", "reason": "text"}}
    }}';'''


def _function(with_notes):
    original = importlib.import_module("partners.migrations.0006_retention_blank_function").FUNCTION
    if BLANKS_BEFORE not in original:
        raise RuntimeError("retention_blank's table list is not as partners migration 0006 wrote it")
    return original.replace(BLANKS_BEFORE, BLANKS_AFTER) if with_notes else original


def _create(with_notes):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return  # SQLite (the demo) has no roles or triggers
        with connection.cursor() as cursor:
            cursor.execute("SELECT quote_ident(current_schema()), quote_literal(current_schema())")
            schema, schema_literal = cursor.fetchone()
            cursor.execute(_function(with_notes).format(schema=schema, schema_literal=schema_literal))

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0001_initial"),
        ("partners", "0006_retention_blank_function"),
    ]

    operations = [migrations.RunPython(_create(True), _create(False))]
