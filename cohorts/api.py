"""The REST API for cohorts (/api/v1/cohorts, cohort-members, plan-actions; see config/api_urls.py).

Thin, as outcomes/api.py: reads go through cohorts.selectors or partners.access.visible (the scopes of
cohorts/access.py), writes through cohorts.services. Every viewset needs the view_cohorts capability (403 for
schools and administrators); within it, a cohort, member or action the caller's organisation is not named on
answers 404, list or detail. Opening a member (retrieve) is an audited view of the young person.
"""

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core import clock
from core.api import (
    ApiViewSet,
    NamedEnumField,
    OrganisationSummarySerializer,
    PersonSummarySerializer,
    created_status,
    idempotency_key,
    key_parameter,
)
from core.numbers import whole_number
from partners import access
from partners.api_auth import TokenScope, capability
from partners.models import Organisation

from . import rules, selectors, services
from .models import ActionStatus, Cohort, CohortMembership, PlanAction, Strand, TierChange, TierModel

NOT_YOURS = OpenApiResponse(description="Not yours, or not there.")


def _tier_model_field(**kwargs):
    return NamedEnumField(enum_name="TierModelEnum", choices=TierModel.choices, **kwargs)


def _strand_field(**kwargs):
    return NamedEnumField(enum_name="PlanStrandEnum", choices=Strand.choices, **kwargs)


def _action_status_field(**kwargs):
    return NamedEnumField(enum_name="PlanActionStatusEnum", choices=ActionStatus.choices, **kwargs)


