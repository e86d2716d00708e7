"""What happens to a file people upload: checked by its content, scanned by a real clamd, kept under a random name,
given back only to those who may see its record, as an attachment, audited."""

import io
import os
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from documents import services
from documents.models import DOCUMENTS_STORAGE, Document, Kind, Scan
from partners.access import acting_for
from partners.models import AuditAction, AuditEvent
from tests.documents.clamd import EICAR
from tests.referrals.test_hand_back_visibility import allocated_to

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
      b"trailer<</Root 1 0 R>>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 200


def pdf(name="chronology.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")  # what the browser claims: ignored


def stored_files():
    root = Path(DOCUMENTS_STORAGE.location)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def work(referrer, triager, caseworker, yos):
    referral, allocation = allocated_to(yos, referrer, triager)
    return referral


def add(user, referral, upload, **kwargs):
    return services.add_document(acting_for(user), referral, uploaded=upload, title=kwargs.pop("title", "Chronology"),
                                 kind=Kind.CHRONOLOGY, now=timezone.now(), **kwargs)


def test_a_clean_pdf_is_kept_under_a_random_name_and_the_name_given_is_kept_as_data(clamd, work, referrer):
    document = add(referrer, work, pdf("Chronology autumn.pdf"))
    assert document.scan == Scan.CLEAN and document.content_type == "application/pdf"
    assert document.original_name == "Chronology autumn.pdf"
    assert "Chronology" not in document.file.name and document.file.name.startswith("documents/")
    assert document.shared_with_referrer is True  # what the referrer adds, it sees
    assert [p.read_bytes() for p in stored_files()] == [PDF]


def test_the_eicar_test_file_is_refused_and_never_stored(clamd, work, referrer, client):
    client.force_login(referrer)
    response = client.post(reverse("document-add", args=["referrals", work.pk]), {
        "file": SimpleUploadedFile("notes.txt", EICAR), "title": "Notes", "kind": "other"})
    assert response.status_code == 200
    assert "contains a virus or other harmful content" in response.content.decode()
    assert Document.objects.count() == 0 and stored_files() == []
    refusal = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert refusal.detail["reason"] == "infected" and refusal.detail["found"].startswith("Eicar-Test-Signature")


def test_an_executable_renamed_pdf_is_refused_by_its_content(clamd, work, referrer, client):
    client.force_login(referrer)
    response = client.post(reverse("document-add", args=["referrals", work.pk]), {
        "file": SimpleUploadedFile("letter.pdf", ELF, content_type="application/pdf"), "title": "Letter",
        "kind": "exclusion_letter"})
    assert "The selected file must be a PDF, an image" in response.content.decode()
    assert Document.objects.count() == 0 and stored_files() == []


def test_binary_bytes_that_libmagic_would_call_text_are_refused(clamd, work, referrer):
    with pytest.raises(ValidationError) as error:
        add(referrer, work, SimpleUploadedFile("notes.txt", b"\x7fELF" + b"\x00" * 100))
    assert error.value.message_dict["file"][0].startswith("The selected file must be a PDF")


def test_a_file_over_the_limit_is_refused(clamd, work, referrer, client, settings):
    settings.DOCUMENTS_MAX_BYTES = 1024 * 1024
    client.force_login(referrer)
    big = PDF + b"0" * (1024 * 1024)
    response = client.post(reverse("document-add", args=["referrals", work.pk]), {
        "file": SimpleUploadedFile("big.pdf", big), "title": "Big", "kind": "other"})
    assert "The selected file must be smaller than 1 MB" in response.content.decode()
    assert Document.objects.count() == 0 and stored_files() == []


def test_with_clamd_stopped_an_upload_is_held_then_released_by_the_job_when_clamd_is_back(clamd, work, referrer,
                                                                                          client):
    clamd.stop()
    document = add(referrer, work, pdf())
    assert document.scan == Scan.HELD
    client.force_login(referrer)
    page = client.get(reverse("referral-detail", args=[work.pk])).content.decode()
    assert "Being checked" in page and f'href="{reverse("document-download", args=[document.pk])}"' not in page
    assert client.get(reverse("document-download", args=[document.pk])).status_code == 404

    assert services.scan_held(timezone.now()) == {"released": 0, "refused": 0, "held": 1}  # still away
    clamd.start()
    assert services.scan_held(timezone.now()) == {"released": 1, "refused": 0, "held": 0}
    assert client.get(reverse("document-download", args=[document.pk])).status_code == 200


def test_a_held_file_found_infected_later_is_refused_and_its_file_removed(clamd, work, referrer,
                                                                          django_capture_on_commit_callbacks):
    clamd.stop()
    document = add(referrer, work, SimpleUploadedFile("notes.txt", b"Plain words. " + EICAR))
    assert document.scan == Scan.HELD and len(stored_files()) == 1
    clamd.start()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.scan_held(timezone.now()) == {"released": 0, "refused": 1, "held": 0}
    document.refresh_from_db()
    assert document.scan == Scan.REFUSED and document.scan_result.startswith("Eicar-Test-Signature")
    assert stored_files() == []


