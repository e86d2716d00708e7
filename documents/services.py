"""Adding documents and case notes; the job that scans what was held. Every change is one transaction.

A file is read once for its type, size and digest, refused if it may not be kept (rules.refusal: empty, too big,
not an allowed type by its content), then scanned by clamd before anything is stored. Infected: refused, never
stored. Scanner unreachable: stored and held ("being checked"), never downloadable, until scan_held releases or
refuses it. So no file reaches a person without a clean scan.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from partners import access, audit
from partners.idempotency import once

from . import checks, rules
from .models import PARENT_FIELD, Document, Kind, Note, Scan

logger = logging.getLogger("documents")

INFECTED = "The selected file contains a virus or other harmful content, so it was not kept"


def _parent_field(parent) -> str:
    field = PARENT_FIELD.get(parent._meta.label_lower)
    if field is None:
        raise ValueError(f"Documents are not kept on {parent._meta.label_lower}")
    return field


def _require_parent(acting, parent):
    """The person sees the record (else 404) and may add to it (else 403, audited)."""
    access.require(acting, "view", parent)
    return access.require_to(acting, "documents.add", parent)


def _check_fields(*, title, kind, shared_with_referrer, on_referral):
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Enter a title for the document"
    elif len(title.strip()) > 200:
        errors["title"] = "The title must be 200 characters or fewer"
    if kind not in Kind.values:
        errors["kind"] = "Select what kind of document this is"
    if on_referral and shared_with_referrer is None:
        errors["shared_with_referrer"] = "Select whether the referring organisation can see this document"
    return errors


def add_document(acting, parent, *, uploaded, title, kind, shared_with_referrer=None, now, replaces=None,
                 idempotency_key=None) -> Document:
    """Keep one uploaded file on a record. Raises ValidationError with the field to correct (`file` for a refused
    file). `replaces`: the document this is a new version of (on the same record)."""
    field = _parent_field(parent)
    acting = _require_parent(acting, parent)
    on_referral = field == "referral"
    if on_referral and acting.organisation.pk == parent.referring_organisation_id:
        shared_with_referrer = True  # what the referrer adds, it sees
    if not on_referral:
        shared_with_referrer = None
    errors = _check_fields(title=title, kind=kind, shared_with_referrer=shared_with_referrer, on_referral=on_referral)
    if uploaded is None:
        errors["file"] = "Select a file"
    if replaces is not None and (getattr(replaces, f"{field}_id") != parent.pk or _has_newer_version(replaces)):
        errors["file"] = "Only the latest version of a document on this record can be replaced"
    if errors:
        raise ValidationError(errors)
    content = checks.read(uploaded)
    problem = rules.refusal(size=content.size, max_bytes=settings.DOCUMENTS_MAX_BYTES,
                            content_type=content.content_type)
    if problem:
        raise ValidationError({"file": problem})
    scan, found = Scan.CLEAN, ""
    try:
        found = checks.scan(uploaded)
    except checks.ScannerUnavailable as error:
        logger.warning("clamd unreachable, upload held for scanning: %s", error)
        scan = Scan.HELD
    if found:
        audit.record(acting, audit.AuditAction.DENIED, parent,
                     detail={"action": "documents.add", "reason": "infected", "found": found[:200]})
        raise ValidationError({"file": INFECTED})

    written = []

    def create():
        document = Document(
            **{field: parent}, title=title.strip(), kind=kind,
            shared_with_referrer=shared_with_referrer, replaces=replaces, original_name=uploaded.name[:255],
            content_type=content.content_type, size=content.size, sha256=content.sha256, scan=scan,
            scanned_at=now if scan == Scan.CLEAN else None, added_by=acting.user, organisation=acting.organisation,
            added_at=now)
        document.file.save(None, uploaded, save=False)
        written.append(document.file.name)
        document.save()
        audit.record(acting, audit.AuditAction.CREATE, document, detail={
            "on": parent._meta.label_lower, "on_id": parent.pk, "size": content.size, "scan": scan,
            **({"replaces": replaces.pk} if replaces else {})})
        return document

    try:
        with transaction.atomic():
            return once(acting, idempotency_key, "documents.add", create)
    except BaseException:
        # The file is written before the row commits: when the row is not kept, neither is the file.
        for name in written:
            Document.file.field.storage.delete(name)
        raise


def _has_newer_version(document) -> bool:
    return Document.objects.filter(replaces=document).exists()


def replace_document(acting, document, *, uploaded, title=None, now, idempotency_key=None) -> Document:
    """A new version of a document: the old one is kept, and listed under it as an earlier version."""
    return add_document(acting, document.parent, uploaded=uploaded, title=title or document.title, kind=document.kind,
                        shared_with_referrer=document.shared_with_referrer, now=now, replaces=document,
                        idempotency_key=idempotency_key)


def record_download(acting, document):
    audit.record(acting, audit.AuditAction.DOWNLOAD, document, detail={"size": document.size})


def scan_held(now, *, limit=200) -> dict:
    """Scan the documents held because the scanner could not be reached: release the clean ones, refuse (and
    delete the file of) the infected ones. If clamd is still unreachable, they stay held for the next run."""
    released = refused = 0
    for pk in Document.objects.filter(scan=Scan.HELD).order_by("added_at").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            document = Document.objects.select_for_update(skip_locked=True).filter(pk=pk, scan=Scan.HELD).first()
            if document is None:
                continue
            try:
                with document.file.open("rb") as handle:
                    found = checks.scan(handle)
            except checks.ScannerUnavailable:
                break  # the scanner is away: the rest wait for the next run
            document.scanned_at = now
            if found:
                document.scan, document.scan_result = Scan.REFUSED, found[:200]
                name, storage = document.file.name, document.file.storage
                document.save(update_fields=["scan", "scan_result", "scanned_at"])
                transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
                refused += 1
            else:
                document.scan = Scan.CLEAN
                document.save(update_fields=["scan", "scanned_at"])
                released += 1
            audit.record(None, audit.AuditAction.UPDATE, document, detail={"scan": document.scan})
    return {"released": released, "refused": refused, "held": Document.objects.filter(scan=Scan.HELD).count()}


# --- Case notes ---------------------------------------------------------------------------------------------


def add_note(acting, parent, *, text, shared, now, session=None, idempotency_key=None) -> Note:
    """A note on a referral, an intervention (on one of its sessions, if given) or a case."""
    field = _parent_field(parent)
    if field == "membership":
        raise ValueError("Case notes are kept on referrals, interventions and cases")
    acting = _require_parent(acting, parent)
    errors = {}
    if not (text or "").strip():
        errors["text"] = "Enter the note"
    if shared is None:
        errors["shared"] = "Select who can read this note"
    if session is not None and (field != "intervention" or session.intervention_id != parent.pk):
        errors["session"] = "Select a session of this intervention"
    if errors:
        raise ValidationError(errors)

    def create():
        note = Note.objects.create(**{field: parent}, session=session,
                                   text=text.strip(), shared=shared, written_by=acting.user,
                                   organisation=acting.organisation, written_at=now)
        audit.record(acting, audit.AuditAction.CREATE, note, detail={"on": parent._meta.label_lower, "on_id": parent.pk})
        return note

    with transaction.atomic():
        return once(acting, idempotency_key, "documents.note", create)


def amend_note(acting, note, *, text, reason, now, idempotency_key=None) -> Note:
    """An amendment, shown beside the original (which is kept as written), with who amended it and why."""
    access.require(acting, "view", note)
    acting = access.require_to(acting, "documents.amend", note)
    errors = {}
    if not (text or "").strip():
        errors["text"] = "Enter the note as it should read"
    if not (reason or "").strip():
        errors["reason"] = "Enter why the note is being amended"
    if errors:
        raise ValidationError(errors)

    def create():
        parent = {name: getattr(note, name) for name in ("referral", "intervention", "case", "session")}
        amendment = Note.objects.create(**parent, text=text.strip(),
                                        shared=note.shared, amends=note, reason=reason.strip(),
                                        written_by=acting.user, organisation=acting.organisation, written_at=now)
        audit.record(acting, audit.AuditAction.CREATE, amendment, detail={"amends": note.pk})
        return amendment

    with transaction.atomic():
        return once(acting, idempotency_key, "documents.amend", create)