class _Organisations(serializers.PrimaryKeyRelatedField):
    """Active organisations by id (which of them a write accepts is the service's rule)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Organisation.objects.filter(active=True), **kwargs)


class VisibleMembershipField(serializers.PrimaryKeyRelatedField):
    """A cohort member the caller may see: never another organisation's."""

    def __init__(self, **kwargs):
        super().__init__(queryset=CohortMembership.objects.none(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return CohortMembership.objects.none()
        return access.visible(request.acting, CohortMembership.objects.all())


# --- Cohorts ------------------------------------------------------------------------------------


class TierSerializer(serializers.Serializer):
    tier = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class CohortSerializer(serializers.ModelSerializer):
    tier_model = _tier_model_field(read_only=True)
    lead_organisation = OrganisationSummarySerializer(read_only=True)
    partner_organisations = OrganisationSummarySerializer(many=True, read_only=True)
    tiers = serializers.SerializerMethodField(help_text="The tiers of the cohort's model, tier 1 the highest threat.")
    member_count = serializers.IntegerField(read_only=True, help_text="Current members.")
    overdue_count = serializers.IntegerField(read_only=True, help_text="Current members whose review is overdue.")
    due_today_count = serializers.IntegerField(read_only=True, help_text="Current members whose review is due today.")

    class Meta:
        model = Cohort
        fields = ("id", "name", "area", "tier_model", "tiers", "lead_organisation", "partner_organisations",
                  "review_weeks", "active", "created_at", "member_count", "overdue_count", "due_today_count")
        read_only_fields = fields

    @extend_schema_field(TierSerializer(many=True))
    def get_tiers(self, cohort) -> list[dict]:
        return [{"tier": n, "name": name} for n, name in rules.tier_choices(cohort.tier_model)]


class CohortViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Cohorts: every one for the VRU; for a partner, those naming its organisation as lead or partner."""

    serializer_class = CohortSerializer
    permission_classes = [IsAuthenticated, TokenScope, capability("view_cohorts")]

    def get_queryset(self):
        if self.schema_only:
            return Cohort.objects.none()
        return selectors.cohorts_for(self.acting, today=clock.today())

    @extend_schema(responses={200: CohortSerializer, 404: NOT_YOURS})
    def retrieve(self, request, pk=None):
        """One cohort with its tiers and member counts (members: /cohort-members/?cohort=)."""
        return super().retrieve(request, pk=pk)


# --- Members --------------------------------------------------------------------------------------


class TierChangeSerializer(serializers.ModelSerializer):
    kind = NamedEnumField(enum_name="TierChangeKindEnum", choices=TierChange.Kind.choices, read_only=True)
    by = serializers.StringRelatedField(read_only=True)
    # Null (not "") when no organisation is recorded for the change, and the schema says so.
    organisation = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = TierChange
        fields = ("id", "kind", "from_tier", "to_tier", "reason", "review", "by", "organisation", "at")
        read_only_fields = fields


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    membership = serializers.IntegerField(source="membership_id", read_only=True)
    held_on = serializers.DateField(read_only=True)
    attendees = OrganisationSummarySerializer(many=True, read_only=True)
    summary = serializers.CharField(read_only=True)
    tier_decision = serializers.IntegerField(read_only=True)
    next_review_on = serializers.DateField(read_only=True)
    recorded_by = serializers.StringRelatedField(read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)


class PlanActionSerializer(serializers.ModelSerializer):
    strand = _strand_field(read_only=True)
    status = _action_status_field(read_only=True)
    owner = OrganisationSummarySerializer(read_only=True)
    updated_by = serializers.StringRelatedField(read_only=True, allow_null=True, help_text="Null until the status is updated.")
    overdue = serializers.SerializerMethodField(help_text="Open past its due date.")

    class Meta:
        model = PlanAction
        fields = ("id", "membership", "strand", "description", "owner", "due_on", "status", "status_note", "overdue",
                  "created_at", "updated_by", "updated_at")
        read_only_fields = fields

    def get_overdue(self, plan_action) -> bool:
        return rules.action_is_overdue(plan_action.status, plan_action.due_on, clock.today())


class MemberSerializer(serializers.ModelSerializer):
    young_person = PersonSummarySerializer(read_only=True)
    lead_agency = OrganisationSummarySerializer(read_only=True)
    tier_name = serializers.SerializerMethodField(help_text="The tier's name in the cohort's model.")
    review_state = serializers.SerializerMethodField(
        help_text="overdue, due (today), soon (within 7 days), or null; null too once the member has left."
    )

    class Meta:
        model = CohortMembership
        fields = ("id", "cohort", "young_person", "tier", "tier_name", "lead_agency", "reason", "joined_on",
                  "next_review_on", "review_state", "left_on", "left_reason")
        read_only_fields = fields

    def get_tier_name(self, member) -> str:
        return rules.TIERS.get(member.cohort.tier_model, {}).get(member.tier, "")

    def get_review_state(self, member) -> str | None:
        return rules.review_state(member.next_review_on, clock.today())


class MemberDetailSerializer(MemberSerializer):
    tier_history = TierChangeSerializer(source="tier_changes", many=True, read_only=True,
                                        help_text="Joining, each change and leaving, oldest first: who, when and why.")
    reviews = ReviewSerializer(many=True, read_only=True)
    plan_actions = PlanActionSerializer(many=True, read_only=True)

    class Meta(MemberSerializer.Meta):
        fields = (*MemberSerializer.Meta.fields, "tier_history", "reviews", "plan_actions")
        read_only_fields = fields


class ReviewInputSerializer(serializers.Serializer):
    held_on = serializers.DateField(help_text="Today or earlier; not before the member joined or their latest review.")
    attendees = _Organisations(many=True, help_text="Ids of the organisations that attended.")
    summary = serializers.CharField(allow_blank=True)
    tier_decision = serializers.IntegerField(help_text="The tier decided: the member's tier to keep it.")
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None,
                                           help_text="Default: the cohort's cadence (4 weeks) after held_on.")


def _body(serializer_class, http_request):
    body = serializer_class(data=http_request.data, context={"request": http_request})
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


MEMBER_FILTERS = [
    OpenApiParameter("cohort", int, description="Only this cohort's members."),
    OpenApiParameter("current", bool, description="true: only current members; false: only those who left."),
]


@extend_schema_view(list=extend_schema(parameters=MEMBER_FILTERS))
class CohortMemberViewSet(mixins.ListModelMixin, ApiViewSet):
    """Members of the cohorts you may see (their memberships over time), by cohort and tier."""

    serializer_class = MemberSerializer
    permission_classes = [IsAuthenticated, TokenScope, capability("view_cohorts")]

    def get_queryset(self):
        if self.schema_only:
            return CohortMembership.objects.none()
        queryset = access.visible(self.acting, CohortMembership.objects.select_related("cohort", "young_person",
                                                                                         "lead_agency"))
        if self.action == "list":
            cohort = self.request.query_params.get("cohort")
            if cohort:
                queryset = queryset.filter(cohort_id=pk) if (pk := whole_number(cohort)) is not None else queryset.none()
            current = self.request.query_params.get("current")
            if current in ("true", "false"):
                queryset = queryset.filter(left_on__isnull=current == "true")
        return queryset.order_by("cohort_id", "tier", "joined_on", "id")

    @extend_schema(responses={200: MemberDetailSerializer, 404: NOT_YOURS})
    def retrieve(self, request, pk=None):
        """One member with their tier history, reviews and 4P plan. Opening it is audited."""
        return Response(MemberDetailSerializer(selectors.member_detail(self.acting, pk)).data)

    @extend_schema(request=ReviewInputSerializer, parameters=[key_parameter("review")], responses={
        201: ReviewSerializer, 200: ReviewSerializer, 400: OpenApiResponse(description="Field errors, or a member who has left."),
        403: OpenApiResponse(description="Only the VRU records reviews."), 404: NOT_YOURS,
    })
    @action(detail=True, methods=["post"])
    def reviews(self, request, pk=None):
        """Record a review: attendees, summary, the tier decided (a change is kept in the tier history) and the next date."""
        member = self.get_object()
        key, body = idempotency_key(request), _body(ReviewInputSerializer, request)
        made = services.record_review(self.acting, member, now=timezone.now(), idempotency_key=key, **body)
        review = type(made).objects.select_related("recorded_by").prefetch_related(
            Prefetch("attendees", queryset=Organisation.objects.order_by("name"))).get(pk=made.pk)
        return Response(ReviewSerializer(review).data, status=created_status(made))


# --- Plan actions ---------------------------------------------------------------------------------


class PlanActionCreateSerializer(serializers.Serializer):
    membership = VisibleMembershipField()
    strand = _strand_field()
    description = serializers.CharField(allow_blank=True, max_length=300)
    owner = _Organisations(help_text="The cohort's lead or a partner (or the VRU).")
    due_on = serializers.DateField(help_text="Today or later.")


class PlanActionStatusSerializer(serializers.Serializer):
    status = _action_status_field()
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="Needed when dropped.")


ACTION_FILTERS = [
    OpenApiParameter("membership", int, description="Only this member's actions."),
    OpenApiParameter("mine", bool, description="true: only actions your organisation owns."),
]


@extend_schema_view(list=extend_schema(parameters=ACTION_FILTERS))
class PlanActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """4P plan actions of the members you may see. The VRU adds them; the owner organisation updates their status."""

    serializer_class = PlanActionSerializer
    permission_classes = [IsAuthenticated, TokenScope, capability("view_cohorts")]

    def get_queryset(self):
        if self.schema_only:
            return PlanAction.objects.none()
        queryset = access.visible(self.acting, PlanAction.objects.select_related("owner", "updated_by"))
        if self.action == "list":
            membership = self.request.query_params.get("membership")
            if membership:
                pk = whole_number(membership)
                queryset = queryset.filter(membership_id=pk) if pk is not None else queryset.none()
            if self.request.query_params.get("mine") == "true":
                queryset = queryset.filter(owner=self.acting.organisation)
        return queryset.order_by("due_on", "id")

    @extend_schema(responses={200: PlanActionSerializer, 404: NOT_YOURS})
    def retrieve(self, request, pk=None):
        return super().retrieve(request, pk=pk)

    @extend_schema(request=PlanActionCreateSerializer, parameters=[key_parameter("plan action")], responses={
        201: PlanActionSerializer, 200: PlanActionSerializer,
        400: OpenApiResponse(description="Field errors, or a member who has left."),
        403: OpenApiResponse(description="Only the VRU adds plan actions."),
    })
    def create(self, request):
        """Add an action to a member's plan (VRU)."""
        access.require_capability(self.acting, "manage_cohorts")
        key, body = idempotency_key(request), _body(PlanActionCreateSerializer, request)
        created = services.add_plan_action(self.acting, body.pop("membership"), now=timezone.now(), idempotency_key=key,
                                           **body)
        return Response(PlanActionSerializer(self.get_queryset().get(pk=created.pk)).data, status=created_status(created))

    @extend_schema(request=PlanActionStatusSerializer, responses={
        200: PlanActionSerializer, 400: OpenApiResponse(description="Field errors."),
        403: OpenApiResponse(description="Only the VRU or the organisation owning the action."), 404: NOT_YOURS,
    })
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Mark the action done, dropped (with a note saying why) or open again."""
        plan_action = self.get_object()
        body = _body(PlanActionStatusSerializer, request)
        services.update_plan_action(self.acting, plan_action, now=timezone.now(), **body)
        return Response(PlanActionSerializer(self.get_queryset().get(pk=plan_action.pk)).data)
