"""API tokens: made and revoked through services, stored hashed, acting for one organisation only."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from partners import token_services
from partners.access import NotFound, acting_for
from partners.management.commands.create_api_token import Command
from partners.models import ApiToken, AuditAction, AuditEvent, Role
from tests.factories import member

pytestmark = pytest.mark.django_db

LIST = reverse("api-referral-list")
QUEUE = reverse("api-triage-queue")


def client_with(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_a_token_is_made_for_the_acting_user_and_organisation_and_audited(referrer, school):
    token, secret = token_services.create_token(acting_for(referrer), "  MIS connector  ")
    assert (token.user, token.organisation, token.name) == (referrer, school, "MIS connector")
    assert len(secret) >= 40 and token.key_prefix == secret[:8] and token.key_hash != secret
    assert token.key_hash == token_services.hash_secret(secret) and len(token.key_hash) == 64
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="partners.apitoken")
    assert event.actor == referrer and event.organisation == school and event.object_id == str(token.pk)
    assert secret not in str(event.detail) and event.detail["key_prefix"] == token.key_prefix
    assert token_services.create_token(acting_for(referrer), "Second")[1] != secret


def test_a_token_needs_a_name_and_a_membership(referrer):
    with pytest.raises(ValidationError):
        token_services.create_token(acting_for(referrer), "   ")
    outsider = member(role=Role.REFERRER)
    outsider.memberships.all().delete()
    with pytest.raises(PermissionDenied):  # nobody to act for
        token_services.create_token(acting_for(outsider), "Nope")
    assert not ApiToken.objects.exists()


def test_the_owner_or_an_organisation_admin_revokes_and_nobody_else(referrer, other_referrer, school):
    token, _ = token_services.create_token(acting_for(referrer), "To revoke")
    with pytest.raises(NotFound):
        token_services.revoke_token(acting_for(other_referrer), token)
    colleague = member(role=Role.REFERRER, organisation=school)
    with pytest.raises(NotFound):
        token_services.revoke_token(acting_for(colleague), token)
    admin = member(role=Role.ORG_ADMIN, organisation=school)
    revoked = token_services.revoke_token(acting_for(admin), token)
    assert revoked.revoked_at is not None
    assert token_services.revoke_token(acting_for(referrer), token).revoked_at == revoked.revoked_at  # again: harmless
    events = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="partners.apitoken")
    assert [(e.actor, e.detail["action"]) for e in events] == [(admin, "revoke")]


def test_a_token_authenticates_and_records_its_last_use(referrer):
    token, secret = token_services.create_token(acting_for(referrer), "Live")
    assert token.last_used_at is None
    assert client_with(secret).get(LIST).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("spoil", ["revoke", "deactivate_user", "deactivate_organisation", "remove_membership"])
def test_a_token_stops_working_when_its_user_or_organisation_does(referrer, school, vru, spoil):
    # The user also belongs to the VRU: a token for the school must never fall back to acting for the VRU.
    referrer.memberships.create(organisation=vru, role=Role.TRIAGER)
    token, secret = token_services.create_token(acting_for(referrer, school.pk), "School system")
    assert client_with(secret).get(LIST).status_code == 200
    if spoil == "revoke":
        token_services.revoke_token(acting_for(referrer, school.pk), token)
    elif spoil == "deactivate_user":
        type(referrer).objects.filter(pk=referrer.pk).update(is_active=False)
    elif spoil == "deactivate_organisation":
        type(school).objects.filter(pk=school.pk).update(active=False)
    else:
        referrer.memberships.filter(organisation=school).delete()
    response = client_with(secret).get(LIST)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid, expired or revoked token."
    assert client_with(secret).get(QUEUE).status_code == 401


def test_a_token_acts_for_its_organisation_only(referrer, school, vru):
    """A user who is a school referrer and a VRU triager: the school's token cannot triage."""
    referrer.memberships.create(organisation=vru, role=Role.TRIAGER)
    _, school_secret = token_services.create_token(acting_for(referrer, school.pk), "School system")
    _, vru_secret = token_services.create_token(acting_for(referrer, vru.pk), "VRU system")
    assert client_with(school_secret).get(QUEUE).status_code == 403
    assert client_with(vru_secret).get(QUEUE).status_code == 200


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token ünïcode", "Token " + "x" * 43])
def test_a_malformed_or_unknown_token_is_401(referrer, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(LIST)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


# --- The management command ----------------------------------------------------------------


def test_the_command_prints_a_working_secret_once(referrer, school):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", referrer.email.upper(), school.name, "MIS connector", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert "\n" not in secret and ApiToken.objects.get().key_hash == token_services.hash_secret(secret)
    assert secret not in err.getvalue() and "not shown again" in err.getvalue()
    assert client_with(secret).get(LIST).status_code == 200


@pytest.fixture
def run(monkeypatch):
    """Run the command as manage.py does (run_from_argv), without it closing the test's database connection."""
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    def run(*args):
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(SystemExit) as exit_:
            Command(stdout=out, stderr=err).run_from_argv(["manage.py", "create_api_token", *args])
        return exit_.value.code, out.getvalue(), err.getvalue()

    return run


@pytest.mark.parametrize(
    "args",
    [
        ("nobody@example.org", "Test School A", "X"),
        ("dsl@school-a.example.org", "No Such School", "X"),
        ("dsl@school-a.example.org", "Test School B", "X"),  # not a member there
        ("dsl@school-a.example.org", "Test School A", "  "),
        ("dsl@school-a.example.org", "Test School A"),  # a missing argument
    ],
)
def test_the_command_on_bad_input_says_one_line_and_exits_1(run, referrer, other_school, args):
    code, out, err = run(*args)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("CommandError: ")
    assert not ApiToken.objects.exists()
