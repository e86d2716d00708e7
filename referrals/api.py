"""The REST API for referrals, triage, young people and allocations (/api/v1/, see config/api_urls.py).

Thin: serializers parse and present; every read goes through `referrals.selectors` (scoped by
`partners.access`) and every write through `referrals.services`, exactly as the pages do. The caller
is `request.acting`: set by the session middleware, or by partners.api_auth for a token (which acts
for the token's organisation only).

Errors: a service's ValidationError becomes 400 with field errors, a claim held by someone else 409,
PermissionDenied 403 (a role that may not do this at all), access.NotFound 404 (not yours, or not there: see
partners.api_errors).
"""


from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.api import IDEMPOTENCY_HEADER, ApiViewSet, Conflict, idempotency_key
from core.api_lists import PlannedListSerializer
from partners import access
from partners.api_auth import TokenScope, capability
from partners.models import Area

from . import rules, selectors, services
from .filters import ReferralFilter
from .models import (
    Allocation,
    Concern,
    Decision,
    DeclineReason,
    Rag,
    Referral,
    ReferralConcern,
    Source,
    Status,
    YoungPerson,
)

# --- Errors -----------------------------------------------------------------------------


# --- Referrals --------------------------------------------------------------------------


def _live_allocations():
    return Prefetch(
        "allocations",
        queryset=Allocation.objects.exclude(state=Allocation.State.HANDED_BACK).select_related("organisation")
        .only("referral_id", "organisation_id", "organisation__name"),
        to_attr="live_allocations",
    )


class LiveAllocation(NamedTuple):
    """What the access rules and "allocated to" read of a live allocation, for a list row that has it on the row."""

    organisation_id: int
    organisation: object


def _prefetched(referral):
    if not hasattr(referral, "live_allocations"):
        prefetch_related_objects([referral], _live_allocations())
    return referral


class ConcernsField(serializers.ListField):
    """Concern codes: written as a list, read from the referral's prefetched ReferralConcern rows."""

    child = serializers.ChoiceField(choices=Concern.choices)

    def to_representation(self, manager):
        codes = getattr(manager.instance, "concern_codes", None)  # a list page reads them for all its rows at once
        return codes if codes is not None else [row.concern for row in manager.all()]


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A read-only choice stored blank until someone makes it (a decision, a rating): shown as null, never "".

    Null is what an API client can test for ("not decided yet"), and what the schema says: a nullable enum,
    as `rag` already was. "" was in no enum, so the schema lied about every undecided referral.
    """

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


@extend_schema_field(OpenApiTypes.STR)
class ChoiceLabelField(serializers.ReadOnlyField):
    """A choice's label, looked up in the choices: not get_FOO_display, a method DRF inspects for every row."""

    def __init__(self, *, choices, **kwargs):
        self.labels = dict(choices)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return str(self.labels.get(value, value))


# The columns the list shows (and the access policy reads): the rest of a referral (its notes, who claimed it,
# when it was updated) is not read, parsed nor made into objects fifty times a page.
LIST_COLUMNS = ("id", "reference", "status", "referring_organisation__name", "source", *services.SUBJECT_FIELDS,
                *services.CONCERN_FIELDS, "created_at", "received_at", "triage_deadline", "decision", "rag",
                "young_person_id")


