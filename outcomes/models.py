from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone

from partners import append_only
from partners.models import Organisation
from referrals.models import Referral, YoungPerson

from . import rules


class ModeOfTrial(models.TextChoices):
    SUMMARY = "summary", "Summary only"
    EITHER_WAY = "either_way", "Either way"
    INDICTABLE = "indictable", "Indictable only"


class Offence(models.Model):
    """Reference data, loaded by a migration from outcomes/reference.py; administrators may change it."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    legislation = models.CharField(max_length=200)
    mode_of_trial = models.CharField(max_length=12, choices=ModeOfTrial.choices)
    violent = models.BooleanField(default=False)
    weapon = models.BooleanField(default=False)
    checkpoint_eligible = models.BooleanField(default=False)
    outcome22_eligible = models.BooleanField(default=False)
    severity = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["severity", "name"]

    def __str__(self):
        return f"{self.name} ({self.legislation})"


class OutcomeCode(models.Model):
    """Home Office crime outcome types. A new code (say a children's deferred-prosecution outcome) is a new row."""

    code = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=300)
    closes_diversion = models.BooleanField(default=False, help_text="May close a completed diversion case.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"Outcome {self.code}: {self.name}"


class Pathway(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    contract_months = models.PositiveSmallIntegerField(default=4)
    sessions = models.PositiveSmallIntegerField(default=4)
    assessment_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    closing_outcome = models.ForeignKey(OutcomeCode, on_delete=models.PROTECT, related_name="+")
    min_age = models.PositiveSmallIntegerField()
    max_age = models.PositiveSmallIntegerField()

    def __str__(self):
        return self.name


class Programme(models.Model):
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(max_length=200)
    expected_sessions = models.PositiveSmallIntegerField(default=6)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["owner__name", "name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="programme_unique_per_owner")]

    def __str__(self):
        return f"{self.name} ({self.owner})"


class CaseStatus(models.TextChoices):
    ACTIVE = rules.ACTIVE, "Active"
    AT_RISK = rules.AT_RISK, "At risk"
    BREACH_PROPOSED = rules.BREACH_PROPOSED, "Breach proposed"
    RETURNED_TO_POLICE = rules.RETURNED_TO_POLICE, "Returned to police"
    CLOSURE_PROPOSED = rules.CLOSURE_PROPOSED, "Proposed for closure"
    COMPLETED = rules.COMPLETED, "Completed"
    OUTCOME_RECORDED = rules.OUTCOME_RECORDED, "Police outcome recorded"


class History(models.TextChoices):
    NONE = rules.HISTORY_NONE, "No previous criminal history"
    MINOR = rules.HISTORY_MINOR, "Very minor, non-violent history"
    SERIOUS = rules.HISTORY_SERIOUS, "Violent or more serious history"


class DiversionCase(models.Model):
    crime_reference = models.CharField(max_length=40)
    offence = models.ForeignKey(Offence, on_delete=models.PROTECT, related_name="+")
    offence_date = models.DateField()
    young_person = models.ForeignKey(YoungPerson, on_delete=models.PROTECT, related_name="diversion_cases")
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="+")
    lead_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="led_cases")
    police_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="police_cases")
    decision_maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    # The eligibility facts as the decision maker recorded them, and the rule-by-rule result.
    # The Checkpoint questions. Outcome 22 does not ask them: None is "not asked", never a "No".
    aggravating = models.BooleanField(null=True, blank=True)
    admission = models.BooleanField(null=True, blank=True)
    sufficient_evidence = models.BooleanField(null=True, blank=True)
    history = models.CharField(max_length=20, choices=History.choices, null=True, blank=True)
    eligibility = models.JSONField(default=list)
    start_date = models.DateField()
    contract_months = models.PositiveSmallIntegerField(default=4)
    end_date = models.DateField()
    return_deadline = models.DateField()
    deadline_acknowledged = models.BooleanField(default=False)
    deadline_missed_on = models.DateField(
        null=True, blank=True, help_text="The day the return-to-police deadline passed before police received the case."
    )
    at_risk_since = models.DateField(null=True, blank=True)
    breach_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    breach_proposed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["return_deadline", "id"], name="case_deadline",
                         condition=Q(status__in=list(rules.ACTIVE_STATUSES) + [rules.RETURNED_TO_POLICE])),
            models.Index(fields=["lead_organisation", "status"], name="case_lead_status"),
            models.Index(fields=["police_organisation", "status"], name="case_police_status"),
            models.Index(fields=["young_person"], name="case_young_person"),
            # Search by crime reference, in any case (referrals/search.py; registered in outcomes/apps.py).
            models.Index(Upper("crime_reference"), name="case_crime_reference_upper"),
            # The access policy: the young people of an organisation's cases, as lead agency or as the force.
            models.Index(fields=["lead_organisation", "young_person"], name="case_lead_person"),
            models.Index(fields=["police_organisation", "young_person"], name="case_police_person"),
        ]
        constraints = [
            models.CheckConstraint(name="case_offence_before_start", condition=Q(offence_date__lte=F("start_date"))),
            models.CheckConstraint(name="case_end_after_start", condition=Q(end_date__gt=F("start_date"))),
            models.UniqueConstraint(fields=["crime_reference", "young_person"], name="case_one_per_crime_and_person"),
        ]

    def __str__(self):
        return f"{self.crime_reference} ({self.pathway})"


