"""The audit trail's actor and organisation lose their own indexes: audit_actor_time and audit_org_time begin with
those columns, and every index is written by every insert. Only the indexes are dropped: altering the fields in
the database would drop and add their foreign keys again, which checks every row of the trail."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COLUMNS = ("actor_id", "organisation_id")


def _names(apps, schema_editor):
    table = apps.get_model("partners", "AuditEvent")._meta.db_table
    return table, [(schema_editor._create_index_name(table, [column]), column) for column in COLUMNS]


def drop(apps, schema_editor):
    _, names = _names(apps, schema_editor)
    for name, _ in names:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create(apps, schema_editor):
    table, names = _names(apps, schema_editor)
    for name, column in names:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} "
                              f"ON {schema_editor.quote_name(table)} ({schema_editor.quote_name(column)})")


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0011_alter_auditevent_action'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='auditevent',
                    name='actor',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name='auditevent',
                    name='organisation',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partners.organisation'),
                ),
            ],
            database_operations=[migrations.RunPython(drop, create)],
        ),
    ]
