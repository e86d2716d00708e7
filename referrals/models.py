import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.formats import date_format

from partners import append_only
from partners.models import Area, Organisation

from .validators import validate_account_length, validate_nhs_number, validate_postcode, validate_upn


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    """ONS 2021 census ethnic groups (England and Wales), plus "not stated"."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian, Asian British or Asian Welsh: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian, Asian British or Asian Welsh: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian, Asian British or Asian Welsh: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian, Asian British or Asian Welsh: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian, Asian British or Asian Welsh: Other Asian"
    BLACK_AFRICAN = "black_african", "Black, Black British, Black Welsh, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Black Welsh, Caribbean or African: Caribbean"
    BLACK_OTHER = "black_other", "Black, Black British, Black Welsh, Caribbean or African: Other Black"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or Multiple: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african", "Mixed or Multiple: White and Black African"
    MIXED_WHITE_BLACK_CARIBBEAN = "mixed_white_black_caribbean", "Mixed or Multiple: White and Black Caribbean"
    MIXED_OTHER = "mixed_other", "Mixed or Multiple: Other Mixed or Multiple"
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY = "white_gypsy", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: Other White"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: Any other ethnic group"
    NOT_STATED = "not_stated", "Not stated"


# Shown instead of a name once the retention job has anonymised a young person's records.
ANONYMISED_LABEL = "Record anonymised under the retention rule"


def _born(date_of_birth, anonymised):
    if date_of_birth is None:
        return ""
    if anonymised:
        return f"{date_of_birth.year} (exact date removed under the retention rule)"
    return date_format(date_of_birth, "j F Y")


class YoungPerson(models.Model):
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)
    gender_identity = models.CharField(max_length=100, blank=True)
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, default=Ethnicity.NOT_STATED)
    postcode = models.CharField(max_length=8, blank=True)
    area = models.CharField(max_length=20, choices=Area.choices)
    school = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    upn = models.CharField("unique pupil number", max_length=13, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    # When a triager confirms this record is a young person already known, it points there.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["date_of_birth"], name="yp_dob"),
            models.Index(fields=["upn"], name="yp_upn", condition=~Q(upn="")),
            models.Index(fields=["nhs_number"], name="yp_nhs", condition=~Q(nhs_number="")),
            models.Index(fields=["postcode"], name="yp_postcode", condition=~Q(postcode="")),
        ]

    def __str__(self):
        if self.is_anonymised:
            return ANONYMISED_LABEL
        return f"{self.given_name} {self.family_name}"

    @property
    def is_anonymised(self):
        return self.anonymised_at is not None

    @property
    def display_name(self):
        if self.preferred_name and not self.is_anonymised:
            return f"{self.given_name} ({self.preferred_name}) {self.family_name}"
        return str(self)

    @property
    def born(self):
        """The date of birth as pages show it: after retention only the year is true (the day kept is 1 July)."""
        return _born(self.date_of_birth, self.is_anonymised)


class NameWord(models.Model):
    """Each word any young person is found by, once, with its two sounds: the dictionary a search looks a typed
    word up in (few rows, however many people), before NameKey says who has the words found. Looking up trigrams
    among the region's 800,000 NameKey rows instead costs a GIN scan of hundreds of thousands of entries for a
    common start of a word; among the distinct words it is a few thousand at most."""

    word = models.CharField(max_length=100, primary_key=True)
    metaphone = models.CharField(max_length=20)
    nysiis = models.CharField(max_length=20)

    class Meta:
        indexes = [
            # Starts of words ("Jor"): LIKE 'jor%' needs the pattern operator class in PostgreSQL.
            models.Index(fields=["word"], name="nameword_word_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["metaphone"], name="nameword_metaphone"),
            models.Index(fields=["nysiis"], name="nameword_nysiis"),
            # Words spelt alike (word % 'term'): PostgreSQL only (PostgresOnlyAddIndex in the migration).
            GinIndex(OpClass("word", name="gin_trgm_ops"), name="nameword_word_trgm"),
        ]


class NameKey(models.Model):
    """One word a young person is found by (matching.words). Written with the person (referrals.search.index_names,
    set-based in the loaders) and removed when the record is anonymised."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="name_keys")
    word = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["young_person", "word"], name="namekey_one_per_word")]
        indexes = [models.Index(fields=["word", "young_person"], name="namekey_word")]


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_TRIAGE = "in_triage", "In triage"
    INFO_REQUESTED = "info_requested", "More information requested"
    ALLOCATED = "allocated", "Allocated"
    SIGNPOSTED = "signposted", "Signposted"
    DECLINED = "declined", "Declined"
    CLOSED = "closed", "Closed"


