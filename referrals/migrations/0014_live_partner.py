"""The referral's live partner, kept by the database.

Referral.live_partner is the organisation whose allocation of it is live (pending or accepted): at most one
(alloc_one_live_per_referral). Triggers keep it: an allocation made, moved or handed back sets its referral's
column again, and a referral written (a save() of a copy read before the allocation changed) gets the column
recomputed, so no path (a service, the admin, a data fix, a test's factory) can leave it behind. Both the
PostgreSQL portal and the SQLite demo have the triggers; tests/referrals/test_live_partner.py holds them to the
allocations, on both.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


LIVE = "('pending', 'accepted')"

POSTGRESQL = f"""
CREATE FUNCTION referrals_live_partner_of(referral bigint) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT organisation_id FROM referrals_allocation WHERE referral_id = referral AND state IN {LIVE} LIMIT 1
$$;

CREATE FUNCTION referrals_keep_live_partner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.live_partner_id := referrals_live_partner_of(NEW.id);
    RETURN NEW;
END $$;

CREATE TRIGGER referrals_live_partner_kept BEFORE UPDATE ON referrals_referral
    FOR EACH ROW EXECUTE FUNCTION referrals_keep_live_partner();

CREATE FUNCTION referrals_allocation_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The referral's own trigger recomputes the column: touching the row is enough.
    IF TG_OP <> 'INSERT' THEN
        UPDATE referrals_referral SET live_partner_id = NULL WHERE id = OLD.referral_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE referrals_referral SET live_partner_id = NULL WHERE id = NEW.referral_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER referrals_allocation_live_insert AFTER INSERT OR DELETE ON referrals_allocation
    FOR EACH ROW EXECUTE FUNCTION referrals_allocation_moved();
CREATE TRIGGER referrals_allocation_live_update AFTER UPDATE ON referrals_allocation
    FOR EACH ROW WHEN ((OLD.state, OLD.organisation_id, OLD.referral_id) IS DISTINCT FROM
                       (NEW.state, NEW.organisation_id, NEW.referral_id))
    EXECUTE FUNCTION referrals_allocation_moved();

UPDATE referrals_referral r SET live_partner_id = a.organisation_id
    FROM referrals_allocation a WHERE a.referral_id = r.id AND a.state IN {LIVE};
"""

POSTGRESQL_DROP = """
DROP TRIGGER referrals_allocation_live_update ON referrals_allocation;
DROP TRIGGER referrals_allocation_live_insert ON referrals_allocation;
DROP FUNCTION referrals_allocation_moved();
DROP TRIGGER referrals_live_partner_kept ON referrals_referral;
DROP FUNCTION referrals_keep_live_partner();
DROP FUNCTION referrals_live_partner_of(bigint);
"""

# SQLite cannot change NEW in a trigger: the referral's trigger writes the row again after an update (and, since
# SQLite does not run triggers from triggers unless asked, that second write starts no other).
_SQLITE_OF = f"(SELECT organisation_id FROM referrals_allocation WHERE referral_id = {{row}} AND state IN {LIVE} LIMIT 1)"
_SQLITE_SET = "UPDATE referrals_referral SET live_partner_id = {of} WHERE id = {row};"
SQLITE = [
    f"""CREATE TRIGGER referrals_live_partner_kept AFTER UPDATE ON referrals_referral
        WHEN NEW.live_partner_id IS NOT {_SQLITE_OF.format(row="NEW.id")}
        BEGIN {_SQLITE_SET.format(of=_SQLITE_OF.format(row="NEW.id"), row="NEW.id")} END""",
    f"""CREATE TRIGGER referrals_allocation_live_insert AFTER INSERT ON referrals_allocation
        BEGIN {_SQLITE_SET.format(of=_SQLITE_OF.format(row="NEW.referral_id"), row="NEW.referral_id")} END""",
    f"""CREATE TRIGGER referrals_allocation_live_delete AFTER DELETE ON referrals_allocation
        BEGIN {_SQLITE_SET.format(of=_SQLITE_OF.format(row="OLD.referral_id"), row="OLD.referral_id")} END""",
    f"""CREATE TRIGGER referrals_allocation_live_update AFTER UPDATE ON referrals_allocation
        BEGIN {_SQLITE_SET.format(of=_SQLITE_OF.format(row="OLD.referral_id"), row="OLD.referral_id")}
              {_SQLITE_SET.format(of=_SQLITE_OF.format(row="NEW.referral_id"), row="NEW.referral_id")} END""",
    f"""UPDATE referrals_referral SET live_partner_id = {_SQLITE_OF.format(row="referrals_referral.id")}""",
]
SQLITE_DROP = [f"DROP TRIGGER {name}" for name in (
    "referrals_live_partner_kept", "referrals_allocation_live_insert", "referrals_allocation_live_delete",
    "referrals_allocation_live_update")]


def triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"Referral.live_partner has no triggers for {vendor}")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in [POSTGRESQL_DROP] if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0011_alter_auditevent_action'),
        ('referrals', '0013_figures_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='referral',
            name='live_partner',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partners.organisation'),
        ),
        migrations.AddIndex(
            model_name='referral',
            index=models.Index(condition=models.Q(('live_partner__isnull', False)), fields=['live_partner', '-created_at'], name='ref_live_partner_created'),
        ),
        migrations.RunPython(triggers, drop_triggers),
    ]
