"""Administration services and rules: invitations, roles, deactivation, organisations."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from partners import admin_services as admin
from partners import rules, token_services
from partners.access import NotFound, acting_for, can
from partners.models import ApiToken, AuditEvent, Invitation, Membership, Organisation, Role, User
from partners.models import OrganisationKind as K
from tests.factories import TEST_PASSWORD, member

pytestmark = pytest.mark.django_db

NOW = timezone.now()
NEW_PASSWORD = "a-long-new-password-2026"


@pytest.fixture
def school_admin(school):
    return member(role=Role.ORG_ADMIN, organisation=school, email="admin@school-a.example.org")


def secret_from_outbox():
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitation/" in line)
    return link.rstrip("/").rsplit("/", 1)[1]


def invite(by, email="new@school-a.example.org", roles=(Role.REFERRER,), **kwargs):
    return admin.invite_person(acting_for(by), email=email, full_name="Nia New", roles=list(roles), now=NOW, **kwargs)


# --- Rules -------------------------------------------------------------------------------------------------


def test_an_invitation_is_valid_for_72_hours_then_expired():
    made = NOW
    expires = rules.invitation_expires_at(made)
    state = dict(expires_at=expires, used_at=None, replaced_at=None, person_active=True)
    assert rules.invitation_state(**state, now=made + timedelta(hours=71, minutes=59)) == rules.VALID
    assert rules.invitation_state(**state, now=made + timedelta(hours=72)) == rules.EXPIRED
    assert rules.invitation_state(**{**state, "used_at": made}, now=made) == rules.USED
    assert rules.invitation_state(**{**state, "replaced_at": made}, now=made) == rules.REPLACED
    assert rules.invitation_state(**{**state, "person_active": False}, now=made) == rules.WITHDRAWN


def test_only_roles_that_make_sense_for_the_kind_of_organisation():
    assert rules.roles_for(K.SCHOOL) == [Role.REFERRER, Role.ORG_ADMIN]
    assert rules.unsuitable_roles(K.SCHOOL, [Role.REFERRER, Role.TRIAGER]) == [Role.TRIAGER]
    assert Role.TRIAGER in rules.roles_for(K.VRU) and Role.CASEWORKER not in rules.roles_for(K.VRU)


def test_the_last_administrator_rule():
    assert not rules.leaves_an_administrator({1}, 1, keeps_admin=False)
    assert rules.leaves_an_administrator({1}, 1, keeps_admin=True)
    assert rules.leaves_an_administrator({1, 2}, 1, keeps_admin=False)


# --- Invitations -------------------------------------------------------------------------------------------


def test_an_invitation_makes_an_account_without_a_password_and_emails_a_one_time_link(school_admin, school):
    invitation = invite(school_admin)
    person = invitation.user
    assert person.email == "new@school-a.example.org" and not person.has_usable_password()
    assert set(Membership.objects.filter(user=person).values_list("organisation", "role")) == {(school.pk, Role.REFERRER)}
    assert invitation.expires_at == NOW + timedelta(hours=72)
    assert [m.to for m in mail.outbox] == [["new@school-a.example.org"]]
    secret = secret_from_outbox()
    # Only a hash is kept: the secret is nowhere in the database.
    assert invitation.token_hash == admin.hash_secret(secret) and secret not in invitation.token_hash
    assert not AuditEvent.objects.filter(detail__icontains=secret).exists()
    assert AuditEvent.objects.filter(object_type="partners.invitation", object_id=str(invitation.pk)).exists()

    admin.accept_invitation(secret, NEW_PASSWORD, now=NOW + timedelta(hours=71))
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    with pytest.raises(ValidationError) as used:
        admin.accept_invitation(secret, "another-password-2026", now=NOW + timedelta(hours=71))
    assert used.value.code == rules.USED
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_an_expired_link_says_so_and_a_resent_one_replaces_it(school_admin):
    invitation = invite(school_admin)
    old = secret_from_outbox()
    with pytest.raises(ValidationError) as expired:
        admin.accept_invitation(old, NEW_PASSWORD, now=NOW + timedelta(hours=72))
    assert expired.value.code == rules.EXPIRED and "Ask your organisation's administrator" in expired.value.messages[0]

    admin.resend_invitation(acting_for(school_admin), invitation.user, now=NOW + timedelta(hours=80))
    new = secret_from_outbox()
    assert new != old and len(mail.outbox) == 2
    with pytest.raises(ValidationError) as replaced:
        admin.accept_invitation(old, NEW_PASSWORD, now=NOW + timedelta(hours=81))
    assert replaced.value.code == rules.REPLACED
    admin.accept_invitation(new, NEW_PASSWORD, now=NOW + timedelta(hours=81))
    with pytest.raises(ValidationError):  # once a password is set, no more invitations: "Forgotten your password?"
        admin.resend_invitation(acting_for(school_admin), invitation.user, now=NOW + timedelta(hours=82))


def test_an_unknown_link_is_refused():
    with pytest.raises(ValidationError) as unknown:
        admin.accept_invitation("not-a-secret", NEW_PASSWORD, now=NOW)
    assert unknown.value.code == rules.UNKNOWN


def test_inviting_an_email_that_has_an_account_is_a_form_error(school_admin, other_referrer):
    with pytest.raises(ValidationError) as error:
        invite(school_admin, email=other_referrer.email.upper())
    assert "already an account" in error.value.message_dict["email"][0]
    assert not mail.outbox


def test_an_invitation_needs_a_role_this_organisation_can_use(school_admin):
    with pytest.raises(ValidationError) as none:
        invite(school_admin, roles=[])
    assert none.value.message_dict["roles"] == ["Select at least one role"]
    with pytest.raises(ValidationError) as wrong:
        invite(school_admin, roles=[Role.TRIAGER])
    assert "roles" in wrong.value.message_dict
    assert not User.objects.filter(email="new@school-a.example.org").exists()


def test_the_same_form_submitted_twice_makes_one_invitation(school_admin):
    key = uuid.uuid4()
    first = invite(school_admin, idempotency_key=key)
    second = invite(school_admin, idempotency_key=key)
    assert first.pk == second.pk and Invitation.objects.count() == 1 and len(mail.outbox) == 1


def test_only_an_administrator_invites(referrer):
    with pytest.raises(PermissionDenied):
        invite(referrer)


# --- Roles -------------------------------------------------------------------------------------------------


def test_an_administrator_changes_anothers_roles_but_never_their_own(school_admin, referrer):
    admin.change_roles(acting_for(school_admin), referrer, [Role.REFERRER, Role.ORG_ADMIN])
    assert set(referrer.memberships.values_list("role", flat=True)) == {Role.REFERRER, Role.ORG_ADMIN}
    with pytest.raises(ValidationError) as own:
        admin.change_roles(acting_for(school_admin), school_admin, [Role.REFERRER])
    assert "your own roles" in own.value.message_dict["roles"][0]
    # Now an administrator too, the referrer still cannot raise (or change) their own roles.
    with pytest.raises(ValidationError):
        admin.change_roles(acting_for(referrer), referrer, [Role.REFERRER])
    admin.change_roles(acting_for(referrer), school_admin, [Role.REFERRER])
    assert not can(acting_for(school_admin), "manage_organisation")


def test_another_organisations_person_answers_404(school_admin, other_referrer):
    with pytest.raises(NotFound):
        admin.change_roles(acting_for(school_admin), other_referrer, [Role.REFERRER])
    with pytest.raises(NotFound):
        admin.deactivate_person(acting_for(school_admin), other_referrer, now=NOW)
    with pytest.raises(NotFound):
        admin.resend_invitation(acting_for(school_admin), other_referrer, now=NOW)


# --- Deactivation ------------------------------------------------------------------------------------------


def test_the_last_administrator_cannot_deactivate_themselves(school_admin, school):
    with pytest.raises(ValidationError) as error:
        admin.deactivate_person(acting_for(school_admin), school_admin, now=NOW)
    assert "last administrator" in error.value.messages[0]
    second = member(role=Role.ORG_ADMIN, organisation=school)
    admin.deactivate_person(acting_for(school_admin), school_admin, now=NOW)
    assert not User.objects.get(pk=school_admin.pk).is_active
    assert can(acting_for(second), "manage_organisation")


def test_deactivation_signs_out_the_open_session_on_the_next_request(client, school_admin, referrer):
    client.force_login(referrer)
    assert client.get(reverse("home")).status_code == 200
    admin.deactivate_person(acting_for(school_admin), referrer, now=NOW)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    referrer.refresh_from_db()
    assert not referrer.is_active
    assert not Membership.objects.filter(user=referrer, active=True).exists()
    # Nor can they sign in again.
    again = client.post(reverse("login"), {"username": referrer.email, "password": TEST_PASSWORD})
    assert again.status_code == 200 and again.context["form"].errors
    assert client.get(reverse("home")).status_code == 302


def test_deactivation_stops_api_tokens_at_once(school_admin, referrer):
    token, secret = token_services.create_token(acting_for(referrer), "MIS")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get(reverse("api-referral-list")).status_code == 200
    admin.deactivate_person(acting_for(school_admin), referrer, now=NOW)
    assert api.get(reverse("api-referral-list")).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at == NOW  # and it stays revoked if they come back
    admin.reactivate_person(acting_for(school_admin), referrer)
    assert api.get(reverse("api-referral-list")).status_code == 401


def test_deactivating_a_person_in_one_organisation_leaves_their_other(client, school_admin, school, yos):
    both = member(role=Role.REFERRER, organisation=school, email="two@example.org")
    Membership.objects.create(user=both, organisation=yos, role=Role.CASEWORKER)
    yos_token, yos_secret = token_services.create_token(acting_for(both, yos.pk), "YOS system")
    school_token, school_secret = token_services.create_token(acting_for(both, school.pk), "School system")
    client.force_login(both)
    session = client.session
    session["acting_organisation_id"] = school.pk
    session.save()

    admin.deactivate_person(acting_for(school_admin), both, now=NOW)
    both.refresh_from_db()
    assert both.is_active  # still a YOS caseworker
    assert acting_for(both, school.pk).organisation == yos
    # Their session ended with the membership; signing in again, they act for the YOS.
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    client.force_login(both)
    assert "Test YOS" in client.get(reverse("home")).content.decode()
    yos_api, school_api = APIClient(), APIClient()
    yos_api.credentials(HTTP_AUTHORIZATION=f"Token {yos_secret}")
    school_api.credentials(HTTP_AUTHORIZATION=f"Token {school_secret}")
    assert school_api.get(reverse("api-referral-list")).status_code == 401
    assert yos_api.get(reverse("api-intervention-list")).status_code == 200
    assert ApiToken.objects.get(pk=yos_token.pk).revoked_at is None

    admin.reactivate_person(acting_for(school_admin), both)
    assert acting_for(both, school.pk).organisation == school


def test_an_invitation_of_a_deactivated_person_is_withdrawn(school_admin):
    invitation = invite(school_admin)
    secret = secret_from_outbox()
    admin.deactivate_person(acting_for(school_admin), invitation.user, now=NOW)
    with pytest.raises(ValidationError) as error:
        admin.accept_invitation(secret, NEW_PASSWORD, now=NOW)
    assert error.value.code == rules.WITHDRAWN


def test_deactivation_and_role_changes_are_audited(school_admin, referrer):
    admin.change_roles(acting_for(school_admin), referrer, [Role.REFERRER, Role.ORG_ADMIN])
    admin.deactivate_person(acting_for(school_admin), referrer, now=NOW)
    events = AuditEvent.objects.filter(object_type="partners.user", object_id=str(referrer.pk), actor=school_admin)
    assert [e.detail.get("action", "roles") for e in events.filter(action="update").order_by("id")] == [
        "roles", "deactivate"]
    assert events.get(action="sessions_ended").detail["reason"] == "deactivated"


# --- Organisations -----------------------------------------------------------------------------------------


@pytest.fixture
def vru_admin(vru):
    return member(role=Role.ORG_ADMIN, organisation=vru, email="admin@vru.test.example.org")


def onboard(by, name="Moor Lane School", key=None, **kwargs):
    data = dict(name=name, kind=K.SCHOOL, area="dudley", admin_name="Ola Admin", admin_email="ola@moorlane.example.org")
    return admin.onboard_organisation(acting_for(by), **{**data, **kwargs}, now=NOW, idempotency_key=key)


def test_the_vru_admin_onboards_an_organisation_with_its_first_administrator(vru_admin):
    invitation = onboard(vru_admin)
    org = invitation.organisation
    assert (org.name, org.kind, org.area, org.active) == ("Moor Lane School", K.SCHOOL, "dudley", True)
    assert invitation.user.email == "ola@moorlane.example.org"
    assert list(invitation.user.memberships.values_list("organisation", "role")) == [(org.pk, Role.ORG_ADMIN)]
    assert mail.outbox[0].to == ["ola@moorlane.example.org"] and "Moor Lane School" in mail.outbox[0].body
    assert AuditEvent.objects.filter(object_type="partners.organisation", object_id=str(org.pk), actor=vru_admin).exists()


def test_organisation_names_are_unique_and_the_form_submitted_twice_makes_one(vru_admin):
    key = uuid.uuid4()
    assert onboard(vru_admin, key=key).pk == onboard(vru_admin, key=key).pk
    with pytest.raises(ValidationError) as error:
        onboard(vru_admin, name="  moor lane   SCHOOL ", admin_email="other@moorlane.example.org")
    assert error.value.message_dict["name"] == ["There is already an organisation with this name"]
    assert Organisation.objects.filter(name__iexact="moor lane school").count() == 1


def test_onboarding_checks_every_answer_and_writes_nothing_when_one_is_wrong(vru_admin, referrer):
    with pytest.raises(ValidationError) as error:
        onboard(vru_admin, name="", kind="vru", area="", admin_name="", admin_email=referrer.email)
    assert set(error.value.message_dict) == {"name", "kind", "admin_name", "admin_email"}
    with pytest.raises(ValidationError) as no_area:
        onboard(vru_admin, area="")
    assert "area" in no_area.value.message_dict
    assert onboard(vru_admin, kind=K.VOLUNTARY, area="").organisation.area == ""  # region-wide charities


def test_only_the_vru_administrator_onboards(school_admin, vru_manager):
    for who in (school_admin, vru_manager):
        with pytest.raises(PermissionDenied):
            onboard(who)


def test_a_deactivated_organisation_acts_for_nobody(vru_admin, school, referrer, client):
    client.force_login(referrer)
    with pytest.raises(ValidationError):
        admin.deactivate_organisation(acting_for(vru_admin), vru_admin.memberships.get().organisation)
    admin.deactivate_organisation(acting_for(vru_admin), school)
    assert acting_for(referrer).organisation is None
    assert client.get(reverse("my-referrals")).status_code == 403
    admin.reactivate_organisation(acting_for(vru_admin), school)
    assert acting_for(referrer).organisation == school
