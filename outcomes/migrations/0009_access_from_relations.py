# Visibility follows live relations (partners/access.py): the direct object-permission tables, which never
# held a row, go, and "the young people of this organisation's cases" gets its indexes.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("outcomes", "0008_append_only_no_truncate_police_outcome"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="diversioncase",
            index=models.Index(fields=["lead_organisation", "young_person"], name="case_lead_person"),
        ),
        migrations.AddIndex(
            model_name="diversioncase",
            index=models.Index(fields=["police_organisation", "young_person"], name="case_police_person"),
        ),
        migrations.DeleteModel(name="DiversionCaseGroupObjectPermission"),
        migrations.DeleteModel(name="DiversionCaseUserObjectPermission"),
        migrations.DeleteModel(name="InterventionGroupObjectPermission"),
        migrations.DeleteModel(name="InterventionUserObjectPermission"),
    ]
