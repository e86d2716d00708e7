

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0009_audit_delete_print'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('login', 'Signed in'), ('failed_login', 'Failed sign-in'), ('logout', 'Signed out'), ('view', 'Viewed'), ('create', 'Created'), ('update', 'Updated'), ('export', 'Exported'), ('grant', 'Permission granted'), ('revoke', 'Permission revoked'), ('denied', 'Refused'), ('factor_added', 'Set up a second factor'), ('factor_removed', 'Removed a second factor'), ('wrong_code', 'Entered a wrong code'), ('recovery_code', 'Used a recovery code'), ('factors_reset', "Reset a person's second factors"), ('sso_login', 'Signed in with single sign-on'), ('sso_refused', 'Single sign-on refused'), ('sessions_ended', 'Ended sessions'), ('token_expired', 'API token expired'), ('delete', 'Deleted'), ('print', 'Printed'), ('search', 'Searched')], max_length=20),
        ),
    ]
