"""Two triagers pressing "Take next" at the same moment never get the same referral."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from partners.access import acting_for
from partners.models import Role
from referrals import services
from referrals.models import Referral, Status
from tests.factories import member
from tests.referrals.factories import ReferralFactory


@pytest.mark.django_db(transaction=True)
def test_two_triagers_taking_next_at_once_never_share_an_item(vru, referrer):
    items = {ReferralFactory(created_by=referrer, status=Status.SUBMITTED).pk for _ in range(50)}
    triagers = [member(role=Role.TRIAGER, organisation=vru) for _ in range(2)]
    start = threading.Barrier(2)
    taken = {t.pk: [] for t in triagers}
    errors = []

    def work(user):
        acting = acting_for(user)
        try:
            start.wait()
            while True:
                referral = services.claim_next(acting, now=timezone.now())
                if referral is None:
                    break
                taken[user.pk].append(referral.pk)
                # Deciding takes it out of the queue; until then only this triager holds it.
                services.decide(acting, referral, decision="signpost", rag="green", signpost_to="Youth club",
                                now=timezone.now())
        except Exception as exc:  # surfaced below, with the thread's own error
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(t,)) for t in triagers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    first, second = taken.values()
    assert not set(first) & set(second), "the same referral was claimed twice"
    assert sorted(first + second) == sorted(items), "a referral was lost"
    assert first and second, "both triagers should have had work"
    assert Referral.objects.filter(status=Status.SIGNPOSTED).count() == 50
