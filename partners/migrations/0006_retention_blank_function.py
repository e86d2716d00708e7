"""The one way the application may change a row of an append-only table: retention_blank(table, columns, ids).

The application's role has no UPDATE on append-only tables (partners/db_roles.py), because with it anyone
connected as the application could set `pgtrigger.ignore` and rewrite a timeline with any text. Retention
still has to blank the prose people wrote there, so this function does it as its owner (SECURITY DEFINER),
and only what retention wrote before it existed: a text column becomes the REMOVED note (an empty one stays
empty), a detail loses its free-text keys. Nothing the caller passes is ever written; the tables and columns
are the fixed list below (tests/partners/test_retention_blank.py keeps it equal to db_roles.RETENTION_BLANKS,
and the note and keys equal to referrals.retention_rules.REMOVED and retention.FREE_TEXT_DETAIL_KEYS).
The append-only trigger is told to stand aside for this one statement only, and the search path is pinned so
a caller's temporary objects cannot stand in for the tables or operators.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.retention_blank(p_table text, p_columns text[], p_ids bigint[])
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, {schema}, pg_temp
AS $function$
DECLARE
    blanks CONSTANT jsonb := '{{
        "referrals_referralevent": {{"summary": "text", "detail": "detail"}},
        "cohorts_review": {{"summary": "text"}},
        "cohorts_tierchange": {{"reason": "text"}},
        "outcomes_session": {{"reason": "text", "correction_reason": "text"}},
        "outcomes_assessment": {{"correction_reason": "text"}},
        "outcomes_caseevent": {{"summary": "text", "detail": "detail"}},
        "outcomes_policeoutcome": {{"notes": "text"}}
    }}';
    removed CONSTANT text := 'Removed under the retention rule';
    free_text_keys CONSTANT text[] := ARRAY['reason', 'to', 'crime_reference'];
    kinds jsonb := blanks -> p_table;
    assignments text[] := '{{}}';
    col text;
    guard text;
    previous text;
    changed integer;
BEGIN
    IF kinds IS NULL THEN
        RAISE EXCEPTION 'retention_blank: % is not a table whose prose retention blanks', p_table;
    END IF;
    IF coalesce(cardinality(p_columns), 0) = 0 THEN
        RAISE EXCEPTION 'retention_blank: name at least one column of %', p_table;
    END IF;
    FOREACH col IN ARRAY p_columns LOOP
        CASE kinds ->> col
            WHEN 'text' THEN
                assignments := assignments || format('%1$I = CASE WHEN %1$I = %2$L THEN %2$L ELSE %3$L END',
                                                     col, '', removed);
            WHEN 'detail' THEN
                assignments := assignments || format('%1$I = %1$I - %2$L::text[]', col, free_text_keys);
            ELSE
                RAISE EXCEPTION 'retention_blank: retention does not blank %.%', p_table, col;
        END CASE;
    END LOOP;
    SELECT tgname INTO guard FROM pg_trigger
     WHERE tgrelid = format('%I.%I', {schema_literal}, p_table)::regclass AND tgname LIKE 'pgtrigger\\_append\\_only\\_%';
    previous := current_setting('pgtrigger.ignore', true);
    PERFORM set_config('pgtrigger.ignore', format('{{%s}}', guard), true);
    EXECUTE format('UPDATE %I.%I SET %s WHERE id = ANY($1)', {schema_literal}, p_table,
                   array_to_string(assignments, ', ')) USING p_ids;
    GET DIAGNOSTICS changed = ROW_COUNT;
    PERFORM set_config('pgtrigger.ignore', coalesce(previous, ''), true);
    RETURN changed;
END
$function$;
REVOKE EXECUTE ON FUNCTION {schema}.retention_blank(text, text[], bigint[]) FROM PUBLIC;
"""


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return  # SQLite (the demo) has no roles or triggers: retention updates the rows itself.
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema(), quote_ident(current_schema()), quote_literal(current_schema())")
        _name, schema, schema_literal = cursor.fetchone()
        cursor.execute(FUNCTION.format(schema=schema, schema_literal=schema_literal))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS retention_blank(text, text[], bigint[])")


class Migration(migrations.Migration):

    dependencies = [
        ("partners", "0005_idempotency_keys"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
