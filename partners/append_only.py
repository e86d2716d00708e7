"""The database's own guard on the tables people never rewrite: the audit trail, the timelines, tier history.

Every such model puts `append_only.triggers()` in its Meta. On PostgreSQL that refuses UPDATE and DELETE
(row level, the "append_only" trigger, which only the retention_blank function has stand aside, to blank
prose) and TRUNCATE (statement level, "no_truncate": a row trigger never sees a TRUNCATE, with or without
CASCADE). SQLite (the demo) has no triggers. A trigger only stops the owner's mistakes: the application's own
role must also lack the privileges, which `manage.py db_roles` sets up (see partners/db_roles.py and the README).
"""

import pgtrigger

APPEND_ONLY = "append_only"
NO_TRUNCATE = "no_truncate"


def triggers():
    return [
        pgtrigger.Protect(name=APPEND_ONLY, operation=pgtrigger.Update | pgtrigger.Delete),
        pgtrigger.Trigger(
            name=NO_TRUNCATE, level=pgtrigger.Statement, when=pgtrigger.Before, operation=pgtrigger.Truncate,
            func="RAISE EXCEPTION 'pgtrigger: Cannot truncate % table', TG_TABLE_NAME;",
        ),
    ]


def models():
    """Every model that carries the guard, found from the trigger registry so a new one needs no list kept."""
    return sorted({model for model, trigger in pgtrigger.registered() if trigger.name == NO_TRUNCATE},
                  key=lambda model: model._meta.label)
