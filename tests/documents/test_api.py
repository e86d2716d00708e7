"""The documents API: the same checks as the pages, for a partner system with a token."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document
from tests.documents.clamd import EICAR
from tests.documents.test_uploads import ELF, PDF, stored_files
from tests.referrals.test_api import token_client
from tests.referrals.test_hand_back_visibility import allocated_to

pytestmark = pytest.mark.django_db
KEY = "2f0c3c1e-8f7a-4f8e-9a3b-5c6d7e8f9a0b"


@pytest.fixture
def referral(referrer, triager, caseworker, yos):
    return allocated_to(yos, referrer, triager)[0]


def upload(api, referral, name="plan.pdf", body=PDF, **extra):
    return api.post(reverse("api-document-list"), {
        "referral": referral.pk, "file": SimpleUploadedFile(name, body), "title": "Plan", "kind": "plan", **extra},
        format="multipart", **({"HTTP_IDEMPOTENCY_KEY": KEY} if extra.pop("keyed", False) else {}))


def test_a_partner_uploads_lists_and_downloads_a_document(clamd, referral, caseworker):
    api = token_client(caseworker)
    made = upload(api, referral, shared_with_referrer="false")
    assert made.status_code == 201, made.json()
    assert made.json()["scan"] == "clean" and made.json()["shared_with_referrer"] is False
    listed = api.get(reverse("api-document-list"), {"referral": referral.pk}).json()
    assert [d["title"] for d in listed] == ["Plan"]
    got = api.get(reverse("api-document-file", args=[made.json()["id"]]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert got["Content-Disposition"].startswith("attachment") and got["X-Content-Type-Options"] == "nosniff"


def test_the_api_refuses_what_the_pages_refuse_with_field_errors(clamd, referral, caseworker):
    api = token_client(caseworker)
    assert upload(api, referral).json() == {
        "shared_with_referrer": ["Select whether the referring organisation can see this document"]}
    harmful = upload(api, referral, name="notes.txt", body=EICAR, shared_with_referrer="true")
    assert harmful.status_code == 400 and "virus" in harmful.json()["file"][0]
    renamed = upload(api, referral, name="x.pdf", body=ELF, shared_with_referrer="true")
    assert renamed.status_code == 400 and renamed.json()["file"][0].startswith("The selected file must be a PDF")
    assert Document.objects.count() == 0 and stored_files() == []


def test_another_organisation_gets_404_for_the_record_and_the_file(clamd, referral, caseworker, other_referrer):
    made = upload(token_client(caseworker), referral, shared_with_referrer="true").json()
    other = token_client(other_referrer)
    assert other.get(reverse("api-document-list"), {"referral": referral.pk}).status_code == 404
    assert other.get(reverse("api-document-file", args=[made["id"]])).status_code == 404
    assert upload(other, referral).status_code == 404


def test_a_repeated_upload_with_its_key_makes_one_document(clamd, referral, caseworker):
    api = token_client(caseworker)
    first = upload(api, referral, shared_with_referrer="true", keyed=True)
    again = upload(api, referral, shared_with_referrer="true", keyed=True)
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]


def test_the_schema_describes_the_upload_and_the_download(client, triager):
    client.force_login(triager)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    upload_body = schema["paths"]["/api/v1/documents/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload_body
    assert "application/octet-stream" in schema["paths"]["/api/v1/documents/{id}/file/"]["get"]["responses"]["200"]["content"]


def test_a_record_id_that_is_no_whole_number_is_a_400_with_its_field(caseworker):
    api = token_client(caseworker)
    for odd in ("²", "٣", "1" * 40, "-1", "x"):
        response = api.get(reverse("api-document-list"), {"referral": odd})
        assert response.status_code == 400 and response.json() == {"referral": ["Give the record's id, a whole number"]}
