"""The administration lists cost the same number of queries whatever their length: an organisation of 3
people or 40, 2 organisations or 30, 1 token or 20, 1 programme or 20."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners import token_services
from partners.access import acting_for
from partners.models import Membership, Role
from tests.factories import OrganisationFactory, member
from tests.outcomes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def queries(client, name):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(name)).status_code == 200
    return len(captured)


def test_people_tokens_and_programmes_cost_the_same_queries_for_few_and_many(client, yos):
    admin = member(role=Role.ORG_ADMIN, organisation=yos, email="admin@yos.example.org")
    Membership.objects.create(user=admin, organisation=yos, role=Role.MANAGER)  # programmes need a manager or admin
    client.force_login(admin)
    people = [member(role=Role.CASEWORKER, organisation=yos, email=f"cw{n}@yos.example.org") for n in range(2)]
    token_services.create_token(acting_for(people[0]), "Case system")
    ProgrammeFactory(owner=yos, name="Programme A")
    for name in ("people", "tokens", "programmes"):  # the first request warms the content-type cache
        queries(client, name)
    few = {name: queries(client, name) for name in ("people", "tokens", "programmes")}
    for n in range(2, 40):
        people.append(member(role=Role.CASEWORKER, organisation=yos, email=f"cw{n}@yos.example.org"))
    for n in range(19):
        token_services.create_token(acting_for(people[n]), f"System {n}")
        ProgrammeFactory(owner=yos, name=f"Programme {n}")
    many = {name: queries(client, name) for name in ("people", "tokens", "programmes")}
    assert few == many
    assert max(many.values()) <= 15, many


def test_organisations_cost_the_same_queries_for_few_and_many(client, vru):
    client.force_login(member(role=Role.ORG_ADMIN, organisation=vru, email="admin@vru.example.org"))
    OrganisationFactory(name="School 0", kind="school")
    queries(client, "organisations")  # the first request warms the content-type cache
    few = queries(client, "organisations")
    for n in range(1, 30):
        OrganisationFactory(name=f"School {n}", kind="school")
    assert queries(client, "organisations") == few <= 15
