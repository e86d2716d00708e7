"""Issue 12: only the triager who has claimed a referral sees its decision form, and the service refuses anyone
else's decision (access rule referrals.decide) as a message on the page, never a server error."""

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.access import NotAllowed, acting_for
from partners.models import AuditAction, AuditEvent
from referrals import services
from referrals.models import Status
from tests.factories import member
from tests.referrals.factories import referral_data

pytestmark = pytest.mark.django_db

SIGNPOST = {"decision": "signpost", "rag": "green", "signpost_to": "Youth club"}


def submitted(referrer):
    acting, now = acting_for(referrer), timezone.now()
    return services.submit_referral(acting, services.save_draft(acting, referral_data(), now=now), now=now)


@pytest.fixture
def colleague(vru):
    return member(organisation=vru, role="triager", email="colleague@vru.example.org", full_name="Colin Colleague")


def test_a_decision_on_a_referral_nobody_has_claimed_is_refused_and_audited(referrer, triager):
    referral = submitted(referrer)
    with pytest.raises(NotAllowed, match="Claim this referral"):
        services.decide(acting_for(triager), referral, now=timezone.now(), **SIGNPOST)
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED and referral.decision == ""


def test_the_claimant_decides(referrer, triager):
    referral = submitted(referrer)
    services.claim(acting_for(triager), referral, now=timezone.now())
    services.decide(acting_for(triager), referral, now=timezone.now(), **SIGNPOST)
    referral.refresh_from_db()
    assert referral.status == Status.SIGNPOSTED


def test_the_decision_form_is_shown_only_to_the_claimant(client, referrer, triager, colleague):
    referral = submitted(referrer)
    url = reverse("triage-referral", args=[referral.pk])
    client.force_login(triager)
    unclaimed = client.get(url).content.decode()
    assert "Record decision" not in unclaimed and "Claim this referral to record its decision." in unclaimed
    client.post(reverse("triage-claim", args=[referral.pk]))
    assert "Record decision" in client.get(url).content.decode()
    client.force_login(colleague)
    held = client.get(url).content.decode()
    assert "Record decision" not in held
    assert f"Only {triager}, who is working on this referral, can record its decision." in held


def test_a_posted_decision_from_someone_else_is_a_message_on_the_page(client, referrer, triager, colleague):
    referral = submitted(referrer)
    services.claim(acting_for(triager), referral, now=timezone.now())
    client.force_login(colleague)
    response = client.post(reverse("triage-decide", args=[referral.pk]), SIGNPOST)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and 'href="#claim-status"' in page and 'id="claim-status"' in page
    assert "Claim this referral before you record a decision" in page
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE and referral.claimed_by == triager
    refusal = AuditEvent.objects.get(action=AuditAction.DENIED, actor=colleague)
    assert refusal.detail == {"action": "referrals.decide"} and refusal.object_id == str(referral.pk)
