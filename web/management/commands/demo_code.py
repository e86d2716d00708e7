"""manage.py demo_code EMAIL [--key]: the code a demo login's authenticator app shows now (or its setup key).

Only with DEBUG on (the `make run` demo): elsewhere it exits 1 and says so.
"""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partners.demo import USERS, demo_totp_secret


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo login (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="A demo login's email, as printed by make run.")
        parser.add_argument("--key", action="store_true", help="Print the setup key to add to an authenticator app.")

    def handle(self, *args, email, key, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code works only for the demo (DEBUG=true).")
        email = email.strip().lower()
        if email not in {e for e, *_ in USERS}:
            raise CommandError(f"{email} is not a demo login.")
        secret = demo_totp_secret(email)
        if key:
            self.stdout.write(secret)
            return
        self.stdout.write(format_hotp_value(hotp_value(secret, int(time.time() // 30))))
