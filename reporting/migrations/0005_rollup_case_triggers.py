"""The diversion cases in the figures' rollup: the database marks the days a change to a case touched.

A case is counted on a few days: the day it started (by pathway, and by the young person's ethnic group with how
it has ended so far), the day it completed, the day it was returned to police, the days of its breach proposals
and further offences (each counted once per period, so on the day of the one before too) and the day its police
outcome was recorded. A change to the case or to anything counted with it marks all of those days, old and new:
they are few, and marking them all leaves no way of forgetting one. Moves of a case between active and at risk
change no figure, so the daily sweep marks nothing.
"""

from django.db import migrations

KINDS = "('breach_proposed', 'reoffence')"

SQL = f"""
CREATE FUNCTION reporting_mark_case(the_case bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reporting_mark(c.start_date), reporting_mark(reporting_local_day(c.closed_at))
        FROM outcomes_diversioncase c WHERE c.id = the_case;
    PERFORM reporting_mark(reporting_local_day(r.returned_at)) FROM outcomes_returntopolice r WHERE r.case_id = the_case;
    PERFORM reporting_mark(reporting_local_day(o.recorded_at)) FROM outcomes_policeoutcome o WHERE o.case_id = the_case;
    PERFORM reporting_mark(reporting_local_day(e.at)) FROM outcomes_caseevent e
        WHERE e.case_id = the_case AND e.kind IN {KINDS};
END $$;

CREATE FUNCTION reporting_mark_case_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM reporting_mark(OLD.start_date), reporting_mark(reporting_local_day(OLD.closed_at));
        PERFORM reporting_mark_case(OLD.id);
    END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM reporting_mark_case(NEW.id); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reporting_stale_insert AFTER INSERT OR DELETE ON outcomes_diversioncase
    FOR EACH ROW EXECUTE FUNCTION reporting_mark_case_row();
CREATE TRIGGER reporting_stale_update AFTER UPDATE ON outcomes_diversioncase FOR EACH ROW WHEN (
    (OLD.start_date, OLD.closed_at, OLD.pathway_id, OLD.young_person_id, OLD.deadline_missed_on,
     OLD.status = 'completed', OLD.status = 'outcome_recorded')
    IS DISTINCT FROM
    (NEW.start_date, NEW.closed_at, NEW.pathway_id, NEW.young_person_id, NEW.deadline_missed_on,
     NEW.status = 'completed', NEW.status = 'outcome_recorded')
) EXECUTE FUNCTION reporting_mark_case_row();

-- A return to police, a police outcome, a breach proposal or further offence: the days of its case, and its own
-- day as it was.
CREATE FUNCTION reporting_mark_case_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF TG_TABLE_NAME = 'outcomes_returntopolice' THEN PERFORM reporting_mark(reporting_local_day(OLD.returned_at));
        ELSIF TG_TABLE_NAME = 'outcomes_policeoutcome' THEN PERFORM reporting_mark(reporting_local_day(OLD.recorded_at));
        ELSE PERFORM reporting_mark(reporting_local_day(OLD.at));
        END IF;
        PERFORM reporting_mark_case(OLD.case_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM reporting_mark_case(NEW.case_id); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reporting_stale AFTER INSERT OR DELETE OR UPDATE OF returned_at, received_at, deadline, case_id
    ON outcomes_returntopolice FOR EACH ROW EXECUTE FUNCTION reporting_mark_case_part();
CREATE TRIGGER reporting_stale AFTER INSERT OR DELETE OR UPDATE OF recorded_at, outcome_id, case_id
    ON outcomes_policeoutcome FOR EACH ROW EXECUTE FUNCTION reporting_mark_case_part();
-- Only the two kinds counted: every other event of a case (most of them) marks nothing.
CREATE TRIGGER reporting_stale_insert AFTER INSERT ON outcomes_caseevent
    FOR EACH ROW WHEN (NEW.kind IN {KINDS}) EXECUTE FUNCTION reporting_mark_case_part();
CREATE TRIGGER reporting_stale_delete AFTER DELETE ON outcomes_caseevent
    FOR EACH ROW WHEN (OLD.kind IN {KINDS}) EXECUTE FUNCTION reporting_mark_case_part();
CREATE TRIGGER reporting_stale_update AFTER UPDATE OF kind, at, case_id ON outcomes_caseevent
    FOR EACH ROW WHEN (OLD.kind IN {KINDS} OR NEW.kind IN {KINDS}) EXECUTE FUNCTION reporting_mark_case_part();

-- A young person's area or ethnic group: also the days of their cases (counted by where they live and by group).
CREATE OR REPLACE FUNCTION reporting_mark_young_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.area IS DISTINCT FROM NEW.area THEN
        PERFORM reporting_mark(started_on) FROM outcomes_intervention WHERE young_person_id = NEW.id;
    END IF;
    IF (OLD.area, OLD.ethnicity) IS DISTINCT FROM (NEW.area, NEW.ethnicity) THEN
        PERFORM reporting_mark_case(id) FROM outcomes_diversioncase WHERE young_person_id = NEW.id;
    END IF;
    IF OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id THEN
        PERFORM reporting_mark_person_after(NEW.id, '-infinity');
        PERFORM reporting_mark_person_after(OLD.merged_into_id, '-infinity');
        PERFORM reporting_mark_person_after(NEW.merged_into_id, '-infinity');
        PERFORM reporting_mark(reporting_local_day(received_at)) FROM referrals_referral WHERE young_person_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER reporting_stale ON referrals_youngperson;
CREATE TRIGGER reporting_stale AFTER UPDATE OF area, ethnicity, merged_into_id ON referrals_youngperson FOR EACH ROW
    WHEN ((OLD.area, OLD.ethnicity, OLD.merged_into_id) IS DISTINCT FROM (NEW.area, NEW.ethnicity, NEW.merged_into_id))
    EXECUTE FUNCTION reporting_mark_young_person();

-- The rollup counts every day again with the cases in it.
DELETE FROM reporting_dailycount;
UPDATE reporting_rollupstate SET through = NULL;
"""

UNDO = """
DROP TRIGGER IF EXISTS reporting_stale ON referrals_youngperson;
CREATE OR REPLACE FUNCTION reporting_mark_young_person() RETURNS trigger LANGUAGE plpgsql AS $$
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
DROP TRIGGER IF EXISTS reporting_stale_insert ON outcomes_caseevent;
DROP TRIGGER IF EXISTS reporting_stale_delete ON outcomes_caseevent;
DROP TRIGGER IF EXISTS reporting_stale_update ON outcomes_caseevent;
DROP TRIGGER IF EXISTS reporting_stale ON outcomes_policeoutcome;
DROP TRIGGER IF EXISTS reporting_stale ON outcomes_returntopolice;
DROP TRIGGER IF EXISTS reporting_stale_insert ON outcomes_diversioncase;
DROP TRIGGER IF EXISTS reporting_stale_update ON outcomes_diversioncase;
DROP FUNCTION IF EXISTS reporting_mark_case_part(), reporting_mark_case_row(), reporting_mark_case(bigint);
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_rollup_covering_index"),
        ("outcomes", "0012_intervention_next_due"),
    ]

    operations = [migrations.RunPython(_on_postgresql(SQL), _on_postgresql(UNDO))]
