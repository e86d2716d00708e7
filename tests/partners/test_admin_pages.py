"""The administration pages with the Django client: what an administrator sees, types and gets back."""

import html as htmllib
import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners import admin_services, token_services
from partners.access import acting_for
from partners.models import ApiToken, Invitation, Membership, Organisation, Role, User
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_admin(school):
    return member(role=Role.ORG_ADMIN, organisation=school, email="admin@school-a.example.org", full_name="Sol Admin")


@pytest.fixture
def admin_client(client, school_admin):
    client.force_login(school_admin)
    return client


@pytest.fixture
def vru_admin_client(client, vru):
    client.force_login(member(role=Role.ORG_ADMIN, organisation=vru, email="admin@vru.test.example.org"))
    return client


def text(response):
    return response.content.decode()


def summary_links(response):
    html = text(response)
    block = html[html.index("govuk-error-summary"):]
    found = re.findall(r'<li><a href="(#[^"]+)">([^<]+)</a></li>', block[:block.index("</ul>")])
    return [(href, htmllib.unescape(message)) for href, message in found]


def invite_data(**extra):
    return {"full_name": "Nia New", "email": "nia@school-a.example.org", "roles": ["referrer"],
            "idempotency_key": str(uuid.uuid4()), **extra}


# --- Reaching the pages ------------------------------------------------------------------------------------


def test_the_home_page_and_navigation_link_to_the_administrators_pages(admin_client):
    html = text(admin_client.get(reverse("home")))
    for name in ("people", "tokens"):
        assert f'href="{reverse(name)}"' in html
    assert f'href="{reverse("organisations")}"' not in html  # a school's administrator onboards nobody


def test_the_vru_administrator_also_sees_organisations(vru_admin_client):
    assert f'href="{reverse("organisations")}"' in text(vru_admin_client.get(reverse("home")))


# --- People ------------------------------------------------------------------------------------------------


def test_people_lists_this_organisations_people_with_roles_sign_in_and_status(admin_client, school_admin, referrer,
                                                                            other_referrer):
    User.objects.filter(pk=referrer.pk).update(last_login=timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 15)))
    admin_services.invite_person(acting_for(school_admin), email="nia@school-a.example.org", full_name="Nia New",
                                 roles=["referrer"], now=timezone.now())
    html = text(admin_client.get(reverse("people")))
    assert referrer.email in html and "Referrer" in html and "Organisation administrator" in html
    assert "2 Mar 2026 09:15" in html and "Never" in html  # Nia has not signed in yet
    assert "Active" in html and "Invited" in html
    assert other_referrer.email not in html


def test_people_are_paginated(admin_client, school):
    for n in range(51):
        member(role=Role.REFERRER, organisation=school, email=f"p{n:02}@school-a.example.org", full_name=f"Person {n:02}")
    first = text(admin_client.get(reverse("people")))
    assert "52 people" in first and 'aria-label="Page 2"' in first
    assert "Person 50" in text(admin_client.get(reverse("people") + "?page=2"))


def test_the_invite_form_offers_only_this_organisations_roles_none_ticked(admin_client):
    html = text(admin_client.get(reverse("person-invite")))
    assert 'value="referrer"' in html and 'value="org_admin"' in html
    assert 'value="triager"' not in html and 'value="caseworker"' not in html
    assert "checked" not in html


def test_an_invitation_is_sent_and_the_person_is_shown_as_invited(admin_client, school):
    response = admin_client.post(reverse("person-invite"), invite_data())
    person = User.objects.get(email="nia@school-a.example.org")
    assert response.status_code == 302 and response["Location"] == reverse("person-detail", args=[person.pk])
    page = text(admin_client.get(response["Location"]))
    assert "Invitation sent to nia@school-a.example.org" in page and "Invited" in page
    assert "Send a new invitation" in page
    assert len(mail.outbox) == 1 and "/invitation/" in mail.outbox[0].body


def test_invite_errors_are_summarised_with_links_to_their_fields(admin_client):
    response = admin_client.post(reverse("person-invite"), invite_data(full_name="", email="not-an-email", roles=[]))
    assert response.status_code == 200 and text(response).count("Error: Invite a person") == 1
    assert summary_links(response) == [
        ("#id_full_name", "Enter the person's full name"),
        ("#id_email", "Enter an email address in the correct format, like name@example.org"),
        ("#id_roles_1", "Select at least one role"),
    ]
    assert 'id="id_roles_1"' in text(response)
    assert not User.objects.filter(full_name="").exists()