class ConditionStatus(models.TextChoices):
    PENDING = rules.PENDING, "Pending"
    MET = rules.MET, "Met"
    MISSED = rules.MISSED, "Missed"


class Condition(models.Model):
    case = models.ForeignKey(DiversionCase, on_delete=models.CASCADE, related_name="conditions")
    kind = models.CharField(max_length=20, choices=[(k, k.replace("_", " ").capitalize()) for k in rules.CONDITION_KINDS])
    description = models.CharField(max_length=300)
    due_on = models.DateField()
    target = models.PositiveSmallIntegerField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=ConditionStatus.choices, default=ConditionStatus.PENDING)
    met_on = models.DateField(null=True, blank=True)
    missed_reason = models.TextField(blank=True, help_text="Why it was missed, as the caseworker recorded it.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="condition_status_due")]

    def __str__(self):
        return self.description


class InterventionStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    ENGAGED = "engaged", "Engaged"
    COMPLETED = "completed", "Completed"
    DISENGAGED = "disengaged", "Disengaged"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Intervention(models.Model):
    young_person = models.ForeignKey(YoungPerson, on_delete=models.PROTECT, related_name="interventions")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="interventions")
    case = models.ForeignKey(DiversionCase, null=True, blank=True, on_delete=models.PROTECT, related_name="interventions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="interventions")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="interventions")
    status = models.CharField(max_length=12, choices=InterventionStatus.choices, default=InterventionStatus.OFFERED)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    next_session_on = models.DateField(null=True, blank=True, help_text="The next session booked, if any.")
    # A diversion case's earliest pending condition, kept by the services that change conditions (next_due.py):
    # the caseload is ordered by it, from an index, instead of working it out for every live row.
    next_due = models.DateField(null=True, blank=True)
    # Work started on an allocation (null for a diversion case's intervention and for rows made before this field).
    allocation = models.ForeignKey("referrals.Allocation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="interventions")
    # As the caseworker planned it when starting; null for rows made before it was asked.
    planned_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    # A double-clicked Start work (page or API) carries the same key: one intervention, not two.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "status", "started_on"], name="intervention_caseload"),
            # "Our caseload": live ones (ended_on empty) and ended ones, the latest first.
            models.Index(fields=["organisation", "-ended_on", "-id"], name="intervention_org_ended"),
            models.Index(fields=["young_person"], name="intervention_young_person"),
            # The live caseload in its order: the nearest due date first (none last: an ascending index's own
            # order on PostgreSQL), then the oldest.
            models.Index(fields=["organisation", "next_due", "started_on", "id"], name="intervention_live_next_due",
                         condition=Q(ended_on__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                name="intervention_ended_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
            ),
            # One piece of work per allocation: a second Start work is refused, not a second caseload row.
            models.UniqueConstraint(fields=["allocation"], condition=Q(allocation__isnull=False),
                                    name="intervention_one_per_allocation"),
            models.CheckConstraint(name="intervention_planned_sessions_positive",
                                   condition=Q(planned_sessions__isnull=True) | Q(planned_sessions__gte=1)),
        ]

    def __str__(self):
        return f"{self.programme.name} for {self.young_person_id}"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    CANCELLED_BY_US = "cancelled_by_us", "Cancelled by us"


class Session(models.Model):
    """A recorded session. Never edited: a correction is a new row naming the one it corrects."""

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField()
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    reason = models.TextField(blank=True, help_text="Why the young person did not attend.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction")
    correction_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["held_on", "id"]
        indexes = [models.Index(fields=["intervention", "held_on"], name="session_intervention")]
        constraints = [
            models.CheckConstraint(name="session_dna_has_reason",
                                   condition=~Q(attendance="did_not_attend") | ~Q(reason="")),
            models.CheckConstraint(name="session_correction_says_why",
                                   condition=Q(corrects__isnull=True) | ~Q(correction_reason="")),
        ]
        triggers = append_only.triggers()


class Assessment(models.Model):
    class Kind(models.TextChoices):
        CHECKPOINT = "checkpoint", "Checkpoint mandatory assessment"
        ASSET_PLUS = "asset_plus", "AssetPlus"
        OTHER = "other", "Other"

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction")
    correction_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["completed_on", "id"]
        triggers = append_only.triggers()


class ReturnToPolice(models.Model):
    """A non-compliant case sent back to police, who must receive it before the deadline."""

    case = models.OneToOneField(DiversionCase, on_delete=models.PROTECT, related_name="return_to_police")
    returned_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    deadline = models.DateField()
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["received_at", "deadline"], name="returned_to_police_inbox")]


