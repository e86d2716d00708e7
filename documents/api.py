"""The REST API for documents (/api/v1/documents/; see config/api_urls.py): list a record's documents, upload one,
download its file. The same checks as the pages (documents/services.py): the record's scope (404 for another's),
who may add, the file's type by its content, its size, the virus scan; a held file is listed, not downloadable."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import ApiViewSet, NamedEnumField, created_status, idempotency_key, key_parameter
from core.numbers import whole_number
from partners import access
from partners.api_auth import TokenScope

from . import rules, selectors, services
from .models import Document, Kind, Scan
from .views import ON, file_of

# The query parameter that names the record, and the model it names.
RECORDS = {"referral": "referrals", "intervention": "interventions", "case": "cases", "cohort_member": "cohort-members"}
NOT_YOURS = OpenApiResponse(description="Not yours, or not there.")


class DocumentSerializer(serializers.ModelSerializer):
    kind = NamedEnumField(enum_name="DocumentKindEnum", choices=Kind.choices, read_only=True)
    scan = NamedEnumField(enum_name="DocumentScanEnum", choices=Scan.choices, read_only=True,
                          help_text="clean: may be downloaded; held: being checked for viruses; refused: harmful, gone.")
    added_by = serializers.StringRelatedField(read_only=True)
    organisation = serializers.StringRelatedField(read_only=True)
    earlier_versions = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ("id", "title", "kind", "original_name", "content_type", "size", "sha256", "scan",
                  "shared_with_referrer", "replaces", "earlier_versions", "added_by", "organisation", "added_at")
        read_only_fields = fields

    def get_earlier_versions(self, document) -> list[int]:
        return [d.pk for d in getattr(document, "earlier", [])]


class UploadSerializer(serializers.Serializer):
    referral = serializers.IntegerField(required=False, help_text="Give exactly one of referral, intervention, case "
                                                                  "or cohort_member: the record the document is on.")
    intervention = serializers.IntegerField(required=False)
    case = serializers.IntegerField(required=False)
    cohort_member = serializers.IntegerField(required=False)
    file = serializers.FileField(help_text=f"{rules.KINDS_ALLOWED.capitalize()}; decided by its content.")
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Kind.choices)
    shared_with_referrer = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="On a referral added by the VRU or a partner: whether the referring organisation sees it. Required "
                  "there; ignored elsewhere.")


def _record_named(acting, data):
    named = [(name, data[name]) for name in RECORDS if data.get(name) is not None]
    if len(named) != 1:
        raise ValidationError({"referral": ["Give exactly one of referral, intervention, case or cohort_member"]})
    name, pk = named[0]
    return access.get_visible_or_404(acting, ON[RECORDS[name]].objects.all(), pk=pk)


class DocumentViewSet(mixins.ListModelMixin, ApiViewSet):
    """The documents on one record the caller may see (latest versions, each with its earlier ones)."""

    serializer_class = DocumentSerializer
    permission_classes = [IsAuthenticated, TokenScope]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(parameters=[OpenApiParameter(name, OpenApiTypes.INT, description=f"The {name.replace('_', ' ')} "
                                                "whose documents to list (give one)") for name in RECORDS],
                   responses={200: DocumentSerializer(many=True), 404: NOT_YOURS})
    def list(self, request):
        if self.schema_only:
            return Response([])
        record = _record_named(self.acting, {k: _whole(request.query_params.get(k), k) for k in RECORDS})
        return Response(DocumentSerializer(selectors.documents_on(self.acting, record), many=True).data)

    @extend_schema(request={"multipart/form-data": UploadSerializer}, parameters=[key_parameter("document")],
                   responses={201: DocumentSerializer, 200: DocumentSerializer, 404: NOT_YOURS})
    def create(self, request):
        """Upload a file onto a record. Refused (400, on `file`) when empty, too big, not an allowed type or
        harmful; held (scan "held") when the virus scanner cannot be reached, until a job has scanned it."""
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        record = _record_named(self.acting, data)
        document = services.add_document(
            self.acting, record, uploaded=data["file"], title=data["title"], kind=data["kind"],
            shared_with_referrer=data.get("shared_with_referrer"), now=timezone.now(),
            idempotency_key=idempotency_key(request))
        return Response(DocumentSerializer(document).data, status=created_status(document))

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: NOT_YOURS})
    @action(detail=True, methods=["get"], url_path="file")
    def file(self, request, pk=None):
        """The file itself, as an attachment. 404 for a document the caller may not see, or one still being
        checked for viruses (or refused). Audited."""
        return file_of(self.acting, pk)


def _whole(value, name):
    if value in (None, ""):
        return None
    number = whole_number(value)
    if number is None:
        raise ValidationError({name: ["Give the record's id, a whole number"]})
    return number

