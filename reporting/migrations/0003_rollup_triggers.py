"""The database marks which closed days of the figures' rollup a change touched (reporting/rollup.py).

A trigger on each table the rolled-up figures count from appends the day (or days) a changed row is counted on
to reporting_staleday: the figures then count that day live until the rollup job has counted it again. Being in
the database, no way of changing a record (a service, the admin, a data fix, the retention job) can leave the
rollup behind unmarked. Today is always counted live, so a change to today's records marks nothing.
PostgreSQL only: SQLite (the demo) has no rollup.
"""

from django.db import migrations

DECISIONS = "('allocated', 'signposted', 'declined', 'info_requested')"

SQL = f"""
CREATE FUNCTION reporting_mark(day date) RETURNS void LANGUAGE sql AS $$
    INSERT INTO reporting_staleday (day, marked_at)
    SELECT day, now() WHERE day IS NOT NULL AND day < (now() AT TIME ZONE 'Europe/London')::date
$$;

CREATE FUNCTION reporting_local_day(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT (at AT TIME ZONE 'Europe/London')::date
$$;

-- The referrals of a young person (and of those merged into them) that arrived after an instant: their re-referral
-- counts rest on the referral before each.
CREATE FUNCTION reporting_mark_person_after(young_person bigint, after timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reporting_mark(reporting_local_day(r.received_at)) FROM referrals_referral r
        WHERE r.received_at > after AND r.young_person_id IN (
            SELECT p.id FROM referrals_youngperson p, referrals_youngperson q
            WHERE q.id = young_person AND (p.id = coalesce(q.merged_into_id, q.id)
                                           OR p.merged_into_id = coalesce(q.merged_into_id, q.id)));
END $$;

-- A referral: the day it arrived; when its area or arrival changed, also the days of its decisions and allocations;
-- when it moved among its young person's referrals, the days of those after it.
CREATE FUNCTION reporting_mark_referral() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM reporting_mark(reporting_local_day(OLD.received_at)); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM reporting_mark(reporting_local_day(NEW.received_at)); END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM reporting_mark_person_after(OLD.young_person_id, OLD.received_at);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM reporting_mark_person_after(NEW.young_person_id, NEW.received_at);
    ELSIF (OLD.area, OLD.received_at, OLD.young_person_id) IS DISTINCT FROM (NEW.area, NEW.received_at, NEW.young_person_id)
    THEN
        PERFORM reporting_mark_person_after(OLD.young_person_id, least(OLD.received_at, NEW.received_at));
        PERFORM reporting_mark_person_after(NEW.young_person_id, least(OLD.received_at, NEW.received_at));
    END IF;
    IF TG_OP = 'UPDATE' AND (OLD.area IS DISTINCT FROM NEW.area OR OLD.received_at IS DISTINCT FROM NEW.received_at) THEN
        PERFORM reporting_mark(reporting_local_day(e.at)) FROM referrals_referralevent e
            WHERE e.referral_id = NEW.id AND e.kind IN {DECISIONS};
        PERFORM reporting_mark(reporting_local_day(a.allocated_at)), reporting_mark(reporting_local_day(a.handed_back_at))
            FROM referrals_allocation a WHERE a.referral_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER reporting_stale_insert AFTER INSERT ON referrals_referral
    FOR EACH ROW WHEN (NEW.received_at IS NOT NULL) EXECUTE FUNCTION reporting_mark_referral();
CREATE TRIGGER reporting_stale_delete AFTER DELETE ON referrals_referral
    FOR EACH ROW WHEN (OLD.received_at IS NOT NULL) EXECUTE FUNCTION reporting_mark_referral();
CREATE TRIGGER reporting_stale_update AFTER UPDATE ON referrals_referral FOR EACH ROW WHEN (
    (OLD.received_at, OLD.area, OLD.source, OLD.date_of_birth, OLD.sex, OLD.ethnicity, OLD.decision,
     OLD.first_decided_at, OLD.returned_at, OLD.urgent, OLD.triage_deadline, OLD.young_person_id)
    IS DISTINCT FROM
    (NEW.received_at, NEW.area, NEW.source, NEW.date_of_birth, NEW.sex, NEW.ethnicity, NEW.decision,
     NEW.first_decided_at, NEW.returned_at, NEW.urgent, NEW.triage_deadline, NEW.young_person_id)
) EXECUTE FUNCTION reporting_mark_referral();

-- A concern: the day its referral arrived.
CREATE FUNCTION reporting_mark_concern() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM reporting_mark(reporting_local_day(received_at)) FROM referrals_referral WHERE id = OLD.referral_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM reporting_mark(reporting_local_day(received_at)) FROM referrals_referral WHERE id = NEW.referral_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reporting_stale AFTER INSERT OR UPDATE OR DELETE ON referrals_referralconcern
    FOR EACH ROW EXECUTE FUNCTION reporting_mark_concern();

-- A decision: the day it was made.
CREATE FUNCTION reporting_mark_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.kind IN {DECISIONS} THEN PERFORM reporting_mark(reporting_local_day(OLD.at)); END IF;
    IF TG_OP <> 'DELETE' AND NEW.kind IN {DECISIONS} THEN PERFORM reporting_mark(reporting_local_day(NEW.at)); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reporting_stale AFTER INSERT OR UPDATE OF kind, at, referral_id OR DELETE ON referrals_referralevent
    FOR EACH ROW EXECUTE FUNCTION reporting_mark_event();

-- An allocation: the day it was made and the day it was handed back.
CREATE FUNCTION reporting_mark_allocation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM reporting_mark(reporting_local_day(OLD.allocated_at));
        PERFORM reporting_mark(reporting_local_day(OLD.handed_back_at));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM reporting_mark(reporting_local_day(NEW.allocated_at));
        PERFORM reporting_mark(reporting_local_day(NEW.handed_back_at));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reporting_stale AFTER INSERT OR DELETE OR UPDATE OF allocated_at, handed_back_at, organisation_id, referral_id
    ON referrals_allocation FOR EACH ROW EXECUTE FUNCTION reporting_mark_allocation();

-- An intervention: the day it started (its engagement and completion are counted there).
CREATE FUNCTION reporting_mark_intervention() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM reporting_mark(OLD.started_on); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM reporting_mark(NEW.started_on); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reporting_stale AFTER INSERT OR DELETE OR UPDATE OF started_on, status, organisation_id, programme_id,
    young_person_id ON outcomes_intervention FOR EACH ROW EXECUTE FUNCTION reporting_mark_intervention();

-- A session: the day its intervention started (attendance makes it engaged).
CREATE FUNCTION reporting_mark_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM reporting_mark(started_on) FROM outcomes_intervention WHERE id = OLD.intervention_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM reporting_mark(started_on) FROM outcomes_intervention WHERE id = NEW.intervention_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reporting_stale AFTER INSERT OR DELETE OR UPDATE OF attendance, corrects_id, intervention_id
    ON outcomes_session FOR EACH ROW EXECUTE FUNCTION reporting_mark_session();

-- A young person's area: the days their interventions started (interventions are counted by where they live).
-- A merge: the days of every referral of both young people (re-referral counts the merged as one).
CREATE FUNCTION reporting_mark_young_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.area IS DISTINCT FROM NEW.area THEN
        PERFORM reporting_mark(started_on) FROM outcomes_intervention WHERE young_person_id = NEW.id;
    END IF;
    IF OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id THEN
        PERFORM reporting_mark_person_after(NEW.id, '-infinity');
        PERFORM reporting_mark_person_after(OLD.merged_into_id, '-infinity');
        PERFORM reporting_mark_person_after(NEW.merged_into_id, '-infinity');
        PERFORM reporting_mark(reporting_local_day(received_at)) FROM referrals_referral WHERE young_person_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reporting_stale AFTER UPDATE OF area, merged_into_id ON referrals_youngperson FOR EACH ROW
    WHEN ((OLD.area, OLD.merged_into_id) IS DISTINCT FROM (NEW.area, NEW.merged_into_id))
    EXECUTE FUNCTION reporting_mark_young_person();
"""

