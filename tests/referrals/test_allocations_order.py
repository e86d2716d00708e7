"""'Allocated to us -> Current' is in the order a partner works it: allocations waiting for them to accept first, by
when they must be accepted; then first contacts still to make, by their due date; then the rest. The database
orders it, from an index, so the allocations waiting are on page 1 however many there are."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from partners.access import acting_for
from referrals import selectors
from referrals.models import Allocation
from tests.referrals.test_list_names import allocate, submit

pytestmark = pytest.mark.django_db


def _allocations(triager, referrer, yos, n, start=0):
    return [allocate(triager, submit(referrer, i), yos) for i in range(start, start + n)]


def test_waiting_for_us_comes_first_then_first_contacts_by_due_date_then_the_rest(triager, referrer, caseworker, yos):
    waiting_late, waiting_soon, contact_soon, contact_later, contacted = _allocations(triager, referrer, yos, 5)
    now = timezone.now()
    Allocation.objects.filter(pk=waiting_late.pk).update(accept_due=now + timedelta(days=3))
    Allocation.objects.filter(pk=waiting_soon.pk).update(accept_due=now + timedelta(hours=2))
    accepted = dict(state="accepted", accepted_at=now, accept_due=now - timedelta(days=9))
    Allocation.objects.filter(pk=contact_soon.pk).update(**accepted, first_contact_due=date(2026, 11, 1))
    Allocation.objects.filter(pk=contact_later.pk).update(**accepted, first_contact_due=date(2026, 11, 12))
    Allocation.objects.filter(pk=contacted.pk).update(**accepted, first_contact_due=date(2026, 6, 12),
                                                      first_contact_at=date(2026, 6, 10))
    order = [a.pk for a in selectors.allocations_for(acting_for(caseworker))]
    assert order == [waiting_soon.pk, waiting_late.pk, contact_soon.pk, contact_later.pk, contacted.pk]


def test_the_allocations_waiting_are_on_page_1_behind_30_accepted_with_earlier_deadlines(client, triager, referrer,
                                                                                        caseworker, yos):
    accepted = _allocations(triager, referrer, yos, 30)
    Allocation.objects.filter(pk__in=[a.pk for a in accepted]).update(
        state="accepted", accepted_at=timezone.now(), accept_due=timezone.now() - timedelta(days=30),
        first_contact_due=date(2026, 1, 5))
    waiting = _allocations(triager, referrer, yos, 4, start=30)
    client.force_login(caseworker)
    page = client.get(reverse("allocations")).context["page"]
    assert [a.pk for a in page][:4] == [a.pk for a in waiting] and page.paginator.count == 34


def test_the_current_list_is_read_in_order_from_the_index_without_a_sort(triager, referrer, caseworker, yos):
    _allocations(triager, referrer, yos, 3)
    queryset = selectors.allocations_for(acting_for(caseworker))[:25]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "alloc_org_current" in plan and "Sort" not in plan, plan
