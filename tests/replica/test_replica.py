"""With REPLICA_DATABASE_URL set, the heavy readers read from a real streaming replica, and nobody misses their own
change. Each test pauses the replica's replay, so that what the primary has and the replica has not yet tells
which one a page read from."""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import replica as replica_reads
from partners.models import Membership
from referrals.models import Referral
from tests.referrals.test_api import payload, token_client
from tests.referrals.test_triage_pages import submit

pytestmark = pytest.mark.replica


def _this_month():
    today = timezone.localdate()
    return {"preset": "custom", "start_0": "1", "start_1": str(today.month), "start_2": str(today.year),
            "end_0": str(today.day), "end_1": str(today.month), "end_2": str(today.year)}


def _received(client):
    response = client.get(reverse("figures"), _this_month())
    assert response.status_code == 200
    total = next(f for f in response.context["section"].figures if f.slug == "total")
    return total.rows[0].cells["current"].count


def test_the_figures_are_read_from_the_replica(replica, client, referrer, vru_manager):
    submit(referrer)
    replica.pause()
    submit(referrer)  # on the primary only, while the replica waits
    client.force_login(vru_manager)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert _received(client) == 1  # the replica's copy, a referral behind
    assert any("referrals_referral" in q["sql"] for q in on_replica.captured_queries)
    # Who the manager is and what they may do is the primary's answer, never the copy's.
    assert not any("partners_membership" in q["sql"] for q in on_replica.captured_queries)
    replica.resume()
    assert _received(client) == 2


def test_a_page_right_after_a_write_sees_the_write(replica, referrer, school):
    writer = token_client(referrer)
    onlooker = token_client(referrer)  # the same person's other system: it changed nothing
    writer.post(reverse("api-referral-list"), payload(given_name="Avery"), format="json")
    replica.pause()
    made = writer.post(reverse("api-referral-list"), payload(given_name="Blake"), format="json")
    assert made.status_code == 201, made.json()
    listed = [r["given_name"] for r in writer.get(reverse("api-referral-list")).json()["results"]]
    assert listed == ["Blake", "Avery"]  # from the primary: the writer is pinned to it for a while
    assert [r["given_name"] for r in onlooker.get(reverse("api-referral-list")).json()["results"]] == ["Avery"]


def test_reads_in_a_transaction_and_of_who_may_do_what_stay_on_the_primary(replica, referrer):
    submit(referrer)
    replica.pause()
    submit(referrer)
    Membership.objects.filter(user=referrer).update(active=False)
    with replica_reads.reads():
        assert Referral.objects.count() == 1  # the replica's copy, a referral behind
        with transaction.atomic():
            assert Referral.objects.select_for_update().count() == 2  # a transaction sees the primary
            assert Referral.objects.count() == 2
        assert not Membership.objects.filter(user=referrer, active=True).exists()  # the primary's answer
    assert Referral.objects.count() == 2  # outside the heavy readers: the primary