def test_inviting_an_existing_account_is_a_clear_form_error(admin_client, other_referrer):
    response = admin_client.post(reverse("person-invite"), invite_data(email=other_referrer.email))
    assert summary_links(response)[0][0] == "#id_email"
    assert "already an account with this email address" in summary_links(response)[0][1]
    assert not mail.outbox


def test_a_double_clicked_invitation_makes_one(admin_client):
    data = invite_data()
    first = admin_client.post(reverse("person-invite"), data)
    second = admin_client.post(reverse("person-invite"), data)
    assert first["Location"] == second["Location"]
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1


def test_an_administrator_changes_roles_but_not_their_own(admin_client, school_admin, referrer):
    own = text(admin_client.get(reverse("person-detail", args=[school_admin.pk])))
    assert "You cannot change your own roles" in own and 'name="roles"' not in own
    refused = admin_client.post(reverse("person-detail", args=[school_admin.pk]), {"roles": ["referrer"]})
    assert "You cannot change your own roles" in text(refused)
    assert Membership.objects.filter(user=school_admin, role=Role.ORG_ADMIN).exists()

    changed = admin_client.post(reverse("person-detail", args=[referrer.pk]), {"roles": ["referrer", "org_admin"]})
    assert changed.status_code == 302
    assert set(referrer.memberships.values_list("role", flat=True)) == {"referrer", "org_admin"}
    empty = admin_client.post(reverse("person-detail", args=[referrer.pk]), {})
    assert summary_links(empty) == [("#id_roles_1", "Select at least one role")]


def test_deactivating_and_reactivating_a_person(admin_client, referrer):
    url = reverse("person-deactivate", args=[referrer.pk])
    assert "Deactivate Test User" in text(admin_client.get(url)) or "Deactivate" in text(admin_client.get(url))
    assert admin_client.post(url)["Location"] == reverse("person-detail", args=[referrer.pk])
    page = text(admin_client.get(reverse("person-detail", args=[referrer.pk])))
    assert "Deactivated" in page and "Reactivate" in page
    admin_client.post(reverse("person-reactivate", args=[referrer.pk]))
    assert User.objects.get(pk=referrer.pk).is_active


def test_the_last_administrator_is_told_why_they_cannot_deactivate_themselves(admin_client, school_admin):
    response = admin_client.post(reverse("person-deactivate", args=[school_admin.pk]))
    assert response.status_code == 200
    assert summary_links(response) == [("#confirm", "You are the organisation's last administrator: make someone "
                                                    "else an administrator before you deactivate yourself.")]
    assert User.objects.get(pk=school_admin.pk).is_active


def test_another_organisations_person_answers_404(admin_client, other_referrer):
    for name in ("person-detail", "person-deactivate"):
        assert admin_client.get(reverse(name, args=[other_referrer.pk])).status_code == 404
    for name in ("person-deactivate", "person-reactivate", "person-resend-invitation"):
        assert admin_client.post(reverse(name, args=[other_referrer.pk])).status_code == 404
    assert User.objects.get(pk=other_referrer.pk).is_active


def test_resending_an_invitation(admin_client):
    admin_client.post(reverse("person-invite"), invite_data())
    person = User.objects.get(email="nia@school-a.example.org")
    response = admin_client.post(reverse("person-resend-invitation", args=[person.pk]), follow=True)
    assert "A new invitation has been sent" in text(response) and len(mail.outbox) == 2


# --- The invitation link -----------------------------------------------------------------------------------


def _invited(school_admin, now=None):
    admin_services.invite_person(acting_for(school_admin), email="nia@school-a.example.org", full_name="Nia New",
                                 roles=["referrer"], now=now or timezone.now())
    return re.search(r"/invitation/[^/\s]+/", mail.outbox[-1].body).group(0)


def test_an_invited_person_chooses_a_password_once_then_signs_in(client, school_admin):
    path = _invited(school_admin)
    page = client.get(path)
    assert "Choose your password" in text(page) and "nia@school-a.example.org" in text(page)
    short = client.post(path, {"new_password1": "short", "new_password2": "short"})
    assert "Error: Choose your password" in text(short)
    done = client.post(path, {"new_password1": "a-long-new-password-2026", "new_password2": "a-long-new-password-2026"})
    assert done["Location"] == reverse("login")
    assert User.objects.get(email="nia@school-a.example.org").check_password("a-long-new-password-2026")
    again = text(client.get(path))
    assert "already been used" in again and "Choose your password" not in again


def test_an_expired_link_says_so_and_to_ask_for_a_new_invitation(client, school_admin):
    path = _invited(school_admin, now=timezone.now() - timedelta(hours=73))
    html = text(client.get(path))
    assert "This invitation link has expired" in html and "send you a new invitation" in html
    posted = client.post(path, {"new_password1": "a-long-new-password-2026", "new_password2": "a-long-new-password-2026"})
    assert "has expired" in text(posted)
    assert not User.objects.get(email="nia@school-a.example.org").has_usable_password()


