"""Access ends when it should: sessions end on their next request, and sensitive actions ask for the factor again."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from partners import token_services
from partners.access import acting_for
from partners.models import ApiToken, AuditAction, AuditEvent, Role
from tests.factories import member
from tests.signin.helpers import code_for, enrol_app, record_factor

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/18.0 Safari/604.1")


@pytest.fixture
def school_admin(school):
    return member(role=Role.ORG_ADMIN, organisation=school, email="admin@school-a.example.org", full_name="Sol Admin")


def signed_in(user, agent=BROWSER, ip="10.0.0.1"):
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    client.force_login(user)
    return client


def home_status(client):
    return client.get(reverse("home")).status_code


def test_deactivating_a_person_ends_their_sessions_on_the_next_request(school_admin, referrer, school):
    theirs = signed_in(referrer)
    assert home_status(theirs) == 200
    admin = signed_in(school_admin)
    admin.post(reverse("person-deactivate", args=[referrer.pk]))
    response = theirs.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    event = AuditEvent.objects.get(action=AuditAction.SESSIONS_ENDED, object_id=str(referrer.pk))
    assert event.actor == school_admin and event.detail["reason"] == "deactivated"


def test_a_person_in_two_organisations_deactivated_in_one_is_signed_out_everywhere(school_admin, school, yos):
    both = member(role=Role.REFERRER, organisation=school, email="both@example.org")
    from partners.models import Membership

    Membership.objects.create(user=both, organisation=yos, role=Role.CASEWORKER)
    theirs = signed_in(both)
    assert home_status(theirs) == 200
    signed_in(school_admin).post(reverse("person-deactivate", args=[both.pk]))
    assert home_status(theirs) == 302
    # They can sign in again for the organisation they still belong to.
    both.refresh_from_db()
    again = signed_in(both)
    response = again.get(reverse("home"))
    assert response.status_code == 200, response.get("Location")


def test_your_sessions_lists_each_device_and_signs_out_the_others(referrer):
    laptop = signed_in(referrer, BROWSER, "10.0.0.1")
    phone = signed_in(referrer, PHONE, "10.0.0.2")
    assert home_status(phone) == 200
    page = laptop.get(reverse("sessions")).content.decode()
    assert "Chrome on Windows" in page and "Safari on iPhone" in page and "This session" in page
    assert "Sign out of the other 1 session" in page
    laptop.post(reverse("sessions"))
    assert home_status(phone) == 302
    assert home_status(laptop) == 200
    assert AuditEvent.objects.filter(action=AuditAction.SESSIONS_ENDED, actor=referrer,
                                     detail__reason="signed_out_others").exists()


def test_an_administrator_resets_a_members_factors_after_entering_their_own_again(school_admin, referrer):
    enrol_app(referrer)
    theirs = signed_in(referrer)
    admin_secret = enrol_app(school_admin)
    admin = signed_in(school_admin)
    record_factor(admin, school_admin, seconds_ago=16 * 60)  # signed in 16 minutes ago
    url = reverse("person-reset-factors", args=[referrer.pk])
    asked = admin.post(url)
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("mfa_reauthenticate"))
    assert not AuditEvent.objects.filter(action=AuditAction.FACTORS_RESET).exists()
    # The code, then the reset they asked for is carried out.
    done = admin.post(asked["Location"], {"code": code_for(admin_secret)})
    assert done.status_code == 302
    assert not referrer.authenticator_set.exists()
    assert AuditEvent.objects.get(action=AuditAction.FACTORS_RESET).actor == school_admin
    # Their sessions ended; at their next sign-in they set up a factor again.
    assert home_status(theirs) == 302


def test_nobody_resets_their_own_factors_or_another_organisations_person(school_admin, other_referrer):
    admin = signed_in(school_admin)
    assert admin.get(reverse("person-reset-factors", args=[school_admin.pk])).status_code == 403
    assert admin.get(reverse("person-reset-factors", args=[other_referrer.pk])).status_code == 404


@pytest.mark.parametrize("action", ["audit_export", "new_token", "revoke_token", "change_roles", "deactivate",
                                    "invite", "reset_factors"])
def test_each_sensitive_action_refuses_a_stale_second_factor(action, school_admin, referrer, vru_manager):
    person = vru_manager if action == "audit_export" else school_admin  # the audit trail is the VRU's to export
    client = signed_in(person)
    record_factor(client, person, seconds_ago=16 * 60)
    token, _ = token_services.create_token(acting_for(school_admin), "Kept")
    method, url, data = {
        "audit_export": ("get", reverse("audit-events-csv"), None),
        "new_token": ("post", reverse("token-new"), {"name": "New", "user": school_admin.pk}),
        "revoke_token": ("post", reverse("token-revoke", args=[token.pk]), {}),
        "change_roles": ("post", reverse("person-detail", args=[referrer.pk]), {"roles": ["org_admin"]}),
        "deactivate": ("post", reverse("person-deactivate", args=[referrer.pk]), {}),
        "invite": ("post", reverse("person-invite"), {"full_name": "Nia New", "email": "nia@school-a.example.org",
                                                      "roles": ["referrer"], "idempotency_key": str(uuid.uuid4())}),
        "reset_factors": ("post", reverse("person-reset-factors", args=[referrer.pk]), {}),
    }[action]
    response = getattr(client, method)(url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))
    # Nothing was done.
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().revoked_at is None
    assert referrer.memberships.get().role == Role.REFERRER and referrer.memberships.get().active
    # A fresh factor lets the same request through.
    record_factor(client, person)
    assert getattr(client, method)(url, data).status_code in (200, 302)
    assert not getattr(client, method)(url, data).get("Location", "").startswith(reverse("mfa_reauthenticate"))


def test_a_figures_download_refuses_a_stale_second_factor(vru_manager):
    client = signed_in(vru_manager)
    record_factor(client, vru_manager, seconds_ago=16 * 60)
    response = client.get(reverse("figures-csv", args=["referrals"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))
