"""Programmes: a partner's administrators and managers list, add and deactivate the programmes it runs."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from outcomes import programmes
from outcomes.models import Programme
from partners.access import acting_for
from partners.models import AuditEvent, Role
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def yos_manager(yos):
    return member(role=Role.MANAGER, organisation=yos, email="manager@yos.example.org")


@pytest.fixture
def manager_client(client, yos_manager):
    client.force_login(yos_manager)
    return client


def test_a_manager_adds_a_programme_and_it_is_audited(yos_manager, yos):
    made = programmes.add_programme(acting_for(yos_manager), name="  Knife   crime awareness ", expected_sessions=8)
    assert (made.owner, made.name, made.expected_sessions, made.active) == (yos, "Knife crime awareness", 8, True)
    assert AuditEvent.objects.filter(object_type="outcomes.programme", object_id=str(made.pk), actor=yos_manager).exists()


def test_names_are_unique_per_organisation_and_sessions_sensible(yos_manager):
    acting = acting_for(yos_manager)
    programmes.add_programme(acting, name="Mentoring", expected_sessions=6)
    with pytest.raises(ValidationError) as error:
        programmes.add_programme(acting, name="MENTORING", expected_sessions=0)
    assert error.value.message_dict == {
        "name": ["Your organisation already runs a programme with this name"],
        "expected_sessions": ["The usual number of sessions must be between 1 and 52"],
    }


def test_only_a_partners_manager_or_administrator(caseworker, referrer, yos):
    admin = member(role=Role.ORG_ADMIN, organisation=yos)
    assert programmes.add_programme(acting_for(admin), name="Sport", expected_sessions=4)
    for who in (caseworker, referrer):
        with pytest.raises(PermissionDenied):
            programmes.add_programme(acting_for(who), name="Nope", expected_sessions=4)


def test_the_page_lists_adds_and_deactivates(manager_client, yos):
    assert manager_client.get(reverse("home")).content.decode().count(f'href="{reverse("programmes")}"') >= 1
    response = manager_client.post(reverse("programme-new"), {"name": "Mentoring", "expected_sessions": "6"})
    assert response["Location"] == reverse("programmes")
    item = Programme.objects.get(owner=yos, name="Mentoring")
    listing = manager_client.get(reverse("programmes")).content.decode()
    assert "Mentoring" in listing and "Active" in listing
    manager_client.post(reverse("programme-deactivate", args=[item.pk]))
    item.refresh_from_db()
    assert not item.active
    manager_client.post(reverse("programme-reactivate", args=[item.pk]))
    item.refresh_from_db()
    assert item.active


def test_form_errors_link_to_their_fields(manager_client):
    response = manager_client.post(reverse("programme-new"), {"name": "", "expected_sessions": "lots"})
    html = response.content.decode()
    assert 'href="#id_name"' in html and 'href="#id_expected_sessions"' in html
    assert "Enter the usual number of sessions as a number, like 6" in html
    assert not Programme.objects.filter(name="").exists()


def test_another_organisations_programme_answers_404(manager_client, police):
    theirs = Programme.objects.create(owner=police, name="Their programme")
    assert manager_client.post(reverse("programme-deactivate", args=[theirs.pk])).status_code == 404
    assert "Their programme" not in manager_client.get(reverse("programmes")).content.decode()
    theirs.refresh_from_db()
    assert theirs.active
