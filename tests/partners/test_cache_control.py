"""Nothing the portal renders is kept by a browser or a proxy cache (ASVS 14.3.2); static files keep theirs."""

import pytest
from django.templatetags.static import static
from django.urls import reverse
from rest_framework.test import APIClient

from partners import token_services
from partners.access import acting_for

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_is_not_stored(client, referrer):
    client.force_login(referrer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_an_api_answer_to_a_token_is_not_stored(referrer):
    _, secret = token_services.create_token(acting_for(referrer), "MIS connector")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = api.get(reverse("api-referral-list"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_the_audit_csv_export_is_not_stored(client, vru_manager):
    client.force_login(vru_manager)
    response = client.get(reverse("audit-events-csv"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_a_static_file_keeps_its_long_cache(client):
    # The tests run with DEBUG off: WhiteNoise serves the collected, hashed files (collectstatic).
    url = static("build/app.css")
    response = client.get(url)
    assert response.status_code == 200, url
    assert "no-store" not in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]
