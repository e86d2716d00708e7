"""Our API list against the stack's practical limit and its floor, in the same run, as ratios.

The practical limit: a bare DRF ListAPIView over the same referral table, with the same page size, the same
fields and the same keyset pagination, signed in by the same token, but with no access policy (every referral,
no scope, no audit). The floor: the SQL our list ran for that page, run again bare through a cursor.
The bare view is served from this module's URLs only while it is measured: no deployment has it.
"""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import path, reverse
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated

from config import urls
from referrals.api import ReferralPagination, ReferralSerializer
from referrals.models import Referral

from .measure import timing

BARE = "bench-bare-referrals"


class BareSerializer(serializers.ModelSerializer):
    """ReferralSerializer's fields, read the plainest way DRF offers (no access question for the risk rating)."""

    status_display = serializers.CharField(source="get_status_display")
    referring_organisation = serializers.CharField(source="referring_organisation.name")
    concerns = serializers.SlugRelatedField(many=True, read_only=True, slug_field="concern")
    allocated_to = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = tuple(f for f in ReferralSerializer.Meta.fields if f != "submit")

    def get_allocated_to(self, referral):
        return referral.live_partner.name if referral.live_partner_id else None


class BarePagination(CursorPagination):
    ordering = ReferralPagination.ordering
    page_size = ReferralPagination.page_size


class BareList(generics.ListAPIView):
    serializer_class = BareSerializer
    pagination_class = BarePagination
    permission_classes = [IsAuthenticated]
    queryset = Referral.objects.select_related("referring_organisation", "live_partner").prefetch_related("concerns")


urlpatterns = [*urls.urlpatterns, path("bench/bare-referrals/", BareList.as_view(), name=BARE)]


def _timed(get, requests):
    get()  # warm
    seconds = []
    for _ in range(requests):
        started = time.perf_counter()
        get()
        seconds.append(time.perf_counter() - started)
    return timing(seconds)


def run(scale, client):
    """`client` is the partner's token client the API list was measured with."""
    ours_url = reverse("api-referral-list")

    def ours():
        response = client.get(ours_url)
        assert response.status_code == 200, response.status_code
        return response

    # Counted at once: each request of the test client empties the connection's query log.
    with CaptureQueriesContext(connection) as captured:
        rows = len(ours().json()["results"])
    ours_queries = len(captured)
    statements = [(q["sql"], None) for q in captured.captured_queries
                  if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "INSERT", "UPDATE"))]

    with override_settings(ROOT_URLCONF=__name__):
        bare_url = reverse(BARE)

        def bare():
            response = client.get(bare_url)
            assert response.status_code == 200, response.status_code
            return response

        with CaptureQueriesContext(connection) as captured_bare:
            bare_rows = len(bare().json()["results"])
        bare_queries = len(captured_bare)
        bare_result = _timed(bare, scale.requests)

    def floor():
        with connection.cursor() as cursor:
            for sql, _ in statements:
                cursor.execute(sql)
                cursor.fetchall()

    ours_result = _timed(ours, scale.requests)
    floor_result = _timed(floor, scale.requests)
    return {
        "ours": ours_result, "bare_drf": bare_result, "floor_sql": floor_result,
        "rows": rows, "bare_rows": bare_rows, "ours_queries": ours_queries, "bare_queries": bare_queries,
        "floor_statements": len(statements),
        "ratio_p50": round(ours_result["p50_ms"] / bare_result["p50_ms"], 2),
        "ratio_p95": round(ours_result["p95_ms"] / bare_result["p95_ms"], 2),
        "floor_ratio_p50": round(ours_result["p50_ms"] / floor_result["p50_ms"], 1),
    }
