"""A token form sent twice makes one token; the repeat never shows a secret again (only its hash is kept)."""

import re
import uuid

import pytest
from django.urls import reverse

from partners.models import ApiToken, Role
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_a_double_clicked_token_form_makes_one_token_and_shows_its_secret_once(client, school, referrer):
    client.force_login(member(role=Role.ORG_ADMIN, organisation=school, email="admin@school-a.example.org"))
    assert client.get(reverse("token-new")).content.decode().count('name="idempotency_key"') == 1
    from tests.partners.test_admin_pages import token_data

    data = token_data(name="School MIS", user=referrer.pk, idempotency_key=str(uuid.uuid4()))
    first = client.post(reverse("token-new"), data)
    assert first.status_code == 200 and 'data-testid="secret"' in first.content.decode()
    again = client.post(reverse("token-new"), data, follow=True)
    page = again.content.decode()
    assert again.redirect_chain[-1][0] == reverse("tokens") and 'data-testid="secret"' not in page
    assert "was already created" in page
    secret = re.search(r'data-testid="secret">([^<]+)<', first.content.decode()).group(1)
    assert secret not in page and ApiToken.objects.filter(name="School MIS").count() == 1
