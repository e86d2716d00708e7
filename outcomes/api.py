"""The REST API for diversion cases, interventions and their reference data (/api/v1/, see config/api_urls.py).

Thin, as referrals/api.py: serializers parse and present; every read goes through `outcomes.selectors`
(or `partners.access` directly where no selector fits), every write through `outcomes.services`, exactly
as the pages do. The caller is `request.acting` (a token acts for its organisation only). The error
answers are core.api's: a service's ValidationError is 400 with field errors (non_field_errors when
no field is to blame, e.g. a transition the case's status does not allow), PermissionDenied 403 (a role
that may not do this at all), access.NotFound 404 (not yours, or not there: one answer for both).

Every detail route finds its record through a scoped queryset first, so a record the caller may not
see is 404 before the service is asked (which then answers 403 to a role that sees it but may not act).
Opening a case or an intervention (retrieve) is an audited view; the answers to writes show the record
from the same scoped lists without a second audit event.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core import clock
from core.api import (
    IDEMPOTENCY_HEADER,
    ApiViewSet,
    Conflict,
    NamedEnumField,
    OrganisationSummarySerializer,
    PersonSummarySerializer,
    as_api_error,
    created_status,
    idempotency_key,
    key_parameter,
)
from partners import access
from partners.api_auth import TokenScope, capability
from referrals import selectors as referral_selectors
from referrals.models import Allocation, Area, Ethnicity, Sex, YoungPerson

from . import rules, selectors, services
from .models import (
    Assessment,
    Attendance,
    CaseStatus,
    Condition,
    ConditionStatus,
    DiversionCase,
    History,
    Intervention,
    InterventionStatus,
    ModeOfTrial,
    Offence,
    OutcomeCode,
    Programme,
    Session,
)

# --- Named enums ------------------------------------------------------------------------------


def case_status_field(**kwargs):
    return NamedEnumField(enum_name="CaseStatusEnum", choices=CaseStatus.choices, **kwargs)


# --- Scoped relations -------------------------------------------------------------------------


class VisibleYoungPersonField(serializers.PrimaryKeyRelatedField):
    """A young person the caller may see (never another organisation's), not merged or anonymised."""

    def __init__(self, **kwargs):
        super().__init__(queryset=YoungPerson.objects.none(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return YoungPerson.objects.none()
        known = YoungPerson.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True)
        return access.visible(request.acting, known)


class CaseConditionField(serializers.PrimaryKeyRelatedField):
    """One of this case's conditions (the case is already scoped by the view): never another case's."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Condition.objects.none(), **kwargs)

    def get_queryset(self):
        case = self.context.get("case")
        return Condition.objects.filter(case=case) if case is not None else Condition.objects.none()


def lead_organisations():
    """Active partner organisations that may lead a case (the service says which kinds)."""
    return referral_selectors.partner_organisations().filter(kind__in=services.LEAD_KINDS)


# --- Reference data ---------------------------------------------------------------------------


class OffenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Offence
        fields = ("code", "name", "legislation", "mode_of_trial", "violent", "weapon", "checkpoint_eligible",
                  "outcome22_eligible", "severity")
        read_only_fields = fields


class OutcomeCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutcomeCode
        fields = ("code", "name", "closes_diversion")
        read_only_fields = fields


class ReferenceViewSet(mixins.ListModelMixin, ApiViewSet):
    """Reference data for any signed-in caller: one short list, not paginated."""

    pagination_class = None


class OffenceViewSet(ReferenceViewSet):
    """Offences a case may be started for (their codes are what `offence` takes), least severe first."""

    serializer_class = OffenceSerializer

    def get_queryset(self):
        return selectors.offences()


class OutcomeCodeViewSet(ReferenceViewSet):
    """Home Office crime outcome codes, for closing a case or recording the police outcome of a return to police."""

    serializer_class = OutcomeCodeSerializer

    def get_queryset(self):
        return selectors.outcome_codes()


# --- Shared parts of cases and interventions ----------------------------------------------------


class OffenceSummarySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    mode_of_trial = serializers.ChoiceField(choices=ModeOfTrial.choices, read_only=True)


class PathwaySummarySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProgrammeSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


# --- Interventions, sessions and assessments ------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    recorded_by = serializers.StringRelatedField(read_only=True)
    correction = serializers.SerializerMethodField(help_text="The id of the session that corrects this one, if any: "
                                                             "a corrected session no longer counts.")

    class Meta:
        model = Session
        fields = ("id", "intervention", "held_on", "attendance", "reason", "recorded_by", "recorded_at", "corrects",
                  "correction_reason", "correction")
        read_only_fields = fields

    def get_correction(self, session) -> int | None:
        correction = getattr(session, "correction", None)
        return correction.pk if correction is not None else None


class AssessmentSerializer(serializers.ModelSerializer):
    kind = NamedEnumField(enum_name="AssessmentKindEnum", choices=Assessment.Kind.choices, read_only=True)
    recorded_by = serializers.StringRelatedField(read_only=True)
    correction = serializers.SerializerMethodField(help_text="The id of the assessment that corrects this one, if any.")

    class Meta:
        model = Assessment
        fields = ("id", "intervention", "kind", "completed_on", "recorded_by", "recorded_at", "corrects",
                  "correction_reason", "correction")
        read_only_fields = fields

    def get_correction(self, assessment) -> int | None:
        correction = getattr(assessment, "correction", None)
        return correction.pk if correction is not None else None


class InterventionCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    crime_reference = serializers.CharField(read_only=True)
    pathway = serializers.CharField(source="pathway.code", read_only=True)
    status = case_status_field(read_only=True)


class InterventionSerializer(serializers.ModelSerializer):
    status = NamedEnumField(enum_name="InterventionStatusEnum", choices=InterventionStatus.choices, read_only=True)
    young_person = PersonSummarySerializer(read_only=True)
    organisation = OrganisationSummarySerializer(read_only=True)
    programme = ProgrammeSummarySerializer(read_only=True)
    case = InterventionCaseSerializer(read_only=True, allow_null=True, help_text="The diversion case it delivers, if any.")
    # The caseload's figures: given to the delivering organisation, null in the VRU's list.
    next_due = serializers.DateField(read_only=True, allow_null=True,
                                     help_text="The earliest pending condition of its case. Null in the VRU's list.")
    assessment_due = serializers.DateField(read_only=True, allow_null=True, help_text="Null in the VRU's list.")
    overdue = serializers.BooleanField(read_only=True, allow_null=True,
                                       help_text="A condition missed, or pending past its due date. Null in the VRU's list.")
    last_session_on = serializers.DateField(read_only=True, allow_null=True, help_text="Null in the VRU's list.")
    sessions_attended = serializers.IntegerField(read_only=True, allow_null=True,
                                                 help_text="Attended sessions not since corrected. Null in the VRU's list.")

    class Meta:
        model = Intervention
        fields = ("id", "status", "young_person", "organisation", "programme", "case", "referral", "allocation",
                  "started_on", "planned_sessions", "ended_on", "end_reason", "next_session_on", "next_due", "assessment_due",
                  "overdue", "last_session_on", "sessions_attended")
        read_only_fields = fields


class InterventionDetailSerializer(InterventionSerializer):
    sessions = SessionSerializer(many=True, read_only=True, help_text="Oldest first, corrections beside what they correct.")
    assessments = AssessmentSerializer(many=True, read_only=True)

    class Meta(InterventionSerializer.Meta):
        fields = ("id", "status", "young_person", "organisation", "programme", "case", "referral", "allocation",
                  "started_on", "planned_sessions", "ended_on", "end_reason", "sessions", "assessments")
        read_only_fields = fields


class SessionInputSerializer(serializers.Serializer):
    held_on = serializers.DateField(help_text="On or after the intervention started, and not in the future.")
    attendance = serializers.ChoiceField(choices=Attendance.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Why the young person did not attend: needed for did_not_attend.")


class SessionRecordSerializer(SessionInputSerializer):
    next_session_on = serializers.DateField(required=False, allow_null=True, default=None,
                                            help_text="The next session booked, if any: after this one, not in the past.")


class SessionCorrectionSerializer(SessionInputSerializer):
    correction_reason = serializers.CharField(allow_blank=True, help_text="Why the session is corrected.")


class AssessmentInputSerializer(serializers.Serializer):
    kind = NamedEnumField(enum_name="AssessmentKindEnum", choices=Assessment.Kind.choices)
    completed_on = serializers.DateField()


class AssessmentCorrectionSerializer(AssessmentInputSerializer):
    correction_reason = serializers.CharField(allow_blank=True, help_text="Why the assessment is corrected.")


class EndSerializer(serializers.Serializer):
    """Completion, disengagement or withdrawal: the day and an outcome note (kept from the referrer)."""

    on = serializers.DateField(help_text="The day it ended: not before the last session, not in the future.")
    note = serializers.CharField(allow_blank=True, max_length=5000,
                                 help_text="The outcome note: required. The referrer is told only how the work ended.")


class OwnAllocationField(serializers.PrimaryKeyRelatedField):
    """One of the caller's organisation's allocations: never another organisation's."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Allocation.objects.none(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or request.acting.organisation is None:
            return Allocation.objects.none()
        return Allocation.objects.filter(organisation=request.acting.organisation)


class OwnProgrammeField(serializers.PrimaryKeyRelatedField):
    """One of the caller's organisation's programmes (the service checks it is active)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Programme.objects.none(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or request.acting.organisation is None:
            return Programme.objects.none()
        return Programme.objects.filter(owner=request.acting.organisation)


class InterventionStartSerializer(serializers.Serializer):
    allocation = OwnAllocationField(help_text="An allocation to your organisation that you have accepted.")
    programme = OwnProgrammeField(help_text="One of your organisation's active programmes.")
    started_on = serializers.DateField(help_text="On or after the allocation, and not in the future.")
    planned_sessions = serializers.IntegerField(help_text="The planned number of sessions: a whole number, 1 to 50.")


def _body(serializer_class, http_request, /, **context):
    """The request's body, validated (400 with field errors otherwise), as a dict for a service's keywords."""
    body = serializer_class(data=http_request.data, context=context)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class InterventionViewSet(mixins.ListModelMixin, ApiViewSet):
    """Interventions: a partner's caseload (its caseworkers and managers), or every intervention for the VRU.

    The delivering organisation's caseworkers record sessions and assessments and end the intervention;
    the conditions of its diversion case follow what is recorded.
    """

    serializer_class = InterventionSerializer

    def get_queryset(self):
        if self.schema_only:
            return Intervention.objects.none()
        if self.action != "list":
            return access.visible(self.acting, Intervention.objects.all())
        if self.acting.is_vru:
            queryset = access.visible(self.acting, Intervention.objects.all()).select_related(
                "young_person", "programme", "organisation", "case", "case__pathway"
            )
            return queryset.order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-id")
        # 403 for a role without a caseload (schools, police decision makers).
        return selectors.caseload(self.acting).select_related("organisation")

    def _row(self, intervention):
        """The intervention as its caseload row (the figures fresh after a write)."""
        row = selectors.caseload(self.acting).select_related("organisation").filter(pk=intervention.pk).first()
        return Response(InterventionSerializer(row or intervention, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: InterventionDetailSerializer, 404: OpenApiResponse(description="Not yours, or not there.")})
    def retrieve(self, request, pk=None):
        """One intervention with its sessions and assessments. Opening it is audited."""
        intervention = selectors.intervention_detail(self.acting, pk)
        return Response(InterventionDetailSerializer(intervention, context=self.get_serializer_context()).data)

    @extend_schema(request=SessionRecordSerializer, parameters=[key_parameter("session")], responses={
        201: SessionSerializer, 200: SessionSerializer,
        400: OpenApiResponse(description="Field errors, or an intervention that has ended."),
        403: OpenApiResponse(description="Only the delivering organisation's caseworkers record sessions."),
    })
    @action(detail=True, methods=["post"], url_path="sessions", url_name="sessions")
    def sessions(self, request, pk=None):
        """Record a session (attended, did not attend, cancelled by us). Never edited: correct it instead."""
        intervention = self.get_object()
        key, body = idempotency_key(request), _body(SessionRecordSerializer, request)
        session = services.record_session(self.acting, intervention, now=timezone.now(), idempotency_key=key, **body)
        return Response(SessionSerializer(session).data, status=created_status(session))

    @extend_schema(request=AssessmentInputSerializer, parameters=[key_parameter("assessment")], responses={
        201: AssessmentSerializer, 200: AssessmentSerializer,
        400: OpenApiResponse(description="Field errors, or an intervention that has ended."),
    })
    @action(detail=True, methods=["post"], url_path="assessments", url_name="assessments")
    def assessments(self, request, pk=None):
        """Record a completed assessment (the Checkpoint mandatory assessment meets its condition if in time)."""
        intervention = self.get_object()
        key, body = idempotency_key(request), _body(AssessmentInputSerializer, request)
        assessment = services.record_assessment(self.acting, intervention, now=timezone.now(), idempotency_key=key, **body)
        return Response(AssessmentSerializer(assessment).data, status=created_status(assessment))

    @extend_schema(
        request=InterventionStartSerializer,
        parameters=[OpenApiParameter(
            IDEMPOTENCY_HEADER, OpenApiTypes.UUID, OpenApiParameter.HEADER,
            description="A UUID you make for this start. Sending it again returns the same intervention (200) "
                        "instead of starting a second one.",
        )],
        responses={
            201: InterventionSerializer,
            200: OpenApiResponse(InterventionSerializer, description="Already started with this key."),
            400: OpenApiResponse(description="Field errors; an allocation not accepted, or already started "
                                             "(non_field_errors)."),
            403: OpenApiResponse(description="Only partners' caseworkers and managers start work."),
        },
    )
    def create(self, request):
        """Start work on an accepted allocation: the young person joins your caseload and the referrer is told."""
        acting = access.require_capability(self.acting, "work_allocations")
        key = idempotency_key(request)
        body = _body(InterventionStartSerializer, request, request=request)
        status = http.HTTP_201_CREATED
        existing = access.visible(acting, Intervention.objects.filter(idempotency_key=key)).first() if key else None
        if existing is not None:
            intervention, status = existing, http.HTTP_200_OK
        else:
            try:
                intervention = services.start_intervention(acting, body.pop("allocation"), now=timezone.now(),
                                                           idempotency_key=key, **body)
            except IntegrityError:
                # The same key sent twice at once: the other request started it.
                intervention = access.visible(acting, Intervention.objects.filter(idempotency_key=key)).first() if key else None
                if intervention is None:
                    raise Conflict("Work on this allocation was started by another request at the same time.") from None
                status = http.HTTP_200_OK
        response = self._row(intervention)
        response.status_code = status
        if status == http.HTTP_201_CREATED:
            response["Location"] = reverse("api-intervention-detail", args=[intervention.pk])
        return response

    @extend_schema(request=EndSerializer, responses={
        200: InterventionSerializer, 400: OpenApiResponse(description="Field errors, or already ended."),
    })
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """The young person completed the intervention."""
        intervention = self.get_object()
        return self._row(services.complete_intervention(self.acting, intervention, now=timezone.now(),
                                                        **_body(EndSerializer, request)))

    @extend_schema(request=EndSerializer, responses={
        200: InterventionSerializer, 400: OpenApiResponse(description="Field errors, or already ended."),
    })
    @action(detail=True, methods=["post"])
    def disengage(self, request, pk=None):
        """The young person disengaged: the intervention ends, with the outcome note."""
        intervention = self.get_object()
        return self._row(services.disengage(self.acting, intervention, now=timezone.now(), **_body(EndSerializer, request)))

    @extend_schema(request=EndSerializer, responses={
        200: InterventionSerializer, 400: OpenApiResponse(description="Field errors, or already ended."),
    })
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The work is withdrawn by the service or the referrer (moved away, taken into care...)."""
        intervention = self.get_object()
        return self._row(services.withdraw(self.acting, intervention, now=timezone.now(), **_body(EndSerializer, request)))


class SessionViewSet(ApiViewSet):
    """Recorded sessions, reached through the interventions the caller may see. Only corrections are written here."""

    serializer_class = SessionSerializer

    def get_queryset(self):
        if self.schema_only:
            return Session.objects.none()
        return Session.objects.filter(intervention__in=access.visible(self.acting, Intervention.objects.all()))

    @extend_schema(request=SessionCorrectionSerializer, parameters=[key_parameter("correction")], responses={
        201: SessionSerializer, 200: SessionSerializer,
        400: OpenApiResponse(description="Field errors, or a session already corrected."),
    })
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct a session: a new session naming this one and why. Only the newest counts toward the conditions."""
        session = self.get_object()
        key, body = idempotency_key(request), _body(SessionCorrectionSerializer, request)
        correction = services.correct_session(self.acting, session, now=timezone.now(), idempotency_key=key, **body)
        return Response(SessionSerializer(correction).data, status=created_status(correction))


class AssessmentViewSet(ApiViewSet):
    """Recorded assessments, reached through the interventions the caller may see. Only corrections are written here."""

    serializer_class = AssessmentSerializer

    def get_queryset(self):
        if self.schema_only:
            return Assessment.objects.none()
        return Assessment.objects.filter(intervention__in=access.visible(self.acting, Intervention.objects.all()))

    @extend_schema(request=AssessmentCorrectionSerializer, parameters=[key_parameter("correction")], responses={
        201: AssessmentSerializer, 200: AssessmentSerializer,
        400: OpenApiResponse(description="Field errors, or an assessment already corrected."),
    })
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct an assessment: a new one naming this one and why."""
        assessment = self.get_object()
        key, body = idempotency_key(request), _body(AssessmentCorrectionSerializer, request)
        correction = services.correct_assessment(self.acting, assessment, now=timezone.now(), idempotency_key=key,
                                                 **body)
        return Response(AssessmentSerializer(correction).data, status=created_status(correction))


# --- Diversion cases --------------------------------------------------------------------------


class EligibilityResultSerializer(serializers.Serializer):
    rule = serializers.CharField(read_only=True, help_text="age, offence, aggravating, admission, evidence or history.")
    passed = serializers.BooleanField(read_only=True)
    reason = serializers.CharField(read_only=True)


class ConditionSerializer(serializers.ModelSerializer):
    kind = NamedEnumField(enum_name="ConditionKindEnum", choices=Condition._meta.get_field("kind").choices, read_only=True)
    status = NamedEnumField(enum_name="ConditionStatusEnum", choices=ConditionStatus.choices, read_only=True)

    class Meta:
        model = Condition
        fields = ("id", "kind", "description", "due_on", "target", "progress", "status", "met_on", "missed_reason")
        read_only_fields = fields


class ReturnToPoliceSerializer(serializers.Serializer):
    returned_at = serializers.DateTimeField(read_only=True)
    reason = serializers.CharField(read_only=True)
    deadline = serializers.DateField(read_only=True, help_text="Police must receive it by this date to still prosecute.")
    received_at = serializers.DateTimeField(read_only=True, allow_null=True)


class PoliceOutcomeSerializer(serializers.Serializer):
    code = serializers.IntegerField(source="outcome.code", read_only=True)
    name = serializers.CharField(source="outcome.name", read_only=True)
    notes = serializers.CharField(read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)


class CaseInterventionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    programme = serializers.CharField(source="programme.name", read_only=True)
    status = NamedEnumField(enum_name="InterventionStatusEnum", choices=InterventionStatus.choices, read_only=True)
    started_on = serializers.DateField(read_only=True)
    ended_on = serializers.DateField(read_only=True, allow_null=True)


class CaseSerializer(serializers.ModelSerializer):
    status = case_status_field(read_only=True)
    pathway = PathwaySummarySerializer(read_only=True)
    offence = OffenceSummarySerializer(read_only=True)
    young_person = PersonSummarySerializer(read_only=True)
    lead_organisation = OrganisationSummarySerializer(read_only=True)
    police_organisation = OrganisationSummarySerializer(read_only=True)
    days_left = serializers.SerializerMethodField(
        help_text="Calendar days to the return-to-police deadline (England's date): 0 on the day, negative once passed."
    )

    class Meta:
        model = DiversionCase
        fields = ("id", "crime_reference", "status", "pathway", "offence", "offence_date", "young_person",
                  "lead_organisation", "police_organisation", "start_date", "end_date", "return_deadline", "days_left")
        read_only_fields = fields

    def get_days_left(self, case) -> int:
        return rules.days_left(case.return_deadline, self.context["today"])


class CaseDetailSerializer(CaseSerializer):
    eligibility = EligibilityResultSerializer(many=True, read_only=True,
                                              help_text="The rule-by-rule result as the decision maker recorded it.")
    conditions = ConditionSerializer(many=True, read_only=True)
    interventions = CaseInterventionSerializer(many=True, read_only=True)
    breach_proposed_by = serializers.SerializerMethodField(help_text="Who proposed a breach; null if none, or the system.")
    return_to_police = serializers.SerializerMethodField()
    police_outcome = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = (*CaseSerializer.Meta.fields, "contract_months", "deadline_acknowledged", "aggravating", "admission",
                  "sufficient_evidence", "history", "eligibility", "conditions", "interventions", "at_risk_since",
                  "breach_proposed_at", "breach_proposed_by", "return_to_police", "police_outcome", "closed_at", "created_at")
        read_only_fields = fields

    def get_breach_proposed_by(self, case) -> str | None:
        return str(case.breach_proposed_by) if case.breach_proposed_by_id else None

    @extend_schema_field(ReturnToPoliceSerializer(allow_null=True))
    def get_return_to_police(self, case):
        return_to_police = getattr(case, "return_to_police", None)
        return ReturnToPoliceSerializer(return_to_police).data if return_to_police is not None else None

    @extend_schema_field(PoliceOutcomeSerializer(allow_null=True))
    def get_police_outcome(self, case):
        outcome = getattr(case, "police_outcome", None)
        return PoliceOutcomeSerializer(outcome).data if outcome is not None else None


class PersonSerializer(serializers.Serializer):
    """A young person not yet known to the portal, as the decision maker enters them."""

    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=20)
    area = serializers.ChoiceField(choices=Area.choices, help_text="The local authority area where they live.")


class EligibilityFactsSerializer(serializers.Serializer):
    pathway = serializers.SlugRelatedField(slug_field="code", queryset=selectors.pathways(),
                                           help_text="checkpoint or outcome22.")
    offence = serializers.SlugRelatedField(slug_field="code", queryset=selectors.offences(),
                                           help_text="An offence code from /api/v1/offences/.")
    offence_date = serializers.DateField()
    # Checkpoint's facts: left out (or null) is "not answered", refused for Checkpoint with a field error, never "no".
    aggravating = serializers.BooleanField(required=False, allow_null=True, default=None,
                                           help_text="Checkpoint: were there aggravating circumstances? Needed.")
    admission = serializers.BooleanField(required=False, allow_null=True, default=None,
                                         help_text="Checkpoint: did the young person admit the offence? Needed.")
    sufficient_evidence = serializers.BooleanField(required=False, allow_null=True, default=None,
                                                   help_text="Checkpoint: is there enough evidence to charge? Needed.")
    history = serializers.ChoiceField(choices=History.choices, required=False, allow_null=True, default=None,
                                      help_text="Checkpoint: the previous criminal history. Needed.")


class EligibilityQuestionSerializer(EligibilityFactsSerializer):
    young_person = VisibleYoungPersonField(required=False, allow_null=True, default=None,
                                           help_text="A known young person you may see: their date of birth is used.")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None,
                                          help_text="Or the date of birth of a young person not yet known.")

    def validate(self, data):
        if (data["young_person"] is None) == (data["date_of_birth"] is None):
            raise ApiValidationError({"date_of_birth": ["Give a known young person or a date of birth, not both."]})
        return data