class ReferralSerializer(serializers.ModelSerializer):
    concerns = ConcernsField(required=False, help_text="Concern codes; at least one is needed to submit.")
    # Identifiers are normalised and checked by the service (spaces and case are forgiven), so a
    # spaced NHS number is not refused here for its length.
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=20)
    upn = serializers.CharField(required=False, allow_blank=True, max_length=30, help_text="Unique pupil number.")
    nhs_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    # Left out or null is "not answered", never No (a form-encoded BooleanField would otherwise read a missing
    # value as False); submitting refuses an unanswered question with a field error.
    urgent = serializers.BooleanField(
        required=False, allow_null=True,
        help_text="Is the young person at immediate risk of harm? Null until answered; needed to submit.",
    )
    submit = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="Submit to the VRU now. If the referral is incomplete nothing is saved and the answer is 400.",
    )
    status_display = ChoiceLabelField(source="status", choices=Status.choices)
    referring_organisation = serializers.CharField(source="referring_organisation.name", read_only=True)
    rag = serializers.SerializerMethodField(
        help_text="The VRU's risk rating. Shown to the VRU and the partner it is allocated to; null for the referrer."
    )
    allocated_to = serializers.SerializerMethodField(help_text="The partner organisation it is allocated to, if any.")
    decision = BlankAsNullChoiceField(choices=Decision.choices, help_text="The VRU's triage decision; null until made.")

    class Meta:
        model = Referral
        fields = (
            "id", "reference", "status", "status_display", "referring_organisation", "source",
            *services.SUBJECT_FIELDS, "concerns", *services.CONCERN_FIELDS, "submit",
            "created_at", "received_at", "triage_deadline", "decision", "rag", "allocated_to", "young_person",
        )
        read_only_fields = (
            "id", "reference", "status", "created_at", "received_at", "triage_deadline", "young_person",
        )
        extra_kwargs = {"source": {"required": False, "help_text": "Defaults from the kind of organisation referring."}}
        list_serializer_class = PlannedListSerializer

    def validate_concerns(self, value):
        return list(dict.fromkeys(value))  # a code named twice is one concern

    @extend_schema_field(serializers.ChoiceField(choices=Rag.choices, allow_null=True))
    def get_rag(self, referral):
        return (referral.rag or None) if access.may(self.context["request"].acting, "referrals.see_rag",
                                                    _prefetched(referral)) else None

    def get_allocated_to(self, referral) -> str | None:
        live = _prefetched(referral).live_allocations
        return live[0].organisation.name if live else None


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="The answer to the VRU's question.")


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    rag = serializers.ChoiceField(choices=Rag.choices, required=False, allow_blank=True, default="",
                                  help_text="Needed for every decision except a request for more information.")
    # Only active partner organisations can be named: never an arbitrary organisation id.
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=selectors.partner_organisations(), required=False, allow_null=True, default=None,
        help_text="For allocate: the partner organisation's id.",
    )
    programme = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                      help_text="For allocate.")
    signpost_to = serializers.CharField(required=False, allow_blank=True, default="", max_length=500,
                                        help_text="For signpost.")
    decline_reason = serializers.ChoiceField(choices=DeclineReason.choices, required=False, allow_blank=True, default="",
                                             help_text="For decline.")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=rules.ACCOUNT_MAX_CHARS,
                                   help_text="Why: needed to decline.")
    question = serializers.CharField(required=False, allow_blank=True, default="", max_length=rules.ACCOUNT_MAX_CHARS,
                                     help_text="For request_info: the question for the referrer.")




class ReferralPagination(CursorPagination):
    """Newest first, a page at a time by keyset: a partner may see a hundred thousand referrals after a few
    years, and neither counting them nor skipping to page 2,000 should cost a request what reading them does."""

    ordering = ("-created_at", "-id")
    page_size = 50


