"""The urgency question becomes nullable: None is "not answered", never a silent No.

A draft holding False may be one whose referrer pressed "Save and come back later" without answering
(the old default), so it cannot be known to have said No: it becomes unanswered and is asked again.
A draft holding True was answered. Submitted referrals keep their value (submission required an answer).
"""

from django.conf import settings
from django.db import migrations, models


def unknown_drafts_unanswered(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Referral.objects.filter(status="draft", urgent=False).update(urgent=None)


def unanswered_as_no(apps, schema_editor):
    # Going back: the old column cannot hold None, so unanswered drafts return to the old default.
    Referral = apps.get_model("referrals", "Referral")
    Referral.objects.filter(urgent__isnull=True).update(urgent=False)


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0002_apitoken'),
        ('referrals', '0004_referral_created_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='referral',
            name='urgent',
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.RunPython(unknown_drafts_unanswered, unanswered_as_no, elidable=False),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.CheckConstraint(
                condition=models.Q(('status', 'draft'), ('urgent__isnull', False), _connector='OR'),
                name='ref_submitted_urgency_answered',
            ),
        ),
    ]
