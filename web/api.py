"""The search for young people over the API: the same search, scope and audit as the page (web/views_search.py)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core import clock
from core.api import ServiceErrorsMixin
from partners.api_auth import TokenScope, capability
from partners.models import Area
from referrals import terms
from reporting.rules import AGE_BANDS

from .search import find, summaries


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(help_text="Name, date of birth, referral or crime reference, postcode, UPN or NHS number",
                              trim_whitespace=True)
    area = serializers.ChoiceField(choices=Area.choices, required=False)
    age = serializers.ChoiceField(choices=[(key, label) for key, label, _lo, _hi in AGE_BANDS], required=False)
    open = serializers.BooleanField(required=False, default=False, help_text="Only young people with open work")


class WorkSerializer(serializers.Serializer):
    label = serializers.CharField()
    open = serializers.BooleanField()


class FoundSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="person.pk")
    given_name = serializers.CharField(source="person.given_name")
    family_name = serializers.CharField(source="person.family_name")
    preferred_name = serializers.CharField(source="person.preferred_name")
    date_of_birth = serializers.DateField(source="person.date_of_birth")
    area = serializers.CharField(source="person.area")
    why = serializers.CharField(help_text="Why this person matched, in words")
    score = serializers.IntegerField()
    work = WorkSerializer(many=True, source="summary.items")


class SearchAnswer(serializers.Serializer):
    results = FoundSerializer(many=True)
    more = serializers.BooleanField(help_text="More young people matched than are listed: add a term")
    problems = serializers.ListField(child=serializers.CharField(), help_text="What in `q` could not be read")


class SearchView(ServiceErrorsMixin, APIView):
    """Find young people: who is found is the access policy's answer; every search is audited.

    One answer, not a paged list: the closest matches (at most 25) and whether more matched."""

    renderer_classes = [JSONRenderer]
    permission_classes = [IsAuthenticated, TokenScope, capability("search_young_people")]

    @property
    def acting(self):
        return self.request.acting

    @extend_schema(operation_id="search_young_people", parameters=[SearchQuery], responses=SearchAnswer)
    def get(self, request):
        query = SearchQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data, today = query.validated_data, clock.today()
        typed = terms.parse(data["q"], today=today)
        if typed.is_empty:
            raise serializers.ValidationError({"q": ["Give at least two letters of a name, a date of birth, a reference "
                                                     "or an identifier"]})
        result = find(self.acting, typed, where="api", today=today, area=data.get("area"), age=data.get("age"),
                      only_open=data["open"])
        work = summaries(self.acting, [f.person for f in result])
        for found in result:
            found.summary = work[found.person.pk]
        return Response(SearchAnswer({"results": result.found, "more": result.more, "problems": typed.problems}).data)
