"""Loads the reference data of outcomes/reference.py: offences, Home Office outcome codes, pathways.

Administrators change these rows afterwards (names, eligibility, a new outcome code) without a code change.
"""

from django.db import migrations


def load(apps, schema_editor):
    from outcomes import reference

    Offence = apps.get_model("outcomes", "Offence")
    OutcomeCode = apps.get_model("outcomes", "OutcomeCode")
    Pathway = apps.get_model("outcomes", "Pathway")
    for offence in reference.OFFENCES:
        Offence.objects.update_or_create(code=offence["code"], defaults={k: v for k, v in offence.items() if k != "code"})
    codes = {}
    for outcome in reference.OUTCOME_CODES:
        codes[outcome["code"]], _ = OutcomeCode.objects.update_or_create(
            code=outcome["code"], defaults={"name": outcome["name"], "closes_diversion": outcome["closes_diversion"]}
        )
    for code, pathway in reference.PATHWAYS.items():
        Pathway.objects.update_or_create(code=code, defaults={
            "name": pathway["name"], "contract_months": pathway["contract_months"], "sessions": pathway["sessions"],
            "assessment_working_days": pathway["assessment_working_days"],
            "closing_outcome": codes[pathway["closing_outcome"]],
            "min_age": pathway["min_age"], "max_age": pathway["max_age"],
        })


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
