"""manage.py create_api_token EMAIL ORGANISATION_NAME TOKEN_NAME

Prints the new token's secret on stdout, once (only its hash is stored), so a script can capture
it: SECRET=$(manage.py create_api_token ...). Bad input: one line on stderr and exit code 1.
"""

import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from partners import token_services
from partners.access import acting_for
from partners.models import Organisation, User


class Command(BaseCommand):
    help = "Create an API token for a user acting for one organisation, and print its secret once."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The user the token acts as.")
        parser.add_argument("organisation", help="The organisation's name, exactly as shown in the portal.")
        parser.add_argument("name", help="What the token is for, e.g. the partner system's name.")

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.called_from_command_line = False  # argument errors raise CommandError: one line, exit 1
        return parser

    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except CommandError as error:  # argument errors, before execute() could report them
            self.stderr.write(f"CommandError: {error}")
            sys.exit(1)

    def handle(self, *args, email, organisation, name, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user with the email {email!r}.")
        org = Organisation.objects.filter(name=organisation.strip()).first()
        if org is None or not org.active:
            raise CommandError(f"No active organisation named {organisation!r}.")
        acting = acting_for(user, org.pk)
        if acting.organisation is None or acting.organisation.pk != org.pk:
            raise CommandError(f"{user.email} is not a member of {org.name}.")
        try:
            token, secret = token_services.create_token(acting, name)
        except ValidationError as error:  # e.g. an empty name
            raise CommandError(" ".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        self.stderr.write(
            f"Token {token.name!r} ({token.key_prefix}...) for {user.email} acting for {org.name}. "
            "Keep the secret below safe: it is not shown again."
        )
        self.stdout.write(secret)
