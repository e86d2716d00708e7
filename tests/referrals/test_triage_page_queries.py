"""The triage page costs the same number of queries whatever the referral: new or known, matched or not, allocated,
asked a question, with notes. The benchmark measures it on a million referrals."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents import services as documents
from partners.access import acting_for
from referrals import services
from referrals.models import PossibleMatch, Referral
from tests.referrals.test_triage_pages import submit as submit_as

NAMES = iter(["Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Indigo", "Jules", "Kai", "Logan"])


def submit(user):
    """A referral of a young person no other referral names (so no possible matches of its own)."""
    given = next(NAMES)
    return submit_as(user, given_name=given, family_name=f"{given}son", date_of_birth=datetime.date(2010, 1, 1))

pytestmark = pytest.mark.django_db


def _queries(client, referral):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("triage-referral", args=[referral.pk])).status_code == 200
    return len(queries)


def test_the_triage_page_takes_as_many_queries_for_any_referral(client, triager, referrer, yos):
    now = timezone.now()
    triage = acting_for(triager)
    client.force_login(triager)
    plain = submit(referrer)
    counts = {"new young person": _queries(client, plain)}

    known = submit(referrer)
    for earlier in (submit(referrer), submit(referrer)):
        Referral.objects.filter(pk=earlier.pk).update(young_person=known.young_person)
    counts["known, with earlier referrals"] = _queries(client, known)

    matched = submit(referrer)
    for candidate in (known, plain):
        PossibleMatch.objects.get_or_create(referral=matched, candidate=candidate.young_person,
                                            defaults={"reasons": ["name"], "score": 80})
    counts["two possible matches"] = _queries(client, matched)

    asked = submit(referrer)
    services.claim(triage, asked, now=now)
    services.decide(triage, asked, decision="request_info", question="Which school year?", now=now)
    counts["asked a question"] = _queries(client, asked)

    allocated = submit(referrer)
    services.claim(triage, allocated, now=now)
    services.decide(triage, allocated, decision="allocate", rag="amber", organisation=yos,
                    programme="Knife crime programme", reason="Meets the threshold.", now=now)
    documents.add_note(triage, allocated, text="Checked with the school.", shared=True, now=now)
    counts["allocated, with a note"] = _queries(client, allocated)

    assert len(set(counts.values())) == 1, counts

    # The claimant also gets the decision form, whose partner list is one query more: the same for any referral.
    # (A triager holds one claim at a time: each claim here releases the one before.)
    claimed = {}
    for name, referral in (("new", submit(referrer)), ("known", known), ("matched, with a note", matched)):
        if referral is matched:
            documents.add_note(triage, matched, text="Two possible matches to check.", shared=False, now=now)
        services.claim(triage, referral, now=now)
        claimed[name] = _queries(client, referral)
    assert set(claimed.values()) == {counts["new young person"] + 1}, claimed
