"""Migration operations that work on the demo's SQLite as well as on PostgreSQL."""

from django.db import migrations, models


def _without_nulls_order(expression):
    if isinstance(expression, models.OrderBy):
        return models.OrderBy(expression.expression, descending=expression.descending)
    return expression


class PortableAddIndex(migrations.AddIndex):
    """AddIndex whose NULLS FIRST / NULLS LAST are left out on SQLite, which has no such clause in an index.

    SQLite already sorts NULL first going up and last going down, which is what the portal's orderings ask.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite" or not self.index.expressions:
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        index = models.Index(*[_without_nulls_order(e) for e in self.index.expressions],
                             condition=self.index.condition, name=self.index.name)
        schema_editor.add_index(model, index)


class PostgresOnlyAddIndex(migrations.AddIndex):
    """AddIndex for an index only PostgreSQL has (a trigram GIN index): the demo's SQLite goes without it, and the
    search's SQLite path (referrals/search.py) does not ask for it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