UNDO = """
DROP TRIGGER IF EXISTS reporting_stale ON referrals_youngperson;
DROP TRIGGER IF EXISTS reporting_stale ON outcomes_session;
DROP TRIGGER IF EXISTS reporting_stale ON outcomes_intervention;
DROP TRIGGER IF EXISTS reporting_stale ON referrals_allocation;
DROP TRIGGER IF EXISTS reporting_stale ON referrals_referralevent;
DROP TRIGGER IF EXISTS reporting_stale ON referrals_referralconcern;
DROP TRIGGER IF EXISTS reporting_stale_insert ON referrals_referral;
DROP TRIGGER IF EXISTS reporting_stale_delete ON referrals_referral;
DROP TRIGGER IF EXISTS reporting_stale_update ON referrals_referral;
DROP FUNCTION IF EXISTS reporting_mark_young_person(), reporting_mark_session(), reporting_mark_intervention(),
    reporting_mark_allocation(), reporting_mark_event(), reporting_mark_concern(), reporting_mark_referral(),
    reporting_mark_person_after(bigint, timestamptz), reporting_local_day(timestamptz), reporting_mark(date);
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_rollup"),
        ("referrals", "0012_search_names"),
        ("outcomes", "0011_crime_reference_search"),
    ]

    operations = [migrations.RunPython(_on_postgresql(SQL), _on_postgresql(UNDO))]