class EligibilityAnswerSerializer(serializers.Serializer):
    eligible = serializers.BooleanField(read_only=True, help_text="Every rule passed.")
    results = EligibilityResultSerializer(many=True, read_only=True)


class ConditionInputSerializer(serializers.Serializer):
    description = serializers.CharField(allow_blank=True, max_length=300, help_text="What the young person must do.")
    due_on = serializers.DateField(help_text="After today (or the start, for a new case) and by the contract end.")


class ConditionMetSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="The day it was met: not before the case started, not in the future.")


class CaseCreateSerializer(EligibilityFactsSerializer):
    crime_reference = serializers.CharField(max_length=40)
    # Only organisations that may lead a case: never an arbitrary organisation id.
    lead_organisation = serializers.PrimaryKeyRelatedField(
        queryset=lead_organisations(), help_text="The lead agency: an active YOS, voluntary or local authority partner's id."
    )
    start_date = serializers.DateField(required=False, help_text="Defaults to today (in England).")
    young_person = VisibleYoungPersonField(required=False, allow_null=True, default=None,
                                           help_text="A known young person you may see; or give `person`.")
    person = PersonSerializer(required=False, allow_null=True, default=None,
                              help_text="A young person not yet known; or give `young_person`.")
    contract_months = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                               help_text="Defaults to the pathway's.")
    sessions = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                        help_text="Sessions the contract asks for; defaults to the pathway's.")
    programme = serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.filter(active=True), required=False, allow_null=True, default=None,
        help_text="One of the lead agency's active programmes; defaults to its first, or the pathway's standard one.",
    )
    acknowledge_deadline = serializers.BooleanField(
        required=False, default=False,
        help_text="Needed when the contract would end after the return-to-police deadline (a summary-only offence).",
    )
    extra_conditions = ConditionInputSerializer(
        many=True, required=False, default=list,
        help_text="Further conditions beside the pathway's standard ones: a contract has at most 5 in all.",
    )


class CaseQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False, help_text="Only cases in this status.")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Why.")


class FurtherChanceSerializer(serializers.Serializer):
    condition = CaseConditionField(help_text="The id of one of this case's conditions.")
    new_due_on = serializers.DateField(help_text="Its new due date: in the future.")
    reason = serializers.CharField(allow_blank=True, help_text="Why a further chance is given.")


class ReoffenceSerializer(serializers.Serializer):
    offence_date = serializers.DateField(help_text="During the contract, and not in the future.")
    crime_reference = serializers.CharField(allow_blank=True, max_length=40, help_text="Of the further offence.")


class CloseSerializer(serializers.Serializer):
    outcome_code = serializers.IntegerField(help_text="A code from /api/v1/outcome-codes/: the pathway's closing outcome (22).")


class PoliceOutcomeInputSerializer(serializers.Serializer):
    outcome_code = serializers.IntegerField(
        help_text="A code from /api/v1/outcome-codes/: what police decided. Never one that says a diversion succeeded."
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class MissedReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Why the condition was missed.")


CASE_ERRORS = {
    400: OpenApiResponse(description="Field errors, or an action the case's status does not allow (non_field_errors)."),
    403: OpenApiResponse(description="Your role, or your organisation's part in the case, does not allow this."),
    404: OpenApiResponse(description="Not yours, or not there."),
}


def _case_action(request_serializer, description=None, parameters=None):
    responses = {200: CaseDetailSerializer, **CASE_ERRORS}
    return extend_schema(request=request_serializer, responses=responses, description=description,
                         parameters=parameters)


class DiversionCaseViewSet(mixins.ListModelMixin, ApiViewSet):
    """Outcome 22 and Checkpoint diversion cases: the lead agency's and the police organisation's, all for the VRU.

    A police decision maker starts a case; the lead agency works it; breaches take two people; police
    receive a case returned to police and record the outcome.
    """

    serializer_class = CaseSerializer

    def get_queryset(self):
        if self.schema_only:
            return DiversionCase.objects.none()
        return selectors.cases_for(self.acting)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": clock.today()}

    def _respond(self, case, status=http.HTTP_200_OK, headers=None):
        """The case as its detail, through the caller's scoped list (the write was audited, this is not a second view)."""
        fresh = (
            self.get_queryset().filter(pk=case.pk)
            .select_related("breach_proposed_by", "return_to_police", "police_outcome", "police_outcome__outcome")
            .prefetch_related(
                Prefetch("conditions", queryset=Condition.objects.order_by("position", "id")),
                Prefetch("interventions", queryset=Intervention.objects.select_related("programme", "organisation")
                         .order_by("id")),
            ).first()
        )
        data = CaseDetailSerializer(fresh or case, context=self.get_serializer_context()).data
        return Response(data, status=status, headers=headers)

    @extend_schema(parameters=[CaseQuerySerializer])
    def list(self, request):
        """The cases you may see, the nearest return-to-police deadline first."""
        query = CaseQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        queryset = selectors.cases_for(self.acting, status=query.validated_data.get("status"))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={200: CaseDetailSerializer, 404: OpenApiResponse(description="Not yours, or not there.")})
    def retrieve(self, request, pk=None):
        """One case: eligibility, conditions, the return-to-police deadline and what police decided. Opening it is audited."""
        case = selectors.case_detail(self.acting, pk)
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(request=CaseCreateSerializer, parameters=[key_parameter("case")], responses={
        201: CaseDetailSerializer,
        200: OpenApiResponse(CaseDetailSerializer, description="Already started with this key."),
        400: OpenApiResponse(description='Field errors; an ineligible case has "eligibility": the reasons, one per failed rule.'),
        403: OpenApiResponse(description="Only police decision makers start cases."),
    })
    def create(self, request):
        """Start a case (police decision makers): the contract, its conditions and the lead agency's intervention."""
        acting = access.require_capability(self.acting, "decide_diversion")
        key, now = idempotency_key(request), timezone.now()
        existing = selectors.case_started_with_key(acting, key, now=now) if key is not None else None
        if existing is not None:
            return self._respond(existing)
        data = _body(CaseCreateSerializer, request, request=request)
        data.setdefault("start_date", clock.today())
        try:
            case = services.start_case(acting, now=now, idempotency_key=key, **data)
        except DjangoValidationError as error:
            raise self._person_errors(as_api_error(error), data["person"] is not None) from None
        return self._respond(case, http.HTTP_201_CREATED, headers={"Location": reverse("api-case-detail", args=[case.pk])})

    @staticmethod
    def _person_errors(error, nested):
        """The service names a new person's fields at the top level; the API nests them under `person`, as sent."""
        if not nested or not isinstance(error.detail, dict):
            return error
        person = {name: messages for name, messages in error.detail.items() if name in services.PERSON_FIELDS}
        if not person:
            return error
        rest = {name: messages for name, messages in error.detail.items() if name not in person}
        return ApiValidationError({**rest, "person": person})

    @extend_schema(request=EligibilityQuestionSerializer, responses={
        200: EligibilityAnswerSerializer, 400: OpenApiResponse(description="Field errors."),
        403: OpenApiResponse(description="Only police decision makers."),
    })
    @action(detail=False, methods=["post"], permission_classes = [IsAuthenticated, TokenScope, capability("decide_diversion")])
    def eligibility(self, request):
        """Check the pathway's rules, each with its reason, without starting a case (nothing is written)."""
        data = _body(EligibilityQuestionSerializer, request, request=request)
        young_person = data.pop("young_person")
        date_of_birth = data.pop("date_of_birth") or young_person.date_of_birth
        results = services.eligibility(data.pop("pathway"), date_of_birth=date_of_birth, **data)
        return Response(EligibilityAnswerSerializer({"eligible": rules.is_eligible(results), "results": results}).data)

    @_case_action(ReasonSerializer)
    @action(detail=True, methods=["post"], url_path="propose-breach", url_name="propose-breach")
    def propose_breach(self, request, pk=None):
        """The lead agency proposes a breach; a different person confirms it or gives a further chance."""
        case = self.get_object()
        return self._respond(services.propose_breach(self.acting, case, now=timezone.now(), **_body(ReasonSerializer, request)))

    @_case_action(ReasonSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-breach", url_name="confirm-breach")
    def confirm_breach(self, request, pk=None):
        """A police decision maker (or the lead agency's manager), not the proposer: the case is returned to police."""
        case = self.get_object()
        return self._respond(services.confirm_breach(self.acting, case, now=timezone.now(), **_body(ReasonSerializer, request)))

    @_case_action(FurtherChanceSerializer)
    @action(detail=True, methods=["post"], url_path="further-chance", url_name="further-chance")
    def further_chance(self, request, pk=None):
        """Instead of a breach: one condition gets a new due date and the case is active again."""
        case = self.get_object()
        body = _body(FurtherChanceSerializer, request, case=case)
        return self._respond(services.further_chance(self.acting, case, now=timezone.now(), **body))

    @_case_action(ReoffenceSerializer, parameters=[key_parameter("further offence")])
    @action(detail=True, methods=["post"])
    def reoffence(self, request, pk=None):
        """A further offence during the contract: "no further offending" is missed at once and the case is at risk."""
        case = self.get_object()
        key, body = idempotency_key(request), _body(ReoffenceSerializer, request)
        return self._respond(services.record_reoffence(self.acting, case, now=timezone.now(), idempotency_key=key,
                                                       **body))

    @_case_action(None)
    @action(detail=True, methods=["post"], url_path="propose-closure", url_name="propose-closure")
    def propose_closure(self, request, pk=None):
        """At the contract end with every condition met: the case goes to the police decision maker to close."""
        case = self.get_object()
        return self._respond(services.propose_closure(case, acting=self.acting, now=timezone.now()))

    @_case_action(CloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Police close a case proposed for closure with the pathway's closing outcome."""
        case = self.get_object()
        return self._respond(services.close_case(self.acting, case, now=timezone.now(), **_body(CloseSerializer, request)))

    @_case_action(None)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        """Police receive a case returned to police (before its deadline, to still prosecute)."""
        case = self.get_object()
        services.receive_return(self.acting, case, now=timezone.now())
        return self._respond(case)

    @_case_action(PoliceOutcomeInputSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Police record what they decided on a case returned to police: the case ends."""
        case = self.get_object()
        return self._respond(services.record_police_outcome(self.acting, case, now=timezone.now(),
                                                            **_body(PoliceOutcomeInputSerializer, request)))


    @extend_schema(request=ConditionInputSerializer, parameters=[key_parameter("condition")], responses={
        201: ConditionSerializer, 200: OpenApiResponse(ConditionSerializer, description="Already added with this key."),
        **CASE_ERRORS,
    })
    @action(detail=True, methods=["post"])
    def conditions(self, request, pk=None):
        """Add a further condition: the case's police decision makers or the lead agency. At most 5 a contract."""
        case = self.get_object()
        key = idempotency_key(request)
        existing = selectors.condition_added_with_key(case, key) if key is not None else None
        if existing is not None:
            return Response(ConditionSerializer(existing).data)
        body = _body(ConditionInputSerializer, request)
        condition = services.add_condition(self.acting, case, now=timezone.now(), idempotency_key=key, **body)
        return Response(ConditionSerializer(condition).data, status=http.HTTP_201_CREATED)


class ConditionViewSet(ApiViewSet):
    """Conditions, reached through the cases the caller may see: recorded met or missed, and why one was missed."""

    serializer_class = ConditionSerializer

    def get_queryset(self):
        if self.schema_only:
            return Condition.objects.none()
        return Condition.objects.filter(case__in=access.visible(self.acting, DiversionCase.objects.all()))

    @extend_schema(request=MissedReasonSerializer, responses={200: ConditionSerializer, **CASE_ERRORS})
    @action(detail=True, methods=["post"])
    def reason(self, request, pk=None):
        """The lead agency's caseworker records why a missed condition was missed."""
        condition = self.get_object()
        body = _body(MissedReasonSerializer, request)
        condition = services.record_missed_reason(self.acting, condition, reason=body["reason"], now=timezone.now())
        return Response(ConditionSerializer(condition).data)

    @extend_schema(request=ConditionMetSerializer, responses={200: ConditionSerializer, **CASE_ERRORS})
    @action(detail=True, methods=["post"])
    def met(self, request, pk=None):
        """Record a further condition met (the case's police decision makers or the lead agency)."""
        condition = self.get_object()
        body = _body(ConditionMetSerializer, request)
        condition = services.mark_condition_met(self.acting, condition, on=body["on"], now=timezone.now())
        return Response(ConditionSerializer(condition).data)

    @extend_schema(request=MissedReasonSerializer, responses={200: ConditionSerializer, **CASE_ERRORS})
    @action(detail=True, methods=["post"])
    def missed(self, request, pk=None):
        """Record a further condition missed, with why: an active case goes at risk at once."""
        condition = self.get_object()
        body = _body(MissedReasonSerializer, request)
        condition = services.mark_condition_missed(self.acting, condition, reason=body["reason"], now=timezone.now())
        return Response(ConditionSerializer(condition).data)


# --- Returned to police (police) --------------------------------------------------------------------


class ReturnToPoliceRowSerializer(CaseSerializer):
    return_to_police = ReturnToPoliceSerializer(read_only=True)
    days_left = serializers.SerializerMethodField(
        help_text="Calendar days to the return-to-police deadline: negative once passed.")

    class Meta(CaseSerializer.Meta):
        fields = (*CaseSerializer.Meta.fields, "return_to_police")
        read_only_fields = fields

    def get_days_left(self, case) -> int:
        return rules.days_left(case.return_to_police.deadline, self.context["today"])


class ReturnToPoliceViewSet(mixins.ListModelMixin, ApiViewSet):
    """Police decision makers: this force's cases returned for a decision, the nearest deadline first."""

    serializer_class = ReturnToPoliceRowSerializer

    def get_queryset(self):
        if self.schema_only:
            return DiversionCase.objects.none()
        return selectors.returned_to_police_inbox(self.acting)  # 403 for any other role

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": clock.today()}
