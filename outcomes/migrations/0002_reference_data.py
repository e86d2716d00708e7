"""Loads the reference data of outcomes/reference.py: offences, Home Office outcome codes, pathways.

Administrators change these rows afterwards (names, eligibility, a new outcome code) without a code change.
"""

from django.db import migrations


def load(apps, schema_editor):
    from outcomes.reference_data import load as put

    put(apps.get_model("outcomes", "Offence"), apps.get_model("outcomes", "OutcomeCode"), apps.get_model("outcomes", "Pathway"))


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
