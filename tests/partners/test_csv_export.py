"""CSV downloads never hold a cell a spreadsheet would run as a formula (OWASP CSV injection)."""

import csv
import io

import pytest
from django.urls import reverse

from partners.csv_export import lines, safe_cell, writer


@pytest.mark.parametrize("typed", ["=1+2@probe.example.org", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1",
                                   "=HYPERLINK(\"http://x.example\")", "-", "-3-", "--3", "- 3"])
def test_a_cell_that_could_run_as_a_formula_is_written_as_text(typed):
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("value", [-3, -1.5, 0, 12, 2.25, "-3", "-1.5", "17", "<5", "dsl@school-a.example.org",
                                   "a=b", "Test YOS", ""])
def test_numbers_and_plain_text_are_written_as_they_are(value):
    assert safe_cell(value) == value


def test_none_is_an_empty_cell():
    assert safe_cell(None) == ""


def test_the_writer_and_the_streamed_lines_write_the_same_safe_rows():
    rows = [["email", "n"], ["=1+2@probe.example.org", -3], ["@x", -1.5]]
    out = io.StringIO()
    writer(out).writerows(rows)
    assert out.getvalue() == "".join(lines(rows))
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["email", "n"], ["'=1+2@probe.example.org", "-3"], ["'@x", "-1.5"]]


@pytest.mark.django_db
def test_an_email_typed_at_sign_in_reaches_the_audit_export_as_text(client, vru_manager):
    # Signed out, anyone can plant the typed email in the audit trail through a failed sign-in.
    response = client.post(reverse("login"), {"username": "=1+2@probe.example.org", "password": "anything-at-all"})
    assert response.status_code == 200
    client.force_login(vru_manager)
    export = client.get(reverse("audit-events-csv"))
    text = b"".join(export.streaming_content).decode()
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=1+2@probe.example.org" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
