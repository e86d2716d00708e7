"""The REST API for documents (/api/v1/documents/) and case notes (/api/v1/notes/; see config/api_urls.py):
list a record's documents, upload one, download its file; list, write and amend notes. The same checks as the pages
(documents/services.py): the record's scope (404 for another's), who may add, the file's type by its content, its
size, the virus scan; a held file is listed, not downloadable."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import ApiViewSet, NamedEnumField, created_status, idempotency_key, key_parameter
from core.numbers import whole_number
from outcomes.models import Session
from partners import access
from partners.api_auth import TokenScope

from . import rules, selectors, services
from .models import Document, Kind, Note, Scan
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


def _record_named(acting, data, records=RECORDS):
    named = [(name, data[name]) for name in records if data.get(name) is not None]
    if len(named) != 1:
        names = list(records)
        raise ValidationError({"referral": [f"Give exactly one of {', '.join(names[:-1])} or {names[-1]}"]})
    name, pk = named[0]
    return access.get_visible_or_404(acting, ON[records[name]].objects.all(), pk=pk)


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



class AmendmentSerializer(serializers.ModelSerializer):
    written_by = serializers.StringRelatedField(read_only=True)
    organisation = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = Note
        fields = ("id", "text", "reason", "written_by", "organisation", "written_at")
        read_only_fields = fields


class NoteSerializer(serializers.ModelSerializer):
    written_by = serializers.StringRelatedField(read_only=True)
    organisation = serializers.StringRelatedField(read_only=True)
    amendments = serializers.SerializerMethodField()

    class Meta:
        model = Note
        fields = ("id", "referral", "intervention", "session", "case", "text", "shared", "written_by", "organisation",
                  "written_at", "amendments")
        read_only_fields = fields

    @extend_schema_field(AmendmentSerializer(many=True))
    def get_amendments(self, note):
        return AmendmentSerializer(getattr(note, "amended", []), many=True).data


class WriteNoteSerializer(serializers.Serializer):
    referral = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                        help_text="Give exactly one of referral, intervention or case: the record "
                                                  "the note is on.")
    intervention = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    case = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    session = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                       help_text="On an intervention: the session the note is about.")
    text = serializers.CharField(max_length=20000)
    # No default: a note nobody said was shared or not is refused, not sent as "not shared".
    shared = serializers.BooleanField(allow_null=True, help_text="Whether everyone who may see the record reads the "
                                      "note (on a referral, the referrer too); if not, only your organisation and "
                                      "the VRU.")


class AmendNoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000, help_text="The note as it should read.")
    reason = serializers.CharField(max_length=2000, help_text="Why it is amended; shown beside the original.")


NOTE_RECORDS = {name: RECORDS[name] for name in ("referral", "intervention", "case")}


class NoteViewSet(mixins.ListModelMixin, ApiViewSet):
    """Case notes on one record the caller may read: each original with its amendments, oldest first."""

    serializer_class = NoteSerializer
    permission_classes = [IsAuthenticated, TokenScope]

    @extend_schema(parameters=[OpenApiParameter(name, OpenApiTypes.INT, description=f"The {name} whose notes to "
                                                "list (give one)") for name in NOTE_RECORDS],
                   responses={200: NoteSerializer(many=True), 404: NOT_YOURS})
    def list(self, request):
        if self.schema_only:
            return Response([])
        record = _record_named(self.acting, {k: _whole(request.query_params.get(k), k) for k in NOTE_RECORDS},
                               NOTE_RECORDS)
        return Response(NoteSerializer(selectors.notes_on(self.acting, record), many=True).data)

    @extend_schema(request=WriteNoteSerializer, parameters=[key_parameter("note")],
                   responses={201: NoteSerializer, 200: NoteSerializer, 404: NOT_YOURS})
    def create(self, request):
        """Write a note on a record. Append-only: a correction is an amendment (POST …/notes/{id}/amend/)."""
        given = WriteNoteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        record = _record_named(self.acting, data, NOTE_RECORDS)
        session = None
        if data.get("session") is not None:
            # Whether it is this intervention's is the service's check, with the same message as a missing one.
            session = Session.objects.filter(pk=data["session"]).first()
            if session is None:
                raise ValidationError({"session": ["Select a session of this intervention"]})
        note = services.add_note(self.acting, record, text=data["text"], shared=data["shared"], session=session,
                                 now=timezone.now(), idempotency_key=idempotency_key(request))
        return Response(NoteSerializer(selectors.note_with_amendments(note)).data, status=created_status(note))

    @extend_schema(request=AmendNoteSerializer, parameters=[key_parameter("amendment")],
                   responses={201: NoteSerializer, 200: NoteSerializer, 403: OpenApiResponse(
                       description="Only the organisation that wrote a note can amend it."), 404: NOT_YOURS})
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        """Amend a note: the original is kept as written, and the amendment shows beside it with who and why.
        Answers the original note with its amendments."""
        note = access.get_visible_or_404(self.acting, Note.objects.filter(amends__isnull=True)
                                         .select_related("referral", "intervention", "case"), pk=pk)
        given = AmendNoteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        amendment = services.amend_note(self.acting, note, text=given.validated_data["text"],
                                        reason=given.validated_data["reason"], now=timezone.now(),
                                        idempotency_key=idempotency_key(request))
        return Response(NoteSerializer(selectors.note_with_amendments(note)).data, status=created_status(amendment))
