"""manage.py bootstrap_admin: the first VRU and its administrator on an empty portal, and never a second."""

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from partners.access import acting_for, can
from partners.models import Organisation, OrganisationKind, User

pytestmark = pytest.mark.django_db

ARGS = ["--organisation", "West Midlands Violence Reduction Unit", "--email", "First.Admin@vru.example.org",
        "--name", "Fran First", "--noinput"]


def test_it_makes_the_vru_and_its_administrator_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORTAL_ADMIN_PASSWORD", "a-long-bootstrap-password-2026")
    call_command("bootstrap_admin", *ARGS)
    user = User.objects.get(email="first.admin@vru.example.org")
    assert user.check_password("a-long-bootstrap-password-2026") and not user.is_superuser and not user.is_staff
    org = Organisation.objects.get(name="West Midlands Violence Reduction Unit")
    assert org.kind == OrganisationKind.VRU
    acting = acting_for(user)
    assert can(acting, "onboard_organisations") and can(acting, "manage_organisation")


def test_it_refuses_a_second_vru_administrator(monkeypatch):
    monkeypatch.setenv("PORTAL_ADMIN_PASSWORD", "a-long-bootstrap-password-2026")
    call_command("bootstrap_admin", *ARGS)
    with pytest.raises(CommandError, match="already exists"):
        call_command("bootstrap_admin", *ARGS[:3], "second@vru.example.org", *ARGS[4:])
    assert User.objects.count() == 1


@pytest.mark.parametrize("env,args,message", [
    ("", ARGS, "Set PORTAL_ADMIN_PASSWORD"),
    ("short", ARGS, "too short"),
    ("a-long-bootstrap-password-2026", [*ARGS[:3], "not-an-email", *ARGS[4:]], "not a valid email"),
])
def test_bad_input_is_refused_and_writes_nothing(monkeypatch, env, args, message):
    monkeypatch.setenv("PORTAL_ADMIN_PASSWORD", env)
    with pytest.raises(CommandError, match=message):
        call_command("bootstrap_admin", *args)
    assert not User.objects.exists() and not Organisation.objects.exists()


def test_from_the_command_line_a_refusal_is_one_line_and_exit_code_1():
    # No database needed: the missing argument is refused before anything is read.
    result = subprocess.run([sys.executable, "manage.py", "bootstrap_admin", "--noinput"], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "CommandError" in result.stderr