# --- API tokens --------------------------------------------------------------------------------------------


def token_data(**extra):
    day = timezone.localdate() + timedelta(days=90)
    return {"scope": "read", "expires_on_0": str(day.day), "expires_on_1": str(day.month),
            "expires_on_2": str(day.year), **extra}


def test_an_administrator_creates_a_token_sees_the_secret_once_and_revokes_it(admin_client, referrer):
    response = admin_client.post(reverse("token-new"), token_data(name="School MIS", user=referrer.pk))
    secret = re.search(r'data-testid="secret">([^<]+)<', text(response)).group(1)
    token = ApiToken.objects.get(name="School MIS")
    assert token.user == referrer and token.key_hash == token_services.hash_secret(secret)
    assert token.read_only and timezone.localtime(token.expires_at).date() == timezone.localdate() + timedelta(days=90)
    listing = text(admin_client.get(reverse("tokens")))
    assert "School MIS" in listing and token.key_prefix in listing and secret not in listing
    admin_client.post(reverse("token-revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_form_errors_link_to_their_fields(admin_client):
    response = admin_client.post(reverse("token-new"), {"name": "", "user": ""})
    assert summary_links(response) == [("#id_name", "Enter a name for the token"),
                                       ("#id_user", "Select the person the token acts as"),
                                       ("#id_scope_1", "Select what the token may do"),
                                       ("#id_expires_on_0", "Enter the date the token expires")]


def test_a_token_expires_within_a_year_and_the_question_of_its_scope_is_never_answered_for_you(admin_client, referrer):
    day = timezone.localdate() + timedelta(days=400)
    response = admin_client.post(reverse("token-new"), token_data(
        name="Too long", user=referrer.pk, expires_on_0=str(day.day), expires_on_1=str(day.month),
        expires_on_2=str(day.year)))
    assert any("within a year" in message for _, message in summary_links(response))
    unanswered = admin_client.post(reverse("token-new"), {k: v for k, v in token_data(
        name="No scope", user=referrer.pk).items() if k != "scope"})
    assert ("#id_scope_1", "Select what the token may do") in summary_links(unanswered)
    assert not ApiToken.objects.exists()


def test_another_organisations_token_answers_404(admin_client, other_referrer):
    token, _ = token_services.create_token(acting_for(other_referrer), "Theirs")
    assert admin_client.get(reverse("token-revoke", args=[token.pk])).status_code == 404
    assert admin_client.post(reverse("token-revoke", args=[token.pk])).status_code == 404
    assert "Theirs" not in text(admin_client.get(reverse("tokens")))
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


# --- Organisations -----------------------------------------------------------------------------------------


def org_data(**extra):
    return {"name": "Moor Lane School", "kind": "school", "area": "dudley", "admin_name": "Ola Admin",
            "admin_email": "ola@moorlane.example.org", "idempotency_key": str(uuid.uuid4()), **extra}


def test_the_vru_administrator_adds_an_organisation_once_however_often_it_is_submitted(vru_admin_client):
    data = org_data()
    first = vru_admin_client.post(reverse("organisation-new"), data)
    second = vru_admin_client.post(reverse("organisation-new"), data)
    assert first["Location"] == second["Location"] == reverse("organisations")
    assert Organisation.objects.filter(name="Moor Lane School").count() == 1 and len(mail.outbox) == 1
    listing = text(vru_admin_client.get(reverse("organisations")))
    assert "Moor Lane School" in listing and "Dudley" in listing


def test_organisation_form_errors_are_summarised_and_a_taken_name_is_clear(vru_admin_client, school):
    empty = vru_admin_client.post(reverse("organisation-new"), org_data(name="", kind="", admin_name="", admin_email=""))
    assert [href for href, _ in summary_links(empty)] == ["#id_name", "#id_kind_1", "#id_admin_name", "#id_admin_email"]
    taken = vru_admin_client.post(reverse("organisation-new"), org_data(name=school.name.upper()))
    assert summary_links(taken) == [("#id_name", "There is already an organisation with this name")]
    assert not User.objects.filter(email="ola@moorlane.example.org").exists()


def test_the_vru_administrator_deactivates_an_organisation(vru_admin_client, school, referrer):
    url = reverse("organisation-deactivate", args=[school.pk])
    assert "Deactivate Test School A?" in text(vru_admin_client.get(url))
    assert vru_admin_client.post(url)["Location"] == reverse("organisations")
    assert not Organisation.objects.get(pk=school.pk).active
    assert acting_for(referrer).organisation is None