class Source(models.TextChoices):
    SCHOOL = "school", "School or college"
    POLICE = "police", "Police"
    FTRM = "ftrm", "Force Threat Risk Meeting"
    YOS = "yos", "Youth Offending Service"
    CUSTODY = "custody", "Custody (St Giles)"
    HOSPITAL = "hospital", "Hospital navigator"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    SELF_FAMILY = "self_family", "Self or family"


class Concern(models.TextChoices):
    WEAPON = "weapon", "Carrying or suspected of carrying a knife or weapon"
    VICTIM = "victim", "Victim of violence"
    GANG = "gang", "Association with a street gang or organised crime group"
    EXPLOITATION = "exploitation", "Criminal exploitation or county lines"
    CSE = "cse", "Child sexual exploitation"
    ONLINE = "online", "Online conflict (social media, drill videos)"
    EXCLUSION = "exclusion", "School exclusion or risk of exclusion"
    MISSING = "missing", "Missing episodes"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse at home"
    SUBSTANCE = "substance", "Substance misuse"
    OTHER = "other", "Other"


CONCERN_SHORT = {
    "weapon": "Knife or weapon", "victim": "Victim", "gang": "Gang or OCG", "exploitation": "Exploitation",
    "cse": "CSE", "online": "Online conflict", "exclusion": "Exclusion", "missing": "Missing",
    "domestic_abuse": "Domestic abuse", "substance": "Substances", "other": "Other",
}


class LawfulBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", "Public task"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"
    VITAL_INTERESTS = "vital_interests", "Vital interests"
    CONSENT = "consent", "Consent"


class Informed(models.TextChoices):
    YOUNG_PERSON = "young_person", "Yes, the young person has been told"
    PARENT = "parent", "Yes, a parent or carer has been told"
    NOT_TOLD = "not_told", "No: telling them would put them at risk"


class Rag(models.TextChoices):
    RED = "red", "Red (high, immediate)"
    AMBER = "amber", "Amber (medium)"
    GREEN = "green", "Green (low)"


class Decision(models.TextChoices):
    ALLOCATE = "allocate", "Accept and allocate"
    SIGNPOST = "signpost", "Signpost"
    DECLINE = "decline", "Decline"
    REQUEST_INFO = "request_info", "Request more information"


class DeclineReason(models.TextChoices):
    THRESHOLD = "threshold", "Does not meet the threshold"
    AGE = "age", "Outside the age range"
    AREA = "area", "Outside the West Midlands"
    ALREADY_SUPPORTED = "already_supported", "Already supported by another service"
    DUPLICATE = "duplicate", "Duplicate of another referral"
    OTHER = "other", "Other"


# The order in which triage takes the queue: urgent first (immediate risk of harm, due in 4 hours), the most
# overdue of them first; then everything else by deadline. An unanswered urgency question counts as not urgent
# (only a draft may leave it unanswered, and drafts are never in the queue, so this only guards the order).
QUEUE_ORDER = (F("urgent").desc(nulls_last=True), "triage_deadline", "id")


