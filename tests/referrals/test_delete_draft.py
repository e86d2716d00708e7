"""Issue 12: the author of a draft deletes it after a confirmation page (audited, its answers blanked, gone for
everyone), and "Start now" offers the drafts they have not sent before making another."""

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.access import NotAllowed, NotFound, acting_for
from partners.models import AuditAction, AuditEvent, Role
from referrals import services
from referrals.models import Referral, ReferralConcern
from tests.factories import member
from tests.referrals.factories import referral_data

pytestmark = pytest.mark.django_db


def draft(user, **data):
    return services.save_draft(acting_for(user), referral_data(**data), now=timezone.now())


@pytest.fixture
def colleague(school):
    return member(role=Role.REFERRER, organisation=school, email="deputy@school-a.example.org")


def test_the_author_deletes_a_draft_after_confirming(client, referrer):
    mine = draft(referrer, given_name="Avery")
    client.force_login(referrer)
    listing = client.get(reverse("my-referrals")).content.decode()
    assert reverse("referral-delete", args=[mine.pk]) in listing
    confirm = client.get(reverse("referral-delete", args=[mine.pk])).content.decode()
    assert "Are you sure you want to delete this draft referral?" in confirm
    assert "govuk-warning-text" in confirm and "govuk-button--warning" in confirm
    response = client.post(reverse("referral-delete", args=[mine.pk]))
    assert response["Location"] == reverse("my-referrals")
    assert "Avery" not in client.get(reverse("my-referrals")).content.decode()
    assert client.get(reverse("referral-step", args=[mine.pk, "young-person"])).status_code == 404
    mine.refresh_from_db()
    assert mine.deleted_at is not None and mine.given_name == "" and mine.date_of_birth is None
    assert not ReferralConcern.objects.filter(referral=mine).exists()
    assert mine.events.filter(kind="deleted").exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_id=str(mine.pk), actor=referrer).exists()


def test_only_the_author_may_delete_a_draft(client, referrer, colleague, other_referrer):
    theirs = draft(referrer)
    client.force_login(colleague)
    assert reverse("referral-delete", args=[theirs.pk]) not in client.get(reverse("my-referrals")).content.decode()
    assert client.post(reverse("referral-delete", args=[theirs.pk])).status_code == 403
    with pytest.raises(NotAllowed):
        services.delete_draft(acting_for(colleague), theirs, now=timezone.now())
    with pytest.raises(NotFound):
        services.delete_draft(acting_for(other_referrer), theirs, now=timezone.now())
    assert Referral.objects.get(pk=theirs.pk).deleted_at is None


def test_a_submitted_referral_is_not_deleted(client, referrer):
    sent = services.submit_referral(acting_for(referrer), draft(referrer), now=timezone.now())
    client.force_login(referrer)
    assert client.post(reverse("referral-delete", args=[sent.pk]))["Location"] == reverse("referral-detail", args=[sent.pk])
    sent.refresh_from_db()
    assert sent.deleted_at is None and sent.given_name


def test_start_now_offers_to_continue_the_drafts_not_sent(client, referrer, colleague):
    client.force_login(referrer)
    fresh = client.get(reverse("referral-start")).content.decode()
    assert "Start now" in fresh and "you have not sent" not in fresh
    mine = draft(referrer, given_name="Casey")
    draft(colleague, given_name="Drew")  # a colleague's draft is theirs to continue
    page = client.get(reverse("referral-start")).content.decode()
    assert "You have a referral you have not sent" in page and "Casey" in page and "Drew" not in page
    assert reverse("referral-delete", args=[mine.pk]) in page
    assert reverse("referral-check", args=[mine.pk]) in page  # every answer given: continue at the check page
    assert "Start a new referral" in page
