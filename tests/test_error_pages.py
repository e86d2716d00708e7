"""Styled error pages: a 404 that gives nothing away, a 403 that says why, a 500 that needs no database."""

import pytest
from django.test import RequestFactory

from core import error_pages as errors


@pytest.mark.django_db
def test_a_missing_page_is_the_styled_404(client, referrer):
    client.force_login(referrer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "may belong to another organisation" in html
    assert "govuk-template__header" in html  # the full page shell, not a bare message


@pytest.mark.django_db
def test_a_forbidden_page_is_the_styled_403(client, referrer):
    client.force_login(referrer)
    response = client.get("/audit/")
    assert response.status_code == 403 and "You cannot use this page" in response.content.decode()


def test_the_500_page_renders_without_the_database():
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
