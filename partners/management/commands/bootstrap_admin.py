"""manage.py bootstrap_admin --organisation NAME --email EMAIL --name FULL_NAME [--noinput]

Makes the very first VRU organisation and its first administrator on an empty portal, who then adds every
other organisation and person through the pages. The password is asked for twice (not echoed), or with
--noinput read from the PORTAL_ADMIN_PASSWORD environment variable, like createsuperuser. The account is not
a Django superuser: it acts only through the access policy. Refuses (one line on stderr, exit code 1) if a
VRU administrator already exists or the input is bad.
"""

import getpass
import os
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from partners import audit
from partners.access import acting_for
from partners.models import Membership, Organisation, OrganisationKind, Role, User

PASSWORD_ENV = "PORTAL_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = "Create the first VRU organisation and its administrator on an empty portal."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="The VRU's name, e.g. 'West Midlands Violence Reduction Unit'.")
        parser.add_argument("--email", required=True, help="The administrator's email address (their sign-in name).")
        parser.add_argument("--name", required=True, help="The administrator's full name.")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help=f"Do not prompt: read the password from ${PASSWORD_ENV}.")

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.called_from_command_line = False  # argument errors raise CommandError: one line, exit 1
        return parser

    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except CommandError as error:
            self.stderr.write(f"CommandError: {error}")
            sys.exit(1)

    def handle(self, *args, organisation, email, name, interactive, **options):
        organisation, name, email = " ".join(organisation.split()), " ".join(name.split()), email.strip().lower()
        if Membership.objects.filter(organisation__kind=OrganisationKind.VRU, role=Role.ORG_ADMIN).exists():
            raise CommandError("A VRU administrator already exists: they add organisations and people in the portal.")
        if not organisation or not name:
            raise CommandError("The organisation's name and the administrator's name may not be empty.")
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid email address.") from None
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"There is already an account with the email {email}.")
        existing = Organisation.objects.filter(name__iexact=organisation).first()
        if existing is not None and existing.kind != OrganisationKind.VRU:
            raise CommandError(f"{existing.name!r} already exists and is not a VRU.")
        password = self._password(interactive)
        try:
            validate_password(password, User(email=email, full_name=name))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        with transaction.atomic():
            org = existing or Organisation.objects.create(name=organisation, kind=OrganisationKind.VRU, area="")
            user = User.objects.create_user(email, password, full_name=name)
            Membership.objects.create(user=user, organisation=org, role=Role.ORG_ADMIN)
            audit.record(acting_for(user, org.pk), audit.AuditAction.CREATE, user,
                         detail={"roles": [Role.ORG_ADMIN], "bootstrap": True})
        self.stdout.write(f"{user.email} is the administrator of {org.name}. Sign in to add organisations and people.")

    def _password(self, interactive):
        if not interactive:
            password = os.environ.get(PASSWORD_ENV, "")
            if not password:
                raise CommandError(f"Set {PASSWORD_ENV} when using --noinput.")
            return password
        if not sys.stdin.isatty():
            raise CommandError(f"No terminal to ask for a password: use --noinput with {PASSWORD_ENV}.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return password
