"""Django's SQLite backend, which first makes the database file's folder (var/ for the demo).

Settings only name the folder: making it at import would write to the disk wherever settings are read (a
check, a test run against PostgreSQL, a read-only container). SQLite cannot open a file in a missing folder.
"""

from pathlib import Path

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        database = str(conn_params.get("database", ""))
        if database and not self.creation.is_in_memory_db(database):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        return super().get_new_connection(conn_params)