def test_a_download_is_an_attachment_not_sniffed_not_cached_and_audited(clamd, work, referrer, caseworker, client):
    document = add(referrer, work, pdf("Chronology autumn.pdf"))
    client.force_login(caseworker)  # the partner the referral is allocated to
    response = client.get(reverse("document-download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Chronology autumn.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content) == PDF
    download = AuditEvent.objects.get(action=AuditAction.DOWNLOAD)
    assert (download.actor, download.object_id, download.young_person_id) == (caseworker, str(document.pk), None)


def test_another_organisations_user_gets_404_for_the_document_and_its_record(clamd, work, referrer, other_referrer,
                                                                            client):
    document = add(referrer, work, pdf())
    client.force_login(other_referrer)
    assert client.get(reverse("document-download", args=[document.pk])).status_code == 404
    assert client.get(reverse("document-replace", args=[document.pk])).status_code == 404
    assert client.get(reverse("document-add", args=["referrals", work.pk])).status_code == 404


def test_the_referrer_sees_only_the_documents_shared_with_it(clamd, work, referrer, triager, client):
    shared = add(triager, work, pdf(), title="Shared plan", shared_with_referrer=True)
    internal = add(triager, work, pdf(), title="VRU screening notes", shared_with_referrer=False)
    client.force_login(referrer)
    page = client.get(reverse("referral-detail", args=[work.pk])).content.decode()
    assert "Shared plan" in page and "VRU screening notes" not in page
    assert client.get(reverse("document-download", args=[internal.pk])).status_code == 404
    assert client.get(reverse("document-download", args=[shared.pk])).status_code == 200


def test_the_vru_must_say_whether_the_referrer_sees_a_document(clamd, work, triager, client):
    client.force_login(triager)
    response = client.post(reverse("document-add", args=["referrals", work.pk]), {
        "file": pdf(), "title": "Plan", "kind": "plan"})
    assert "Select whether the referring organisation can see this document" in response.content.decode()
    assert Document.objects.count() == 0


def test_a_new_version_keeps_the_old_one(clamd, work, referrer, client):
    first = add(referrer, work, pdf("v1.pdf"))
    client.force_login(referrer)
    response = client.post(reverse("document-replace", args=[first.pk]), {"file": pdf("v2.pdf", PDF + b"% two\n")})
    assert response.status_code == 302
    second = Document.objects.get(replaces=first)
    assert (second.title, second.original_name) == ("Chronology", "v2.pdf")
    page = client.get(reverse("referral-detail", args=[work.pk])).content.decode()
    assert "version 2" in page and "Earlier versions" in page and "v1.pdf" in page
    assert client.get(reverse("document-download", args=[first.pk])).status_code == 200  # still there
    again = client.post(reverse("document-replace", args=[first.pk]), {"file": pdf("v3.pdf")})
    assert "Only the latest version" in again.content.decode()


def test_a_double_submitted_upload_makes_one_document(clamd, work, referrer, client):
    client.force_login(referrer)
    data = {"title": "Chronology", "kind": "chronology", "idempotency_key": "8d0f1c52-7d7e-4b0c-9a55-0b2f1a9c3e11"}
    for _ in range(2):
        assert client.post(reverse("document-add", args=["referrals", work.pk]),
                           {**data, "file": pdf()}).status_code == 302
    assert Document.objects.count() == 1 and len(stored_files()) == 1


def test_a_ten_megabyte_file_goes_up_and_comes_down_whole(clamd, work, referrer, client):
    body = PDF + os.urandom(10 * 1024 * 1024)
    client.force_login(referrer)
    assert client.post(reverse("document-add", args=["referrals", work.pk]), {
        "file": SimpleUploadedFile("scan.pdf", body), "title": "Scanned letter", "kind": "other"}).status_code == 302
    document = Document.objects.get()
    assert document.size == len(body)
    downloaded = io.BytesIO(b"".join(client.get(reverse("document-download", args=[document.pk])).streaming_content))
    assert downloaded.getvalue() == body


def test_the_jobs_page_shows_the_storage_documents_use_and_what_waits_for_the_scan(clamd, work, referrer,
                                                                                   vru_manager, client):
    add(referrer, work, pdf(body=PDF + b"0" * 2048))
    clamd.stop()
    add(referrer, work, pdf())
    client.force_login(vru_manager)
    page = client.get(reverse("jobs")).content.decode()
    size = len(PDF) * 2 + 2048
    assert f"{size / 1024:.1f}\xa0KB in 2 files" in page  # filesizeformat keeps the number with its unit
    assert "Waiting for the virus scan</dt><dd class=\"govuk-summary-list__value\">1:" in page
