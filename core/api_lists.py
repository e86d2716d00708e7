"""A list page's rows read to the same JSON as the serializer's own, with the per-field walk planned once a page.

DRF's Serializer.to_representation asks each field of each row for its value through a generic walk (a Mapping
check, a callable check, the handling of defaults and missing attributes) before it converts it. A page's rows are
alike, so here the walk is planned once: a field whose source is a plain attribute path is read with
operator.attrgetter and converted by the field's own to_representation (an ISO datetime by its time zone, looked up
once); a method field calls its method. A related
field (its primary-key shortcut), a field whose value is callable (a manager, a method) and any value the plain
path cannot read go the serializer's own way, so the answer is the same (tests/test_api_lists.py holds it so).
"""

import datetime
import operator

from django.db import models
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import ManyRelatedField, PKOnlyObject, RelatedField
from rest_framework.settings import api_settings

_GENERIC = object()


def _step(field):
    if isinstance(field, serializers.SerializerMethodField):
        return field.field_name, None, getattr(field.parent, field.method_name), field
    plain = (field.source != "*" and field.source_attrs
             and not isinstance(field, RelatedField | ManyRelatedField | serializers.BaseSerializer))
    getter = operator.attrgetter(".".join(field.source_attrs)) if plain else None
    return field.field_name, getter or _GENERIC, _datetime(field) or field.to_representation, field


def _datetime(field):
    """An ISO datetime field's conversion with its time zone looked up once a page, not once a value (a
    context-local lookup: a fifth of a referral list's representation)."""
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if type(field) is not serializers.DateTimeField or output_format is None or output_format.lower() != ISO_8601:
        return None
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if zone is None:
        return None

    def convert(value):
        if not isinstance(value, datetime.datetime) or value.utcoffset() is None:
            return field.to_representation(value)  # naive, or not a datetime: DRF's own way
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return field.to_representation(value)
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _generic(field, row):
    attribute = field.get_attribute(row)  # may raise SkipField, as in DRF
    if attribute is None or (isinstance(attribute, PKOnlyObject) and attribute.pk is None):
        return None
    return field.to_representation(attribute)


def _represent(plan, row):
    out = {}
    for name, getter, convert, field in plan:
        if getter is None:
            out[name] = convert(row)
            continue
        if getter is not _GENERIC:
            try:
                value = getter(row)
            except Exception:  # whatever the plain path cannot read, DRF's own walk answers
                value = _GENERIC
            if value is not _GENERIC and not callable(value):
                out[name] = None if value is None else convert(value)
                continue
        try:
            out[name] = _generic(field, row)
        except SkipField:
            pass
    return out


class PlannedListSerializer(serializers.ListSerializer):
    """Set as a read serializer's Meta.list_serializer_class: its lists are represented row by row as above."""

    def to_representation(self, data):
        rows = data.all() if isinstance(data, models.manager.BaseManager) else data
        plan = [_step(field) for field in self.child._readable_fields]
        return [_represent(plan, row) for row in rows]
