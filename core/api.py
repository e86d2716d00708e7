"""The base of every app's REST API (/api/v1/): one viewset base, one answer for each kind of error, and the
Idempotency-Key header that lets a client send a create again without making a second record.

Errors: a service's ValidationError becomes 400 with field errors (non_field_errors when no field is to blame),
a record someone else holds (core.errors.HeldElsewhere) and a key already used for something else 409.
Which caller may do what is the access policy's (partners.access, partners.api_auth.capability), not this module's.
"""

import uuid

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, viewsets
from rest_framework import status as http
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from core import replica

from .errors import HeldElsewhere

IDEMPOTENCY_HEADER = "Idempotency-Key"

# --- Errors and the viewset base ----------------------------------------------------------


class Conflict(APIException):
    status_code = http.HTTP_409_CONFLICT
    default_detail = "Someone else is working on this."
    default_code = "conflict"


def as_api_error(error: DjangoValidationError) -> ApiValidationError:
    """A service's ValidationError as DRF's: {field: [messages]}, or non_field_errors when no field is to blame."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(error, "error_dict"):
        return ApiValidationError(
            {(non_field if name == NON_FIELD_ERRORS else name): messages for name, messages in error.message_dict.items()}
        )
    return ApiValidationError({non_field: error.messages})


class ServiceErrorsMixin:
    def handle_exception(self, exc):
        if isinstance(exc, HeldElsewhere):
            exc = Conflict(" ".join(exc.messages))
        elif isinstance(exc, DjangoValidationError):
            exc = as_api_error(exc)
        return super().handle_exception(exc)


class ApiViewSet(ServiceErrorsMixin, viewsets.GenericViewSet):
    # JSON only: the browsable API's pages need inline script, which our Content Security Policy forbids.
    renderer_classes = [JSONRenderer]
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    @property
    def acting(self):
        return self.request.acting

    # A list may read from the streaming replica, when there is one (core/replica.py); nothing else here does.
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "list":
            self._replica_reads = replica.reads()
            self._replica_reads.__enter__()

    def finalize_response(self, request, response, *args, **kwargs):
        reading = self.__dict__.pop("_replica_reads", None)
        if reading is not None:
            reading.__exit__(None, None, None)
        return super().finalize_response(request, response, *args, **kwargs)

    @property
    def schema_only(self):
        """drf-spectacular builds views without a caller to read their shape: they get no rows."""
        return getattr(self, "swagger_fake_view", False)


# --- Idempotency keys ----------------------------------------------------------------------


def idempotency_key(request):
    """The request's Idempotency-Key header as a UUID (None when absent); 400 when it is not one."""
    value = request.headers.get(IDEMPOTENCY_HEADER)
    if not value:
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise ApiValidationError({IDEMPOTENCY_HEADER: ["Use a UUID, like 3f2b8a9e-5c1d-4e7f-9a0b-1c2d3e4f5a6b"]}) from None


def key_parameter(what):
    return OpenApiParameter(
        IDEMPOTENCY_HEADER, OpenApiTypes.UUID, OpenApiParameter.HEADER,
        description=f"A UUID you make for this {what}. Sending it again returns the same {what} (200) instead of "
                    "making a second one.",
    )


def created_status(obj):
    """201 for a new record; 200 for the same request sent again with its Idempotency-Key."""
    return http.HTTP_200_OK if getattr(obj, "repeated", False) else http.HTTP_201_CREATED


# --- Shared fields and summaries -----------------------------------------------------------


class NamedEnumField(serializers.ChoiceField):
    """A ChoiceField whose OpenAPI enum is a component of its own name.

    drf-spectacular names enums after their field and warns (which fails `--fail-on-warn`) when one
    field name, like "status" or "kind", carries different choice sets in several components: a
    referral's status, a case's, an intervention's and a condition's are all "status".
    """

    def __init__(self, *, enum_name, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedEnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedEnumField

    def get_name(self):
        return self.target.enum_name

    def map_serializer_field(self, auto_schema, direction):
        choices = self.target.choices
        return {
            "type": "string",
            "enum": list(choices),
            "description": "\n".join(f"* `{value}` - {label}" for value, label in choices.items()),
        }


class OrganisationSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    given_name = serializers.CharField(read_only=True)
    family_name = serializers.CharField(read_only=True)
    date_of_birth = serializers.DateField(read_only=True)
