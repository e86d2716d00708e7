"""Documents on a referral, an intervention, a diversion case or a cohort member: never edited, a replacement is
a new version that keeps the old one. The file itself is in the documents storage under a random name; what
people called it is kept here as data. Whose documents they are is read through the record (a referral's young
person may change when a triager confirms a match), never copied here."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import LazyObject

from cohorts.models import CohortMembership
from outcomes.models import DiversionCase, Intervention
from partners import append_only
from partners.models import Organisation
from referrals.models import Referral

PARENTS = ("referral", "intervention", "case", "membership")
# The field that holds each kind of record a document (or note) is on.
PARENT_FIELD = {"referrals.referral": "referral", "outcomes.intervention": "intervention",
                "outcomes.diversioncase": "case", "cohorts.cohortmembership": "membership"}


class Kind(models.TextChoices):
    CHRONOLOGY = "chronology", "Chronology"
    EXCLUSION_LETTER = "exclusion_letter", "Exclusion letter"
    ASSESSMENT = "assessment", "Assessment"
    PLAN = "plan", "Plan"
    OTHER = "other", "Other"


class Scan(models.TextChoices):
    CLEAN = "clean", "Checked"
    HELD = "held", "Being checked"  # the scanner could not be reached: quarantined until a job scans it
    REFUSED = "refused", "Refused"  # found infected when scanned later: the file is gone


class _DocumentsStorage(LazyObject):
    # Looked up when first used, and again after a test changes STORAGES (documents/apps.py resets it).
    def _setup(self):
        self._wrapped = storages["documents"]


DOCUMENTS_STORAGE = _DocumentsStorage()


def documents_storage():
    return DOCUMENTS_STORAGE


def stored_name(_instance=None, _filename=None):
    return f"documents/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


class Document(models.Model):
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    intervention = models.ForeignKey(Intervention, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="documents")
    case = models.ForeignKey(DiversionCase, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    membership = models.ForeignKey(CohortMembership, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="documents")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # On a referral: whether the referring organisation sees it (what it added itself, it always does). Asked
    # of nobody elsewhere (the referrer cannot see an intervention, a case or a cohort): null there.
    shared_with_referrer = models.BooleanField(null=True)
    # The earlier version this one replaces; the first version has none.
    # RESTRICT, not PROTECT: retention deletes a whole chain of versions at once.
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.RESTRICT,
                                    related_name="replaced_by")
    file = models.FileField(storage=documents_storage, upload_to=stored_name, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)  # decided from the content, not the name
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    scan = models.CharField(max_length=10, choices=Scan.choices)
    scanned_at = models.DateTimeField(null=True, blank=True)
    scan_result = models.CharField(max_length=200, blank=True)  # the signature found, for a refused one
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        indexes = [
            models.Index(fields=["referral", "added_at"], name="document_referral"),
            models.Index(fields=["intervention", "added_at"], name="document_intervention"),
            models.Index(fields=["case", "added_at"], name="document_case"),
            models.Index(fields=["membership", "added_at"], name="document_membership"),
            models.Index(fields=["added_at"], name="document_held", condition=Q(scan="held")),
        ]
        constraints = [
            models.CheckConstraint(name="document_one_parent", condition=(
                Q(referral__isnull=False, intervention__isnull=True, case__isnull=True, membership__isnull=True)
                | Q(referral__isnull=True, intervention__isnull=False, case__isnull=True, membership__isnull=True)
                | Q(referral__isnull=True, intervention__isnull=True, case__isnull=False, membership__isnull=True)
                | Q(referral__isnull=True, intervention__isnull=True, case__isnull=True, membership__isnull=False))),
            models.CheckConstraint(name="document_has_title", condition=~Q(title="")),
            models.CheckConstraint(name="document_referral_sharing_answered",
                                   condition=Q(referral__isnull=True) | Q(shared_with_referrer__isnull=False)),
        ]

    def __str__(self):
        return self.title

    @property
    def parent(self):
        return next(getattr(self, name) for name in PARENTS if getattr(self, f"{name}_id"))

    @property
    def downloadable(self):
        return self.scan == Scan.CLEAN


class Note(models.Model):
    """A case note: append-only. A correction is an amendment, a new note naming the one it amends, with why."""

    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="notes")
    intervention = models.ForeignKey(Intervention, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="notes")
    session = models.ForeignKey("outcomes.Session", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="notes")
    case = models.ForeignKey(DiversionCase, null=True, blank=True, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    # Shared: everyone who may see the record reads it (on a referral, the referrer too). Not shared: only the
    # organisation that wrote it and the VRU.
    shared = models.BooleanField()
    amends = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments")
    reason = models.TextField(blank=True)  # why an amendment was needed
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "id"]
        indexes = [
            models.Index(fields=["referral", "written_at"], name="note_referral"),
            models.Index(fields=["intervention", "written_at"], name="note_intervention"),
            models.Index(fields=["case", "written_at"], name="note_case"),
        ]
        constraints = [
            models.CheckConstraint(name="note_one_parent", condition=(
                Q(referral__isnull=False, intervention__isnull=True, case__isnull=True, session__isnull=True)
                | Q(referral__isnull=True, intervention__isnull=False, case__isnull=True)
                | Q(referral__isnull=True, intervention__isnull=True, case__isnull=False, session__isnull=True))),
            models.CheckConstraint(name="note_has_text", condition=~Q(text="")),
            models.CheckConstraint(name="note_amendment_says_why", condition=Q(amends__isnull=True) | ~Q(reason="")),
        ]
        triggers = append_only.triggers()

    @property
    def parent(self):
        return self.referral or self.intervention or self.case
