"""A name typed into the portal reaches the figures CSV as text, never as a formula."""

import csv
import io

import pytest
from django.urls import reverse

from partners.models import Organisation

pytestmark = pytest.mark.django_db

MARCH_2025 = {"preset": "custom", "start_0": "1", "start_1": "3", "start_2": "2025", "end_0": "31", "end_1": "3",
              "end_2": "2025"}


def test_a_partner_named_like_a_formula_is_written_as_text_in_the_triage_csv(dataset, client, vru_manager):
    # An administrator types the organisation's name; it is a row label of the allocations by partner.
    Organisation.objects.filter(name="Other Partner").update(name="=HYPERLINK(\"http://x.example\")")
    client.force_login(vru_manager)
    response = client.get(reverse("figures-csv", args=["triage"]), MARCH_2025)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    categories = {r["category"] for r in rows}
    assert "'=HYPERLINK(\"http://x.example\")" in categories
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values())
    # Numbers stay numbers.
    assert any(r["value"].isdigit() for r in rows)
