"""A list page's rows, represented with the walk planned once a page, read exactly as DRF's own walk reads them."""

import datetime
import types

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from core.api_lists import PlannedListSerializer
from partners.access import acting_for
from referrals import services
from referrals.api import ReferralSerializer
from referrals.models import Referral
from tests.referrals.factories import referral_data
from tests.referrals.test_api import submitted, token_client
from tests.referrals.test_hand_back_visibility import allocated_to


class Owner:
    name = "Owner Example"

    def shout(self):
        return self.name.upper()


class EdgeSerializer(serializers.Serializer):
    plain = serializers.CharField()
    number = serializers.IntegerField()
    nested = serializers.CharField(source="owner.name", allow_null=True)
    missing_with_default = serializers.CharField(default="none given")
    missing_optional = serializers.CharField(required=False)
    method_source = serializers.CharField(source="owner.shout", allow_null=True)
    when = serializers.DateField(allow_null=True)
    at = serializers.DateTimeField(allow_null=True)
    computed = serializers.SerializerMethodField()

    class Meta:
        list_serializer_class = PlannedListSerializer

    def get_computed(self, row):
        return f"{row['plain'] if isinstance(row, dict) else row.plain}!"


def _rows():
    utc = datetime.UTC
    with_owner = types.SimpleNamespace(plain="a", number="7", owner=Owner(), when=datetime.date(2026, 3, 4),
                                       at=datetime.datetime(2026, 7, 1, 9, 30, tzinfo=utc))
    without_owner = types.SimpleNamespace(plain="b", number=8, owner=None, when=None,
                                          at=datetime.datetime(2026, 12, 1, 9, 30, tzinfo=utc))
    as_dict = {"plain": "c", "number": 9, "owner": None, "when": None, "missing_optional": "here",
               "at": datetime.datetime(2026, 7, 1, 9, 30)}
    return [with_owner, without_owner, as_dict]


def test_every_edge_of_drfs_walk_reads_the_same():
    rows = _rows()
    planned = EdgeSerializer(rows, many=True).data
    one_by_one = [EdgeSerializer(row).data for row in rows]
    assert planned == one_by_one
    # What the walk does, said once: a nested None is null, a callable is called, a missing optional is left out.
    assert planned[0]["method_source"] == "OWNER EXAMPLE" and planned[1]["nested"] is None
    assert "missing_optional" not in planned[0] and planned[2]["missing_optional"] == "here"
    assert planned[0]["number"] == 7 and planned[0]["when"] == "2026-03-04"
    # In England's time, as the portal's API says it: summer time has its offset, winter is UTC.
    assert [row["at"] for row in planned] == ["2026-07-01T10:30:00+01:00", "2026-12-01T09:30:00Z", "2026-07-01T09:30:00+01:00"]


@pytest.mark.django_db
def test_the_referral_list_reads_each_row_as_the_record_reads_it(referrer, triager, caseworker, yos):
    allocated, _ = allocated_to(yos, referrer, triager)
    submitted(referrer)
    draft = services.save_draft(acting_for(referrer), referral_data(urgent=None, postcode=""), now=timezone.now())
    client = token_client(caseworker)
    assert client.get(reverse("api-referral-list")).json()["results"][0]["id"] == allocated.pk
    for user in (triager, referrer, caseworker):
        request = APIRequestFactory().get("/")
        request.acting = acting_for(user)
        rows = list(Referral.objects.filter(pk__in=[allocated.pk, draft.pk]).order_by("pk"))
        context = {"request": request}
        assert isinstance(ReferralSerializer(many=True), PlannedListSerializer)
        planned = ReferralSerializer(rows, many=True, context=context).data
        assert planned == [ReferralSerializer(row, context=context).data for row in rows]
        assert planned[0]["allocated_to"] == yos.name and planned[0]["concerns"] == ["weapon"]
        assert planned[0]["rag"] == (None if user == referrer else "amber")
        assert (planned[1]["urgent"], planned[1]["status"], planned[1]["decision"]) == (None, "draft", None)