class Referral(models.Model):
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    referring_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals_made")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    # A double-clicked submit (page or API) carries the same key: one referral, not two.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    # About the young person, as referred. On submission these become (or match) a YoungPerson.
    young_person = models.ForeignKey(
        YoungPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    gender_identity = models.CharField(max_length=100, blank=True)
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    area = models.CharField(max_length=20, choices=Area.choices, blank=True)
    upn = models.CharField("unique pupil number", max_length=13, blank=True, validators=[validate_upn])
    nhs_number = models.CharField(max_length=10, blank=True, validators=[validate_nhs_number])

    # The concern.
    account = models.TextField(blank=True, validators=[validate_account_length])
    # None until the referrer answers "Is the young person at immediate risk of harm?": never assumed to be No.
    urgent = models.BooleanField(null=True, blank=True)
    urgency_reason = models.TextField(blank=True)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices, blank=True)
    informed = models.CharField(max_length=20, choices=Informed.choices, blank=True)
    not_informed_reason = models.TextField(blank=True)

    # Triage.
    received_at = models.DateTimeField(null=True, blank=True)
    triage_deadline = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claim_activity_at = models.DateTimeField(null=True, blank=True)
    rag = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    first_decided_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True, help_text="Back in the queue with more information.")
    is_re_referral = models.BooleanField(default=False)
    previous_referral = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    has_open_match = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    # A draft its author deleted: its answers are blanked and nobody sees it again. The row stays because its
    # timeline and the audit trail are append-only and name it.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The organisation holding the live allocation (pending or accepted), if any: kept by the database from the
    # allocations (migration 0014's triggers), whatever wrote them or this row, so that the access policy asks
    # "made by or live with this organisation" of two indexes instead of joining every referral to its allocations.
    live_partner = models.ForeignKey(Organisation, null=True, blank=True, editable=False, on_delete=models.PROTECT,
                                     related_name="+", db_index=False)

    class Meta:
        indexes = [
            # The triage queue: only rows in the queue, in the order triage takes them (QUEUE_ORDER), so "take
            # next" reads the first free row of the index instead of sorting the queue.
            models.Index(*QUEUE_ORDER, name="ref_queue_urgent", condition=Q(status__in=["submitted", "in_triage"])),
            models.Index(fields=["referring_organisation", "-created_at"], name="ref_org_created"),
            models.Index(fields=["live_partner", "-created_at"], name="ref_live_partner_created",
                         condition=Q(live_partner__isnull=False)),
            # The API list, newest first, read a page at a time by keyset (ReferralPagination).
            models.Index(fields=["-created_at", "-id"], name="ref_created"),
            models.Index(fields=["young_person", "-received_at"], name="ref_young_person"),
            models.Index(fields=["status", "received_at"], name="ref_status_received"),
            models.Index(fields=["received_at"], name="ref_received"),
        ]
        constraints = [
            models.CheckConstraint(
                name="ref_submitted_has_reference",
                condition=Q(status="draft") | (Q(reference__isnull=False) & Q(received_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="ref_claim_only_in_queue",
                condition=Q(claimed_by__isnull=True) | Q(status__in=["submitted", "in_triage"]),
            ),
            models.CheckConstraint(name="ref_account_length", condition=LessThanOrEqual(Length("account"), 20000)),
            # Only a draft may leave the urgency question unanswered: triage deadlines depend on it.
            models.CheckConstraint(
                name="ref_submitted_urgency_answered",
                condition=Q(status="draft") | Q(urgent__isnull=False),
            ),
        ]

    def __str__(self):
        return self.reference or f"Draft referral {self.pk}"

    @property
    def is_anonymised(self):
        # Submission requires both names, so a submitted referral without them has been through retention.
        return self.status != Status.DRAFT and not self.given_name and not self.family_name

    @property
    def subject_name(self):
        if self.is_anonymised:
            return ANONYMISED_LABEL
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def born(self):
        return _born(self.date_of_birth, self.is_anonymised)


class ReferralConcern(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="concerns")
    concern = models.CharField(max_length=20, choices=Concern.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "concern"], name="refconcern_unique")]
        indexes = [models.Index(fields=["concern", "referral"], name="refconcern_concern")]

    def __str__(self):
        return self.get_concern_display()


class PossibleMatch(models.Model):
    """A known young person who may be the one referred. Shown to the triager; never merged silently."""

    class State(models.TextChoices):
        OPEN = "open", "To check"
        CONFIRMED = "confirmed", "Confirmed: same young person"
        REJECTED = "rejected", "Rejected: a different young person"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="possible_matches")
    candidate = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list)
    score = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["referral", "candidate"], name="match_unique")]


# "Allocated to us -> Current": what waits for the partner (accept or hand back) first, by when it must be accepted;
# then first contacts still to make, by their due date; then the rest. Ordered by the database, from the partial
# index alloc_org_current (an index per organisation in this order), so page 1 costs the same at any volume.
CURRENT_ORDER = (
    Case(When(state="pending", then=Value(0)), When(first_contact_at__isnull=True, then=Value(1)), default=Value(2)),
    F("first_contact_due").asc(nulls_first=True),
    "accept_due",
    "id",
)


