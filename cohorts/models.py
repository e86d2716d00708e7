"""Cohorts: young people managed jointly, each with a tier that changes over time, reviews and a 4P plan.

A person's place in a cohort is a CohortMembership; leaving closes it (left_on) and joining again opens a
new one, so the database can hold "one open membership per person per cohort". Every tier a member has
held is a TierChange row (joining and leaving too), never edited. Which tiers exist depends on the cohort's
tier model (rules.TIERS); the database checks the widest range and the services check the model.
"""


from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from partners import append_only
from partners.models import Area, Organisation
from referrals.models import YoungPerson

from . import rules


class TierModel(models.TextChoices):
    PIP4 = rules.PIP4, rules.TIER_MODELS[rules.PIP4]
    SCALED = rules.SCALED, rules.TIER_MODELS[rules.SCALED]


class Strand(models.TextChoices):
    PREPARE = rules.PREPARE, rules.STRANDS[rules.PREPARE]
    PREVENT = rules.PREVENT, rules.STRANDS[rules.PREVENT]
    PROTECT = rules.PROTECT, rules.STRANDS[rules.PROTECT]
    PURSUE = rules.PURSUE, rules.STRANDS[rules.PURSUE]


class ActionStatus(models.TextChoices):
    OPEN = rules.OPEN, rules.ACTION_STATUSES[rules.OPEN]
    DONE = rules.DONE, rules.ACTION_STATUSES[rules.DONE]
    DROPPED = rules.DROPPED, rules.ACTION_STATUSES[rules.DROPPED]


class Cohort(models.Model):
    name = models.CharField(max_length=200)
    area = models.CharField(max_length=20, choices=Area.choices)
    tier_model = models.CharField(max_length=10, choices=TierModel.choices)
    lead_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="led_cohorts")
    partner_organisations = models.ManyToManyField(Organisation, blank=True, related_name="partner_cohorts")
    review_weeks = models.PositiveSmallIntegerField(default=rules.DEFAULT_REVIEW_WEEKS,
                                                    help_text="How often each member is reviewed, in weeks.")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["lead_organisation", "name"], name="cohort_lead_name")]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="cohort_unique_name"),
            models.CheckConstraint(name="cohort_tier_model_known", condition=Q(tier_model__in=list(rules.TIER_MODELS))),
            models.CheckConstraint(name="cohort_review_weeks_range",
                                   condition=Q(review_weeks__gte=1, review_weeks__lte=rules.MAX_REVIEW_WEEKS)),
        ]

    def __str__(self):
        return self.name

    def tier_label(self, tier):
        return rules.tier_label(self.tier_model, tier)


class CohortMembership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="memberships")
    young_person = models.ForeignKey(YoungPerson, on_delete=models.PROTECT, related_name="cohort_memberships")
    tier = models.PositiveSmallIntegerField()
    lead_agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(help_text="Why the young person joined the cohort.")
    joined_on = models.DateField()
    next_review_on = models.DateField(null=True, blank=True, help_text="Blank once the member has left.")
    left_on = models.DateField(null=True, blank=True)
    left_reason = models.TextField(blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tier", "joined_on", "id"]
        indexes = [
            # The cohort page: current members by tier.
            models.Index(fields=["cohort", "tier", "joined_on", "id"], name="member_cohort_tier",
                         condition=Q(left_on__isnull=True)),
            # The daily job and "reviews due": open memberships by their next review.
            models.Index(fields=["next_review_on", "id"], name="member_review_due", condition=Q(left_on__isnull=True)),
            models.Index(fields=["young_person", "joined_on"], name="member_young_person"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "young_person"], condition=Q(left_on__isnull=True),
                                    name="member_one_open_per_cohort"),
            models.CheckConstraint(name="member_tier_range", condition=Q(tier__gte=1, tier__lte=rules.HIGHEST_TIER)),
            models.CheckConstraint(name="member_left_after_joining",
                                   condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on"))),
            models.CheckConstraint(name="member_left_says_why", condition=Q(left_on__isnull=True) | ~Q(left_reason="")),
            models.CheckConstraint(name="member_open_has_review",
                                   condition=Q(left_on__isnull=False) | Q(next_review_on__isnull=False)),
            models.CheckConstraint(name="member_reason_given", condition=~Q(reason="")),
        ]

    def __str__(self):
        return f"Member {self.pk} of {self.cohort_id}"

    @property
    def is_open(self):
        return self.left_on is None


class TierChange(models.Model):
    """One step of a member's tier history: joining, a change (by hand or at a review), or leaving. Append-only."""

    class Kind(models.TextChoices):
        JOINED = "joined", "Joined"
        CHANGED = "changed", "Tier changed"
        LEFT = "left", "Left"

    membership = models.ForeignKey(CohortMembership, on_delete=models.PROTECT, related_name="tier_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_tier = models.PositiveSmallIntegerField(null=True, blank=True)
    to_tier = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField()
    review = models.ForeignKey("Review", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["membership", "at"], name="tierchange_member_at")]
        constraints = [
            models.CheckConstraint(name="tierchange_says_why", condition=~Q(reason="")),
            models.CheckConstraint(name="tierchange_shape", condition=(
                Q(kind="joined", from_tier__isnull=True, to_tier__isnull=False)
                | Q(kind="changed", from_tier__isnull=False, to_tier__isnull=False)
                | Q(kind="left", from_tier__isnull=False, to_tier__isnull=True)
            )),
        ]
        triggers = append_only.triggers()


class Review(models.Model):
    """A multi-agency review of one member. Recorded, never edited."""

    membership = models.ForeignKey(CohortMembership, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    attendees = models.ManyToManyField(Organisation, related_name="+", help_text="The organisations that attended.")
    summary = models.TextField()
    tier_decision = models.PositiveSmallIntegerField(help_text="The tier the review decided: the same tier if unchanged.")
    next_review_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]
        indexes = [models.Index(fields=["membership", "held_on"], name="review_member_held")]
        constraints = [
            models.CheckConstraint(name="review_next_after_held", condition=Q(next_review_on__gt=F("held_on"))),
            models.CheckConstraint(name="review_has_summary", condition=~Q(summary="")),
            models.CheckConstraint(name="review_tier_range",
                                   condition=Q(tier_decision__gte=1, tier_decision__lte=rules.HIGHEST_TIER)),
        ]
        triggers = append_only.triggers()


class PlanAction(models.Model):
    """One action of a member's 4P plan: what, which P, who owns it, by when, and where it stands."""

    membership = models.ForeignKey(CohortMembership, on_delete=models.PROTECT, related_name="plan_actions")
    strand = models.CharField("P", max_length=10, choices=Strand.choices)
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cohort_actions")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    status_note = models.TextField(blank=True, help_text="Why the action was dropped, or what was done.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["membership", "strand", "due_on"], name="action_member_strand"),
            models.Index(fields=["owner", "status", "due_on"], name="action_owner_status"),
        ]
        constraints = [
            models.CheckConstraint(name="action_strand_known", condition=Q(strand__in=list(rules.STRANDS))),
            models.CheckConstraint(name="action_status_known", condition=Q(status__in=list(rules.ACTION_STATUSES))),
            models.CheckConstraint(name="action_dropped_says_why", condition=~Q(status="dropped") | ~Q(status_note="")),
            models.CheckConstraint(name="action_has_description", condition=~Q(description="")),
        ]

    def __str__(self):
        return self.description
