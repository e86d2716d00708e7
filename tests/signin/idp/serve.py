"""python -m tests.signin.idp.serve PORT: migrate a fresh SQLite provider, add its people and the portal as a
client (IDP_PEOPLE, IDP_CLIENT JSON), and serve it on 127.0.0.1:PORT until killed."""

import json
import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.signin.idp.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main(port):
    call_command("migrate", verbosity=0)
    for person in json.loads(os.environ["IDP_PEOPLE"]):
        User.objects.create_user(person["username"], person["email"], person["password"],
                                 first_name=person.get("first_name", ""), last_name=person.get("last_name", ""))
    client = json.loads(os.environ["IDP_CLIENT"])
    Application.objects.create(
        name="Portal", client_id=client["client_id"], client_secret=client["client_secret"], hash_client_secret=False,
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]), algorithm=Application.RS256_ALGORITHM, skip_authorization=True)
    server = make_server("127.0.0.1", port, WSGIHandler(), handler_class=Quiet)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]))
