"""Issue 12: "Correct this entry" only on what a person of the VRU wrote, never on the portal's own entries
("Draft started", "Submitted", "Claimed"); the service and the page refuse the rest (referrals.correct_event)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.access import NotAllowed, acting_for
from referrals import rules, services
from tests.referrals.factories import referral_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def signposted(referrer, triager):
    school, vru, now = acting_for(referrer), acting_for(triager), timezone.now()
    referral = services.submit_referral(school, services.save_draft(school, referral_data(), now=now), now=now)
    services.claim(vru, referral, now=now)
    services.decide(vru, referral, decision="signpost", rag="green", signpost_to="Youth club", now=now)
    return referral


def test_the_portal_s_own_entries_are_not_correctable():
    assert not any(rules.is_correctable(kind) for kind in ("created", "submitted", "claimed", "released", "correction"))
    assert all(rules.is_correctable(kind) for kind in ("signposted", "rag_rated", "declined", "closed", "info_requested"))


def test_the_triage_timeline_offers_a_correction_only_on_entries_a_person_wrote(client, triager, signposted):
    client.force_login(triager)
    page = client.get(reverse("triage-referral", args=[signposted.pk])).content.decode()
    for kind in ("created", "submitted", "claimed"):
        event = signposted.events.get(kind=kind)
        assert reverse("triage-correct", args=[event.pk]) not in page
    for kind in ("signposted", "rag_rated"):
        assert reverse("triage-correct", args=[signposted.events.get(kind=kind).pk]) in page


def test_correcting_a_system_entry_is_refused(client, triager, signposted):
    claimed = signposted.events.get(kind="claimed")
    with pytest.raises(NotAllowed):
        services.correct(acting_for(triager), claimed, summary="Claimed by someone else", reason="Wrong", now=timezone.now())
    client.force_login(triager)
    assert client.get(reverse("triage-correct", args=[claimed.pk])).status_code == 403
    assert not signposted.events.filter(kind="correction").exists()