class Allocation(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for the partner"
        ACCEPTED = "accepted", "Accepted"
        HANDED_BACK = "handed_back", "Handed back"

    # Live until handed back (which is also how a partner declines): while live, the partner sees the
    # referral and the young person (partners/access.py).
    LIVE = (State.PENDING, State.ACCEPTED)

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="allocations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="allocations")
    programme = models.CharField(max_length=200)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField(default=timezone.now)
    accept_due = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    first_contact_due = models.DateField(null=True, blank=True)
    first_contact_at = models.DateField(null=True, blank=True)
    handed_back_at = models.DateTimeField(null=True, blank=True)
    hand_back_reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "state", "accept_due"], name="alloc_org_state_due"),
            models.Index(fields=["state", "accept_due"], name="alloc_state_due"),
            models.Index("organisation", *CURRENT_ORDER, name="alloc_org_current",
                         condition=Q(state__in=["pending", "accepted"])),  # LIVE
            # The access policy: does this organisation hold a live allocation of this referral?
            models.Index(fields=["organisation", "referral"], name="alloc_org_live",
                         condition=Q(state__in=["pending", "accepted"])),  # LIVE
            # The figures count allocations by the day they were made and the day they were handed back.
            models.Index(fields=["allocated_at"], name="alloc_allocated_at"),
            models.Index(fields=["handed_back_at"], name="alloc_handed_back_at", condition=Q(handed_back_at__isnull=False)),
        ]
        constraints = [
            # One live allocation per referral: a hand-back ends it before another can start.
            models.UniqueConstraint(
                fields=["referral"], condition=~Q(state="handed_back"), name="alloc_one_live_per_referral"
            ),
            models.CheckConstraint(
                name="alloc_handback_has_reason",
                condition=~Q(state="handed_back") | ~Q(hand_back_reason=""),
            ),
        ]


class InfoRequest(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="info_requests")
    question = models.TextField()
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True, help_text="No answer within 5 working days.")

    class Meta:
        ordering = ["asked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"], condition=Q(answered_at__isnull=True, expired_at__isnull=True),
                name="info_one_open_per_referral",
            ),
        ]


class ReferralEvent(models.Model):
    """The referral's timeline. Append-only: a correction is a new event naming what it corrects."""

    class Kind(models.TextChoices):
        CREATED = "created", "Draft started"
        SUBMITTED = "submitted", "Submitted"
        CLAIMED = "claimed", "Claimed"
        RELEASED = "released", "Released"
        CLAIM_LAPSED = "claim_lapsed", "Claim lapsed"
        MATCH_CONFIRMED = "match_confirmed", "Match confirmed"
        MATCH_REJECTED = "match_rejected", "Match rejected"
        RAG_RATED = "rag_rated", "Risk rated"
        ALLOCATED = "allocated", "Allocated"
        SIGNPOSTED = "signposted", "Signposted"
        DECLINED = "declined", "Declined"
        INFO_REQUESTED = "info_requested", "More information requested"
        INFO_ANSWERED = "info_answered", "More information given"
        INFO_EXPIRED = "info_expired", "No answer in 5 working days"
        ACCEPTED = "accepted", "Allocation accepted"
        HANDED_BACK = "handed_back", "Allocation handed back"
        FIRST_CONTACT = "first_contact", "First contact made"
        WORK_STARTED = "work_started", "Work started"
        WORK_ENDED = "work_ended", "Work ended"
        CORRECTION = "correction", "Correction"
        CLOSED = "closed", "Closed"
        DELETED = "deleted", "Draft deleted"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # Visible to the referring organisation? Partner case notes and triage reasoning are not.
    shared_with_referrer = models.BooleanField(default=False)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["referral", "at"], name="refevent_referral_at"),
            # The figures count decisions by when they were made (today's live, the rollup's by day).
            models.Index(fields=["at"], name="refevent_decision_at",
                         condition=Q(kind__in=["allocated", "signposted", "declined", "info_requested"])),
        ]
        constraints = [
            models.CheckConstraint(
                name="refevent_correction_says_what",
                condition=~Q(kind="correction") | (Q(corrects__isnull=False) & ~Q(summary="")),
            ),
        ]
        triggers = append_only.triggers()


class ReferenceCounter(models.Model):
    """One row per year: the next referral number, taken under a row lock so references never repeat."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)


class RetentionAction(models.Model):
    """What the retention job did to one young person's records, for an auditor: ids, dates and the rule, never personal data.

    One per young person and action: the unique key is what makes a second run (or a rerun after
    a crash) change nothing for someone already done.
    """

    class Action(models.TextChoices):
        ANONYMISED = "anonymised", "Anonymised"

    young_person = models.ForeignKey(YoungPerson, on_delete=models.PROTECT, related_name="retention_actions")
    action = models.CharField(max_length=20, choices=Action.choices)
    at = models.DateTimeField()
    rule = models.CharField(max_length=200)
    last_activity_on = models.DateField()
    due_on = models.DateField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["young_person", "action"], name="retention_once_per_person"),
        ]
        triggers = append_only.triggers()

    def __str__(self):
        return f"{self.get_action_display()} young person {self.young_person_id} on {self.at:%Y-%m-%d}"