class PoliceOutcome(models.Model):
    """The outcome that ends a case: the pathway's closing outcome, or what police decided on a case returned to them.

    Append-only.
    """

    case = models.OneToOneField(DiversionCase, on_delete=models.PROTECT, related_name="police_outcome")
    outcome = models.ForeignKey(OutcomeCode, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    notes = models.TextField(blank=True)

    class Meta:
        # Police's decision is recorded once and never edited; retention alone blanks the notes.
        triggers = append_only.triggers()


class CaseEvent(models.Model):
    """The case's timeline. Append-only."""

    class Kind(models.TextChoices):
        # The labels are the timeline's titles. Two stored values predate the word "returned to police".
        STARTED = "started", "Case started"
        SESSION_RECORDED = "session_recorded", "Session recorded"
        SESSION_CORRECTED = "session_corrected", "Session corrected"
        ASSESSMENT_RECORDED = "assessment_recorded", "Assessment recorded"
        ASSESSMENT_CORRECTED = "assessment_corrected", "Assessment corrected"
        CONDITION_ADDED = "condition_added", "Condition added"
        CONDITION_MET = "condition_met", "Condition met"
        CONDITION_RECORDED_MET = "condition_recorded_met", "Condition recorded as met"
        CONDITION_MISSED = "condition_missed", "Condition missed"
        MISSED_REASON = "missed_reason", "Why a condition was missed"
        AT_RISK = "at_risk", "At risk"
        RISK_RESOLVED = "risk_resolved", "Risk resolved"
        REOFFENCE = "reoffence", "Further offence"
        INTERVENTION_COMPLETED = "intervention_completed", "Intervention completed"
        INTERVENTION_DISENGAGED = "intervention_disengaged", "Young person disengaged"
        INTERVENTION_WITHDRAWN = "intervention_withdrawn", "Intervention withdrawn"
        BREACH_PROPOSED = "breach_proposed", "Breach proposed"
        FURTHER_CHANCE = "further_chance", "Further chance"
        RETURNED_TO_POLICE = "re_referred", "Returned to police"
        RECEIVED_BY_POLICE = "re_referral_received", "Received by police"
        DEADLINE_MISSED = "deadline_missed", "Deadline missed"
        POLICE_OUTCOME = "police_outcome", "Police outcome"
        CLOSURE_PROPOSED = "closure_proposed", "Proposed for closure"
        CLOSED = "closed", "Closed"

    case = models.ForeignKey(DiversionCase, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at")]
        triggers = append_only.triggers()


# The timeline entry for a condition the sweep or refresh_case finds met or missed, and for ended work.
CONDITION_EVENTS = {rules.MET: CaseEvent.Kind.CONDITION_MET, rules.MISSED: CaseEvent.Kind.CONDITION_MISSED}
INTERVENTION_END_EVENTS = {
    InterventionStatus.COMPLETED: CaseEvent.Kind.INTERVENTION_COMPLETED,
    InterventionStatus.DISENGAGED: CaseEvent.Kind.INTERVENTION_DISENGAGED,
    InterventionStatus.WITHDRAWN: CaseEvent.Kind.INTERVENTION_WITHDRAWN,
}

