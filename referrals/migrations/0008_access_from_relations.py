# Visibility follows live relations (partners/access.py): the direct object-permission tables go, and the
# access policy's "live allocation of this referral to this organisation" gets its index.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("referrals", "0007_append_only_no_truncate"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="allocation",
            index=models.Index(condition=models.Q(("state__in", ["pending", "accepted"])),
                               fields=["organisation", "referral"], name="alloc_org_live"),
        ),
        migrations.DeleteModel(name="ReferralGroupObjectPermission"),
        migrations.DeleteModel(name="ReferralUserObjectPermission"),
        migrations.DeleteModel(name="YoungPersonGroupObjectPermission"),
        migrations.DeleteModel(name="YoungPersonUserObjectPermission"),
    ]
