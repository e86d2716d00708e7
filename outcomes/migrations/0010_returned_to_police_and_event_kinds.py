"""A breached case sent back to police is "returned to police" (re-referral is a referral to the VRU again).

Renames keep every row: the table, its columns and the case's deadline column. Stored values (the status
"re_referred", the event kinds) stay as they are. CaseEvent.kind gains its choices.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("outcomes", "0009_access_from_relations"),
    ]

    operations = [
        migrations.RenameModel("ReReferral", "ReturnToPolice"),
        migrations.RenameField("returntopolice", "re_referred_at", "returned_at"),
        migrations.RenameIndex("returntopolice", new_name="returned_to_police_inbox", old_name="rereferral_inbox"),
        migrations.RenameField("diversioncase", "rereferral_deadline", "return_deadline"),
        migrations.AlterField(
            model_name='caseevent',
            name='kind',
            field=models.CharField(choices=[('started', 'Case started'), ('session_recorded', 'Session recorded'), ('session_corrected', 'Session corrected'), ('assessment_recorded', 'Assessment recorded'), ('assessment_corrected', 'Assessment corrected'), ('condition_added', 'Condition added'), ('condition_met', 'Condition met'), ('condition_recorded_met', 'Condition recorded as met'), ('condition_missed', 'Condition missed'), ('missed_reason', 'Why a condition was missed'), ('at_risk', 'At risk'), ('risk_resolved', 'Risk resolved'), ('reoffence', 'Further offence'), ('intervention_completed', 'Intervention completed'), ('intervention_disengaged', 'Young person disengaged'), ('intervention_withdrawn', 'Intervention withdrawn'), ('breach_proposed', 'Breach proposed'), ('further_chance', 'Further chance'), ('re_referred', 'Returned to police'), ('re_referral_received', 'Received by police'), ('deadline_missed', 'Deadline missed'), ('police_outcome', 'Police outcome'), ('closure_proposed', 'Proposed for closure'), ('closed', 'Closed')], max_length=30),
        ),
        migrations.AlterField(
            model_name='diversioncase',
            name='deadline_missed_on',
            field=models.DateField(blank=True, help_text='The day the return-to-police deadline passed before police received the case.', null=True),
        ),
        migrations.AlterField(
            model_name='diversioncase',
            name='status',
            field=models.CharField(choices=[('active', 'Active'), ('at_risk', 'At risk'), ('breach_proposed', 'Breach proposed'), ('re_referred', 'Returned to police'), ('closure_proposed', 'Proposed for closure'), ('completed', 'Completed'), ('outcome_recorded', 'Police outcome recorded')], default='active', max_length=20),
        ),
        migrations.AlterField(
            model_name='returntopolice',
            name='case',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='return_to_police', to='outcomes.diversioncase'),
        ),
        # PostgreSQL renamed the indexed column with the field: only the state needs the new name.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveIndex(
                model_name='diversioncase',
                name='case_deadline',
            ),
            migrations.AddIndex(
                model_name='diversioncase',
                index=models.Index(condition=models.Q(('status__in', ['active', 'at_risk', 'breach_proposed', 'closure_proposed', 're_referred'])), fields=['return_deadline', 'id'], name='case_deadline'),
            ),
        ]),
    ]
