"""The figures as JSON (/api/v1/figures/ and /api/v1/figures/<section>/), scoped exactly as the page.

Thin: the query parameters are the page's period chooser (a preset, or start and end dates, both days
included) and area; the numbers come from `reporting.selectors`. Like a CSV download, every call is an
audited export. Numbers under 5 are given as they are, as on the page: the caller is inside the
partnership and answers for what it passes on (the CSV downloads are what is meant to leave).
"""

from datetime import timedelta

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core import clock
from core.api import ApiViewSet, NamedEnumField
from partners.api_auth import TokenScope, capability
from partners.models import Area

from . import figures as f
from . import rules, selectors, services

KINDS = [(f.COUNT, "A count"), (f.PERCENT, "A share: numerator of denominator"), (f.HOURS, "Hours"),
         (f.RELATIVE_RATE, "A relative rate against the White group, with its 95% interval"),
         (f.PER_1000, "A rate per 1,000 people")]


class FigureQuerySerializer(serializers.Serializer):
    preset = NamedEnumField(enum_name="FigurePeriodEnum", choices=list(rules.PRESETS.items()), required=False,
                            help_text="last_month, last_quarter or last_12_months (the default); custom with start and end.")
    start = serializers.DateField(required=False, help_text="With preset=custom: the first day.")
    end = serializers.DateField(required=False, help_text="With preset=custom: the last day (included).")
    area = NamedEnumField(enum_name="FigureAreaEnum", choices=Area.choices, required=False,
                          help_text="One local authority area; all areas when left out.")

    def validate(self, data):
        preset = data.get("preset") or rules.LAST_12_MONTHS
        if preset != rules.CUSTOM:
            data["period"] = rules.preset_period(preset, clock.today())
            return data
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            missing = "start" if start is None else "end"
            raise serializers.ValidationError({missing: "Give both start and end with preset=custom."})
        if end < start:
            raise serializers.ValidationError({"end": "The end date must be the same as or after the start date."})
        if (end - start).days >= rules.MAX_PERIOD_DAYS:
            raise serializers.ValidationError({"end": "Choose a period of 5 years or less."})
        data["period"] = rules.Period(start, end + timedelta(days=1))
        return data


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(source="last_day", help_text="The last day, included.")


class CellSerializer(serializers.Serializer):
    count = serializers.IntegerField(allow_null=True, help_text="For a count.")
    numerator = serializers.IntegerField(source="num", allow_null=True)
    denominator = serializers.IntegerField(source="den", allow_null=True)
    value = serializers.FloatField(allow_null=True, help_text="A share (0 to 1), hours, or a relative rate.")
    ci_low = serializers.FloatField(source="low", allow_null=True)
    ci_high = serializers.FloatField(source="high", allow_null=True)
    comparator_numerator = serializers.IntegerField(source="ref_num", allow_null=True)
    comparator_denominator = serializers.IntegerField(source="ref_den", allow_null=True)


class RowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = NamedEnumField(enum_name="FigureKindEnum", choices=KINDS)
    rate_kind = NamedEnumField(enum_name="FigureRateKindEnum", choices=KINDS,
                               help_text="For a relative rate: how the group's own rate is expressed.")
    current = CellSerializer(source="cells.current")
    previous = CellSerializer(source="cells.previous")
    year_ago = CellSerializer(source="cells.year_ago")


class MonthCountSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="The first day of the month.")
    count = serializers.IntegerField()


class FigureSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    note = serializers.CharField()
    rows = RowSerializer(many=True)
    series = serializers.SerializerMethodField(help_text="A monthly trend, for the figures that are one.")

    @extend_schema_field(MonthCountSerializer(many=True))
    def get_series(self, figure):
        return [{"month": month, "count": n} for month, n in figure.series]


class SectionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    figures = FigureSerializer(many=True)


class FiguresSerializer(serializers.Serializer):
    scope = serializers.CharField(help_text="'all' for the VRU; otherwise 'own work of <organisation>'.")
    area = serializers.CharField(help_text="The area, or empty for all areas.")
    current = PeriodSerializer()
    previous = PeriodSerializer()
    year_ago = PeriodSerializer()
    sections = SectionSerializer(many=True)


class FiguresViewSet(ApiViewSet):
    """The managers' figures. Any manager; the VRU's cover everything, another organisation's its own work."""

    permission_classes = [IsAuthenticated, TokenScope, capability("view_figures")]
    lookup_field = "section"
    lookup_value_regex = "[a-z-]+"

    def _query(self, request):
        query = FigureQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data["period"], query.validated_data.get("area", "")

    def _answer(self, period, area, sections):
        acting = self.acting
        periods = rules.comparisons(period)
        data = {"scope": "all" if acting.is_vru else f"own work of {acting.organisation.name}", "area": area,
                **{key: periods[key] for key in rules.PERIOD_KEYS}, "sections": sections}
        return FiguresSerializer(data).data

    @extend_schema(parameters=[FigureQuerySerializer], responses=FiguresSerializer)
    def list(self, request):
        """Every figure for the period (with the previous period and a year earlier) and area."""
        period, area = self._query(request)
        sections = selectors.sections(self.acting, period, area)
        services.record_export(self.acting, what="figures_api", section="all", period=period, area=area, request=request)
        return Response(self._answer(period, area, sections))

    @extend_schema(parameters=[FigureQuerySerializer],
                   responses={200: FiguresSerializer, 404: OpenApiResponse(description="No such section.")})
    def retrieve(self, request, section=None):
        """One section: referrals, triage, interventions, diversion, re-referrals or disproportionality."""
        if section not in f.SECTIONS:
            raise NotFound("No such section of the figures.")
        period, area = self._query(request)
        chosen = selectors.section(self.acting, section, period, area)
        services.record_export(self.acting, what="figures_api", section=section, period=period, area=area, request=request)
        return Response(self._answer(period, area, [chosen]))
