

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outcomes', '0010_returned_to_police_and_event_kinds'),
        ('partners', '0010_audit_search'),
        ('referrals', '0012_search_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='diversioncase',
            index=models.Index(django.db.models.functions.text.Upper('crime_reference'), name='case_crime_reference_upper'),
        ),
    ]