class ReferralViewSet(mixins.ListModelMixin, ApiViewSet):
    """Referrals the caller may see: a referrer its own, the VRU all submitted ones, a partner those allocated to it."""

    serializer_class = ReferralSerializer
    pagination_class = ReferralPagination
    filter_backends = api_settings.DEFAULT_FILTER_BACKENDS
    filterset_class = ReferralFilter

    def get_queryset(self):
        if self.schema_only or self.acting.organisation is None:
            return Referral.objects.none()
        # Another organisation's draft is not there: the scope (access.SCOPES["referrals.referral"]) says so.
        queryset = selectors.referrals_for(self.acting)
        if self.action == "list":
            # The concerns are read as codes for the page (paginate_queryset), not as a model object each.
            return (queryset.select_related(None).select_related("referring_organisation", "live_partner")
                    .prefetch_related(None).only(*LIST_COLUMNS, "live_partner__name"))
        return queryset.prefetch_related(_live_allocations())

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if not page:
            return page
        codes = {referral.pk: [] for referral in page}
        for referral_id, concern in ReferralConcern.objects.filter(referral_id__in=codes).order_by(
                "concern").values_list("referral_id", "concern"):
            codes[referral_id].append(concern)
        for referral in page:
            # The live partner is on the row (Referral.live_partner, kept by the database from the allocations):
            # the rating's rule and "allocated to" read it as the one live allocation, with no query for them.
            partner = referral.live_partner
            referral.live_allocations = [LiveAllocation(partner.pk, partner)] if partner else []
            referral.concern_codes = codes[referral.pk]
        return page

    def _respond(self, referral, status=http.HTTP_200_OK, headers=None):
        fresh = self.get_queryset().filter(pk=referral.pk).first()
        return Response(self.get_serializer(fresh or _prefetched(referral)).data, status=status, headers=headers)

    def retrieve(self, request, pk=None):
        self.get_object()  # 404 unless the caller may see it (drafts of others included)
        referral = selectors.referral_detail(self.acting, pk)  # the view is audited
        return Response(self.get_serializer(_prefetched(referral)).data)

    def _own_by_key(self, key):
        if key is None:
            return None
        return selectors.own_referrals(self.acting).filter(idempotency_key=key).first()

    @extend_schema(
        parameters=[OpenApiParameter(
            IDEMPOTENCY_HEADER, OpenApiTypes.UUID, OpenApiParameter.HEADER,
            description="A UUID you make for this referral. Sending it again returns the same referral (200) "
                        "instead of making a second one.",
        )],
        responses={
            201: ReferralSerializer, 200: OpenApiResponse(ReferralSerializer, description="Already made with this key."),
            400: OpenApiResponse(description="Field errors: {field: [messages]}."),
            403: OpenApiResponse(description="Your role does not make referrals."),
        },
    )
    def create(self, request):
        """Save a referral as a draft and, with `submit: true`, submit it to the VRU."""
        acting = access.require_capability(self.acting, "refer")
        key = idempotency_key(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        submit = data.pop("submit", False)
        now = timezone.now()
        referral, created = self._own_by_key(key), False
        if referral is None:
            try:
                # One transaction: a referral that fails submission leaves no draft behind.
                with transaction.atomic():
                    referral = services.save_draft(acting, data, now=now, idempotency_key=key)
                    if submit:
                        referral = services.submit_referral(acting, referral, now=now)
                created = True
            except IntegrityError:
                referral = self._own_by_key(key)  # the same key sent twice at once: the other request made it
                if referral is None:
                    if key is None:
                        raise
                    raise Conflict(f"This {IDEMPOTENCY_HEADER} has already been used.") from None
        elif submit:
            referral = services.submit_referral(acting, referral, now=now)  # a retry: finish what was asked
        if created:
            location = reverse("api-referral-detail", args=[referral.pk])
            return self._respond(referral, http.HTTP_201_CREATED, headers={"Location": location})
        return self._respond(referral)

    @extend_schema(request=None, responses={200: ReferralSerializer, 400: OpenApiResponse(description="Field errors.")})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft to the VRU. Submitting again changes nothing."""
        return self._respond(services.submit_referral(self.acting, self.get_object(), now=timezone.now()))

    @extend_schema(request=AnswerSerializer, responses={200: ReferralSerializer}, parameters=[OpenApiParameter(
        IDEMPOTENCY_HEADER, OpenApiTypes.UUID, OpenApiParameter.HEADER,
        description="A UUID you make for this answer. Sending it again returns the referral (200) instead of "
                    "a 400 for a question already answered.",
    )])
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """The referrer's answer to the VRU's question: the referral returns to the triage queue."""
        referral = self.get_object()
        key = idempotency_key(request)
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(services.answer_info(self.acting, referral, body.validated_data["answer"], now=timezone.now(),
                                                  idempotency_key=key))

    @extend_schema(request=None, responses={200: ReferralSerializer, 409: OpenApiResponse(description="Someone else holds it.")})
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """VRU triage: take this referral to work on (letting go of any other you hold)."""
        return self._respond(services.claim(self.acting, self.get_object(), now=timezone.now()))

    @extend_schema(request=None, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """VRU triage: let go of a referral you hold."""
        return self._respond(services.release(self.acting, self.get_object(), now=timezone.now()))

    @extend_schema(request=DecisionSerializer, responses={
        200: ReferralSerializer, 400: OpenApiResponse(description="Field errors, or a decision the status does not allow."),
        403: OpenApiResponse(description="Not claimed by the caller: claim it first (POST .../claim/)."),
        409: OpenApiResponse(description="Someone else holds it now (the caller's claim lapsed and was taken)."),
    })
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """VRU triage: allocate, signpost, decline or ask the referrer for more information. Only the triager holding
        the claim decides (POST .../claim/ first, or .../triage/next/)."""
        referral = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(services.decide(self.acting, referral, now=timezone.now(), **body.validated_data))


# --- Triage queue -----------------------------------------------------------------------

SECTION_CHOICES = [(key, rules.SECTION_LABELS[key]) for key in rules.SECTION_ORDER]


class QueueItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    section = serializers.ChoiceField(choices=SECTION_CHOICES, read_only=True)
    deadline = serializers.DateTimeField(source="triage_deadline", read_only=True)
    urgent = serializers.BooleanField(read_only=True)
    source = serializers.ChoiceField(choices=Source.choices, read_only=True)
    area = serializers.ChoiceField(choices=Area.choices, read_only=True)
    concerns = ConcernsField(read_only=True)
    is_re_referral = serializers.BooleanField(read_only=True)
    has_open_match = serializers.BooleanField(read_only=True)
    claimed_by = serializers.SerializerMethodField(help_text="Who is working on it now (a claim lapses after 2 hours).")

    def get_claimed_by(self, referral) -> str | None:
        return str(referral.claimed_by) if referral.claim_live else None


class QueueQuerySerializer(serializers.Serializer):
    area = serializers.ChoiceField(choices=Area.choices, required=False)
    source = serializers.ChoiceField(choices=Source.choices, required=False)
    concern = serializers.ChoiceField(choices=Concern.choices, required=False)
    rag = serializers.ChoiceField(choices=Rag.choices, required=False)


class NextQuerySerializer(serializers.Serializer):
    area = serializers.ChoiceField(choices=Area.choices, required=False, help_text="Only take from this area.")
    source = serializers.ChoiceField(choices=Source.choices, required=False, help_text="Only take from this source.")


class QueuePagination(PageNumberPagination):
    """Items in queue order (overdue, urgent, due today, due later, returned), with each section's count."""

    def paginate_sections(self, sections, request, view):
        self.sections = [{"key": s["key"], "label": s["label"], "count": s["count"]} for s in sections]
        return self.paginate_queryset([item for s in sections for item in s["items"]], request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["sections"] = self.sections
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["sections"] = {
            "type": "array",
            "items": {"type": "object", "required": ["key", "label", "count"], "properties": {
                "key": {"type": "string", "enum": list(rules.SECTION_ORDER)},
                "label": {"type": "string"}, "count": {"type": "integer"},
            }},
        }
        return schema


class TriageViewSet(ApiViewSet):
    """The VRU's daily queue. Triagers and VRU managers only (the selectors and services check)."""

    serializer_class = QueueItemSerializer
    pagination_class = QueuePagination

    def get_queryset(self):
        return Referral.objects.none()  # no generic rows here: each action asks its selector or service

    @extend_schema(parameters=[QueueQuerySerializer], responses=QueueItemSerializer(many=True))
    @action(detail=False, methods=["get"])
    def queue(self, request):
        """The triage queue now, most pressing first; each item names its section."""
        query = QueueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        sections = selectors.triage_queue(self.acting, now=timezone.now(), **query.validated_data)
        page = self.paginator.paginate_sections(sections, request, self)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=NextQuerySerializer, responses={
        200: ReferralSerializer, 204: OpenApiResponse(description="Nothing is waiting."),
    })
    @action(detail=False, methods=["post"])
    def next(self, request):
        """Claim the most pressing unclaimed referral (overdue, then urgent, then the earliest deadline)."""
        body = NextQuerySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        referral = services.claim_next(self.acting, now=timezone.now(), filters=dict(body.validated_data) or None)
        if referral is None:
            return Response(status=http.HTTP_204_NO_CONTENT)
        return Response(ReferralSerializer(_prefetched(referral), context=self.get_serializer_context()).data)


# --- Young people (the VRU) -------------------------------------------------------------


class YoungPersonSerializer(serializers.ModelSerializer):
    school = serializers.CharField(source="school.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = YoungPerson
        fields = (
            "id", "given_name", "family_name", "preferred_name", "date_of_birth", "sex", "gender_identity",
            "ethnicity", "postcode", "area", "school", "upn", "nhs_number", "merged_into", "created_at", "anonymised_at",
        )
        read_only_fields = fields


class YoungPersonViewSet(mixins.ListModelMixin, ApiViewSet):
    """Young people known to the VRU: triagers and VRU managers only. Opening one is audited."""

    serializer_class = YoungPersonSerializer
    permission_classes = [IsAuthenticated, TokenScope, capability("triage")]

    def get_queryset(self):
        if self.schema_only:
            return YoungPerson.objects.none()
        return access.visible(self.acting, YoungPerson.objects.select_related("school").order_by("-created_at", "-id"))

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(selectors.young_person(self.acting, pk)).data)


# --- Allocations (partners) -------------------------------------------------------------


class AllocatedReferralSerializer(serializers.ModelSerializer):
    rag = BlankAsNullChoiceField(choices=Rag.choices, help_text="The VRU's risk rating; null if none was given.")

    class Meta:
        model = Referral
        fields = ("id", "reference", "status", "urgent", "rag", "received_at", "given_name", "family_name",
                  "date_of_birth", "area")
        read_only_fields = fields


class AllocationSerializer(serializers.ModelSerializer):
    referral = AllocatedReferralSerializer(read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Allocation
        fields = (
            "id", "referral", "organisation", "programme", "state", "state_display", "allocated_at", "accept_due",
            "accepted_at", "first_contact_due", "first_contact_at", "handed_back_at", "hand_back_reason",
        )
        read_only_fields = fields


class HandBackSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=rules.ACCOUNT_MAX_CHARS,
                                   help_text="Why the referral goes back to the VRU.")


class AllocationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Referrals allocated to the caller's organisation (caseworkers and managers of partners)."""

    serializer_class = AllocationSerializer

    def get_queryset(self):
        if self.schema_only:
            return Allocation.objects.none()
        return selectors.allocations_for(self.acting)

    @extend_schema(request=None, responses={200: AllocationSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the allocation: the first-contact deadline starts."""
        return Response(self.get_serializer(services.accept_allocation(self.acting, self.get_object(), now=timezone.now())).data)

    @extend_schema(request=HandBackSerializer, responses={200: AllocationSerializer})
    @action(detail=True, methods=["post"], url_path="hand-back", url_name="hand-back")
    def hand_back(self, request, pk=None):
        """Hand the referral back to the VRU, with the reason. The organisation no longer sees it."""
        allocation = self.get_object()
        body = HandBackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        allocation = services.hand_back(self.acting, allocation, body.validated_data["reason"], now=timezone.now())
        return Response(self.get_serializer(allocation).data)
