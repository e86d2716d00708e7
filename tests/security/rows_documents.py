"""Permission matrix rows for documents and case notes. `o` is the `objects` fixture (tests/security/conftest.py).

On o.referral (school A's, submitted, allocated to nobody) the referrer has added a document and a note (the note
not shared). Whoever may see the referral sees them and may download the document (the VRU's administrator too,
as it reads the referral's page); adding is for the referrer and the VRU's triage; amending the note is for the
organisation that wrote it. Another school's referrer, a YOS and a police NPU that are not on the referral get 404.
On o.case (another YOS's, for another force) the VRU sees but does not add (403); everyone else gets 404.
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from documents.models import Document, Note

from .matrix import Row, all_
from .rows_api import API

NOT_ON_IT = {"other_referrer": 404, "caseworker": 404, "decision_maker": 404}


def _document(o):
    if getattr(o, "document", None) is None:
        document = Document(referral=o.referral, title="Chronology", kind="chronology", shared_with_referrer=True,
                            original_name="chronology.pdf", content_type="application/pdf", size=9, sha256="0" * 64,
                            scan="clean", added_by=o.referral.created_by, organisation=o.referral.referring_organisation)
        document.file.save(None, ContentFile(b"%PDF-1.4\n"), save=True)
        o.document = document
    return {"pk": o.document.pk}


def _note(o):
    if getattr(o, "note", None) is None:
        o.note = Note.objects.create(referral=o.referral, text="Spoke to the family.", shared=False,
                                     written_by=o.referral.created_by, organisation=o.referral.referring_organisation,
                                     written_at=timezone.now())
    return {"pk": o.note.pk}


def _on_referral(o):
    return {"on": "referrals", "pk": o.referral.pk}


ROWS = [
    Row("document-add", kwargs=_on_referral, **all_(200, org_admin=403, **NOT_ON_IT)),
    Row("note-add", kwargs=_on_referral, **all_(200, org_admin=403, **NOT_ON_IT)),
    Row("document-download", kwargs=_document, **all_(200, **NOT_ON_IT)),
    Row("document-replace", kwargs=_document, **all_(200, org_admin=403, **NOT_ON_IT)),
    Row("note-amend", kwargs=_note, **all_(403, referrer=200, **NOT_ON_IT)),
    # The API: a list names its record in the query (none here: 400 for everyone); the file as the page's download.
    Row("api-document-list", anonymous=API, **all_(400)),
    Row("api-document-file", kwargs=_document, anonymous=API, **all_(200, **NOT_ON_IT)),
    # Notes: the list names its record too; amending is a POST (its access is in tests/documents/test_notes_api.py).
    Row("api-note-list", anonymous=API, **all_(400)),
    Row("api-note-amend", kwargs=_note, anonymous=API, **all_(405)),
    Row("document-add", kwargs=lambda o: {"on": "cases", "pk": o.case.pk},
        **all_(404, triager=403, vru_manager=403, org_admin=403)),
    Row("note-add", kwargs=lambda o: {"on": "cases", "pk": o.case.pk},
        **all_(404, triager=403, vru_manager=403, org_admin=403)),
]
