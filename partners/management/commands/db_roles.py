from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from partners import db_roles


class Command(BaseCommand):
    help = ("Print (or, with --apply, run) the PostgreSQL set-up for production: an owner role that owns the tables "
            "and runs migrations, and an application role that owns none and cannot rewrite append-only tables.")

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="vrp_owner", help="The role that owns the tables and runs migrations.")
        parser.add_argument("--app", default="vrp_app", help="The role the web and worker processes connect as.")
        parser.add_argument("--schema", default="public")
        parser.add_argument("--apply", action="store_true",
                            help="Run the statements now, in one transaction, as DATABASE_URL's user (a superuser).")

    def handle(self, *args, owner, app, schema, apply, **options):
        problem = db_roles.check_names(owner, app, schema)
        if problem:
            raise CommandError(problem)
        steps = db_roles.sql(owner, app, schema)
        if not apply:
            self.stdout.write("\n".join(steps))
            return
        if connection.vendor != "postgresql":
            raise CommandError("db_roles --apply needs PostgreSQL; SQLite (the demo) has no roles or triggers.")
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for step in steps:
                    if not step.startswith("--"):
                        cursor.execute(step)
        except Exception as error:  # a database refusal: one line, nothing half applied (one transaction)
            raise CommandError(f"nothing applied: {str(error).strip().splitlines()[0]}") from error
        self.stdout.write(f"Applied: {app} owns no table and may only read and add rows to "
                          f"{len(db_roles.append_only_tables())} append-only tables; {owner} owns the tables.")
