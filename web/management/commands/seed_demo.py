from django.core.management.base import BaseCommand
from django.db import transaction

from partners.demo import DEMO_PASSWORD, USERS, seed_organisations_and_users


class Command(BaseCommand):
    help = "Create (or top up) synthetic demo data and print the demo logins. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, **options):
        from cohorts.demo import seed_cohorts
        from documents.demo import seed_notes
        from outcomes.demo import seed_outcomes
        from referrals.demo import seed_referrals
        from reporting.demo import seed_history, seed_population

        with transaction.atomic():
            orgs, users = seed_organisations_and_users()
            made = seed_referrals(orgs, users)
            cases, interventions = seed_outcomes(orgs, users)
            cohorts = seed_cohorts(orgs, users)
            notes = seed_notes(users)
            # After the scripted referrals and cases: they seed only into an empty table.
            history = seed_history(orgs, users)
            seed_population()
        if made:
            self.stdout.write(f"Added {made} synthetic referrals.")
        if cases or interventions:
            self.stdout.write(f"Added {cases} diversion cases and {interventions} interventions.")
        if cohorts:
            self.stdout.write(f"Added {cohorts} cohorts with members, reviews and plans.")
        if notes:
            self.stdout.write(f"Added {notes} case notes.")
        if history:
            self.stdout.write("Added 18 months of history for the figures: {referrals} referrals, {cases} cases, "
                              "{interventions} interventions.".format(**history))
        if options["quiet_logins"]:
            return
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at http://127.0.0.1:8000/ with:"))
        width = max(len(email) for email, *_ in USERS)
        for email, _name, org, roles in USERS:
            role_names = ", ".join(r.label for r in roles)
            self.stdout.write(f"  {email:<{width}}  {DEMO_PASSWORD}  {role_names}, {org}")
        self.stdout.write("Each login asks for a code from an authenticator app. Get the current one with\n"
                          "  .venv/bin/python manage.py demo_code EMAIL\n"
                          "or add a login's setup key (manage.py demo_code EMAIL --key) to any authenticator app.")
